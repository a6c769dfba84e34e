// RAII for HDF5 identifiers: a move-only owner closed by the H5?close of its kind.
#pragma once

#include <hdf5.h>

#include <utility>

namespace steppe {

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Closes now; returns the close status (0 if there was nothing to close).
  herr_t reset() {
    herr_t status = 0;
    if (id_ >= 0) status = Close(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using FileH = Handle<H5Fclose>;
using GroupH = Handle<H5Gclose>;
using DatasetH = Handle<H5Dclose>;
using SpaceH = Handle<H5Sclose>;
using TypeH = Handle<H5Tclose>;
using AttrH = Handle<H5Aclose>;
using PlistH = Handle<H5Pclose>;

}  // namespace steppe
