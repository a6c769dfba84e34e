// The ensemble index: see ensemble.hpp for its layout (the manifest: ensemble_manifest.cpp).
#include "solver/batch/ensemble.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "solver/study/diagnostics.hpp"
#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifestName = kSweepManifestFile;
constexpr const char* kIndexName = kEnsembleIndexFile;
constexpr const char* kIndexTempName = ".ensemble.h5.tmp";

std::string path_in(const std::string& dir, const std::string& name) {
  return (fs::path(dir) / name).string();
}

// A bare file name: the scenario files live in DIR itself.
bool plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

// ---------------------------------------------------------------------------------------
// HDF5 plumbing

void write_attr(hid_t obj, const std::string& name, const AttrValue& value,
                const std::string& path) {
  try {
    write_attribute(obj, name, value, path);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("ensemble index: {}", e.what()));
  }
}

// ---------------------------------------------------------------------------------------
// Probing the scenario files

// An element coordinate: `name` (strings) or a numeric profile coordinate.
struct Coord {
  std::string name;
  bool text = true;
  std::vector<std::string> names;
  std::vector<double> values;
  std::string units, long_name;

  std::size_t size() const { return text ? names.size() : values.size(); }
  bool same_as(const Coord& o) const {
    return name == o.name && text == o.text && names == o.names && values == o.values;
  }
};

std::optional<Coord> read_coord(hid_t ds) {
  Coord c;
  std::array<char, 1024> buf{};
  const ssize_t len = H5Iget_name(ds, buf.data(), buf.size());
  if (len <= 0) return std::nullopt;
  const std::string full(buf.data(),
                         std::min<std::size_t>(static_cast<std::size_t>(len), buf.size() - 1));
  c.name = full.substr(full.rfind('/') + 1);
  TypeH type(H5Dget_type(ds));
  if (!type) return std::nullopt;
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_STRING) {
    auto names = read_strings(ds);
    if (!names) return std::nullopt;
    c.names = std::move(*names);
  } else if (cls == H5T_FLOAT || cls == H5T_INTEGER) {
    const auto n = length_1d(ds);
    if (!n) return std::nullopt;
    auto values = read_doubles(ds, *n);
    if (!values) return std::nullopt;
    c.text = false;
    c.values = std::move(*values);
  } else {
    return std::nullopt;
  }
  c.units = read_string_attribute(ds, "units").value_or("");
  c.long_name = read_string_attribute(ds, "long_name").value_or("");
  return c;
}

herr_t coord_visitor(hid_t, unsigned, hid_t scale, void* data) {
  auto& out = *static_cast<std::optional<Coord>*>(data);
  out = read_coord(scale);
  return 1;  // the first scale attached to the dimension
}

// The coordinate of dimension 1 of a series: the dimension scale attached to it, else the
// group's `name` dataset.
std::optional<Coord> series_coord(hid_t file, hid_t ds, const std::string& group) {
  std::optional<Coord> coord;
  if (H5DSget_num_scales(ds, 1) > 0) H5DSiterate_scales(ds, 1, nullptr, coord_visitor, &coord);
  H5Eclear2(H5E_DEFAULT);
  if (coord) return coord;
  const std::string name_path = group + "/name";
  if (!path_exists(file, name_path)) return std::nullopt;
  DatasetH names(H5Dopen2(file, name_path.c_str(), H5P_DEFAULT));
  if (!names) return std::nullopt;
  return read_coord(names.get());
}

struct OutputSpec {
  std::string path;  // "gas/nodes/pressure"
  std::string group, quantity;
};

