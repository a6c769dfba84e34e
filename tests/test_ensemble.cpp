// The sweep manifest (sweep.yaml) and the ensemble index (ensemble.h5) over scenario
// results files written by the real ResultsFile. The index is read back with the HDF5 C
// API, from another working directory and after moving the sweep directory, and by
// tests/cli/ensemble_index_check.py (h5py and xarray/h5netcdf; run with /usr/bin/python3
// or $STEPPE_PYTHON). Set STEPPE_ENSEMBLE_FIXTURE=<dir> to write the main fixture there
// and keep it.
#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "hdf5_testing.hpp"
#include "solver/batch/ensemble.hpp"
#include "solver/io/results_file.hpp"

namespace {

namespace fs = std::filesystem;
using steppe::Attribute;
using steppe::EnsembleManifest;
using steppe::EnsembleReport;
using steppe::EnsembleScenario;

using steppe::testing::Id;
using steppe::testing::read_string_attr;

// A fresh directory under the system's temporary directory.
fs::path fresh_dir(const std::string& stem) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("{}-{}", stem, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::int64_t read_int_attr(hid_t obj, const char* name) {
  Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  std::int64_t v = 0;
  REQUIRE(H5Aread(attr, H5T_NATIVE_INT64, &v) >= 0);
  return v;
}

std::vector<std::string> read_strings(hid_t file, const char* path) {
  Id ds(H5Dopen2(file, path, H5P_DEFAULT), H5Dclose);
  Id space(H5Dget_space(ds), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  std::vector<char*> buf(n, nullptr);
  REQUIRE(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) >= 0);
  std::vector<std::string> out;
  for (char* s : buf) out.emplace_back(s ? s : "");
  H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buf.data());
  return out;
}

template <class T>
std::vector<T> read_all(hid_t file, const char* path, hid_t mem_type,
                        std::vector<hsize_t>* dims = nullptr) {
  Id ds(H5Dopen2(file, path, H5P_DEFAULT), H5Dclose);
  Id space(H5Dget_space(ds), H5Sclose);
  if (dims) {
    dims->assign(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)), 0);
    H5Sget_simple_extent_dims(space, dims->data(), nullptr);
  }
  std::vector<T> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  REQUIRE(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
  return v;
}

bool link_exists(hid_t file, const char* path) {
  return H5Lexists(file, path, H5P_DEFAULT) > 0;
}

bool scale_attached(hid_t file, const char* ds_path, const char* scale_path, unsigned dim) {
  Id ds(H5Dopen2(file, ds_path, H5P_DEFAULT), H5Dclose);
  Id scale(H5Dopen2(file, scale_path, H5P_DEFAULT), H5Dclose);
  return H5DSis_attached(ds, scale, dim) > 0;
}

// ---------------------------------------------------------------------------------------
// Scenario files

constexpr double kDuration = 3600.0, kInterval = 600.0;
constexpr std::size_t kTimes = 7;  // 0, 600, …, 3600 s
const std::string kStart = "2024-01-15 00:00:00";

// The value the fixture writes: scenario s, sample k, element e (pipes: negated).
double pressure_value(int s, std::size_t k, std::size_t e) {
  return 1e5 * (s + 1) + 100.0 * static_cast<double>(k) + static_cast<double>(e);
}

struct SourceSpec {
  int scenario = 0;  // for the values
  std::vector<std::string> nodes = {"A", "B", "C"};
  std::size_t samples = kTimes;
  double interval = kInterval;
  bool extra_group = false;  // also /gas/extra/q
};

steppe::ResultsLayout layout_for(const SourceSpec& spec) {
  steppe::ResultsLayout layout;
  const int nodes = layout.add_group("gas/nodes", spec.nodes);
  layout.add_series(nodes, "pressure", "Pa", "gas pressure");
  const int pipes = layout.add_group("gas/pipes", {"P1", "P2"});
  layout.add_series(pipes, "flow", "kg/s", "mass flow");
  if (spec.extra_group) {
    const int extra = layout.add_group("gas/extra", {"X"});
    layout.add_series(extra, "q", "1", "extra");
  }
  return layout;
}

