// ResultsFile: writes a layout, appends samples and events, closes, and reads the file
// back with the HDF5 C API. Set STEPPE_KEEP_RESULTS=<path> to keep the main test file
// (e.g. for tests/python/read_results.py).
#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "hdf5_testing.hpp"
#include "solver/io/output_guard.hpp"
#include "solver/io/results_file.hpp"

namespace {

using steppe::Attribute;
using steppe::EventRecord;
using steppe::ResultsFile;
using steppe::ResultsLayout;
using steppe::WriterOptions;

using steppe::testing::Id;
using steppe::testing::read_string_attr;

std::string temp_path(const std::string& stem) {
  return (std::filesystem::temp_directory_path() /
          (stem + "_" + std::to_string(::getpid()) + ".h5"))
      .string();
}

template <class T>
T read_scalar_attr(hid_t obj, const char* name, hid_t mem_type) {
  Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  T v{};
  REQUIRE(H5Aread(attr, mem_type, &v) >= 0);
  return v;
}

std::vector<hsize_t> shape(hid_t ds) {
  Id space(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::vector<double> read_doubles(hid_t ds) {
  std::size_t n = 1;
  for (hsize_t d : shape(ds)) n *= d;
  std::vector<double> v(n);
  if (n > 0) REQUIRE(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
  return v;
}

std::vector<std::string> read_vlen_strings(hid_t ds) {
  const std::size_t n = shape(ds).at(0);
  Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  std::vector<char*> ptrs(n, nullptr);
  REQUIRE(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) >= 0);
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

std::vector<std::string> read_fixed_strings(hid_t ds) {
  const std::size_t n = shape(ds).at(0);
  Id type(H5Dget_type(ds), H5Tclose);
  REQUIRE(H5Tget_class(type) == H5T_STRING);
  REQUIRE(H5Tis_variable_str(type) == 0);
  CHECK(H5Tget_cset(type) == H5T_CSET_UTF8);
  const std::size_t width = H5Tget_size(type);
  std::vector<char> buf(n * width);
  REQUIRE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) >= 0);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < n; ++k) {
    const char* p = buf.data() + k * width;
    std::size_t len = 0;
    while (len < width && p[len] != '\0') ++len;
    out.emplace_back(p, len);
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80)
      extra = 0;
    else if ((c & 0xE0) == 0xC0)
      extra = 1;
    else if ((c & 0xF0) == 0xE0)
      extra = 2;
    else if ((c & 0xF8) == 0xF0)
      extra = 3;
    else
      return false;  // a stray continuation byte or an invalid lead byte
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

// Value of frame column `col` at sample `i`.
double sample_value(int col, int i) {
  return 1000.0 * col + i + 0.25;
}

// Sample `i` of every frame column (sample_value), appended at `time`.
void append_sample(ResultsFile& rf, std::vector<double>& frame, int i, double time) {
  for (std::size_t c = 0; c < frame.size(); ++c) frame[c] = sample_value(static_cast<int>(c), i);
  rf.append(time, frame);
}

struct TestLayout {
  ResultsLayout layout;
  int nodes = 0, profile = 0;
  int pressure = 0, temperature = 0, mode = 0, p_pressure = 0, p_flow = 0;
  TestLayout() {
    nodes = layout.add_group("lumped/nodes", {"N1", "Nödé-2", "N3"}, "node");
    profile = layout.add_coordinate_group("pipes/P1/profile", "distance",
                                          {0.0, 500.0, 1000.0, 1500.0}, "m", "distance along pipe");
    pressure = layout.add_series(nodes, "pressure", "Pa", "node pressure");
    temperature = layout.add_series(nodes, "temperature", "K", "gas temperature");
    mode = layout.add_series(nodes, "mode", "1", "node mode",
                             {{-1, "held"}, {0, "free"}, {2, "at_limit"}});
    p_pressure = layout.add_series(profile, "pressure", "Pa", "pressure along pipe");
    p_flow = layout.add_series(profile, "mass_flow", "kg s-1", "mass flow along pipe");
    const int maop = layout.add_static(nodes, "max_pressure", false, "Pa", "MAOP");
    layout.set_static(maop, 0, 70e5);
    layout.set_static(maop, 2, 55e5);
    const int zone = layout.add_static(nodes, "zone", true, "", "zone", "power/zones");
    layout.set_static(zone, 1, std::string("Süd"));
  }
};

}  // namespace

TEST_CASE("ResultsLayout assigns frame columns and validates", "[results]") {
  TestLayout t;
  CHECK(t.pressure == 0);
  CHECK(t.temperature == 3);
  CHECK(t.mode == 6);
  CHECK(t.p_pressure == 9);
  CHECK(t.p_flow == 13);
  CHECK(t.layout.frame_size() == 17);
  CHECK(t.layout.group_width(t.nodes) == 3);
  CHECK(t.layout.group_width(t.profile) == 4);
  CHECK_THROWS_AS(t.layout.add_series(t.nodes, "pressure", "Pa", "again"), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_series(7, "x", "", ""), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_series(t.nodes, "node", "", ""), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_series(t.nodes, "time", "", ""), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_series(t.nodes, "max_pressure", "", ""), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_static(t.nodes, "pressure", false, "", ""), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_static(t.profile, "x", false, "", ""), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_group("/lumped/nodes/", {}), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_group("events", {}), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_group("constraints/x", {}), std::invalid_argument);
  CHECK_THROWS_AS(t.layout.add_group("x/y", {}, "time"), std::invalid_argument);
}

TEST_CASE("ResultsFile writes a readable SWMR results file", "[results][hdf5]") {
  const char* keep = std::getenv("STEPPE_KEEP_RESULTS");
  const std::string path = keep && *keep ? std::string(keep) : temp_path("steppe_results");
  TestLayout t;
  const int n_samples = 1000;
  const int n_events = 100;  // more than one internal event batch
  // A long message of 2-byte characters: truncated to 256 bytes on a character boundary.
  std::string long_message;
  for (int k = 0; k < 200; ++k) long_message += "é";
  long_message = "x" + long_message;  // odd offset: byte 256 falls inside a character

  {
    WriterOptions opt;
    opt.chunk_samples = 64;
    opt.flush_every = 7;
    opt.deflate_level = 4;
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00",
                   {{"study", std::string("name: test\n")},
                    {"tool_version", std::string("0.1")},
                    {"rtol", 1e-6},
                    {"seed", std::int64_t{42}}},
                   opt);
    CHECK(rf.path() == path);
    std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()));
    CHECK_THROWS_AS(rf.append(0.0, std::span<const double>(frame.data(), 3)),
                    std::invalid_argument);
    for (int i = 0; i < n_samples; ++i) {
      append_sample(rf, frame, i, 10.0 * i);
      if (i % 10 == 3) {
        const int e = i / 10;
        EventRecord ev;
        ev.time = 10.0 * i;
        ev.kind = e % 2 ? "limit" : "mode";
        ev.element = e == 0 ? "" : fmt::format("N{}", e);
        ev.value = 0.5 * e;
        ev.message = e == 1 ? long_message : "event " + std::to_string(e);
        ev.units = e % 2 ? "Pa" : "1";
        ev.element_kind = e == 0 ? "" : "lumped node";
        rf.add_event(ev);
      }
    }
    CHECK(rf.samples_written() == (n_samples / 7) * 7);
    steppe::Table table;
    table.name = "constraints";
    table.dimension = "constraint";
    table.rows = 2;
    table.columns.push_back({"element", "", "element name", true, {}, {"N1", "N3"}});
    table.columns.push_back({"worst_value", "Pa", "worst", false, {71e5, 56e5}, {}});
    rf.close("completed",
             {{"steps", std::int64_t{1234}}, {"wall_time", 1.5}, {"message", std::string("ok")}},
             {table});
    CHECK(rf.samples_written() == n_samples);
    rf.close("failed", {});  // idempotent: ignored
    CHECK_THROWS_AS(rf.append(0.0, frame), std::logic_error);
  }

  {
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);

    SECTION("root attributes") {
      Id root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
      CHECK(read_string_attr(root, "file_type") == "steppe-results");
      CHECK(read_string_attr(root, "format_version") == steppe::kResultsFormatVersion);
      CHECK(read_string_attr(root, "status") == "completed");
      CHECK(read_string_attr(root, "study") == "name: test\n");
      CHECK(read_string_attr(root, "tool_version") == "0.1");
      CHECK(read_string_attr(root, "message") == "ok");
      CHECK(read_scalar_attr<double>(root, "rtol", H5T_NATIVE_DOUBLE) == 1e-6);
      CHECK(read_scalar_attr<std::int64_t>(root, "seed", H5T_NATIVE_INT64) == 42);
      CHECK(read_scalar_attr<std::int64_t>(root, "steps", H5T_NATIVE_INT64) == 1234);
      CHECK(read_scalar_attr<double>(root, "wall_time", H5T_NATIVE_DOUBLE) == 1.5);
    }

    SECTION("time") {
      Id time(H5Dopen2(file, "/time", H5P_DEFAULT), H5Dclose);
      CHECK(shape(time) == std::vector<hsize_t>{n_samples});
      const auto v = read_doubles(time);
      for (int i = 0; i < n_samples; ++i) REQUIRE(v[static_cast<std::size_t>(i)] == 10.0 * i);
      CHECK(read_string_attr(time, "units") == "seconds since 2024-01-01 00:00:00");
      CHECK(read_string_attr(time, "calendar") == "standard");
      CHECK(read_string_attr(time, "long_name") == "time");
      CHECK(H5DSis_scale(time) > 0);
      Id space(H5Dget_space(time), H5Sclose);
      hsize_t maxdims[1] = {0};
      H5Sget_simple_extent_dims(space, nullptr, maxdims);
      CHECK(maxdims[0] == H5S_UNLIMITED);
    }

    SECTION("named-element group") {
      Id names(H5Dopen2(file, "/lumped/nodes/node", H5P_DEFAULT), H5Dclose);
      CHECK(H5DSis_scale(names) > 0);
      // The group's time is /time itself (a hard link), so it reads as the same object.
      Id root_time(H5Dopen2(file, "/time", H5P_DEFAULT), H5Dclose);
      Id group_time(H5Dopen2(file, "/lumped/nodes/time", H5P_DEFAULT), H5Dclose);
      H5O_info_t a{}, b{};
      H5Oget_info(root_time, &a);
      H5Oget_info(group_time, &b);
      CHECK(a.addr == b.addr);
      CHECK(a.rc == 3);  // /time, /lumped/nodes/time, /pipes/P1/profile/time
      CHECK(read_vlen_strings(names) == std::vector<std::string>{"N1", "Nödé-2", "N3"});
      Id time(H5Dopen2(file, "/time", H5P_DEFAULT), H5Dclose);
      for (auto [name, col, units, long_name] :
           {std::tuple{"pressure", t.pressure, "Pa", "node pressure"},
            std::tuple{"temperature", t.temperature, "K", "gas temperature"}}) {
        Id ds(H5Dopen2(file, (std::string("/lumped/nodes/") + name).c_str(), H5P_DEFAULT),
              H5Dclose);
        CHECK(shape(ds) == std::vector<hsize_t>{n_samples, 3});
        CHECK(read_string_attr(ds, "units") == units);
        CHECK(read_string_attr(ds, "long_name") == long_name);
        CHECK(H5DSis_attached(ds, time, 0) > 0);
        CHECK(H5DSis_attached(ds, names, 1) > 0);
        const auto v = read_doubles(ds);
        for (int i = 0; i < n_samples; ++i)
          for (int k = 0; k < 3; ++k)
            REQUIRE(v[static_cast<std::size_t>(i * 3 + k)] == sample_value(col + k, i));
        Id dcpl(H5Dget_create_plist(ds), H5Pclose);
        CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
        hsize_t chunk[2] = {0, 0};
        CHECK(H5Pget_chunk(dcpl, 2, chunk) == 2);
        CHECK(chunk[0] == 7);  // = flush_every: each flush writes whole chunks
        CHECK(chunk[1] == 3);
        double fill = 0.0;
        CHECK(H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0);
        CHECK(std::isnan(fill));
        CHECK(H5Pget_nfilters(dcpl) == 2);  // shuffle + deflate
      }
      Id mode(H5Dopen2(file, "/lumped/nodes/mode", H5P_DEFAULT), H5Dclose);
      CHECK(read_string_attr(mode, "flag_meanings") == "held free at_limit");
      {
        Id attr(H5Aopen(mode, "flag_values", H5P_DEFAULT), H5Aclose);
        double v[3] = {0, 0, 0};
        REQUIRE(H5Aread(attr, H5T_NATIVE_DOUBLE, v) >= 0);
        CHECK(v[0] == -1.0);
        CHECK(v[1] == 0.0);
        CHECK(v[2] == 2.0);
      }
      Id maop(H5Dopen2(file, "/lumped/nodes/max_pressure", H5P_DEFAULT), H5Dclose);
      const auto m = read_doubles(maop);
      REQUIRE(m.size() == 3);
      CHECK(m[0] == 70e5);
      CHECK(std::isnan(m[1]));
      CHECK(m[2] == 55e5);
      CHECK(read_string_attr(maop, "units") == "Pa");
      CHECK(H5DSis_attached(maop, names, 0) > 0);
      Id zone(H5Dopen2(file, "/lumped/nodes/zone", H5P_DEFAULT), H5Dclose);
      CHECK(read_vlen_strings(zone) == std::vector<std::string>{"", "Süd", ""});
      CHECK(read_string_attr(zone, "element_group") == "power/zones");
    }

    SECTION("tables written at close") {
      Id el(H5Dopen2(file, "/constraints/element", H5P_DEFAULT), H5Dclose);
      CHECK(read_vlen_strings(el) == std::vector<std::string>{"N1", "N3"});
      Id worst(H5Dopen2(file, "/constraints/worst_value", H5P_DEFAULT), H5Dclose);
      CHECK(read_doubles(worst) == std::vector<double>{71e5, 56e5});
      CHECK(read_string_attr(worst, "units") == "Pa");
      Id index(H5Dopen2(file, "/constraints/constraint", H5P_DEFAULT), H5Dclose);
      CHECK(H5DSis_attached(worst, index, 0) > 0);
    }

    SECTION("coordinate group") {
      Id dist(H5Dopen2(file, "/pipes/P1/profile/distance", H5P_DEFAULT), H5Dclose);
      CHECK(H5DSis_scale(dist) > 0);
      CHECK(read_doubles(dist) == std::vector<double>{0.0, 500.0, 1000.0, 1500.0});
      CHECK(read_string_attr(dist, "units") == "m");
      CHECK(read_string_attr(dist, "long_name") == "distance along pipe");
      Id ds(H5Dopen2(file, "/pipes/P1/profile/mass_flow", H5P_DEFAULT), H5Dclose);
      CHECK(shape(ds) == std::vector<hsize_t>{n_samples, 4});
      CHECK(read_string_attr(ds, "units") == "kg s-1");
      CHECK(H5DSis_attached(ds, dist, 1) > 0);
      const auto v = read_doubles(ds);
      for (int i = 0; i < n_samples; ++i)
        for (int k = 0; k < 4; ++k)
          REQUIRE(v[static_cast<std::size_t>(i * 4 + k)] == sample_value(t.p_flow + k, i));
    }

    SECTION("events") {
      Id ev(H5Dopen2(file, "/events/event", H5P_DEFAULT), H5Dclose);
      CHECK(H5DSis_scale(ev) > 0);
      CHECK(shape(ev) == std::vector<hsize_t>{n_events});
      Id time(H5Dopen2(file, "/events/time", H5P_DEFAULT), H5Dclose);
      Id value(H5Dopen2(file, "/events/value", H5P_DEFAULT), H5Dclose);
      Id kind(H5Dopen2(file, "/events/kind", H5P_DEFAULT), H5Dclose);
      Id element(H5Dopen2(file, "/events/element", H5P_DEFAULT), H5Dclose);
      Id message(H5Dopen2(file, "/events/message", H5P_DEFAULT), H5Dclose);
      Id units(H5Dopen2(file, "/events/units", H5P_DEFAULT), H5Dclose);
      Id ekind(H5Dopen2(file, "/events/element_kind", H5P_DEFAULT), H5Dclose);
      CHECK(read_string_attr(time, "units") == "seconds since 2024-01-01 00:00:00");
      const auto unit_rows = read_fixed_strings(units);
      const auto kind_rows = read_fixed_strings(ekind);
      REQUIRE(unit_rows.size() == static_cast<std::size_t>(n_events));
      CHECK(unit_rows[1] == "Pa");
      CHECK(unit_rows[2] == "1");
      CHECK(kind_rows[0] == "");
      CHECK(kind_rows[5] == "lumped node");
      CHECK(H5DSis_attached(message, ev, 0) > 0);
      const auto times = read_doubles(time);
      const auto values = read_doubles(value);
      const auto kinds = read_fixed_strings(kind);
      const auto elements = read_fixed_strings(element);
      const auto messages = read_fixed_strings(message);
      REQUIRE(times.size() == static_cast<std::size_t>(n_events));
      REQUIRE(messages.size() == static_cast<std::size_t>(n_events));
      for (int e = 0; e < n_events; ++e) {
        const auto k = static_cast<std::size_t>(e);
        CHECK(times[k] == 10.0 * (10 * e + 3));
        CHECK(values[k] == 0.5 * e);
        CHECK(kinds[k] == (e % 2 ? "limit" : "mode"));
        CHECK(elements[k] == (e == 0 ? "" : fmt::format("N{}", e)));
        if (e != 1) CHECK(messages[k] == "event " + std::to_string(e));
      }
      // Truncated at 256 bytes, on a character boundary: "x" + 127 × "é" = 255 bytes.
      CHECK(messages[1].size() == 255);
      CHECK(long_message.compare(0, 255, messages[1]) == 0);
      CHECK(valid_utf8(messages[1]));
    }
  }
  if (!(keep && *keep)) std::filesystem::remove(path);
}

