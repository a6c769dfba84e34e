// Test helper: an HDF5 id that must be valid (REQUIRE) and is closed when it goes.
#pragma once

#include <hdf5.h>

#include <catch2/catch.hpp>

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

}  // namespace steppe::testing
