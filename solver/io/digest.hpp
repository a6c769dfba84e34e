// SHA-256 (FIPS 180-4), for what must be recognised later: the study a results file and a
// checkpoint were written for, and every stored block of a checkpoint (a flipped bit or an
// edit is found on restart instead of being integrated).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace steppe {

class Sha256 {
 public:
  Sha256();
  Sha256& add(const void* data, std::size_t bytes);
  Sha256& add(std::string_view text) { return add(text.data(), text.size()); }
  // A double's and an integer's bytes, little-endian whatever the machine.
  Sha256& add(double value);
  Sha256& add(std::int64_t value);
  // The digest as 64 lower-case hex digits; the object is spent afterwards.
  std::string hex();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

std::string sha256_hex(std::string_view text);
// Of the values' little-endian IEEE-754 bytes.
std::string sha256_hex(std::span<const double> values);

}  // namespace steppe
