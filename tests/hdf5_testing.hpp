// Test helpers for reading HDF5 files: an id that must be valid (REQUIRE) and is closed
// when it goes, and a UTF-8 string attribute.
#pragma once

#include <hdf5.h>

#include <catch2/catch.hpp>
#include <string>

namespace steppe::testing {

struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  Id(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) { REQUIRE(id >= 0); }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() { close(id); }
  operator hid_t() const { return id; }
};

// A variable-length UTF-8 string attribute (REQUIREs exactly that).
inline std::string read_string_attr(hid_t obj, const char* name) {
  Id attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Id type(H5Aget_type(attr), H5Tclose);
  REQUIRE(H5Tget_class(type) == H5T_STRING);
  REQUIRE(H5Tis_variable_str(type) > 0);
  CHECK(H5Tget_cset(type) == H5T_CSET_UTF8);
  Id mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  char* p = nullptr;
  REQUIRE(H5Aread(attr, mem, &p) >= 0);
  std::string s = p ? p : "";
  H5free_memory(p);
  return s;
}

}  // namespace steppe::testing