// "gas/nodes/pressure" or "/gas/nodes/pressure" -> group "gas/nodes", quantity "pressure".
OutputSpec parse_output(const std::string& output) {
  std::vector<std::string> parts;
  std::size_t i = output.empty() || output[0] != '/' ? 0 : 1;
  while (i <= output.size()) {
    std::size_t j = output.find('/', i);
    if (j == std::string::npos) j = output.size();
    parts.push_back(output.substr(i, j - i));
    i = j + 1;
  }
  const bool bad_part = std::any_of(parts.begin(), parts.end(), [](const std::string& p) {
    return p.empty() || p == "." || p == ".." || p.find('\0') != std::string::npos;
  });
  if (parts.size() < 2 || bad_part)
    throw std::invalid_argument("output '" + output +
                                "': must be 'group/quantity', e.g. 'gas/nodes/pressure'");
  if (parts.front() == "time" || parts.front() == "scenario" || parts.front() == "scenarios")
    throw std::invalid_argument("output '" + output +
                                "': collides with the index's /time, /scenario or /scenarios");
  if (parts.back() == "time" || parts.back() == "scenario")
    throw std::invalid_argument("output '" + output +
                                "': quantity collides with the group's time/scenario scale");
  OutputSpec spec;
  spec.quantity = parts.back();
  parts.pop_back();
  spec.group = join(parts, "/");
  spec.path = spec.group + "/" + spec.quantity;
  return spec;
}

struct SeriesProbe {
  bool present = false;  // a dataset exists at the output's path
  std::string problem;   // why it cannot be mapped (shape, type), "" if it can
  hsize_t rows = 0, width = 0;
  std::string units, long_name;
  std::optional<Coord> coord;
};

struct ScenarioProbe {
  EnsembleRow row;
  bool readable = false;            // a Steppe results file that opened
  bool swmr_flagged = false;        // opened only in SWMR-read mode
  std::string source;               // the file indexed, relative to DIR
  hsize_t map_rows = 0;             // rows of the index's time axis this file can fill
  std::vector<SeriesProbe> series;  // one per output
  std::vector<std::string> notes;   // appended to the message
};

std::int64_t derived_exit_code(const std::string& status) {
  if (status == "complete") return 0;
  if (status == "failed") return 1;
  if (status == "interrupted") return 143;
  return -1;
}

