#include "solver/io/hdf5_util.hpp"

#include <hdf5_hl.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace steppe {

// Turn HDF5's automatic error printing off (once per process; the library state is
// global). Errors are reported through exceptions instead.
void quiet_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

namespace {

herr_t collect_error(unsigned n, const H5E_error2_t* err, void* data) {
  auto& out = *static_cast<std::string*>(data);
  if (n > 0) out += "; ";
  std::array<char, 160> minor{};
  if (H5Eget_msg(err->min_num, nullptr, minor.data(), minor.size()) < 0) minor[0] = '\0';
  out += err->func_name ? err->func_name : "?";
  out += ": ";
  out += err->desc ? err->desc : "";
  if (minor[0] != '\0') {
    out += " (";
    out += minor.data();
    out += ")";
  }
  return 0;
}

}  // namespace

std::string error_stack_text() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? std::string("unknown HDF5 error") : text;
}

[[noreturn]] void fail(const std::string& path, std::string_view what) {
  std::string stack = error_stack_text();
  // An operating-system error (disk full, permission denied) is what the user needs to
  // read; HDF5 reports it deep in its stack as "error message = '...'". Keep it and the
  // HDF5 call that failed (the top of the stack).
  const std::string key = "error message = '";
  if (auto at = stack.find(key); at != std::string::npos) {
    const auto begin = at + key.size(), end = stack.find('\'', begin);
    if (end != std::string::npos)
      throw std::runtime_error("HDF5 file '" + path + "': " + std::string(what) + ": " +
                               stack.substr(begin, end - begin) + " [" +
                               stack.substr(0, stack.find(':')) + "]");
  }
  throw std::runtime_error("HDF5 file '" + path + "': " + std::string(what) + ": " + stack);
}

TypeH vlen_utf8_type(const std::string& path) {
  TypeH t(check(H5Tcopy(H5T_C_S1), path, "copying string type"));
  check(H5Tset_size(t.get(), H5T_VARIABLE), path, "sizing string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), path, "setting UTF-8");
  return t;
}

TypeH fixed_utf8_type(std::size_t bytes, const std::string& path) {
  TypeH t(check(H5Tcopy(H5T_C_S1), path, "copying string type"));
  check(H5Tset_size(t.get(), bytes), path, "sizing string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), path, "setting UTF-8");
  check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), path, "setting string padding");
  return t;
}

// Writes (or replaces) a scalar attribute: strings as variable-length UTF-8.
void write_attribute(hid_t obj, const std::string& name, const AttrValue& value,
                     const std::string& path) {
  const std::string what = "writing attribute '" + name + "'";
  if (check(H5Aexists(obj, name.c_str()), path, what) > 0)
    check(H5Adelete(obj, name.c_str()), path, what);
  SpaceH space(check(H5Screate(H5S_SCALAR), path, what));
  if (const auto* s = std::get_if<std::string>(&value)) {
    TypeH type = vlen_utf8_type(path);
    AttrH attr(
        check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              path, what));
    const char* p = s->c_str();
    check(H5Awrite(attr.get(), type.get(), &p), path, what);
  } else if (const auto* d = std::get_if<double>(&value)) {
    AttrH attr(
        check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              path, what));
    check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, d), path, what);
  } else {
    const std::int64_t& i = std::get<std::int64_t>(value);
    AttrH attr(
        check(H5Acreate2(obj, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              path, what));
    check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &i), path, what);
  }
}

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value,
                            const std::string& path) {
  write_attribute(obj, name, AttrValue(value), path);
}

void make_dimension_scale(hid_t ds, const std::string& name, const std::string& units,
                          const std::string& long_name, const std::string& path) {
  if (!units.empty()) write_string_attribute(ds, "units", units, path);
  if (!long_name.empty()) write_string_attribute(ds, "long_name", long_name, path);
  check(H5DSset_scale(ds, name.c_str()), path, "making '" + name + "' a dimension scale");
}

void make_time_scale(hid_t ds, const std::string& units, const std::string& path) {
  write_string_attribute(ds, "calendar", "standard", path);
  write_string_attribute(ds, "standard_name", "time", path);
  write_string_attribute(ds, "axis", "T", path);
  make_dimension_scale(ds, "time", units, "time", path);
}

std::string hdf5_reason() {
  std::vector<std::string> descs;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
        if (err->desc && *err->desc)
          static_cast<std::vector<std::string>*>(data)->emplace_back(err->desc);
        return 0;
      },
      &descs);
  H5Eclear2(H5E_DEFAULT);
  const std::string key = "error message = '";
  for (const std::string& d : descs)
    if (auto at = d.find(key); at != std::string::npos) {
      const auto begin = at + key.size(), end = d.find('\'', begin);
      if (end != std::string::npos) return d.substr(begin, end - begin);
    }
  if (descs.empty()) return "unknown HDF5 error";
  if (descs.size() == 1 || descs.front() == descs.back()) return descs.front();
  return descs.front() + ": " + descs.back();
}

