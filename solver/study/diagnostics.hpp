// Input errors that point at the file: every problem found while reading a study is
// collected (reading goes on), then all are printed together as
//
//   study.yaml:12:15: error: lumped.nodes[1].capacitance: expected ... got ...
//      12 |     capacitance: 54 bar
//         |                  ^
//
// The loader stops after reading everything if any error was collected (exit code 2).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace steppe {

// The text of one input file, kept to quote offending lines.
struct SourceText {
  std::string path;
  std::vector<std::string> lines;
  static std::shared_ptr<const SourceText> from_string(std::string path, const std::string& text);
};

struct Location {
  std::shared_ptr<const SourceText> source;  // null: no file (e.g. a --set override)
  int line = -1;                             // 0-based, -1 when unknown
  int column = -1;                           // 0-based
  std::string origin;                        // shown instead of file:line:col when no file
};

struct Diagnostic {
  Location where;
  std::string key_path;  // "lumped.nodes[1].capacitance", "" for the whole file
  std::string message;
};

class Diagnostics {
 public:
  void error(Location where, std::string key_path, std::string message);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  const std::vector<Diagnostic>& entries() const { return entries_; }
  // All errors, gcc style, with the offending line and a caret.
  std::string render() const;

 private:
  std::vector<Diagnostic> entries_;
};

// Thrown by the loader when the study has errors: what() is Diagnostics::render().
class InputError : public std::runtime_error {
 public:
  explicit InputError(const Diagnostics& d) : std::runtime_error(d.render()), diag_(d) {}
  const Diagnostics& diagnostics() const { return diag_; }
  // What the command line prints: the errors and a last line with their count.
  std::string report() const;

 private:
  Diagnostics diag_;
};

// Text from a file or the command line made safe to print: control characters and bytes
// that are not UTF-8 written as escapes (\n, \x1b, \u0085), tabs kept, and at most
// `max_bytes` of it (cut at a character, "…" and the count of what was left out).
std::string printable(std::string_view text, std::size_t max_bytes = 400);

// `parts` joined with `sep` between them.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// The closest of `candidates` to `word` by edit distance, or "" if none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace steppe
