#include "solver/io/results_info.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"
#include "solver/study/diagnostics.hpp"

namespace steppe {

namespace {

// Element `i` of a 1-D numeric dataset.
std::optional<double> value_at(hid_t ds, hsize_t i) {
  SpaceH fspace(H5Dget_space(ds));
  const hsize_t start[1] = {i}, count[1] = {1};
  SpaceH mspace(H5Screate_simple(1, count, nullptr));
  double v = 0.0;
  if (!fspace || !mspace ||
      H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(ds, H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, &v) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  return v;
}

// The value of a string or numeric attribute as text ("" if absent), printable.
std::string attribute_text(hid_t obj, const char* name) {
  if (auto s = read_string_attribute(obj, name)) return printable(*s, 300);
  if (auto i = read_int_attribute(obj, name)) return std::to_string(*i);
  if (auto d = read_double_attribute(obj, name)) return fmt::format("{:.6g}", *d);
  return H5Aexists(obj, name) > 0 ? "?" : "";
}

struct VisitData {
  std::string out;
};

herr_t visit(hid_t root, const char* name, const H5O_info_t* info, void* user) {
  auto* d = static_cast<VisitData*>(user);
  if (info->type != H5O_TYPE_DATASET) return 0;
  DatasetH ds(H5Dopen2(root, name, H5P_DEFAULT));
  SpaceH space(H5Dget_space(ds.get()));
  int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::string shape;
  for (std::size_t i = 0; i < dims.size(); ++i) shape += (i ? " × " : "") + std::to_string(dims[i]);
  std::string units = attribute_text(ds.get(), "units");
  d->out += fmt::format("  /{:<40} [{}]{}\n", printable(name, 200), shape,
                        units.empty() ? "" : "  " + units);
  return 0;
}

// The /scenarios table of an ensemble index: index, status, exit code, wall time, name.
std::string scenario_table(hid_t file) {
  if (H5Lexists(file, "scenarios", H5P_DEFAULT) <= 0) return {};
  auto column = [&](const char* name) {
    return DatasetH(H5Dopen2(file, (std::string("scenarios/") + name).c_str(), H5P_DEFAULT));
  };
  auto strings = [&](const char* name) {
    DatasetH ds = column(name);
    return ds ? read_strings(ds.get()).value_or(std::vector<std::string>{})
              : std::vector<std::string>{};
  };
  auto numbers = [&](const char* name, std::size_t n) {
    DatasetH ds = column(name);
    auto v = ds ? read_doubles(ds.get(), n) : std::nullopt;
    return v ? *v : std::vector<double>(n, NAN);
  };
  // A table of at most kMaxRows rows (an index lists one row per scenario run).
  constexpr hsize_t kMaxRows = 100000;
  {
    DatasetH ds = column("name");
    const auto n = ds ? length_1d(ds.get()) : std::nullopt;
    if (n && *n > kMaxRows) return fmt::format("  ({} scenarios: too many to list)\n", *n);
  }
  const auto names = strings("name"), status = strings("status");
  const auto codes = numbers("exit_code", names.size()),
             wall = numbers("wall_time_s", names.size());
  std::string out = fmt::format("  {:>5}  {:<12} {:>4} {:>9}  {}\n", "index", "status", "exit",
                                "wall [s]", "scenario");
  for (std::size_t k = 0; k < names.size() && k < status.size(); ++k)
    out += fmt::format("  {:>5}  {:<12} {:>4} {:>9.2f}  {}\n", k, printable(status[k], 40),
                       codes[k], wall[k], printable(names[k], 200));
  return out;
}

}  // namespace

std::string describe_results(const std::string& path) {
  quiet_hdf5();
  // HDF5 would open a FIFO and wait for a writer, or read a device: a regular file only.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error(
        fmt::format("{}: {}", printable(path),
                    std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  // A file left by a killed run is still marked as open for SWMR writing: open it the
  // way SWMR readers do.
  bool swmr = false;
  hid_t handle = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (handle < 0) {
    handle = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    swmr = true;
  }
  FileH file(handle);
  if (!file) throw std::runtime_error(fmt::format("{}: not a readable HDF5 file", path));
  std::string out = fmt::format("{}\n", path);
  const std::string type = attribute_text(file.get(), "file_type");
  if (type == "steppe-ensemble") {
    out +=
        fmt::format("  Steppe ensemble index: {} scenarios, {} complete, {} failed\n",
                    attribute_text(file.get(), "scenario_count"),
                    attribute_text(file.get(), "complete"), attribute_text(file.get(), "failed"));
    out += scenario_table(file.get());
  } else if (type == "steppe-checkpoint") {
    out += fmt::format("  Steppe checkpoint at t = {} s ({}), for {}\n",
                       attribute_text(file.get(), "time_s"), attribute_text(file.get(), "reason"),
                       attribute_text(file.get(), "results_path"));
  } else if (type != "steppe-results") {
    out += "  (not a Steppe results file: no file_type = steppe-results)\n";
  }
  std::string status = attribute_text(file.get(), "status");
  if (status == "running")
    status += swmr ? " (the run was killed or is still going: samples up to its last flush)"
                   : " (the run is still going or was killed)";
  if (!status.empty()) out += fmt::format("  status          {}\n", status);
  for (const char* a :
       {"study_name", "study_path", "start_time", "steppe_version", "git_revision",
        "format_version", "message", "samples", "events", "wall_time_s", "stats_steps",
        "stats_residual_evals", "stats_jacobian_evals", "unknowns", "jacobian_nonzeros"}) {
    std::string v = attribute_text(file.get(), a);
    if (!v.empty()) out += fmt::format("  {:<15} {}\n", a, v);
  }
  if (H5Lexists(file.get(), "time", H5P_DEFAULT) > 0) {
    // Its first and last values only: a file may claim any length.
    DatasetH ds(H5Dopen2(file.get(), "time", H5P_DEFAULT));
    const auto n = ds ? length_1d(ds.get()) : std::nullopt;
    if (n && *n > 0) {
      const auto first = value_at(ds.get(), 0), last = value_at(ds.get(), *n - 1);
      out +=
          fmt::format("  time            {} samples, {} s to {} s ({})\n", *n,
                      first ? fmt::format("{:g}", *first) : "?",
                      last ? fmt::format("{:g}", *last) : "?", attribute_text(ds.get(), "units"));
    } else if (!n) {
      out += "  time            (not a one-dimensional dataset)\n";
    }
  }
  out += "datasets:\n";
  VisitData data;
  H5Ovisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &data);
  return out + data.out;
}

}  // namespace steppe