// Strings are converted through a 64 KiB buffer (4,096 variable-length strings at a time):
// element names, static texts and table columns longer than that arrive whole and in order.
TEST_CASE("ResultsFile writes string columns longer than one conversion buffer",
          "[results][hdf5]") {
  const std::string path = temp_path("steppe_results_strings");
  const std::size_t n = 10000;
  std::vector<std::string> names, texts;
  for (std::size_t k = 0; k < n; ++k) {
    names.push_back(fmt::format("Knoten-{}-ü", k));
    texts.push_back(std::string(k % 37, 'x') + std::to_string(k));
  }
  ResultsLayout layout;
  const int g = layout.add_group("d/g", names, "node");
  layout.add_series(g, "pressure", "Pa", "pressure");
  const int st = layout.add_static(g, "label", true, "", "label");
  for (std::size_t k = 0; k < n; ++k) layout.set_static(st, k, texts[k]);
  {
    ResultsFile rf(path, layout, "2024-01-01 00:00:00", {});
    std::vector<double> frame(static_cast<std::size_t>(layout.frame_size()), 1.0);
    rf.append(0.0, frame);
    steppe::Table table;
    table.name = "constraints";
    table.dimension = "constraint";
    table.rows = n;
    table.columns.push_back({"element", "", "element name", true, {}, names});
    rf.close("completed", {}, {table});
  }
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Id coord(H5Dopen2(file, "/d/g/node", H5P_DEFAULT), H5Dclose);
  CHECK(read_vlen_strings(coord) == names);
  Id label(H5Dopen2(file, "/d/g/label", H5P_DEFAULT), H5Dclose);
  CHECK(read_vlen_strings(label) == texts);
  Id element(H5Dopen2(file, "/constraints/element", H5P_DEFAULT), H5Dclose);
  CHECK(read_vlen_strings(element) == names);
  std::filesystem::remove(path);
}

