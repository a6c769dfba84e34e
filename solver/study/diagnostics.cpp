#include "solver/study/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace steppe {

std::shared_ptr<const SourceText> SourceText::from_string(std::string path,
                                                          const std::string& text) {
  auto src = std::make_shared<SourceText>();
  src->path = std::move(path);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    src->lines.push_back(line);
  }
  return src;
}

void Diagnostics::error(Location where, std::string key_path, std::string message) {
  entries_.push_back({std::move(where), std::move(key_path), std::move(message)});
}

namespace {

// yaml-cpp counts columns in bytes; people count characters. The character column of
// byte offset `byte_col` in a UTF-8 line, and the padding that puts a caret under it.
int char_column(const std::string& line, int byte_col) {
  int chars = 0;
  for (int i = 0; i < byte_col; ++i)
    if (i >= static_cast<int>(line.size()) ||
        (static_cast<unsigned char>(line[static_cast<std::size_t>(i)]) & 0xC0) != 0x80)
      ++chars;
  return chars;
}

std::string caret_padding(const std::string& line, int byte_col) {
  std::string pad;
  for (int i = 0; i < byte_col && i < static_cast<int>(line.size()); ++i) {
    const unsigned char c = static_cast<unsigned char>(line[static_cast<std::size_t>(i)]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte of a multi-byte character
    pad += c == '\t' ? '\t' : ' ';
  }
  return pad;
}

}  // namespace

std::string Diagnostics::render() const {
  std::string out;
  for (const auto& d : entries_) {
    const auto& w = d.where;
    const bool has_line =
        w.source && w.line >= 0 && w.line < static_cast<int>(w.source->lines.size());
    const std::string empty;
    const std::string& text = has_line ? w.source->lines[static_cast<std::size_t>(w.line)] : empty;
    std::string place;
    if (w.source && w.line >= 0)
      place = fmt::format("{}:{}:{}", w.source->path, w.line + 1, char_column(text, w.column) + 1);
    else if (w.source)
      place = w.source->path;
    else
      place = w.origin.empty() ? "<input>" : w.origin;
    out += fmt::format("{}: error: {}{}\n", place, d.key_path.empty() ? "" : d.key_path + ": ",
                       d.message);
    if (has_line) {
      std::string num = std::to_string(w.line + 1);
      out += fmt::format(" {} | {}\n", num, text);
      out +=
          fmt::format(" {} | {}^\n", std::string(num.size(), ' '), caret_padding(text, w.column));
    }
  }
  return out;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

}  // namespace steppe
