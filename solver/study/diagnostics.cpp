#include "solver/study/diagnostics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
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

// The length of the UTF-8 sequence starting at `s[i]`, or 0 if it is not a valid one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80           ? 1
                        : (c >> 5) == 0x6  ? 2
                        : (c >> 4) == 0xE  ? 3
                        : (c >> 3) == 0x1E ? 4
                                           : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

// One character of `s` at `i` as printed (an escape for a control character or a stray
// byte), appended to `out`; advances `i`.
void append_printable_char(std::string& out, std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = utf8_length(s, i);
  if (n == 1 && c >= 0x20 && c != 0x7F) {  // the common case first
    out += static_cast<char>(c);
    ++i;
    return;
  }
  if (n == 0) {
    ++i;
    fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    return;
  }
  if (n == 1) {
    ++i;
    if (c == '\t')
      out += '\t';
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    return;
  }
  if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {  // C1 controls
    const unsigned cp = static_cast<unsigned char>(s[i + 1]);
    i += 2;
    fmt::format_to(std::back_inserter(out), "\\u{:04x}", cp);
    return;
  }
  out.append(s.substr(i, n));
  i += n;
}

// The end of the run of plain printable ASCII (0x20–0x7E) in s starting at i, at most `limit`:
// such a run is copied as it is, not one character at a time.
std::size_t plain_run_end(std::string_view s, std::size_t i, std::size_t limit) {
  limit = std::min(limit, s.size());
  while (i < limit && static_cast<unsigned char>(s[i]) >= 0x20 &&
         static_cast<unsigned char>(s[i]) < 0x7F)
    ++i;
  return i;
}

// The part of a long source line around byte column `col`, printable, and the byte
// column of the caret in what is returned.
std::pair<std::string, int> echo_window(const std::string& line, int col) {
  // A line of up to kWhole bytes is shown whole; a longer one around the column.
  constexpr std::size_t kWhole = 400, kBefore = 120, kAfter = 120;
  const bool whole = line.size() <= kWhole;
  std::size_t from = !whole && col > int(kBefore) ? std::size_t(col) - kBefore : 0;
  while (from > 0 && from < line.size() && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80)
    --from;
  std::string out = from > 0 ? "…" : "";
  int caret = -1;
  const std::size_t stop = whole ? line.size() : std::size_t(std::max(col, 0)) + kAfter;
  std::size_t i = from;
  while (i < std::min(stop, line.size())) {
    if (int(i) >= col && caret < 0) caret = static_cast<int>(out.size());
    const std::size_t end = plain_run_end(line, i, caret < 0 ? std::size_t(col) : stop);
    if (end > i) {
      out.append(line, i, end - i);
      i = end;
    } else {
      append_printable_char(out, line, i);
    }
  }
  if (caret < 0) caret = static_cast<int>(out.size());
  if (i < line.size()) out += "…";
  return {out, caret};
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max_bytes) {
      return out + fmt::format("… ({} more bytes)", text.size() - i);
    }
    const std::size_t end = plain_run_end(text, i, i + (max_bytes - out.size()));
    if (end > i) {
      out.append(text.substr(i, end - i));
      i = end;
    } else {
      append_printable_char(out, text, i);
    }
  }
  return out;
}

namespace {

// A message too long to read (a quoted 10 MB value): its head and its tail.
std::string shortened(const std::string& message) {
  constexpr std::size_t kMax = 600;
  if (message.size() <= kMax) return printable(message, kMax);
  std::size_t tail = message.size() - 150;
  while (tail < message.size() && (static_cast<unsigned char>(message[tail]) & 0xC0) == 0x80)
    ++tail;
  return printable(std::string_view(message).substr(0, 400), 400) + " … " +
         printable(std::string_view(message).substr(tail), 200);
}

}  // namespace

std::string InputError::report() const {
  return fmt::format("{}steppe: {} error{} in the study; nothing was written\n", what(),
                     diag_.size(), diag_.size() == 1 ? "" : "s");
}

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
      place = fmt::format("{}:{}:{}", printable(w.source->path), w.line + 1,
                          char_column(text, w.column) + 1);
    else if (w.source)
      place = printable(w.source->path);
    else
      place = w.origin.empty() ? "<input>" : printable(w.origin);
    out += fmt::format("{}: error: {}{}\n", place,
                       d.key_path.empty() ? "" : printable(d.key_path, 200) + ": ",
                       shortened(d.message));
    if (has_line) {
      std::string num = std::to_string(w.line + 1);
      const auto [shown, caret] = echo_window(text, w.column);
      out += fmt::format(" {} | {}\n", num, shown);
      out += fmt::format(" {} | {}^\n", std::string(num.size(), ' '), caret_padding(shown, caret));
    }
  }
  return out;
}

namespace {
// Levenshtein distance of a and b if it is below `bound`, else `bound` (a row of the table
// whose every entry reaches the bound ends the computation). `prev` and `cur` are the two
// rows, kept by the caller across candidates.
std::size_t edit_distance_below(const std::string& a, const std::string& b, std::size_t bound,
                                std::vector<std::size_t>& prev, std::vector<std::size_t>& cur) {
  const std::size_t la = a.size(), lb = b.size();
  if ((la > lb ? la - lb : lb - la) >= bound) return bound;
  prev.resize(lb + 1);
  cur.resize(lb + 1);
  for (std::size_t j = 0; j <= lb; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= la; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= lb; ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min >= bound) return bound;
    std::swap(prev, cur);
  }
  return std::min(prev[lb], bound);
}
}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  std::vector<std::size_t> prev, cur;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance_below(word, c, best_d, prev, cur);
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