TEST_CASE("ResultsFile fills unwritten samples with NaN", "[results][hdf5]") {
  const std::string path = temp_path("steppe_results_nan");
  TestLayout t;
  {
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {});
    std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()), 1.0);
    rf.append(0.0, frame);
    rf.close("completed", {});
  }
  {
    // Grow one dataset behind the writer's back: the new row reads as the fill value.
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    Id ds(H5Dopen2(file, "/lumped/nodes/pressure", H5P_DEFAULT), H5Dclose);
    const hsize_t dims[2] = {2, 3};
    REQUIRE(H5Dset_extent(ds, dims) >= 0);
    const auto v = read_doubles(ds);
    REQUIRE(v.size() == 6);
    for (int k = 0; k < 3; ++k) CHECK(v[static_cast<std::size_t>(k)] == 1.0);
    for (int k = 3; k < 6; ++k) CHECK(std::isnan(v[static_cast<std::size_t>(k)]));
  }
  std::filesystem::remove(path);
}

TEST_CASE("ResultsFile destructor without close writes buffered data, status running",
          "[results][hdf5]") {
  const std::string path = temp_path("steppe_results_dtor");
  TestLayout t;
  {
    WriterOptions opt;
    opt.flush_every = 32;
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {}, opt);
    std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()), 2.0);
    for (int i = 0; i < 10; ++i) rf.append(i, frame);
    rf.add_event({1.0, "root", "N1", 3.0, "hello", "Pa", "lumped node"});
    CHECK(rf.samples_written() == 0);  // still buffered
  }
  {
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    Id root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
    CHECK(read_string_attr(root, "status") == "running");
    Id ds(H5Dopen2(file, "/pipes/P1/profile/pressure", H5P_DEFAULT), H5Dclose);
    CHECK(shape(ds) == std::vector<hsize_t>{10, 4});
    Id msg(H5Dopen2(file, "/events/message", H5P_DEFAULT), H5Dclose);
    CHECK(read_fixed_strings(msg) == std::vector<std::string>{"hello"});
  }
  std::filesystem::remove(path);
}

