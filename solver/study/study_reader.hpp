// Reading a study's YAML: a cursor over one node that knows its key path and its place
// in the file, converts quantities with units, and collects every error it finds.
//
// Each mapping is read through a Reader; the keys asked for are the keys it knows.
// finish() reports every other key as unknown, suggesting the closest known one, so a
// typo ("capacitence") is an error instead of a silently ignored default.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/study/diagnostics.hpp"
#include "solver/study/profile.hpp"
#include "solver/study/units.hpp"

namespace steppe {

// What all readers of one study share.
struct ReadContext {
  std::shared_ptr<const SourceText> source;
  std::string study_dir;  // CSV paths are relative to it
  // Key paths set by overrides ("lumped.nodes[0].capacitance"), and where each came from:
  // the command line (origin "command line (--set key=value)") or a value in the study's
  // sweep block. An error at or below such a path is reported there.
  std::map<std::string, Location> overrides;
  std::optional<double> normal_density;  // kg/m³ (n), for standard gas volumes
  Diagnostics diagnostics;
  // Segments of the discretised elements read so far (Reader::segments).
  std::int64_t segments = 0;
  // Where each element was read, by the index in the system of the component it made
  // (models/common/registry.hpp records it): errors found once the study is assembled
  // are reported at the element's item.
  struct Place {
    Location where;
    std::string key_path;
  };
  std::map<std::size_t, Place> element_places;
  // Elements whose item had errors (built from fallback values): what refers to them says
  // nothing more about them (their error explains it).
  std::set<const void*> faulty_elements;

  // Records an override of `key_path`; it replaces any earlier one of that path or below.
  void add_override(const std::string& key_path, Location where);
};

// How finely a study may discretise, checked as each element is read, before anything is
// allocated: segments per pipe, and for the whole study (about two unknowns each).
inline constexpr std::int64_t kMaxSegmentsPerPipe = 100'000;
inline constexpr std::int64_t kMaxSegmentsTotal = 1'000'000;

class Reader {
 public:
  Reader(YAML::Node node, std::string path, std::shared_ptr<ReadContext> ctx);

  bool has(const std::string& key) const;
  // Marks `key` as known; returns its reader (undefined node if absent).
  Reader child(const std::string& key) const;
  bool defined() const { return node_.IsDefined() && !node_.IsNull(); }
  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  const std::string& path() const { return path_; }

  // Required values (an error if absent) and optional ones with a default. A value
  // that is present but wrong records an error and returns the default (or 0/"").
  double quantity(const std::string& key, const Dimension& dim) const;
  double quantity(const std::string& key, const Dimension& dim, double fallback) const;
  // An optional value that defaults to another key's value (`base`, read from `base_key`):
  // while `key` is absent, a check() on it is a check on `base_key`, reported there once.
  double quantity(const std::string& key, const Dimension& dim, const std::string& base_key,
                  double base) const;
  std::string text(const std::string& key) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  bool flag(const std::string& key, bool fallback) const;
  // A whole number within the range of int, or within [lo, hi].
  long integer(const std::string& key, long fallback) const;
  long integer(const std::string& key, long fallback, long lo, long hi) const;
  // The number of segments of at most `max_segment` (> 0) that cover `length` (> 0), or 0
  // after an error at `max_segment_key` when that is more than kMaxSegmentsPerPipe or
  // than the study's remaining budget (kMaxSegmentsTotal); counts them in the budget.
  int segments(double length, double max_segment, const std::string& max_segment_key) const;
  // One of `choices`.
  std::string choice(const std::string& key, const std::vector<std::string>& choices,
                     const std::string& fallback) const;
  // A profile: a bare quantity (constant), or a mapping
  //   {times: [...], values: [...], interpolation: linear|step, repeat: daily|weekly|none,
  //    time_unit: s|min|h|d, unit: <unit for bare values>, scale: <factor ≥ 0>}
  // or {csv: file.csv, time_column: name, value_column: name, ...same options}; `scale`
  // (dimensionless, default 1) multiplies every value.
  Profile profile(const std::string& key, const Dimension& dim) const;
  Profile profile(const std::string& key, const Dimension& dim, double fallback) const;
  // The items of a sequence (each reader's path is "key[i]").
  std::vector<Reader> items(const std::string& key) const;
  // The items of a sequence of mappings; an item that is not a mapping is an error
  // ("expected a mapping such as {`example`}") and is left out.
  std::vector<Reader> map_items(const std::string& key, const std::string& example) const;

  // Records `message` at `key` unless `ok`, or unless `key` already has an error (a value
  // that could not be read is not checked again: one problem, one message).
  void check(const std::string& key, bool ok, const std::string& message) const;
  // The same for a condition that involves other keys too: nothing is said when any of
  // `involves` has an error already (that error explains this one).
  void check(const std::string& key, bool ok, const std::string& message,
             std::initializer_list<const char*> involves) const;
  // Whether an error was recorded at `key` or below it ("": at or below this node).
  bool has_error(const std::string& key) const;

  // Reports an error at this node (or, when absent, at its parent).
  void error(const std::string& message) const;
  void error_at_key(const std::string& key, const std::string& message) const;
  // Reports keys of this mapping that no one asked for.
  void finish() const;
  // The keys of this mapping that no one has asked for so far, in file order.
  std::vector<std::string> unasked_keys() const;
  // Reports `message` at the key itself (not its value) and marks the key known, so that
  // finish() does not report it again.
  void error_at_key_name(const std::string& key, const std::string& message) const;

  ReadContext& context() const { return *ctx_; }

  // Parses this node as a quantity (number or "value unit").
  std::optional<double> as_quantity(const Dimension& dim) const;
  // Whether `v` (SI) is a plausible value of `dim` (plausible_limit, no temperature below
  // 0 K); records an error at this node when it is not.
  bool plausible(double v, const Dimension& dim) const;

  // The YAML node read (of type Undefined when absent).
  const YAML::Node& node() const { return node_; }
  // Where an error at this node is reported: its place in the file, or the override that
  // set it.
  Location where() const { return location(); }

 private:
  Location location(int column_offset = 0) const;
  std::string child_path(const std::string& key) const;

  YAML::Node node_;
  YAML::Mark mark_;  // of this node, or of the parent when this one is absent
  std::string path_;
  std::shared_ptr<ReadContext> ctx_;
  std::shared_ptr<std::set<std::string>> known_;
  // Keys whose default is another key's value (quantity with a base key).
  std::shared_ptr<std::map<std::string, std::string>> derived_;
  // The key a check on `key` is about: `key`, or while it is absent, its base.
  std::string checked_key(const std::string& key) const;
};

// How deep a study's YAML may nest (mappings and lists inside each other); real studies
// nest about 6 deep. Deeper text is refused before it is parsed: parsers and readers
// recurse once per level.
inline constexpr int kMaxYamlDepth = 64;
// What a look at the text finds before the YAML parser sees it: nesting deeper than
// kMaxYamlDepth, or a quoted string left open at the end of its line (the parser would
// run it on into the lines below and report their keys as missing).
struct YamlTextProblem {
  int line = 0, column = 0;  // 0-based, byte column
  std::string message;
};
std::optional<YamlTextProblem> scan_yaml_text(std::string_view text);

// Applies "a.b.c=value" to the document: the value is read as YAML. A path element
// matching a sequence item's `name` (or a number) selects that item. Returns an error
// message ("--set 'a.b.c=value': …"), or "" on success; `key_path` receives the canonical
// path ("a.b[2].c").
std::string apply_override(YAML::Node& root, const std::string& assignment, std::string* key_path);

}  // namespace steppe
