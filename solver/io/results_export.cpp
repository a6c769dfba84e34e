#include "solver/io/results_export.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

namespace {

namespace fs = std::filesystem;

// ---- text -----------------------------------------------------------------------------

// The shortest text that reads back as the same double; "nan", "inf", "-inf".
std::string number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? std::string(buf.data(), end) : fmt::format("{:.17g}", v);
}

// A CSV field, quoted when it holds a comma, quote or line break.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// "seconds since 2024-01-15 00:00:00" → the epoch second of the start, or nullopt.
std::optional<std::time_t> time_origin(const std::string& units) {
  std::tm tm{};
  if (std::sscanf(units.c_str(), "seconds since %d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6 &&
      std::sscanf(units.c_str(), "seconds since %d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

// ISO 8601 UTC of origin + t, with up to microseconds when t has a fraction.
std::string iso(std::time_t origin, double t) {
  if (!std::isfinite(t)) return "";
  const double whole = std::floor(t);
  long micro = std::lround((t - whole) * 1e6);
  std::time_t sec = origin + static_cast<std::time_t>(whole);
  if (micro >= 1000000) micro -= 1000000, ++sec;
  std::tm out{};
  gmtime_r(&sec, &out);
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", out.tm_year + 1900,
                              out.tm_mon + 1, out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec);
  if (micro > 0) {
    std::string frac = fmt::format("{:06}", micro);
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s + "Z";
}

// ---- reading ----------------------------------------------------------------------------

std::string object_name(hid_t obj) {
  std::array<char, 2048> buf{};
  const ssize_t len = H5Iget_name(obj, buf.data(), buf.size());
  if (len <= 0) return "";
  std::string full(buf.data(),
                   std::min<std::size_t>(static_cast<std::size_t>(len), buf.size() - 1));
  return full.front() == '/' ? full.substr(1) : full;
}

std::string parent_of(const std::string& path) {
  const auto at = path.rfind('/');
  return at == std::string::npos ? "" : path.substr(0, at);
}

std::string base_of(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

bool is_text(hid_t ds) {
  TypeH type(H5Dget_type(ds));
  return type && H5Tget_class(type.get()) == H5T_STRING;
}

// A 1-D dataset as text: strings as they are, numbers in their shortest form.
struct Column {
  std::string name, units;
  bool text = false;
  std::vector<std::string> texts;
  std::vector<double> numbers;
};

std::optional<Column> read_column_1d(hid_t f, const std::string& path, const std::string& file) {
  DatasetH ds(H5Dopen2(f, path.c_str(), H5P_DEFAULT));
  if (!ds) return std::nullopt;
  const auto n = length_1d(ds.get());
  if (!n) return std::nullopt;
  Column c;
  c.name = base_of(path);
  c.units = read_string_attribute(ds.get(), "units").value_or("");
  if (is_text(ds.get())) {
    auto v = read_strings(ds.get());
    if (!v) fail(file, "reading /" + path);
    c.text = true;
    c.texts = std::move(*v);
  } else {
    auto v = read_doubles(ds.get(), *n);
    if (!v) fail(file, "reading /" + path);
    c.numbers = std::move(*v);
  }
  return c;
}

// The names (or numbers) along dimension 1 of a series: its attached scale, else the
// group's `name` dataset (format 1.0).
herr_t first_scale(hid_t, unsigned, hid_t scale, void* data) {
  *static_cast<std::string*>(data) = object_name(scale);
  return 1;
}

struct Series {
  std::string path, quantity, units;
  hsize_t width = 0;
};

struct GroupSeries {
  std::string path;
  std::string coord_path;  // the element coordinate dataset
  std::vector<Series> series;
};

struct Inventory {
  std::map<std::string, GroupSeries> groups;                // by group path
  std::vector<std::string> order;                           // groups in file order
  std::map<std::string, std::vector<std::string>> statics;  // group → 1-D datasets
};

struct VisitData {
  Inventory* inv;
  std::string file;
};

herr_t visit(hid_t root, const char* name, const H5O_info_t* info, void* user) {
  auto* d = static_cast<VisitData*>(user);
  if (info->type != H5O_TYPE_DATASET) return 0;
  const std::string path = name;
  const std::string group = parent_of(path);
  if (group.empty() || group == "events" || group == "constraints" || group == "scenarios")
    return 0;
  DatasetH ds(H5Dopen2(root, name, H5P_DEFAULT));
  if (!ds) return 0;
  SpaceH space(H5Dget_space(ds.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  if (rank == 2 && !is_text(ds.get())) {
    GroupSeries& g = d->inv->groups[group];
    if (g.path.empty()) {
      g.path = group;
      d->inv->order.push_back(group);
    }
    if (g.coord_path.empty()) {
      if (H5DSget_num_scales(ds.get(), 1) > 0)
        H5DSiterate_scales(ds.get(), 1, nullptr, first_scale, &g.coord_path);
      H5Eclear2(H5E_DEFAULT);
      if (g.coord_path.empty()) g.coord_path = group + "/name";
    }
    g.series.push_back(
        {path, base_of(path), read_string_attribute(ds.get(), "units").value_or(""), dims[1]});
  } else if (rank == 1 && base_of(path) != "time" && H5DSis_scale(ds.get()) <= 0) {
    d->inv->statics[group].push_back(path);
  }
  H5Eclear2(H5E_DEFAULT);
  return 0;
}

// ---- writing ----------------------------------------------------------------------------

class CsvFile {
 public:
  CsvFile(const fs::path& path) : path_(path.string()), out_(path) {
    if (!out_) throw std::runtime_error(fmt::format("cannot write {}", path_));
  }
  void row(const std::vector<std::string>& fields) {
    for (std::size_t k = 0; k < fields.size(); ++k) out_ << (k ? "," : "") << field(fields[k]);
    out_ << '\n';
  }
  void close() {
    out_.close();
    if (!out_) throw std::runtime_error(fmt::format("writing {} failed", path_));
  }

 private:
  std::string path_;
  std::ofstream out_;
};

std::string file_stem(const std::string& group) {
  std::string s = group;
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

// A table of 1-D columns (events, constraints, static data): a time column ("seconds
// since …") becomes ISO 8601 plus <name>_s.
void write_table(const fs::path& path, const std::vector<Column>& columns) {
  std::size_t rows = 0;
  for (const Column& c : columns) rows = std::max(rows, c.text ? c.texts.size() : c.numbers.size());
  std::vector<std::string> head;
  std::vector<std::optional<std::time_t>> origin;
  for (const Column& c : columns) {
    origin.push_back(c.text ? std::nullopt : time_origin(c.units));
    if (origin.back()) {
      head.push_back(c.name);
      head.push_back(c.name + "_s");
    } else {
      head.push_back(c.units.empty() || c.text ? c.name : c.name + " (" + c.units + ")");
    }
  }
  CsvFile out(path);
  out.row(head);
  std::vector<std::string> fields;
  for (std::size_t r = 0; r < rows; ++r) {
    fields.clear();
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const Column& c = columns[k];
      if (c.text) {
        fields.push_back(r < c.texts.size() ? c.texts[r] : "");
        continue;
      }
      const double v = r < c.numbers.size() ? c.numbers[r] : NAN;
      if (origin[k]) fields.push_back(iso(*origin[k], v));
      fields.push_back(number(v));
    }
    out.row(fields);
  }
  out.close();
}

bool selected(const std::vector<std::string>& select, const std::string& path) {
  if (select.empty()) return true;
  for (std::string s : select) {
    while (!s.empty() && s.front() == '/') s.erase(0, 1);
    while (!s.empty() && s.back() == '/') s.pop_back();
    if (path == s || path.starts_with(s + "/")) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> export_csv(const ExportOptions& o) {
  quiet_hdf5();
  hid_t id = H5Fopen(o.results.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    id = H5Fopen(o.results.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  }
  FileH file(check(id, o.results, "opening"));
  const hid_t f = file.get();
  if (read_string_attribute(f, "file_type") != "steppe-results")
    throw std::runtime_error(o.results + ": not a Steppe results file");
  DatasetH time(check(H5Dopen2(f, "time", H5P_DEFAULT), o.results, "opening /time"));
  const hsize_t n = length_1d(time.get()).value_or(0);
  const auto t = read_doubles(time.get(), n);
  if (!t) fail(o.results, "reading /time");
  const std::string time_units = read_string_attribute(time.get(), "units").value_or("");
  const auto origin = time_origin(time_units);
  if (!origin) throw std::runtime_error(o.results + ": /time has units '" + time_units + "'");

  Inventory inv;
  VisitData vd{&inv, o.results};
  check(H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, visit, &vd), o.results, "listing the datasets");

  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", o.dir, ec.message()));
  std::vector<std::string> written;
  std::vector<std::string> unmatched;
  for (const std::string& s : o.select) {
    bool any = false;
    std::string key = s;
    while (!key.empty() && key.front() == '/') key.erase(0, 1);
    for (const auto& [g, gs] : inv.groups)
      for (const Series& sr : gs.series) any = any || selected({key}, sr.path);
    for (const char* table : {"events", "constraints"})
      any = any || key == table || key.starts_with(std::string(table) + "/");
    if (!any) unmatched.push_back(s);
  }
  if (!unmatched.empty())
    throw std::runtime_error(
        fmt::format("{}: nothing matches --select {} (give a dataset such as "
                    "gas/nodes/pressure or a group such as gas/nodes)",
                    o.results, unmatched.front()));

  // Series, one file per group.
  constexpr hsize_t kBlock = 4096;
  for (const std::string& gpath : inv.order) {
    const GroupSeries& g = inv.groups[gpath];
    std::vector<const Series*> chosen;
    for (const Series& s : g.series)
      if (selected(o.select, s.path)) chosen.push_back(&s);
    if (chosen.empty()) continue;
    const auto coord = read_column_1d(f, g.coord_path, o.results);
    std::vector<std::string> head = {"time", "time_s"};
    std::vector<DatasetH> sets;
    for (const Series* s : chosen) {
      for (hsize_t k = 0; k < s->width; ++k) {
        std::string element = fmt::format("#{}", k);
        if (coord && coord->text && k < coord->texts.size()) element = coord->texts[k];
        if (coord && !coord->text && k < coord->numbers.size()) element = number(coord->numbers[k]);
        head.push_back(s->quantity + "[" + element + "]" +
                       (s->units.empty() ? "" : " (" + s->units + ")"));
      }
      sets.emplace_back(
          check(H5Dopen2(f, s->path.c_str(), H5P_DEFAULT), o.results, "opening /" + s->path));
    }
    const fs::path path = fs::path(o.dir) / (file_stem(gpath) + ".csv");
    CsvFile out(path);
    out.row(head);
    std::vector<std::vector<double>> block(chosen.size());
    std::vector<std::string> fields;
    for (hsize_t r0 = 0; r0 < n; r0 += kBlock) {
      const hsize_t rows = std::min(kBlock, n - r0);
      for (std::size_t k = 0; k < chosen.size(); ++k) {
        const hsize_t w = chosen[k]->width;
        block[k].assign(rows * w, NAN);
        if (w == 0) continue;
        SpaceH fspace(H5Dget_space(sets[k].get()));
        const hsize_t start[2] = {r0, 0}, count[2] = {rows, w};
        SpaceH mspace(H5Screate_simple(2, count, nullptr));
        if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
            H5Dread(sets[k].get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT,
                    block[k].data()) < 0)
          fail(o.results, "reading /" + chosen[k]->path);
      }
      for (hsize_t r = 0; r < rows; ++r) {
        fields.clear();
        const double tr = (*t)[r0 + r];
        fields.push_back(iso(*origin, tr));
        fields.push_back(number(tr));
        for (std::size_t k = 0; k < chosen.size(); ++k)
          for (hsize_t c = 0; c < chosen[k]->width; ++c)
            fields.push_back(number(block[k][r * chosen[k]->width + c]));
        out.row(fields);
      }
    }
    out.close();
    written.push_back(path.string());

    // Static data of the group's elements.
    auto st = inv.statics.find(gpath);
    if (st == inv.statics.end() || !coord || !coord->text) continue;
    std::vector<Column> cols = {*coord};
    for (const std::string& p : st->second)
      if (auto c = read_column_1d(f, p, o.results);
          c && (c->text ? c->texts.size() : c->numbers.size()) == coord->texts.size())
        cols.push_back(std::move(*c));
    if (cols.size() == 1) continue;
    const fs::path epath = fs::path(o.dir) / (file_stem(gpath) + ".elements.csv");
    write_table(epath, cols);
    written.push_back(epath.string());
  }

  // The tables.
  for (const char* table : {"events", "constraints"}) {
    if (!selected(o.select, table) || H5Lexists(f, table, H5P_DEFAULT) <= 0) continue;
    // Columns: the index, the known ones in their order, then any others by name.
    std::vector<std::string> found;
    GroupH grp(H5Gopen2(f, table, H5P_DEFAULT));
    H5Literate(
        grp.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
        [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
          static_cast<std::vector<std::string>*>(data)->push_back(name);
          return 0;
        },
        &found);
    H5Eclear2(H5E_DEFAULT);
    static const std::vector<std::string> kEvents = {"time",  "kind",  "element", "element_kind",
                                                     "value", "units", "message"};
    static const std::vector<std::string> kConstraints = {
        "group",      "element",  "quantity",    "limit",      "bound",    "units",  "limit_value",
        "first_time", "duration", "worst_value", "worst_time", "episodes", "samples"};
    std::vector<std::string> names;
    for (const std::string& k : std::string(table) == "events" ? kEvents : kConstraints)
      if (std::find(found.begin(), found.end(), k) != found.end()) names.push_back(k);
    for (const std::string& k : found)
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    std::vector<Column> cols;
    // The events' count: the index (written last by the run) counts complete rows.
    const std::string index = std::string(table) == "events" ? "event" : "constraint";
    std::size_t rows = 0;
    if (auto c = read_column_1d(f, std::string(table) + "/" + index, o.results)) {
      rows = c->numbers.size();
      cols.push_back(std::move(*c));
    }
    for (const std::string& name : names) {
      if (name == index) continue;
      auto c = read_column_1d(f, std::string(table) + "/" + name, o.results);
      if (!c) continue;
      c->texts.resize(std::min(c->texts.size(), rows));
      c->numbers.resize(std::min(c->numbers.size(), rows));
      cols.push_back(std::move(*c));
    }
    const fs::path path = fs::path(o.dir) / (std::string(table) + ".csv");
    write_table(path, cols);
    written.push_back(path.string());
  }
  return written;
}

}  // namespace steppe