TEST_CASE("ResultsFile reports HDF5 errors with the path", "[results][hdf5]") {
  TestLayout t;
  const std::string path = "/nonexistent-dir-steppe/x/results.h5";
  try {
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {});
    FAIL("expected an exception");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find(path) != std::string::npos);
    CHECK(what.find("creating the file") != std::string::npos);
    CHECK(what.find("H5Fcreate") != std::string::npos);  // from the HDF5 error stack
  }
  WriterOptions bad;
  bad.flush_every = -1;
  CHECK_THROWS_AS(ResultsFile(temp_path("steppe_results_bad"), t.layout, "", {}, bad),
                  std::invalid_argument);
}

TEST_CASE("ResultsFile buffers each series up to a chunk and flushes on full chunks",
          "[results][hdf5]") {
  const std::string path = temp_path("steppe_results_chunks");
  TestLayout t;
  WriterOptions opt;  // flush_every 0: a flush when chunk_samples rows are buffered
  opt.chunk_samples = 16;
  opt.flush_seconds = 1e9;  // the wall-clock bound never comes in this test
  {
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {}, opt);
    std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()), 1.0);
    for (int i = 0; i < 15; ++i) rf.append(i, frame);
    CHECK(rf.samples_written() == 0);
    rf.append(15, frame);
    CHECK(rf.samples_written() == 16);
    for (int i = 16; i < 40; ++i) rf.append(i, frame);
    CHECK(rf.samples_written() == 32);
    rf.close("complete", {});
  }
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Id ds(H5Dopen2(file, "/lumped/nodes/pressure", H5P_DEFAULT), H5Dclose);
  CHECK(shape(ds) == std::vector<hsize_t>{40, 3});
  Id dcpl(H5Dget_create_plist(ds), H5Pclose);
  hsize_t chunk[2] = {0, 0};
  CHECK(H5Pget_chunk(dcpl, 2, chunk) == 2);
  CHECK(chunk[0] == 16);
  std::filesystem::remove(path);
}

