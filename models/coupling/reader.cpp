// Reads the `coupling:` section of a study: the element kinds (kinds.cpp), each read beside
// its model.
#include "models/coupling/reader.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "models/coupling/context.hpp"

namespace steppe::coupling {

namespace {

const char* article(const std::string& noun) {
  return !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos ? "an"
                                                                                            : "a";
}

}  // namespace

Component* Context::find_component(const Reader& item, const std::string& key,
                                   const std::string& kind) const {
  if (!item.has(key)) {
    item.text(key);  // reports the missing key
    return nullptr;
  }
  const std::string ref = item.text(key);
  if (ref.empty()) return nullptr;
  if (Component* c = system.find(ref, kind))
    return item.context().faulty_elements.count(c) ? nullptr : c;
  if (quiet) return nullptr;
  std::vector<std::string> kinds, names;
  for (const auto& c : system.components()) {
    if (c->name() == ref) kinds.push_back(c->kind());
    if (c->kind() == kind) names.push_back(c->name());
  }
  if (!kinds.empty()) {
    item.error_at_key(key, fmt::format("'{}' is {} {}, not {} {}", ref, article(kinds.front()),
                                       kinds.front(), article(kind), kind));
    return nullptr;
  }
  const std::string hint = closest_match(ref, names);
  item.error_at_key(key, fmt::format("no {} named '{}'{}", kind, ref,
                                     hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  return nullptr;
}

void read_links(const Reader& section, System& system, const StudyOptions&) {
  Context c(system, !section.context().diagnostics.empty());
  read_kinds(section, c, kinds());
  section.finish();
}

}  // namespace steppe::coupling
