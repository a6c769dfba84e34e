#include "solver/io/checkpoint.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "solver/io/digest.hpp"
#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

namespace {

constexpr const char* kFileType = "steppe-checkpoint";
constexpr const char* kFormat = "2.0";
constexpr std::size_t kMaxArrays = 4096;          // /state datasets
constexpr std::int64_t kMaxUnknowns = 1LL << 30;  // far above any study a machine can hold
constexpr std::int64_t kMaxCount = 1LL << 53;     // samples, events, output indices

struct ArrayList {
  std::vector<std::string> names;
};
herr_t list_dataset(hid_t, const char* name, const H5L_info_t*, void* data) {
  auto& list = static_cast<ArrayList*>(data)->names;
  if (list.size() > kMaxArrays) return 1;  // stop: too many (reported by the caller)
  list.emplace_back(name);
  return 0;
}

double state_time(const Checkpoint& c) {
  return c.state.has("t") && !c.state.get("t").empty() ? c.state.get("t").front() : 0.0;
}

// The root attributes, in the order the checksum covers them.
std::vector<Attribute> root_attributes(const Checkpoint& c) {
  return {
      {"file_type", std::string(kFileType)},
      {"format_version", std::string(kFormat)},
      {"run_id", c.run_id},
      {"study_sha256", sha256_hex(c.study_text)},
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
      {"time_s", state_time(c)},
  };
}

// The checksum over the root attributes and every array's name, length and digest (in
// name order, as the file lists them).
std::string seal_of(const std::vector<Attribute>& attrs,
                    const std::vector<std::pair<std::string, std::string>>& array_digests,
                    const Snapshot& s) {
  Sha256 h;
  h.add(std::string_view("steppe checkpoint seal\n"));
  for (const Attribute& a : attrs) {
    h.add(a.name).add(std::int64_t{0});
    if (const auto* t = std::get_if<std::string>(&a.value))
      h.add(std::int64_t(t->size())).add(*t);
    else if (const auto* d = std::get_if<double>(&a.value))
      h.add(*d);
    else
      h.add(std::get<std::int64_t>(a.value));
  }
  for (const auto& [name, digest] : array_digests)
    h.add(name).add(std::int64_t(s.get(name).size())).add(digest);
  return h.hex();
}

std::vector<std::pair<std::string, std::string>> array_digests(const Snapshot& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, values] : s.arrays) out.emplace_back(name, sha256_hex(values));
  std::sort(out.begin(), out.end());
  return out;
}