TEST_CASE("A results file continued from a row inside a chunk keeps that chunk's earlier rows",
          "[results][hdf5]") {
  // Chunks are compressed and written whole (H5Dwrite_chunk): a continuation at row 19 of
  // 16-row chunks must bring rows 16–18 back into memory before it rewrites their chunk.
  // The continuation also asks for other filters than the file has: its chunks stay as
  // the file makes them (here: made without compression, continued with it asked).
  for (const int deflate_made : {1, 0}) {
    INFO("file made with deflate level " << deflate_made);
    const std::string path = temp_path("steppe_results_midchunk");
    TestLayout t;
    WriterOptions opt;
    opt.chunk_samples = 16;
    opt.flush_seconds = 1e9;
    opt.deflate_level = deflate_made;
    std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()));
    {
      ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {{"run_id", std::string("r1")}}, opt);
      for (int i = 0; i < 25; ++i) append_sample(rf, frame, i, i);
      rf.close("interrupted", {});
    }
    constexpr int kAt = 19, kEnd = 40;
    WriterOptions later = opt;
    later.deflate_level = 1 - deflate_made;
    {
      ResultsFile rf(path, t.layout, ResultsFile::Continue{kAt, 0}, later);
      for (int i = kAt; i < kEnd; ++i) append_sample(rf, frame, i, i);
      rf.close("complete", {});
    }
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    for (const auto& [name, first, width] :
         {std::tuple{"/lumped/nodes/pressure", t.pressure, 3},
          std::tuple{"/pipes/P1/profile/mass_flow", t.p_flow, 4}}) {
      INFO(name);
      Id ds(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose);
      Id dcpl(H5Dget_create_plist(ds), H5Pclose);
      CHECK(H5Pget_nfilters(dcpl) == (deflate_made > 0 ? 2 : 0));
      const auto v = read_doubles(ds);
      REQUIRE(v.size() == std::size_t(kEnd * width));
      for (int i = 0; i < kEnd; ++i)
        for (int k = 0; k < width; ++k)
          REQUIRE(v[std::size_t(i * width + k)] == sample_value(first + k, i));
    }
    std::filesystem::remove(path);
  }
}

