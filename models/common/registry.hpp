// Element kinds by registry. Each domain keeps one table (models/<domain>/kinds.cpp) with a
// row per element kind:
//
//   {list key, example item, reader, docs anchor}
//   {"storages", "name: Bozoi UGS, node: Bozoi, ...", read_storage, "gas-storages"}
//
// The reader of one item lives beside the element's model (models/gas/storage.cpp holds
// the equations, the reader and the outputs). The domain's section reader reads its own
// settings, walks the table in order — so a kind may refer to the kinds above it (pipes to
// nodes) — then resolves what needs the whole section and checks topology. Adding a kind
// is one model file and one row; nothing else in the domain changes.
//
// A list in a domain's section that no row knows is reported as an unknown element kind,
// with the closest registered one suggested.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "solver/study/diagnostics.hpp"
#include "solver/study/study.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe {

// What an element contributes to its parent's outputs by category (a zone's generation by
// type): the category's name (a dataset suffix, "wind") and its long name.
struct OutputCategory {
  const char* name;
  const char* long_name;
};

template <class Context>
struct ElementKind {
  const char* list;     // the section's key
  const char* example;  // one item, quoted when an item is not a mapping
  // Reads one item of the list into the context (its elements into the system).
  void (*read)(const Reader& item, Context& context);
  const char* docs;  // anchor in inputs/README.md
  // Categories its elements inject under (zone outputs generation_<name>), if any.
  std::span<const OutputCategory> categories = {};
  // Called once the whole list is read, with whether reading it recorded errors (a table
  // other kinds refer to then stays quiet about references that dangle because of them).
  void (*done)(Context& context, bool had_errors) = nullptr;
};

template <class Context>
std::vector<KindInfo> kind_infos(std::span<const ElementKind<Context>> kinds) {
  std::vector<KindInfo> out;
  for (const auto& k : kinds) out.push_back({k.list, k.docs});
  return out;
}

// The categories of all kinds, in table order, each name once.
template <class Context>
std::vector<OutputCategory> output_categories(std::span<const ElementKind<Context>> kinds) {
  std::vector<OutputCategory> out;
  for (const auto& k : kinds)
    for (const OutputCategory& c : k.categories)
      if (std::none_of(out.begin(), out.end(),
                       [&](const OutputCategory& o) { return std::string(o.name) == c.name; }))
        out.push_back(c);
  return out;
}

// Reports the lists of `section` that are no registered kind (a list of mappings under a key
// no reader asked for), naming the closest kind; marks them known so that finish() does not
// report them again.
void report_unknown_kinds(const Reader& section, const std::vector<std::string>& kinds);

// Reads every registered kind of `section`, in table order.
template <class Context>
void read_kinds(const Reader& section, Context& context,
                std::span<const ElementKind<Context>> kinds) {
  std::vector<std::string> lists;
  for (const auto& k : kinds) {
    lists.emplace_back(k.list);
    const std::size_t errors_before = section.context().diagnostics.size();
    for (const Reader& item : section.map_items(k.list, k.example)) {
      ReadContext& rc = section.context();
      const std::size_t first = context.system.components().size(), errors = rc.diagnostics.size();
      k.read(item, context);
      for (std::size_t i = first; i < context.system.components().size(); ++i) {
        rc.element_places[i] = {item.where(), item.path()};
        if (rc.diagnostics.size() != errors)
          rc.faulty_elements.insert(context.system.components()[i].get());
      }
    }
    if (k.done) k.done(context, section.context().diagnostics.size() != errors_before);
  }
  report_unknown_kinds(section, lists);
}

}  // namespace steppe
