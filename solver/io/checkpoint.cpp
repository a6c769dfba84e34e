#include "solver/io/checkpoint.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

namespace {

constexpr const char* kFileType = "steppe-checkpoint";
constexpr const char* kFormat = "1.0";

struct ArrayList {
  std::vector<std::string> names;
};
herr_t list_dataset(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<ArrayList*>(data)->names.emplace_back(name);
  return 0;
}

}  // namespace

std::string default_checkpoint_path(const std::string& results_path) {
  return results_path + ".ckpt";
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  quiet_hdf5();
  const std::string tmp = path + ".tmp";
  {
    FileH file(check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), path,
                     "creating the checkpoint"));
    GroupH root(check(H5Gopen2(file.get(), "/", H5P_DEFAULT), path, "opening /"));
    const std::vector<Attribute> attrs = {
        {"file_type", std::string(kFileType)},
        {"format_version", std::string(kFormat)},
        {"study_path", c.study_path},
        {"study", c.study_text},
        {"results_path", c.results_path},
        {"unknowns", c.unknowns},
        {"jacobian_nonzeros", c.nonzeros},
        {"next_output", c.next_output},
        {"samples", c.samples},
        {"events", c.events},
        {"checkpoint_every_s", c.checkpoint_every},
        {"wall_time_s", c.wall_seconds},
        {"reason", c.reason},
        {"time_s", c.state.has("t") ? c.state.get("t").at(0) : 0.0},
    };
    for (const Attribute& a : attrs) write_attribute(root.get(), a.name, a.value, path);
    GroupH state(check(H5Gcreate2(file.get(), "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                       "creating /state"));
    for (const auto& [name, values] : c.state.arrays) {
      const hsize_t dims[1] = {values.size()};
      SpaceH space(check(H5Screate_simple(1, dims, nullptr), path, "creating a dataspace"));
      DatasetH ds(check(H5Dcreate2(state.get(), name.c_str(), H5T_IEEE_F64LE, space.get(),
                                   H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        path, "creating /state/" + name));
      if (!values.empty())
        check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              path, "writing /state/" + name);
    }
    state.reset();
    root.reset();
    if (file.reset() < 0) fail(path, "closing the checkpoint");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("checkpoint '{}': cannot rename {} to it: {}", path, tmp, ec.message()));
}

Checkpoint read_checkpoint(const std::string& path) {
  quiet_hdf5();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error(fmt::format("checkpoint '{}': no such file", path));
  FileH file(
      check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path, "opening the checkpoint"));
  GroupH root(check(H5Gopen2(file.get(), "/", H5P_DEFAULT), path, "opening /"));
  if (read_string_attribute(root.get(), "file_type").value_or("") != kFileType)
    throw std::runtime_error(fmt::format("'{}' is not a Steppe checkpoint", path));
  // A required attribute, read by `reader` (read_string_attribute, …).
  auto need = [&](auto reader, const char* name) {
    auto v = reader(root.get(), name);
    if (!v) throw std::runtime_error(fmt::format("checkpoint '{}': no attribute '{}'", path, name));
    return *v;
  };
  Checkpoint c;
  c.study_path = need(read_string_attribute, "study_path");
  c.study_text = need(read_string_attribute, "study");
  c.results_path = need(read_string_attribute, "results_path");
  c.unknowns = need(read_int_attribute, "unknowns");
  c.nonzeros = need(read_int_attribute, "jacobian_nonzeros");
  c.next_output = need(read_int_attribute, "next_output");
  c.samples = need(read_int_attribute, "samples");
  c.events = need(read_int_attribute, "events");
  c.checkpoint_every = need(read_double_attribute, "checkpoint_every_s");
  c.wall_seconds = need(read_double_attribute, "wall_time_s");
  c.reason = need(read_string_attribute, "reason");
  GroupH state(check(H5Gopen2(file.get(), "state", H5P_DEFAULT), path, "opening /state"));
  ArrayList list;
  hsize_t idx = 0;
  check(H5Literate(state.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, list_dataset, &list), path,
        "listing /state");
  for (const std::string& name : list.names) {
    DatasetH ds(
        check(H5Dopen2(state.get(), name.c_str(), H5P_DEFAULT), path, "opening /state/" + name));
    SpaceH space(check(H5Dget_space(ds.get()), path, "reading /state/" + name));
    const hssize_t n = check(H5Sget_simple_extent_npoints(space.get()), path, "/state/" + name);
    std::vector<double> values(static_cast<std::size_t>(n));
    if (n > 0)
      check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            path, "reading /state/" + name);
    c.state.put(name, std::move(values));
  }
  return c;
}

}  // namespace steppe