TEST_CASE("recover_results makes a killed writer's file a closed one with complete rows",
          "[results][hdf5]") {
  const std::string path = temp_path("steppe_results_recover");
  TestLayout t;
  // A child process writes 3 flushes of 5 samples plus rows that never got their /time,
  // then dies without closing (as SIGKILL leaves it).
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    WriterOptions opt;
    opt.flush_every = 5;
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {}, opt);
    std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()));
    for (int i = 0; i < 17; ++i) {
      append_sample(rf, frame, i, i);
      if (i == 4) rf.add_event({4.0, "mode", "N1", 1.0, "e", "1", "lumped node"});
    }
    _exit(0);  // no destructor, no close: the superblock stays marked for SWMR writing
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  {  // a plain open fails before recovery
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f < 0);
    if (f >= 0) H5Fclose(f);
    H5Eclear2(H5E_DEFAULT);
  }
  const std::string said = steppe::recover_results(path);
  CHECK_THAT(said, Catch::Contains("15 complete samples"));
  CHECK_THAT(said, Catch::Contains("running -> interrupted"));
  {
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    Id root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
    CHECK(read_string_attr(root, "status") == "interrupted");
    Id ds(H5Dopen2(file, "/lumped/nodes/temperature", H5P_DEFAULT), H5Dclose);
    CHECK(shape(ds) == std::vector<hsize_t>{15, 3});
    const auto v = read_doubles(ds);
    for (int i = 0; i < 15; ++i)
      for (int k = 0; k < 3; ++k)
        REQUIRE(v[static_cast<std::size_t>(i * 3 + k)] == sample_value(t.temperature + k, i));
    Id ev(H5Dopen2(file, "/events/message", H5P_DEFAULT), H5Dclose);
    CHECK(read_fixed_strings(ev) == std::vector<std::string>{"e"});
  }
  // Again: nothing left to do, the status stays.
  CHECK_THAT(steppe::recover_results(path), Catch::Contains("status interrupted kept"));
  CHECK_THROWS_AS(steppe::recover_results("/nonexistent-steppe.h5"), std::runtime_error);
  std::filesystem::remove(path);
}