void write_to(hid_t file_id, const Checkpoint& c, bool seal, const std::string& path) {
  GroupH root(check(H5Gopen2(file_id, "/", H5P_DEFAULT), path, "opening /"));
  const std::vector<Attribute> attrs = root_attributes(c);
  for (const Attribute& a : attrs) write_attribute(root.get(), a.name, a.value, path);
  const auto digests = array_digests(c.state);
  if (seal)
    write_string_attribute(root.get(), "checksum_sha256", seal_of(attrs, digests, c.state), path);
  GroupH state(check(H5Gcreate2(file_id, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
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
    if (seal) write_string_attribute(ds.get(), "sha256", sha256_hex(values), path);
  }
}

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw std::runtime_error(fmt::format("checkpoint '{}': {}", path, why));
}

// The checkpoint's plain consistency, before its arrays are read (their sizes depend on it).
void check_counts(const Checkpoint& c, const std::string& path) {
  if (c.unknowns < 1 || c.unknowns > kMaxUnknowns || c.nonzeros < c.unknowns ||
      c.nonzeros > kMaxUnknowns * 64)
    refuse(path, fmt::format("{} unknowns and {} Jacobian non-zeros cannot be a study's",
                             c.unknowns, c.nonzeros));
  if (c.next_output < 1 || c.next_output > kMaxCount || c.samples < 1 ||
      c.samples > c.next_output || c.events < 0 || c.events > kMaxCount)
    refuse(path, fmt::format("next output {}, {} samples and {} events do not fit together",
                             c.next_output, c.samples, c.events));
  if (!std::isfinite(c.checkpoint_every) || c.checkpoint_every < 0 ||
      !std::isfinite(c.wall_seconds) || c.wall_seconds < 0)
    refuse(path, "its checkpoint interval or wall time is not a time");
  if (c.study_text.empty()) refuse(path, "it holds no study");
  if (c.run_id.size() != 32 || c.run_id.find_first_not_of("0123456789abcdef") != std::string::npos)
    refuse(path, "its run id is malformed");
}

Checkpoint read_from(hid_t file_id, const std::string& path) {
  GroupH root(check(H5Gopen2(file_id, "/", H5P_DEFAULT), path, "opening /"));
  if (read_string_attribute(root.get(), "file_type").value_or("") != kFileType)
    throw std::runtime_error(fmt::format("'{}' is not a Steppe checkpoint", path));
  const std::string format = read_string_attribute(root.get(), "format_version").value_or("?");
  if (format != kFormat)
    refuse(path, fmt::format("written in format {} by another version of steppe (this one "
                             "reads {}); it cannot be continued",
                             format, kFormat));
  // A required attribute, read by `reader` (read_string_attribute, …).
  auto need = [&](auto reader, const char* name) {
    auto v = reader(root.get(), name);
    if (!v) refuse(path, fmt::format("no attribute '{}' of its type", name));
    return *v;
  };
  Checkpoint c;
  c.run_id = need(read_string_attribute, "run_id");
  c.study_sha256 = need(read_string_attribute, "study_sha256");
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
  const double time_s = need(read_double_attribute, "time_s");
  const std::string seal = need(read_string_attribute, "checksum_sha256");
  check_counts(c, path);
  if (sha256_hex(c.study_text) != c.study_sha256)
    refuse(path, "its study text does not match its checksum (damaged or edited)");

  if (H5Lexists(root.get(), "state", H5P_DEFAULT) <= 0) refuse(path, "no /state group");
  GroupH state(check(H5Gopen2(file_id, "state", H5P_DEFAULT), path, "opening /state"));
  ArrayList list;
  hsize_t idx = 0;
  check(H5Literate(state.get(), H5_INDEX_NAME, H5_ITER_INC, &idx, list_dataset, &list), path,
        "listing /state");
  if (list.names.size() > kMaxArrays)
    refuse(path, fmt::format("more than {} arrays in /state", kMaxArrays));
  // The longest array a snapshot has: the Jacobian (non-zeros) or a vector (unknowns).
  const auto max_len = static_cast<hsize_t>(std::max(c.unknowns, c.nonzeros)) + 4096;
  std::vector<std::pair<std::string, std::string>> digests;
  for (const std::string& name : list.names) {
    const std::string where = "/state/" + name;
    DatasetH ds(check(H5Dopen2(state.get(), name.c_str(), H5P_DEFAULT), path, "opening " + where));
    TypeH type(check(H5Dget_type(ds.get()), path, "reading " + where));
    const auto n = length_1d(ds.get());
    if (H5Tget_class(type.get()) != H5T_FLOAT || !n || *n > max_len)
      refuse(path, fmt::format("{} is not an array of at most {} numbers", where, max_len));
    std::vector<double> values(static_cast<std::size_t>(*n));
    if (*n > 0)
      check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
            path, "reading " + where);
    const std::string digest = sha256_hex(values);
    if (read_string_attribute(ds.get(), "sha256").value_or("") != digest)
      refuse(path, fmt::format("{} does not match its checksum: the file is damaged or was "
                               "edited, and cannot be continued",
                               where));
    digests.emplace_back(name, digest);
    c.state.put(name, std::move(values));
  }
  if (seal_of(root_attributes(c), digests, c.state) != seal)
    refuse(path,
           "its attributes or the list of its arrays do not match its checksum: the "
           "file is damaged or was edited, and cannot be continued");
  for (const char* name : {"t", "y", "yp", "jacobian"})
    if (!c.state.has(name)) refuse(path, fmt::format("no /state/{}", name));
  const auto& t = c.state.get("t");
  if (t.size() != 1 || !std::isfinite(t[0]) || t[0] < 0 || t[0] != time_s)
    refuse(path, "its time is not a time of the run");
  if (c.state.get("y").size() != std::size_t(c.unknowns) ||
      c.state.get("yp").size() != std::size_t(c.unknowns) ||
      c.state.get("jacobian").size() != std::size_t(c.nonzeros))
    refuse(path, "its state does not have the sizes it declares");
  return c;
}

// A file access property list for an in-memory file (HDF5's core driver, no backing file).
PlistH core_fapl(const std::string& label) {
  PlistH fapl(check(H5Pcreate(H5P_FILE_ACCESS), label, "creating file access properties"));
  check(H5Pset_fapl_core(fapl.get(), 64 * 1024, false), label, "setting the core driver");
  return fapl;
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
    write_to(file.get(), c, true, path);
    if (file.reset() < 0) fail(path, "closing the checkpoint");
  }
  // On disk before it replaces the previous one: a crash never leaves a checkpoint that
  // the rename made visible but whose bytes were never written.
  if (const int fd = open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    fsync(fd);
    close(fd);
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
  return read_from(file.get(), path);
}

std::vector<unsigned char> checkpoint_image(const Checkpoint& c, bool seal) {
  quiet_hdf5();
  const std::string label = "<memory>";
  PlistH fapl = core_fapl(label);
  FileH file(check(H5Fcreate("checkpoint-image", H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), label,
                   "creating an in-memory checkpoint"));
  write_to(file.get(), c, seal, label);
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), label, "flushing");
  const ssize_t n = check(H5Fget_file_image(file.get(), nullptr, 0), label, "sizing the image");
  std::vector<unsigned char> out(static_cast<std::size_t>(n));
  check(H5Fget_file_image(file.get(), out.data(), out.size()), label, "copying the image");
  return out;
}

Checkpoint read_checkpoint_image(const void* data, std::size_t size, const std::string& label) {
  quiet_hdf5();
  PlistH fapl = core_fapl(label);
  check(H5Pset_file_image(fapl.get(), const_cast<void*>(data), size), label, "taking the image");
  FileH file(check(H5Fopen("checkpoint-image", H5F_ACC_RDONLY, fapl.get()), label,
                   "opening the checkpoint"));
  return read_from(file.get(), label);
}

}  // namespace steppe
