// What the readers of the `coupling:` section's element kinds share while the section is
// read (models/coupling/kinds.cpp lists the kinds; each kind's reader lives beside its
// model). Couplings join elements of the other domains, found in the system by kind and
// name.
#pragma once

#include <fmt/format.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/registry.hpp"
#include "solver/engine/system.hpp"
#include "solver/study/study_options.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe::coupling {

struct Context {
  Context(System& sys, bool q) : system(sys), quiet(q) {}
  System& system;
  // The other sections had errors, so a missing element may be their consequence.
  bool quiet = false;
  std::set<const Component*> coupled;  // every element is coupled once at most

  // Records that `c` (named by `key` of `item`) is coupled; false after reporting when it
  // already is.
  bool claim(const Reader& item, const std::string& key, const Component* c) {
    if (coupled.insert(c).second) return true;
    item.error_at_key(key, fmt::format("'{}' is already coupled (once per element)", c->name()));
    return false;
  }

  // The element of `kind` named by `key` of `item`, or nullptr after reporting the problem
  // (wrong kind, or no such element with the closest name suggested).
  template <class T>
  T* find(const Reader& item, const std::string& key, const std::string& kind) const {
    return dynamic_cast<T*>(find_component(item, key, kind));
  }
  Component* find_component(const Reader& item, const std::string& key,
                            const std::string& kind) const;
};

// The element kinds of the coupling section, in reading order.
std::span<const ElementKind<Context>> kinds();

}  // namespace steppe::coupling