TEST_CASE(
    "A results file continued and closed by a process killed at a random moment keeps "
    "every row a restart needs",
    "[results][hdf5]") {
  // What a restart does to a stopped run's file (reopen at a checkpoint's counts, cut the
  // later rows, delete the tables, write on, close with new attributes and tables) is done
  // by child processes killed with SIGKILL at random moments. After each, the file must
  // open, say whose it is and hold the checkpoint's rows, and a new continuation must end
  // with every sample where it belongs.
  const std::string path = temp_path("steppe_results_killed"), pristine = path + ".orig";
  TestLayout t;
  WriterOptions opt;
  opt.flush_every = 5;
  std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()));
  steppe::Table table;
  table.name = "constraints";
  table.dimension = "constraint";
  table.rows = 1;
  table.columns.push_back({"worst_value", "Pa", "worst", false, {71e5}, {}});
  const EventRecord event{4.0, "mode", "N1", 1.0, "e", "1", "lumped node"};
  {
    ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {{"run_id", std::string("r1")}}, opt);
    for (int i = 0; i < 20; ++i) append_sample(rf, frame, i, i);
    rf.add_event(event);
    rf.close("interrupted", {{"message", std::string("stopped")}}, {table});
  }
  std::filesystem::copy_file(path, pristine, std::filesystem::copy_options::overwrite_existing);
  constexpr int kAt = 15, kEnd = 30;  // the checkpoint's sample count; the run's end
  auto continue_and_close = [&] {
    ResultsFile rf(path, t.layout, ResultsFile::Continue{kAt, 1}, opt);
    for (int i = kAt; i < kEnd; ++i) append_sample(rf, frame, i, i);
    rf.close("complete", {{"message", std::string("done")}, {"steps", std::int64_t{7}}}, {table});
  };
  auto in_child = [&] {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      try {
        continue_and_close();
      } catch (...) {
        _exit(3);
      }
      _exit(0);
    }
    return pid;
  };
  auto restore = [&] {
    std::filesystem::copy_file(pristine, path, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(path + ".new");
  };

  // How long one continuation takes when nothing kills it (the fastest of three: a busy
  // machine only makes the children slower, and more of them killed).
  double whole = 1e9;
  for (int k = 0; k < 3; ++k) {
    restore();
    const auto t0 = std::chrono::steady_clock::now();
    int status = 0;
    waitpid(in_child(), &status, 0);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    whole = std::min(whole,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }

  std::mt19937 rng(20261204);
  std::uniform_real_distribution<double> at(0.0, 1.1 * whole);
  int killed = 0;
  constexpr int kTrials = 120;
  for (int trial = 0; trial < kTrials; ++trial) {
    restore();
    const double delay = at(rng);
    const pid_t pid = in_child();
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++killed;
    INFO("trial " << trial << ": killed after " << delay * 1e3 << " ms of " << whole * 1e3);
    const auto id = steppe::read_results_identity(path);
    REQUIRE(id.has_value());
    CHECK(id->file_type == "steppe-results");
    CHECK(id->run_id == "r1");
    REQUIRE(id->samples >= kAt);
    REQUIRE(id->events >= 1);
    continue_and_close();
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    Id root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
    CHECK(read_string_attr(root, "status") == "complete");
    Id time(H5Dopen2(file, "/time", H5P_DEFAULT), H5Dclose);
    const auto tv = read_doubles(time);
    REQUIRE(tv.size() == std::size_t{kEnd});
    for (int i = 0; i < kEnd; ++i) REQUIRE(tv[static_cast<std::size_t>(i)] == i);
    Id ds(H5Dopen2(file, "/pipes/P1/profile/mass_flow", H5P_DEFAULT), H5Dclose);
    const auto v = read_doubles(ds);
    REQUIRE(v.size() == std::size_t{kEnd} * 4);
    for (int i = 0; i < kEnd; ++i)
      for (int k = 0; k < 4; ++k)
        REQUIRE(v[static_cast<std::size_t>(i * 4 + k)] == sample_value(t.p_flow + k, i));
    Id ev(H5Dopen2(file, "/events/message", H5P_DEFAULT), H5Dclose);
    CHECK(read_fixed_strings(ev) == std::vector<std::string>{"e"});
  }
  fmt::print(
      "{} of {} continuations killed at random moments (within {:.2f} ms); every file "
      "continued to its exact rows\n",
      killed, kTrials, 1.1e3 * whole);
  CHECK(killed >= kTrials / 3);
  std::filesystem::remove(path);
  std::filesystem::remove(pristine);
}

TEST_CASE("A results file whose writer is killed at a random moment opens with every row it counts",
          "[results][hdf5]") {
  // Child processes create a file and write samples (a flush after each, an event every 7)
  // until they are killed with SIGKILL at a uniformly random moment (below):
  // while the layout is made (nothing at the name yet: it is made under `.new`) or while
  // SWMR writing goes on. After each kill the file must be absent or open (SWMR-read), say
  // whose it is, and hold every sample /time counts, bit for bit.
  const std::string path = temp_path("steppe_results_killed_writer");
  TestLayout t;
  WriterOptions opt;
  opt.flush_every = 1;
  std::vector<double> frame(static_cast<std::size_t>(t.layout.frame_size()));
  // Kill times up to 4× the time the layout takes to make (the fastest of three, so that a
  // slow build, such as the sanitizers', still kills mostly while samples are written) plus
  // 20 ms.
  double make = 1e9;
  for (int k = 0; k < 3; ++k) {
    std::filesystem::remove(path);
    const auto t0 = std::chrono::steady_clock::now();
    { ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {}, opt); }
    make = std::min(make,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::mt19937 rng(20261204);
  std::uniform_int_distribution<int> at_us(0, static_cast<int>(4e6 * make) + 20000);
  int killed = 0, absent = 0, rows = 0;
  constexpr int kTrials = 300;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + ".new");
    const int delay = at_us(rng);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      try {
        ResultsFile rf(path, t.layout, "2024-01-01 00:00:00", {{"run_id", std::string("r1")}}, opt);
        for (int i = 0;; ++i) {
          append_sample(rf, frame, i, i);
          if (i % 7 == 0) rf.add_event({double(i), "mode", "N1", 1.0, "e", "1", "lumped node"});
        }
      } catch (...) {
        _exit(3);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    ++killed;
    INFO("trial " << trial << ": killed after " << delay << " µs");
    if (!std::filesystem::exists(path)) {
      ++absent;
      continue;
    }
    const auto id = steppe::read_results_identity(path);
    REQUIRE(id.has_value());
    CHECK(id->run_id == "r1");
    CHECK(id->status == "running");
    Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT), H5Fclose);
    Id ds(H5Dopen2(file, "/lumped/nodes/temperature", H5P_DEFAULT), H5Dclose);
    const auto v = read_doubles(ds);
    REQUIRE(v.size() >= static_cast<std::size_t>(id->samples) * 3);
    for (std::int64_t i = 0; i < id->samples; ++i)
      for (int k = 0; k < 3; ++k)
        REQUIRE(v[static_cast<std::size_t>(i * 3 + k)] ==
                sample_value(t.temperature + k, static_cast<int>(i)));
    Id ev(H5Dopen2(file, "/events/message", H5P_DEFAULT), H5Dclose);
    CHECK(static_cast<std::int64_t>(read_fixed_strings(ev).size()) >= id->events);
    rows += static_cast<int>(id->samples);
  }
  fmt::print(
      "{} writers killed at random moments (within {:.1f} ms; the layout takes {:.1f} "
      "ms): {} before the file had its name, the others' files readable with every "
      "counted sample ({} samples checked)\n",
      killed, at_us.max() / 1e3, make * 1e3, absent, rows);
  CHECK(absent < kTrials / 2);  // most kills hit the writing, not the making of the layout
  std::filesystem::remove(path);
  std::filesystem::remove(path + ".new");
}