ScenarioProbe probe_scenario(const std::string& dir, const EnsembleScenario& sc,
                             const std::vector<OutputSpec>& outputs,
                             const std::vector<double>& time_axis, const std::string& time_units) {
  ScenarioProbe p;
  p.series.resize(outputs.size());
  p.row.status = "missing";
  // A run writes <file>.part and renames it to <file> when it ends: a scenario that is
  // still running or whose run was killed has only the partial file.
  std::error_code ec;
  p.source = sc.file;
  if (!fs::exists(path_in(dir, p.source), ec)) {
    if (ec) {
      p.row.message = "cannot check for the results file: " + ec.message();
      return p;
    }
    p.source = sc.file + ".part";
    if (!fs::exists(path_in(dir, p.source), ec)) {
      p.row.message = ec ? "cannot check for the results file: " + ec.message() : "no results file";
      return p;
    }
    p.notes.push_back("indexed its partial file " + p.source);
  } else if (fs::exists(path_in(dir, sc.file + ".part"), ec)) {
    p.notes.push_back("a newer run's partial file " + sc.file + ".part is not indexed");
  }
  const std::string path = path_in(dir, p.source);
  // A file whose writer is still running or was killed is flagged "open for SWMR
  // writing" and opens only in SWMR-read mode; try the plain way first to know which.
  FileH file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file) {
    H5Eclear2(H5E_DEFAULT);
    file = FileH(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT));
    if (!file) {
      p.row.message = "cannot open the results file: " + hdf5_reason();
      return p;
    }
    p.swmr_flagged = true;
  }
  const hid_t f = file.get();
  const auto status = read_string_attribute(f, "status");
  if (!status) {
    p.row.message = "not a Steppe results file (no status attribute)";
    H5Eclear2(H5E_DEFAULT);
    return p;
  }
  p.readable = true;
  p.row.status = *status;
  p.row.message = read_string_attribute(f, "message").value_or("");
  p.row.wall_time_s = read_double_attribute(f, "wall_time_s").value_or(NAN);
  p.row.exit_code = read_int_attribute(f, "exit_code").value_or(derived_exit_code(p.row.status));
  if (p.swmr_flagged)
    p.notes.push_back(
        "its file is still open for writing or its writer was killed: read ensemble.h5 in "
        "SWMR mode (h5py swmr=True) to see its samples, else they read as NaN");

  // The time axis: len(/time) counts the complete rows; they must be the sweep's times.
  DatasetH time(path_exists(f, "time") ? H5Dopen2(f, "time", H5P_DEFAULT) : H5I_INVALID_HID);
  const auto samples = time ? length_1d(time.get()) : std::nullopt;
  if (!samples) {
    p.notes.push_back("no 1-D /time dataset: not indexed");
  } else {
    p.row.samples = static_cast<std::int64_t>(*samples);
    const hsize_t n = std::min<hsize_t>(*samples, time_axis.size());
    const std::string units = read_string_attribute(time.get(), "units").value_or("");
    const auto t = read_doubles(time.get(), n);
    std::string problem;
    if (units != time_units) {
      problem = fmt::format("time units '{}' differ from the sweep's '{}'", units, time_units);
    } else if (!t) {
      problem = "cannot read /time: " + hdf5_reason();
    } else {
      const double interval = time_axis.size() > 1 ? time_axis[1] - time_axis[0] : 1.0;
      for (hsize_t k = 0; k < n && problem.empty(); ++k) {
        const double expected = time_axis[k];
        if (!(std::abs((*t)[k] - expected) <= 1e-9 * std::max(std::abs(expected), interval)))
          problem =
              fmt::format("its time axis differs from the sweep's (time[{}] = {} s, not {} s)", k,
                          (*t)[k], expected);
      }
    }
    if (!problem.empty()) {
      p.notes.push_back(problem + ": not indexed");
    } else {
      p.map_rows = n;
      if (*samples > time_axis.size())
        p.notes.push_back(fmt::format("{} samples after the sweep's end not indexed",
                                      *samples - time_axis.size()));
    }
  }

  for (std::size_t o = 0; o < outputs.size(); ++o) {
    SeriesProbe& s = p.series[o];
    const std::string& opath = outputs[o].path;
    if (!path_exists(f, opath)) continue;
    DatasetH ds(H5Dopen2(f, opath.c_str(), H5P_DEFAULT));
    if (!ds) continue;  // a group, not a dataset
    s.present = true;
    s.units = read_string_attribute(ds.get(), "units").value_or("");
    s.long_name = read_string_attribute(ds.get(), "long_name").value_or("");
    SpaceH space(H5Dget_space(ds.get()));
    TypeH type(H5Dget_type(ds.get()));
    hsize_t dims[2] = {0, 0};
    if (!space || H5Sget_simple_extent_ndims(space.get()) != 2 ||
        H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0) {
      s.problem = "not a [time × element] dataset";
    } else if (!type || H5Tget_class(type.get()) != H5T_FLOAT) {
      s.problem = "not a floating-point dataset";
    } else {
      s.rows = dims[0];
      s.width = dims[1];
      s.coord = series_coord(f, ds.get(), outputs[o].group);
      if (!s.coord)
        s.problem = "no element coordinate";
      else if (s.coord->size() != s.width)
        s.problem = "its element coordinate does not match its width";
    }
  }
  H5Eclear2(H5E_DEFAULT);
  return p;
}

// ---------------------------------------------------------------------------------------
// Writing the index

// '%' starts a substitution in a virtual dataset's source names ("%b"); "%%" is a '%'.
std::string escape_vds_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '%') out += '%';
    out += c;
  }
  return out;
}

DatasetH create_1d(hid_t loc, const std::string& name, hid_t file_type, hsize_t n,
                   const std::string& path) {
  const hsize_t dims[1] = {n};
  const std::string what = "creating '" + name + "'";
  SpaceH space(check(H5Screate_simple(1, dims, nullptr), path, what));
  return DatasetH(check(
      H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      path, what));
}

