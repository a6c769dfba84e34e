// Names of a domain's elements while its section is read: every name once across all the
// domain's lists, and references ("from: Tank") resolved with a suggestion when they
// dangle. Errors go to the reader's diagnostics, at the offending key.
#pragma once

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "solver/study/diagnostics.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe {

class ElementNames {
 public:
  // The item's `name`, or "" (after an error) if it is missing or already used.
  std::string claim(const Reader& item, const std::string& list) {
    std::string name = item.text("name");
    if (name.empty()) return {};
    auto [it, fresh] = lists_.emplace(name, list);
    if (!fresh) {
      item.error_at_key("name", fmt::format("duplicate element name '{}' (already used in {})",
                                            name, it->second));
      return {};
    }
    return name;
  }

 private:
  std::map<std::string, std::string> lists_;
};

// Elements of one kind that others refer to by name (nodes, zones).
template <class T>
class ElementTable {
 public:
  explicit ElementTable(std::string what) : what_(std::move(what)) {}
  // `item` is where the element was defined, for errors about it found later.
  void add(const std::string& name, T* element, const Reader& item) {
    elements_[name] = element;
    items_.emplace(name, item);
    names_.push_back(name);
  }
  const Reader& item(const std::string& name) const { return items_.at(name); }
  // When the list itself failed to read, references to it would all dangle: stay quiet.
  void set_complete(bool complete) { complete_ = complete; }
  // The element named by `key` of `item`, or nullptr after reporting the problem.
  T* find(const Reader& item, const std::string& key) const {
    std::string ref = item.text(key);
    if (ref.empty()) return nullptr;
    auto it = elements_.find(ref);
    if (it != elements_.end()) return it->second;
    if (!complete_) return nullptr;
    std::string hint = closest_match(ref, names_);
    item.error_at_key(key, fmt::format("no {} named '{}'{}", what_, ref,
                                       hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return nullptr;
  }
  const std::map<std::string, T*>& elements() const { return elements_; }

 private:
  std::string what_;
  std::map<std::string, T*> elements_;
  std::map<std::string, Reader> items_;
  std::vector<std::string> names_;
  bool complete_ = true;
};

// Connected parts of a network, to check that each has a reference (union–find).
template <class T>
class Connectivity {
 public:
  void join(const T* a, const T* b) { parent_[root(a)] = root(b); }
  // `a` holds a reference (a pressure boundary, a slack zone).
  void mark(const T* a) { marked_.push_back(a); }
  // Whether a's part holds a reference; call after every join.
  bool referenced(const T* a) {
    for (const T* m : marked_)
      if (root(m) == root(a)) return true;
    return false;
  }
  const T* root(const T* a) {
    auto it = parent_.find(a);
    if (it == parent_.end() || it->second == a) return a;
    return it->second = root(it->second);
  }

 private:
  std::map<const T*, const T*> parent_;
  std::vector<const T*> marked_;
};

}  // namespace steppe