void append_samples(steppe::ResultsFile& file, const steppe::ResultsLayout& layout,
                    const SourceSpec& spec) {
  std::vector<double> frame(static_cast<std::size_t>(layout.frame_size()), 0.0);
  for (std::size_t k = 0; k < spec.samples; ++k) {
    const double t = std::min(static_cast<double>(k) * spec.interval, kDuration);
    for (std::size_t e = 0; e < spec.nodes.size(); ++e)
      frame[e] = pressure_value(spec.scenario, k, e);
    for (std::size_t e = 0; e < 2; ++e)
      frame[spec.nodes.size() + e] = -pressure_value(spec.scenario, k, e);
    file.append(t, frame);
  }
}

void write_source(const fs::path& path, const SourceSpec& spec, const std::string& status,
                  const std::vector<Attribute>& final_attributes) {
  const steppe::ResultsLayout layout = layout_for(spec);
  steppe::WriterOptions options;
  options.flush_every = 2;
  steppe::ResultsFile file(path.string(), layout, kStart, {{"study_name", std::string("demo")}},
                           options);
  append_samples(file, layout, spec);
  file.close(status, final_attributes);
}

EnsembleScenario scenario(int index, std::string name, std::string file,
                          std::vector<std::string> overrides = {}) {
  EnsembleScenario s;
  s.index = index;
  s.name = std::move(name);
  s.file = std::move(file);
  s.overrides = std::move(overrides);
  return s;
}

EnsembleManifest base_manifest() {
  EnsembleManifest m;
  m.study_path = "inputs/demo study.yaml";
  m.study_name = "demo";
  m.start_iso = kStart;
  m.duration = kDuration;
  m.output_interval = kInterval;
  return m;
}

// The sweep of the main fixture: 2 complete, 1 failed (4 samples), 1 missing.
EnsembleManifest write_fixture(const fs::path& dir) {
  EnsembleManifest m = base_manifest();
  m.outputs = {"gas/nodes/pressure", "gas/pipes/flow", "gas/nodes/density"};
  m.scenarios = {
      scenario(0, "base", "base.h5"),
      scenario(1, "supply +10%", "s1 supply +10%.h5", {"gas.supplies.S.pressure=77 bar"}),
      scenario(2, "überlast", "s2.h5", {"gas.offtakes.D.mass_flow=400 kg/s", "study.name=a=b; c"}),
      scenario(3, "never ran", "s3.h5"),
  };
  write_source(dir / "base.h5", {0}, "complete",
               {{"exit_code", std::int64_t{0}}, {"wall_time_s", 1.5}, {"message", std::string()}});
  // No exit_code attribute: derived from the status.
  write_source(dir / "s1 supply +10%.h5", {1}, "complete", {{"wall_time_s", 2.25}});
  SourceSpec failed{2};
  failed.samples = 4;
  write_source(dir / "s2.h5", failed, "failed",
               {{"exit_code", std::int64_t{1}},
                {"wall_time_s", 0.5},
                {"message", std::string("IDA failed at t = 1800 s")}});
  steppe::write_manifest(dir.string(), m);
  return m;
}