DatasetH write_doubles(hid_t loc, const std::string& name, const std::vector<double>& v,
                       const std::string& path) {
  DatasetH ds = create_1d(loc, name, H5T_IEEE_F64LE, v.size(), path);
  if (!v.empty())
    check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path,
          "writing '" + name + "'");
  return ds;
}

DatasetH write_int64s(hid_t loc, const std::string& name, const std::vector<std::int64_t>& v,
                      const std::string& path) {
  DatasetH ds = create_1d(loc, name, H5T_STD_I64LE, v.size(), path);
  if (!v.empty())
    check(H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path,
          "writing '" + name + "'");
  return ds;
}

DatasetH write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v,
                       const std::string& path) {
  TypeH type = vlen_utf8_type(path);
  DatasetH ds = create_1d(loc, name, type.get(), v.size(), path);
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const std::string& s : v) ptrs.push_back(s.c_str());
  if (!v.empty())
    check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), path,
          "writing '" + name + "'");
  return ds;
}

void attach(hid_t ds, hid_t scale, unsigned dim, const std::string& path) {
  check(H5DSattach_scale(ds, scale, dim), path, "attaching a dimension scale");
}

// /scenario or a group's copy of it.
DatasetH write_scenario_scale(hid_t loc, std::size_t n, const std::string& path) {
  std::vector<std::int64_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = static_cast<std::int64_t>(i);
  DatasetH ds = write_int64s(loc, "scenario", idx, path);
  make_dimension_scale(ds.get(), "scenario", "", "scenario index", path);
  return ds;
}

// /time or a group's copy of it.
DatasetH write_time_scale(hid_t loc, const std::vector<double>& t, const std::string& units,
                          const std::string& path) {
  DatasetH ds = write_doubles(loc, "time", t, path);
  make_time_scale(ds.get(), units, path);
  return ds;
}

DatasetH write_coord_scale(hid_t loc, const Coord& c, const std::string& path) {
  DatasetH ds = c.text ? write_strings(loc, c.name, c.names, path)
                       : write_doubles(loc, c.name, c.values, path);
  make_dimension_scale(ds.get(), c.name, c.units, c.long_name, path);
  return ds;
}

// What goes into one output's virtual dataset.
struct StackedOutput {
  const OutputSpec* spec = nullptr;
  bool written = false;
  std::string units, long_name;
  std::vector<hsize_t> rows;         // per scenario: rows mapped (0: none)
  std::vector<hsize_t> source_rows;  // per scenario: the source dataset's rows
};

struct GroupPlan {
  std::string group;
  std::optional<Coord> coord;
  std::vector<StackedOutput*> outputs;
};

struct IndexContent {
  const EnsembleManifest* m = nullptr;
  std::vector<double> time_axis;
  std::string time_units;
  std::vector<ScenarioProbe>* probes = nullptr;
  std::vector<GroupPlan>* groups = nullptr;
  std::vector<std::string> notes;
  int complete = 0, failed = 0, other = 0;
};

