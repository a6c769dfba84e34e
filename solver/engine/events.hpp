// What happens at events: the action a component's event handler returns, the record
// written for it, and the discrete state (modes, latches, timers) saved in checkpoints.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace steppe {

// What a state or scheduled event did.
struct EventAction {
  bool reinitialise = false;  // the equations changed: restore consistency before going on
  std::string kind;           // "mode", "limit", "schedule": written to /events if not empty
  double value = 0.0;
  std::string message;
  std::string units = "";  // of `value`, UDUNITS ("Pa", "W", "1"); "" when it means nothing
  // The state left the physical domain (an absolute pressure below zero, an empty tank):
  // the run stops here with a solver failure naming the element, instead of carrying on.
  bool fatal = false;
};

struct EventRecord {
  double time = 0.0;              // s since start
  std::string kind;               // "limit", "mode", "schedule", "root", …
  std::string element;            // element name ("" for the whole system)
  double value = 0.0;             // the quantity that triggered it, SI
  std::string message;            // human-readable
  std::string units = "";         // of value ("" when it means nothing)
  std::string element_kind = "";  // the element's kind ("gas node"), "" for the whole system
};

// The discrete state of an event source for checkpoints: modes, latches, set points
// handed down by a dispatcher, timers — every member that on_root/on_stop/settle (or
// another source's event) changes and that residual/roots/stop_times/outputs read.
// Values are stored as doubles in the order put(); restore reads them back in the same
// order. Bools, integers and enums round-trip exactly.
class DiscreteState {
 public:
  template <class T>
  void put(T v) {
    if constexpr (std::is_enum_v<T>)
      values_.push_back(static_cast<double>(static_cast<std::underlying_type_t<T>>(v)));
    else
      values_.push_back(static_cast<double>(v));
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put(v.size());
    for (const T& x : v) put(x);
  }
  // Throws std::runtime_error when the stored value cannot be a T (a flag that is not 0
  // or 1, a count or mode that is not a whole number in T's range): a checkpoint that was
  // edited or damaged is refused, never cast into undefined behaviour.
  template <class T>
  void get(T& v) {
    const double x = next();
    if constexpr (std::is_same_v<T, bool>) {
      if (x != 0.0 && x != 1.0) bad_value();
      v = x != 0.0;
    } else if constexpr (std::is_enum_v<T>) {
      v = static_cast<T>(whole<std::underlying_type_t<T>>(x));
    } else if constexpr (std::is_integral_v<T>) {
      v = whole<T>(x);
    } else {
      v = static_cast<T>(x);
    }
  }
  template <class T>
  void get(std::vector<T>& v) {
    std::size_t n = 0;
    get(n);
    if (n != v.size()) throw std::runtime_error("checkpoint: a list has a different length");
    for (T& x : v) get(x);
  }

  template <class I>
  static I whole(double x) {
    if (!(x == std::floor(x)) || x < static_cast<double>(std::numeric_limits<I>::min()) ||
        !(x < static_cast<double>(std::numeric_limits<I>::max()) + 1.0))
      bad_value();
    return static_cast<I>(x);
  }
  [[noreturn]] static void bad_value() {
    throw std::runtime_error("checkpoint: a discrete state value is out of its range");
  }

  std::vector<double>& values() { return values_; }
  const std::vector<double>& values() const { return values_; }
  std::size_t cursor() const { return cursor_; }
  void rewind() { cursor_ = 0; }

 private:
  double next() {
    if (cursor_ >= values_.size())
      throw std::runtime_error("checkpoint: the discrete state ends early");
    return values_[cursor_++];
  }
  std::vector<double> values_;
  std::size_t cursor_ = 0;
};

}  // namespace steppe