// Reads /gas/nodes/pressure of DIR/ensemble.h5 and checks it against the fixture.
void check_pressure(const fs::path& dir) {
  Id file(H5Fopen((dir / "ensemble.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  std::vector<hsize_t> dims;
  const auto p = read_all<double>(file, "gas/nodes/pressure", H5T_NATIVE_DOUBLE, &dims);
  REQUIRE(dims == std::vector<hsize_t>{4, kTimes, 3});
  const std::size_t rows[4] = {kTimes, kTimes, 4, 0};
  for (int s = 0; s < 4; ++s)
    for (std::size_t k = 0; k < kTimes; ++k)
      for (std::size_t e = 0; e < 3; ++e) {
        const double v = p[(static_cast<std::size_t>(s) * kTimes + k) * 3 + e];
        INFO("scenario " << s << " sample " << k << " element " << e);
        if (k < rows[s])
          CHECK(v == pressure_value(s, k, e));
        else
          CHECK(std::isnan(v));
      }
}

// Restores the working directory and puts a moved directory back, also when a REQUIRE
// ends the section early.
struct Restore {
  fs::path cwd = fs::current_path();
  fs::path moved_from, moved_to;
  ~Restore() {
    std::error_code ec;
    fs::current_path(cwd, ec);
    if (!moved_to.empty()) fs::rename(moved_to, moved_from, ec);
  }
};

std::string python() {
  const char* p = std::getenv("STEPPE_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TEST_CASE("Sweep manifest round-trips through sweep.yaml", "[ensemble]") {
  const fs::path dir = fresh_dir("steppe-ensemble-manifest");
  EnsembleManifest m = base_manifest();
  m.study_path = "/data/studies/Nord Stream: winter #1.yaml";
  m.study_name = "Winter \"peak\" — Überdruck + 10% = ✓";
  m.duration = 86400.5;
  m.output_interval = 0.1;
  m.outputs = {"gas/nodes/pressure", "power/zones/frequency"};
  m.scenarios = {
      scenario(0, "base case", "000 base case.h5"),
      scenario(1, "supply +10% = 77 bar", "001 supply+10%.h5",
               {"gas.supplies.S.pressure=77 bar", "study.name=a=b: c # d"}),
      scenario(2, "Давление «высокое» 🚀", "002.h5", {"gas.nodes.Ü.pressure=70 bar", ""}),
      scenario(3, "  leading and trailing  ", "003 'quoted'.h5", {"x=\\n\t\"y\""}),
      scenario(4, "", "004.h5", {}),
  };
  steppe::write_manifest(dir.string(), m);
  const EnsembleManifest r = steppe::read_manifest(dir.string());
  CHECK(r.study_path == m.study_path);
  CHECK(r.study_name == m.study_name);
  CHECK(r.start_iso == m.start_iso);
  CHECK(r.duration == m.duration);
  CHECK(r.output_interval == m.output_interval);
  CHECK(r.outputs == m.outputs);
  REQUIRE(r.scenarios.size() == m.scenarios.size());
  for (std::size_t i = 0; i < m.scenarios.size(); ++i) {
    INFO("scenario " << i);
    CHECK(r.scenarios[i].index == m.scenarios[i].index);
    CHECK(r.scenarios[i].name == m.scenarios[i].name);
    CHECK(r.scenarios[i].file == m.scenarios[i].file);
    CHECK(r.scenarios[i].overrides == m.scenarios[i].overrides);
  }

  SECTION("concurrent writers leave one whole manifest and no temporary files") {
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
      writers.emplace_back([&] {
        for (int k = 0; k < 25; ++k) steppe::write_manifest(dir.string(), m);
      });
    for (std::thread& t : writers) t.join();
    CHECK(steppe::read_manifest(dir.string()).scenarios.size() == 5);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
      names.push_back(entry.path().filename().string());
    CHECK(names == std::vector<std::string>{"sweep.yaml"});
  }
  SECTION("errors name the file and the problem") {
    const std::string file = (dir / "sweep.yaml").string();
    auto message_of = [&] {
      try {
        steppe::read_manifest(dir.string());
      } catch (const std::runtime_error& e) {
        return std::string(e.what());
      }
      return std::string("no error");
    };
    std::ofstream(file) << "file_type: steppe-sweep\nformat_version: \"1.0\"\nscenarios: [\n";
    std::string msg = message_of();
    CHECK_THAT(msg, Catch::Contains(file) && Catch::Contains("line"));
    std::ofstream(file) << "file_type: steppe-sweep\nformat_version: \"1.0\"\nstudy_path: x\n";
    msg = message_of();
    CHECK_THAT(msg, Catch::Contains(file) && Catch::Contains("study_name: missing"));
    std::ofstream(file) << "file_type: steppe-results\n";
    CHECK_THAT(message_of(), Catch::Contains("not 'steppe-sweep'"));
    fs::remove(file);
    CHECK_THAT(message_of(), Catch::Contains(file) && Catch::Contains("No such file"));
    CHECK_THROWS_WITH(steppe::write_manifest((dir / "no such dir").string(), m),
                      Catch::Contains("no such dir/sweep.yaml"));
    EnsembleManifest bad = m;
    bad.scenarios[2].index = 7;
    CHECK_THROWS_AS(steppe::write_manifest(dir.string(), bad), std::invalid_argument);
    bad = m;
    bad.output_interval = 0;
    CHECK_THROWS_AS(steppe::write_manifest(dir.string(), bad), std::invalid_argument);
  }
  fs::remove_all(dir);
}

TEST_CASE("Ensemble index maps the scenario files into virtual datasets", "[ensemble][hdf5]") {
  const char* keep = std::getenv("STEPPE_ENSEMBLE_FIXTURE");
  fs::path dir;
  if (keep && *keep) {
    dir = fs::absolute(keep);
    fs::remove_all(dir);
    fs::create_directories(dir);
  } else {
    dir = fresh_dir("steppe-ensemble-fixture");
  }
  const EnsembleManifest m = write_fixture(dir);
  REQUIRE(steppe::read_manifest(dir.string()).scenarios.size() == 4);
  const EnsembleReport report = steppe::write_ensemble_index(dir.string(), m);

  // --- The report. ---
  REQUIRE(report.rows.size() == 4);
  CHECK(report.complete == 2);
  CHECK(report.failed == 1);
  CHECK(report.other == 1);
  const std::vector<std::string> status = {"complete", "complete", "failed", "missing"};
  const std::vector<std::int64_t> exit_codes = {0, 0, 1, -1}, samples = {7, 7, 4, 0};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("scenario " << i << ": " << report.rows[i].message);
    CHECK(report.rows[i].status == status[i]);
    CHECK(report.rows[i].exit_code == exit_codes[i]);
    CHECK(report.rows[i].samples == samples[i]);
  }
  CHECK(report.rows[0].wall_time_s == 1.5);
  CHECK(report.rows[1].wall_time_s == 2.25);
  CHECK(std::isnan(report.rows[3].wall_time_s));
  // An output no file holds is left out with a root note, not a note per scenario.
  CHECK(report.rows[0].message.empty());
  CHECK(report.rows[2].message == "IDA failed at t = 1800 s");
  CHECK(report.rows[3].message == "no results file");
  CHECK_FALSE(fs::exists(dir / ".ensemble.h5.tmp"));

  // --- The file, with the HDF5 C API. ---
  {
    Id file(H5Fopen((dir / "ensemble.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    CHECK(read_string_attr(file, "file_type") == "steppe-ensemble");
    CHECK(read_string_attr(file, "format_version") == "1.0");
    CHECK(read_string_attr(file, "study_name") == "demo");
    CHECK(read_string_attr(file, "study_path") == "inputs/demo study.yaml");
    CHECK(read_int_attr(file, "scenario_count") == 4);
    CHECK(read_int_attr(file, "complete") == 2);
    CHECK(read_int_attr(file, "failed") == 1);
    CHECK_THAT(read_string_attr(file, "notes"),
               Catch::Contains("gas/nodes/density: no readable scenario file holds it"));
    CHECK_FALSE(link_exists(file, "gas/nodes/density"));

    CHECK(read_all<std::int64_t>(file, "scenario", H5T_NATIVE_INT64) ==
          std::vector<std::int64_t>{0, 1, 2, 3});
    const auto t = read_all<double>(file, "time", H5T_NATIVE_DOUBLE);
    CHECK(t == std::vector<double>{0, 600, 1200, 1800, 2400, 3000, 3600});
    {
      Id time(H5Dopen2(file, "time", H5P_DEFAULT), H5Dclose);
      CHECK(read_string_attr(time, "units") == "seconds since 2024-01-15 00:00:00");
      CHECK(read_string_attr(time, "standard_name") == "time");
      CHECK(read_string_attr(time, "axis") == "T");
      CHECK(H5DSis_scale(time) > 0);
    }
    CHECK(read_strings(file, "scenarios/name") ==
          std::vector<std::string>{"base", "supply +10%", "überlast", "never ran"});
    CHECK(read_strings(file, "scenarios/file") ==
          std::vector<std::string>{"base.h5", "s1 supply +10%.h5", "s2.h5", "s3.h5"});
    CHECK(read_strings(file, "scenarios/overrides")[2] ==
          "gas.offtakes.D.mass_flow=400 kg/s; study.name=a=b; c");
    CHECK(read_strings(file, "scenarios/status") == status);
    const auto messages = read_strings(file, "scenarios/message");
    for (std::size_t i = 0; i < 4; ++i) CHECK(messages[i] == report.rows[i].message);
    CHECK(read_all<std::int64_t>(file, "scenarios/exit_code", H5T_NATIVE_INT64) == exit_codes);
    CHECK(read_all<std::int64_t>(file, "scenarios/samples", H5T_NATIVE_INT64) == samples);
    const auto wall = read_all<double>(file, "scenarios/wall_time_s", H5T_NATIVE_DOUBLE);
    CHECK(wall[2] == 0.5);
    CHECK(std::isnan(wall[3]));
    CHECK(scale_attached(file, "scenarios/status", "scenarios/scenario", 0));

    CHECK(read_strings(file, "gas/nodes/name") == std::vector<std::string>{"A", "B", "C"});
    CHECK(read_strings(file, "gas/pipes/name") == std::vector<std::string>{"P1", "P2"});
    for (const char* ds : {"gas/nodes/pressure", "gas/pipes/flow"}) {
      INFO(ds);
      Id d(H5Dopen2(file, ds, H5P_DEFAULT), H5Dclose);
      Id dcpl(H5Dget_create_plist(d), H5Pclose);
      CHECK(H5Pget_layout(dcpl) == H5D_VIRTUAL);
      size_t count = 0;
      REQUIRE(H5Pget_virtual_count(dcpl, &count) >= 0);
      CHECK(count == 3);  // the missing scenario maps nothing
      // Source file names are bare (relative to the ensemble file's directory).
      std::vector<std::string> sources;
      for (size_t i = 0; i < count; ++i) {
        std::string name(256, '\0');
        const ssize_t len = H5Pget_virtual_filename(dcpl, i, name.data(), name.size());
        name.resize(static_cast<std::size_t>(std::max<ssize_t>(len, 0)));
        sources.push_back(name);
      }
      CHECK(sources == std::vector<std::string>{"base.h5", "s1 supply +10%%.h5", "s2.h5"});
    }
    CHECK(read_string_attr(Id(H5Dopen2(file, "gas/nodes/pressure", H5P_DEFAULT), H5Dclose),
                           "units") == "Pa");
    CHECK(read_string_attr(Id(H5Dopen2(file, "gas/pipes/flow", H5P_DEFAULT), H5Dclose),
                           "long_name") == "mass flow");
    CHECK(scale_attached(file, "gas/nodes/pressure", "gas/nodes/scenario", 0));
    CHECK(scale_attached(file, "gas/nodes/pressure", "gas/nodes/time", 1));
    CHECK(scale_attached(file, "gas/nodes/pressure", "gas/nodes/name", 2));
    std::vector<hsize_t> dims;
    const auto flow = read_all<double>(file, "gas/pipes/flow", H5T_NATIVE_DOUBLE, &dims);
    CHECK(dims == std::vector<hsize_t>{4, kTimes, 2});
    CHECK(flow[(1 * kTimes + 6) * 2 + 1] == -pressure_value(1, 6, 1));
    CHECK(std::isnan(flow[(2 * kTimes + 4) * 2]));
  }
  check_pressure(dir);

  SECTION("from another working directory, and after moving the sweep directory") {
    Restore restore;
    const fs::path elsewhere = fresh_dir("steppe-ensemble-cwd");
    fs::current_path(elsewhere);
    check_pressure(dir);
    const fs::path moved = fs::temp_directory_path() /
                           fmt::format("steppe-ensemble-moved-{}", ::getpid()) / "sweep dir";
    fs::remove_all(moved.parent_path());
    fs::create_directories(moved.parent_path());
    fs::rename(dir, moved);
    restore.moved_from = dir;
    restore.moved_to = moved;
    check_pressure(moved);
    fs::rename(moved, dir);
    restore.moved_to.clear();
    fs::current_path(restore.cwd);
    fs::remove_all(elsewhere);
    fs::remove_all(moved.parent_path());
  }
  SECTION("h5py and xarray (tests/cli/ensemble_index_check.py)") {
    const std::string script =
        std::string(STEPPE_SOURCE_DIR) + "/tests/cli/ensemble_index_check.py";
    const std::string command =
        "cd / && " + quoted(python()) + " " + quoted(script) + " " + quoted(dir.string());
    INFO(command);
    const int rc = std::system(command.c_str());
    REQUIRE(WIFEXITED(rc));
    CHECK(WEXITSTATUS(rc) == 0);
  }
  SECTION("writing it again replaces it") {
    fs::remove(dir / "s2.h5");
    const EnsembleReport again = steppe::write_ensemble_index(dir.string(), m);
    CHECK(again.failed == 0);
    CHECK(again.other == 2);
    Id file(H5Fopen((dir / "ensemble.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    CHECK(read_int_attr(file, "failed") == 0);
    CHECK(read_strings(file, "scenarios/status")[2] == "missing");
  }
  if (!(keep && *keep)) fs::remove_all(dir);
}

TEST_CASE("Ensemble index: killed writers, unreadable files, other names and times",
          "[ensemble][hdf5]") {
  const fs::path dir = fresh_dir("steppe-ensemble-edges");
  EnsembleManifest m = base_manifest();
  m.outputs = {"gas/nodes/pressure", "gas/extra/q"};
  m.scenarios = {scenario(0, "ok", "ok.h5"), scenario(1, "killed", "killed.h5"),
                 scenario(2, "garbage", "garbage.h5"), scenario(3, "renamed", "renamed.h5"),
                 scenario(4, "other interval", "interval.h5")};
  write_source(dir / "ok.h5", {0}, "complete", {{"exit_code", std::int64_t{0}}});
  {
    // A writer killed after flushing 5 samples: its partial file (runs write <file>.part
    // and rename it when they end) stays flagged for SWMR writing.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      SourceSpec spec{1};
      spec.samples = 5;
      const steppe::ResultsLayout layout = layout_for(spec);
      steppe::WriterOptions options;
      options.flush_every = 2;
      auto* file =
          new steppe::ResultsFile((dir / "killed.h5.part").string(), layout, kStart, {}, options);
      append_samples(*file, layout, spec);
      file->flush();
      ::_exit(0);  // no destructor, no close: as if killed
    }
    int wstatus = 0;
    REQUIRE(::waitpid(child, &wstatus, 0) == child);
    REQUIRE(WIFEXITED(wstatus));
    REQUIRE(fs::exists(dir / "killed.h5.part"));
    REQUIRE(H5Fopen((dir / "killed.h5.part").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT) < 0);
    H5Eclear2(H5E_DEFAULT);
  }
  fs::copy_file(dir / "ok.h5", dir / "ok.h5.part");  // a newer run of "ok" under way
  std::ofstream(dir / "garbage.h5") << "not an HDF5 file\n";
  SourceSpec renamed{3};
  renamed.nodes = {"A", "X", "C"};
  write_source(dir / "renamed.h5", renamed, "complete", {});
  SourceSpec interval{4};
  interval.interval = 300;
  interval.extra_group = true;
  write_source(dir / "interval.h5", interval, "interrupted", {});

  const EnsembleReport r = steppe::write_ensemble_index(dir.string(), m);
  REQUIRE(r.rows.size() == 5);
  CHECK(r.complete == 2);
  CHECK(r.failed == 0);
  CHECK(r.other == 3);
  CHECK_THAT(r.rows[0].message, Catch::Contains("a newer run's partial file ok.h5.part"));
  CHECK(r.rows[1].status == "running");
  CHECK(r.rows[1].samples == 5);
  CHECK(r.rows[1].exit_code == -1);
  CHECK_THAT(r.rows[1].message,
             Catch::Contains("partial file killed.h5.part") && Catch::Contains("SWMR"));
  CHECK(r.rows[2].status == "missing");
  CHECK_THAT(r.rows[2].message, Catch::Contains("file signature not found"));
  CHECK_THAT(r.rows[3].message, Catch::Contains("gas/nodes/pressure: its names differ"));
  CHECK(r.rows[4].status == "interrupted");
  CHECK(r.rows[4].exit_code == 143);
  CHECK_THAT(r.rows[4].message, Catch::Contains("time axis differs"));

  auto read_pressure = [&](unsigned flags) {
    Id file(H5Fopen((dir / "ensemble.h5").c_str(), flags, H5P_DEFAULT), H5Fclose);
    return read_all<double>(file, "gas/nodes/pressure", H5T_NATIVE_DOUBLE);
  };
  auto at = [](const std::vector<double>& p, std::size_t s, std::size_t k, std::size_t e) {
    return p[(s * kTimes + k) * 3 + e];
  };
  {
    // A plain reader cannot open the killed writer's file: its slab reads as NaN.
    const auto p = read_pressure(H5F_ACC_RDONLY);
    CHECK(at(p, 0, 6, 2) == pressure_value(0, 6, 2));
    CHECK(std::isnan(at(p, 1, 0, 0)));
    for (std::size_t s : {2, 3, 4})
      for (std::size_t k = 0; k < kTimes; ++k) CHECK(std::isnan(at(p, s, k, 1)));
  }
  {
    // In SWMR-read mode it sees the killed writer's flushed samples.
    const auto p = read_pressure(H5F_ACC_RDONLY | H5F_ACC_SWMR_READ);
    CHECK(at(p, 0, 6, 2) == pressure_value(0, 6, 2));
    for (std::size_t k = 0; k < 5; ++k) CHECK(at(p, 1, k, 1) == pressure_value(1, k, 1));
    CHECK(std::isnan(at(p, 1, 5, 0)));
  }
  {
    // /gas/extra/q: only the file with the other time axis has it; nothing maps.
    Id file(H5Fopen((dir / "ensemble.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    std::vector<hsize_t> dims;
    const auto q = read_all<double>(file, "gas/extra/q", H5T_NATIVE_DOUBLE, &dims);
    CHECK(dims == std::vector<hsize_t>{5, kTimes, 1});
    for (double v : q) CHECK(std::isnan(v));
    CHECK(read_strings(file, "gas/extra/name") == std::vector<std::string>{"X"});
    CHECK_THAT(read_string_attr(file, "notes"), Catch::Contains("SWMR"));
  }

  SECTION("a bad manifest is rejected") {
    EnsembleManifest bad = m;
    bad.scenarios[1].file = "../killed.h5";
    CHECK_THROWS_AS(steppe::write_ensemble_index(dir.string(), bad), std::invalid_argument);
    bad = m;
    bad.scenarios[1].file = "ok.h5";
    CHECK_THROWS_AS(steppe::write_ensemble_index(dir.string(), bad), std::invalid_argument);
    bad = m;
    bad.outputs.push_back("pressure");
    CHECK_THROWS_AS(steppe::write_ensemble_index(dir.string(), bad), std::invalid_argument);
    CHECK_THROWS_WITH(steppe::write_ensemble_index((dir / "nowhere").string(), m),
                      Catch::Contains("nowhere/.ensemble.h5.tmp"));
  }
  fs::remove_all(dir);
}