void write_index_file(const std::string& path, const IndexContent& c) {
  const EnsembleManifest& m = *c.m;
  const std::vector<ScenarioProbe>& probes = *c.probes;
  const std::size_t n = m.scenarios.size();
  const hsize_t t_len = c.time_axis.size();

  // "Semi" close: closing the file fails (instead of being put off) if an object in it
  // is still open, so a successful close means everything is on disk before the rename.
  PlistH fapl(check(H5Pcreate(H5P_FILE_ACCESS), path, "creating file access properties"));
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), path, "setting the close degree");
  FileH file(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), path,
                   "creating the file"));
  const hid_t f = file.get();
  {
    GroupH root(check(H5Gopen2(f, "/", H5P_DEFAULT), path, "opening /"));
    const hid_t r = root.get();
    write_attr(r, "file_type", std::string("steppe-ensemble"), path);
    write_attr(r, "format_version", std::string("1.0"), path);
    write_attr(r, "study_name", m.study_name, path);
    write_attr(r, "study_path", m.study_path, path);
    write_attr(r, "start_time", m.start_iso, path);
    write_attr(r, "duration_s", m.duration, path);
    write_attr(r, "output_interval_s", m.output_interval, path);
    write_attr(r, "outputs", join(m.outputs, "; "), path);
    write_attr(r, "scenario_count", static_cast<std::int64_t>(n), path);
    write_attr(r, "complete", static_cast<std::int64_t>(c.complete), path);
    write_attr(r, "failed", static_cast<std::int64_t>(c.failed), path);
    write_attr(r, "other", static_cast<std::int64_t>(c.other), path);
    write_attr(r, "notes", join(c.notes, "; "), path);
  }
  DatasetH root_scenario = write_scenario_scale(f, n, path);
  DatasetH root_time = write_time_scale(f, c.time_axis, c.time_units, path);

  // --- /scenarios: one column per field, sharing the group's scenario scale. ---
  {
    GroupH grp(check(H5Gcreate2(f, "scenarios", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                     "creating /scenarios"));
    const hid_t g = grp.get();
    DatasetH scale = write_scenario_scale(g, n, path);
    std::vector<std::string> names, overrides, files, status, message;
    std::vector<std::int64_t> exit_code, samples;
    std::vector<double> wall;
    for (std::size_t i = 0; i < n; ++i) {
      const EnsembleScenario& sc = m.scenarios[i];
      const EnsembleRow& row = probes[i].row;
      names.push_back(sc.name);
      overrides.push_back(join(sc.overrides, "; "));
      files.push_back(sc.file);
      status.push_back(row.status);
      message.push_back(row.message);
      exit_code.push_back(row.exit_code);
      samples.push_back(row.samples);
      wall.push_back(row.wall_time_s);
    }
    struct Column {
      DatasetH ds;
      const char* long_name;
      const char* units;
    };
    std::vector<Column> cols;
    cols.push_back({write_strings(g, "name", names, path), "scenario name", nullptr});
    cols.push_back({write_strings(g, "overrides", overrides, path),
                    "study overrides (key.path=value)", nullptr});
    cols.push_back({write_strings(g, "file", files, path), "results file", nullptr});
    cols.push_back({write_strings(g, "status", status, path), "run status", nullptr});
    cols.push_back({write_strings(g, "message", message, path), "run message", nullptr});
    cols.push_back({write_int64s(g, "exit_code", exit_code, path), "exit code", nullptr});
    cols.push_back({write_doubles(g, "wall_time_s", wall, path), "wall-clock time", "s"});
    cols.push_back({write_int64s(g, "samples", samples, path), "output samples written", nullptr});
    for (Column& col : cols) {
      write_attr(col.ds.get(), "long_name", std::string(col.long_name), path);
      if (col.units) write_attr(col.ds.get(), "units", std::string(col.units), path);
      if (n > 0) attach(col.ds.get(), scale.get(), 0, path);
    }
  }

  // --- One group per output group: its scales, then the virtual datasets. ---
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const GroupPlan& gp : *c.groups) {
    if (std::none_of(gp.outputs.begin(), gp.outputs.end(),
                     [](const StackedOutput* o) { return o->written; }))
      continue;
    GroupH grp = ensure_group(f, gp.group, path);
    const hid_t g = grp.get();
    DatasetH scenario = write_scenario_scale(g, n, path);
    DatasetH time = write_time_scale(g, c.time_axis, c.time_units, path);
    DatasetH coord = write_coord_scale(g, *gp.coord, path);
    const hsize_t width = gp.coord->size();
    for (const StackedOutput* op : gp.outputs) {
      if (!op->written) continue;
      const std::string what = "creating the virtual dataset '" + op->spec->path + "'";
      const hsize_t vdims[3] = {n, t_len, width};
      SpaceH vspace(check(H5Screate_simple(3, vdims, nullptr), path, what));
      PlistH dcpl(check(H5Pcreate(H5P_DATASET_CREATE), path, what));
      check(H5Pset_layout(dcpl.get(), H5D_VIRTUAL), path, what);
      check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &nan), path, what);
      const std::string source_dataset = escape_vds_name("/" + op->spec->path);
      for (std::size_t s = 0; s < n; ++s) {
        const hsize_t rows = op->rows[s];
        if (rows == 0 || width == 0) continue;
        const hsize_t vstart[3] = {s, 0, 0}, vcount[3] = {1, rows, width};
        check(H5Sselect_hyperslab(vspace.get(), H5S_SELECT_SET, vstart, nullptr, vcount, nullptr),
              path, what);
        // The source's own extent with an explicit hyperslab of its first `rows` rows: a
        // selection of the whole extent would be stored as "all", which breaks once the
        // source grows (a running scenario) or has rows beyond len(/time) (a killed one).
        const hsize_t sdims[2] = {op->source_rows[s], width};
        const hsize_t sstart[2] = {0, 0}, scount[2] = {rows, width};
        SpaceH sspace(check(H5Screate_simple(2, sdims, nullptr), path, what));
        check(H5Sselect_hyperslab(sspace.get(), H5S_SELECT_SET, sstart, nullptr, scount, nullptr),
              path, what);
        check(H5Pset_virtual(dcpl.get(), vspace.get(), escape_vds_name(probes[s].source).c_str(),
                             source_dataset.c_str(), sspace.get()),
              path, what);
      }
      check(H5Sselect_all(vspace.get()), path, what);
      DatasetH ds(check(H5Dcreate2(g, op->spec->quantity.c_str(), H5T_IEEE_F64LE, vspace.get(),
                                   H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        path, what));
      write_attr(ds.get(), "units", op->units, path);
      write_attr(ds.get(), "long_name", op->long_name, path);
      if (n > 0) attach(ds.get(), scenario.get(), 0, path);
      attach(ds.get(), time.get(), 1, path);
      if (width > 0) attach(ds.get(), coord.get(), 2, path);
    }
  }
  root_scenario.reset();
  root_time.reset();
  if (file.reset() < 0)
    throw std::runtime_error(
        fmt::format("ensemble index '{}': closing the file: {}", path, hdf5_reason()));
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Ensemble index

