// Small pieces of HDF5 plumbing shared by the results file, the checkpoint and the
// ensemble index: error text, checked calls, UTF-8 string types and attributes.
// Failures throw std::runtime_error("HDF5 file '<path>': <what>: <reason>"), where
// the reason is the operating-system error when HDF5 reports one (disk full…).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/results_file.hpp"

namespace steppe {

// Turns HDF5's automatic error printing off (once per process).
void quiet_hdf5();
// The current thread's HDF5 error stack as text; clears it.
std::string error_stack_text();
[[noreturn]] void fail(const std::string& path, std::string_view what);
// HDF5's reason for the last failure, short: the operating system's message if there is
// one, else the failing call's message and the deepest one ("unable to open file: file
// signature not found"). Clears the error stack.
std::string hdf5_reason();

// Checks an HDF5 return value (hid_t, herr_t or htri_t): negative means failure.
template <class T>
T check(T result, const std::string& path, std::string_view what) {
  if (result < 0) fail(path, what);
  return result;
}

TypeH vlen_utf8_type(const std::string& path);
TypeH fixed_utf8_type(std::size_t bytes, const std::string& path);

// Writes (or replaces) a scalar attribute: strings as variable-length UTF-8.
void write_attribute(hid_t obj, const std::string& name, const AttrValue& value,
                     const std::string& path);
void write_string_attribute(hid_t obj, const std::string& name, const std::string& value,
                            const std::string& path);

// Makes `ds` the dimension scale `name`, with its units (if any) and long name.
void make_dimension_scale(hid_t ds, const std::string& name, const std::string& units,
                          const std::string& long_name, const std::string& path);
// Makes `ds` the CF time coordinate "time": units "seconds since <start>", the standard
// calendar, standard_name and axis, as xarray and other CF readers decode them.
void make_time_scale(hid_t ds, const std::string& units, const std::string& path);

// Opens "a/b/c" below the root, creating missing groups.
GroupH ensure_group(hid_t file, const std::string& group_path, const std::string& path);

// A single-valued attribute's value, or nullopt when it is absent, unreadable or of
// another class (integers are read as doubles too). Never throw.
std::optional<std::string> read_string_attribute(hid_t obj, const char* name);
std::optional<double> read_double_attribute(hid_t obj, const char* name);
std::optional<std::int64_t> read_int_attribute(hid_t obj, const char* name);

// Reading datasets that may be absent or malformed (scenario files, indexes): nullopt
// instead of an exception.
// Whether the object at "a/b/c" exists (checking each link on the way).
bool path_exists(hid_t file, const std::string& path);
// The length of a 1-D dataset's only dimension, nullopt if it is not 1-D.
std::optional<hsize_t> length_1d(hid_t ds);
// The first `n` values of a 1-D numeric dataset.
std::optional<std::vector<double>> read_doubles(hid_t ds, hsize_t n);
// Rows [0, rows) of column `col` of a 2-D numeric dataset.
std::optional<std::vector<double>> read_column(hid_t ds, hsize_t rows, hsize_t col);
// A whole 1-D string dataset (variable- or fixed-length).
std::optional<std::vector<std::string>> read_strings(hid_t ds);

}  // namespace steppe