GroupH ensure_group(hid_t file, const std::string& group_path, const std::string& path) {
  GroupH current(check(H5Gopen2(file, "/", H5P_DEFAULT), path, "opening /"));
  std::size_t i = 0;
  while (i < group_path.size()) {
    std::size_t j = group_path.find('/', i);
    if (j == std::string::npos) j = group_path.size();
    const std::string part = group_path.substr(i, j - i);
    const std::string what = "creating group '" + group_path.substr(0, j) + "'";
    const htri_t exists = check(H5Lexists(current.get(), part.c_str(), H5P_DEFAULT), path, what);
    const hid_t next =
        exists > 0 ? H5Gopen2(current.get(), part.c_str(), H5P_DEFAULT)
                   : H5Gcreate2(current.get(), part.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    current = GroupH(check(next, path, what));
    i = j + 1;
  }
  return current;
}

namespace {

// An attribute holding one value (scalar or one-element dataspace), or an invalid handle.
AttrH open_single_attribute(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return AttrH();
  AttrH attr(H5Aopen(obj, name, H5P_DEFAULT));
  if (!attr) return attr;
  SpaceH space(H5Aget_space(attr.get()));
  if (!space || H5Sget_simple_extent_npoints(space.get()) != 1) return AttrH();
  return attr;
}

}  // namespace

namespace {
constexpr std::size_t kMaxAttributeBytes = std::size_t{64} << 20;
}  // namespace

std::optional<std::string> read_string_attribute(hid_t obj, const char* name) {
  AttrH attr = open_single_attribute(obj, name);
  if (!attr) return std::nullopt;
  TypeH type(H5Aget_type(attr.get()));
  if (!type || H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  if (H5Tis_variable_str(type.get()) > 0) {
    TypeH mem(H5Tcopy(H5T_C_S1));
    if (!mem || H5Tset_size(mem.get(), H5T_VARIABLE) < 0) return std::nullopt;
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* s = nullptr;
    if (H5Aread(attr.get(), mem.get(), &s) < 0) return std::nullopt;
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
  const std::size_t n = H5Tget_size(type.get());
  if (n > kMaxAttributeBytes) return std::nullopt;  // a file may declare any size
  std::string out(n, '\0');
  if (n > 0 && H5Aread(attr.get(), type.get(), out.data()) < 0) return std::nullopt;
  return out.substr(0, out.find('\0'));
}

std::optional<double> read_double_attribute(hid_t obj, const char* name) {
  AttrH attr = open_single_attribute(obj, name);
  if (!attr) return std::nullopt;
  TypeH type(H5Aget_type(attr.get()));
  const H5T_class_t c = type ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if (c != H5T_FLOAT && c != H5T_INTEGER) return std::nullopt;
  double v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) return std::nullopt;
  return v;
}

std::optional<std::int64_t> read_int_attribute(hid_t obj, const char* name) {
  AttrH attr = open_single_attribute(obj, name);
  if (!attr) return std::nullopt;
  TypeH type(H5Aget_type(attr.get()));
  if (!type || H5Tget_class(type.get()) != H5T_INTEGER) return std::nullopt;
  std::int64_t v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) return std::nullopt;
  return v;
}

// Whether the object at "a/b/c" exists (checking each link on the way).
bool path_exists(hid_t file, const std::string& path) {
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (H5Lexists(file, path.substr(0, j).c_str(), H5P_DEFAULT) <= 0) return false;
    i = j + 1;
  }
  return !path.empty();
}

// The length of a 1-D dataset's only dimension, nullopt if it is not 1-D.
std::optional<hsize_t> length_1d(hid_t ds) {
  SpaceH space(H5Dget_space(ds));
  if (!space || H5Sget_simple_extent_ndims(space.get()) != 1) return std::nullopt;
  hsize_t n = 0;
  if (H5Sget_simple_extent_dims(space.get(), &n, nullptr) < 0) return std::nullopt;
  return n;
}

// The first `n` values of a 1-D numeric dataset.
std::optional<std::vector<double>> read_doubles(hid_t ds, hsize_t n) {
  std::vector<double> v(n);
  if (n == 0) return v;
  SpaceH fspace(H5Dget_space(ds));
  const hsize_t start[1] = {0}, count[1] = {n};
  SpaceH mspace(H5Screate_simple(1, count, nullptr));
  if (!fspace || !mspace ||
      H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(ds, H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, v.data()) < 0)
    return std::nullopt;
  return v;
}

std::optional<std::vector<double>> read_column(hid_t ds, hsize_t rows, hsize_t col) {
  std::vector<double> v(rows);
  if (rows == 0) return v;
  SpaceH fspace(H5Dget_space(ds));
  if (!fspace || H5Sget_simple_extent_ndims(fspace.get()) != 2) return std::nullopt;
  const hsize_t start[2] = {0, col}, count[2] = {rows, 1};
  SpaceH mspace(H5Screate_simple(2, count, nullptr));
  if (!mspace ||
      H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(ds, H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, v.data()) < 0)
    return std::nullopt;
  return v;
}

// A whole 1-D string dataset (variable- or fixed-length).
std::optional<std::vector<std::string>> read_strings(hid_t ds) {
  const auto n = length_1d(ds);
  TypeH type(H5Dget_type(ds));
  if (!n || !type || H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(*n);
  if (*n == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    TypeH mem(H5Tcopy(H5T_C_S1));
    if (!mem || H5Tset_size(mem.get(), H5T_VARIABLE) < 0) return std::nullopt;
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    std::vector<char*> buf(*n, nullptr);
    if (H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return std::nullopt;
    for (char* s : buf) out.emplace_back(s ? s : "");
    SpaceH space(H5Dget_space(ds));
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(mem.get(), space.get(), H5P_DEFAULT, buf.data());
#else
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, buf.data());
#endif
    return out;
  }
  const std::size_t width = H5Tget_size(type.get());
  std::vector<char> buf(*n * width + 1, '\0');
  if (H5Dread(ds, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return std::nullopt;
  for (hsize_t k = 0; k < *n; ++k) {
    std::string s(buf.data() + k * width, width);
    out.push_back(s.substr(0, s.find('\0')));
  }
  return out;
}

}  // namespace steppe