EnsembleReport write_ensemble_index(const std::string& dir, const EnsembleManifest& m) {
  validate_manifest(m);
  const std::size_t n = m.scenarios.size();
  {
    std::set<std::string> files;
    for (const EnsembleScenario& s : m.scenarios) {
      if (!plain_file_name(s.file))
        throw std::invalid_argument("scenario '" + s.name + "': file '" + s.file +
                                    "' must be a file name in the sweep directory");
      if (s.file == kIndexName || s.file == kIndexTempName || s.file == kManifestName)
        throw std::invalid_argument("scenario '" + s.name + "': file '" + s.file +
                                    "' is reserved for the sweep's own files");
      if (!files.insert(s.file).second)
        throw std::invalid_argument("scenarios share the file '" + s.file + "'");
    }
  }
  std::vector<OutputSpec> outputs;
  {
    std::set<std::string> seen;
    for (const std::string& o : m.outputs) {
      OutputSpec spec = parse_output(o);
      if (!seen.insert(spec.path).second)
        throw std::invalid_argument("output '" + spec.path + "' listed twice");
      outputs.push_back(std::move(spec));
    }
  }

  IndexContent content;
  content.m = &m;
  // The times the run writes (simulation.cpp): min(k·interval, duration) until duration.
  content.time_axis.push_back(0.0);
  for (long k = 1;; ++k) {
    const double t = std::min(static_cast<double>(k) * m.output_interval, m.duration);
    content.time_axis.push_back(t);
    if (t >= m.duration) break;
  }
  content.time_units = "seconds since " + m.start_iso;

  quiet_hdf5();
  std::vector<ScenarioProbe> probes;
  probes.reserve(n);
  for (const EnsembleScenario& s : m.scenarios)
    probes.push_back(probe_scenario(dir, s, outputs, content.time_axis, content.time_units));

  // Plans: per output, the rows each scenario maps; per group, the element coordinate.
  std::vector<StackedOutput> plans(outputs.size());
  std::vector<GroupPlan> groups;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    plans[o].spec = &outputs[o];
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const GroupPlan& g) { return g.group == outputs[o].group; });
    if (it == groups.end()) {
      groups.push_back(GroupPlan{outputs[o].group, std::nullopt, {}});
      it = groups.end() - 1;
    }
    it->outputs.push_back(&plans[o]);
  }
  for (GroupPlan& g : groups) {
    // The coordinate of the first scenario (in order) holding one of the group's outputs.
    for (std::size_t s = 0; s < n && !g.coord; ++s)
      for (const StackedOutput* op : g.outputs) {
        const SeriesProbe& sp = probes[s].series[static_cast<std::size_t>(op - plans.data())];
        if (probes[s].readable && sp.present && sp.problem.empty()) {
          g.coord = sp.coord;
          break;
        }
      }
    for (StackedOutput* op : g.outputs) {
      const std::size_t o = static_cast<std::size_t>(op - plans.data());
      const std::string& opath = outputs[o].path;
      op->rows.assign(n, 0);
      op->source_rows.assign(n, 0);
      const bool held = std::any_of(probes.begin(), probes.end(), [&](const ScenarioProbe& p) {
        return p.readable && p.series[o].present && p.series[o].problem.empty();
      });
      if (!g.coord || !held) {
        content.notes.push_back(opath + ": no readable scenario file holds it, not written");
        continue;
      }
      if (outputs[o].quantity == g.coord->name) {
        content.notes.push_back(opath + ": the name of the group's coordinate, not written");
        continue;
      }
      bool attrs_set = false;
      for (std::size_t s = 0; s < n; ++s) {
        ScenarioProbe& p = probes[s];
        const SeriesProbe& sp = p.series[o];
        if (!p.readable) continue;  // the message says why
        if (!sp.present) {
          p.notes.push_back(opath + ": not in the file");
          continue;
        }
        if (!attrs_set) {
          op->units = sp.units;
          op->long_name = sp.long_name;
          attrs_set = true;
        }
        if (!sp.problem.empty()) {
          p.notes.push_back(opath + ": " + sp.problem + ", not indexed");
          continue;
        }
        if (!sp.coord->same_as(*g.coord)) {
          p.notes.push_back(opath + ": its " + g.coord->name +
                            "s differ from the index's, not indexed");
          continue;
        }
        op->rows[s] = std::min(p.map_rows, sp.rows);
        op->source_rows[s] = sp.rows;
      }
      op->written = true;
    }
  }

  const auto flagged = std::count_if(probes.begin(), probes.end(),
                                     [](const ScenarioProbe& p) { return p.swmr_flagged; });
  if (flagged > 0)
    content.notes.push_back(
        fmt::format("{} scenario file(s) still open for writing or left by a killed writer: open "
                    "ensemble.h5 in SWMR-read mode (h5py swmr=True) to see their samples",
                    flagged));

  EnsembleReport report;
  report.rows.reserve(n);
  for (ScenarioProbe& p : probes) {
    if (!p.notes.empty())
      p.row.message += (p.row.message.empty() ? "" : " ") + std::string("[ensemble: ") +
                       join(p.notes, "; ") + "]";
    if (p.row.status == "complete")
      ++report.complete;
    else if (p.row.status == "failed")
      ++report.failed;
    else
      ++report.other;
    report.rows.push_back(p.row);
  }
  content.probes = &probes;
  content.groups = &groups;
  content.complete = report.complete;
  content.failed = report.failed;
  content.other = report.other;

  const std::string tmp = path_in(dir, kIndexTempName);
  const std::string target = path_in(dir, kIndexName);
  try {
    write_index_file(tmp, content);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(tmp, ec);
    throw std::runtime_error("ensemble index '" + target + "': cannot rename '" + tmp +
                             "' to it: " + reason);
  }
  return report;
}

}  // namespace steppe
