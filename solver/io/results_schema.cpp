#include "solver/io/results_schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "solver/io/results_file.hpp"

namespace steppe {

namespace {

std::string code(const std::string& s) {
  return "`" + s + "`";
}

// A table cell: '|' escaped.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// "gas/profiles/P2" → "gas/profiles/<pipe>" for profile groups.
std::string generic_path(const ResultsLayout::Group& g) {
  if (!g.numeric) return g.path;
  return g.path.substr(0, g.path.rfind('/') + 1) + "<pipe>";
}

constexpr const char* kFixed = R"(## Every file

A results file is HDF5 (written with HDF5 1.10, single-writer/multiple-reader mode, latest
file format), readable by h5py, h5dump, HDFView and — group by group — xarray:

```python
import xarray as xr
nodes = xr.open_dataset("outputs/study.h5", group="gas/nodes", engine="h5netcdf")
nodes.pressure.sel(node="Almaty", time="2024-01-15T06:00")   # Pa, datetime64 time
```

The `steppe` Python package (`scripts/steppe/`) reads it: `open_results(path)` gives one
xarray Dataset per group with decoded times, units and topology.

| object | shape | what it holds |
|---|---|---|
| `/time` | [time] | f8 seconds since the start; attributes `units` = "seconds since YYYY-MM-DD HH:MM:SS" (CF, UTC), `calendar` = "standard", `standard_name`, `axis`; a dimension scale. Its length counts the complete samples. |
| `/<group>/time` | [time] | a hard link to `/time` in every group, so a group opened alone has its time coordinate |
| `/<group>/<dim>` | [dim] | the element names (variable-length UTF-8), the dimension scale named for the element kind (`node`, `pipe`, …) |
| `/<group>/<quantity>` | [time × dim] | f8 in SI with `units` (UDUNITS) and `long_name`; extendible, chunked, deflated. Coded datasets add CF `flag_values` (f8) and `flag_meanings`; an engineering companion (the same quantity in units engineers expect) adds `companion_of` |
| `/<group>/<static>` | [dim] | static data of each element: f8 with `units` (ratings, limits, coordinates; NaN where an element gives none) or UTF-8 text; text naming elements of another group (topology) carries `element_group` |
| `/<profile group>/distance` | [distance] | m, a numeric coordinate: profiles along a pipe are [time × distance] |
| `/events/event` | [event] | i8 event number, the dimension scale of the event columns; its length counts the complete events |
| `/events/time` | [event] | f8, `units` "seconds since …" (decodes to datetime64) |
| `/events/kind` | [event] | mode, limit, schedule, trip, nonphysical, failure |
| `/events/element`, `/events/element_kind` | [event] | the element's name and kind ("gas node"); "" for the whole system |
| `/events/value`, `/events/units` | [event] | the triggering value in the units of its row (UDUNITS; "" when the value means nothing) |
| `/events/message` | [event] | what happened. Event strings are fixed-length UTF-8 (kind 32, element 128, element_kind 32, units 16, message 256 bytes) with `_Encoding` = "utf-8" |
| `/<group>/<q>_lowest`, `_highest`, `_lowest_time`, `_highest_time` | [time × dim] | exact extremes of a series q whose kind declares them (a zone's `frequency` and `rocof`): the lowest and highest value since the previous sample (the first row: the initial state) and when (s since the start), evaluated at every internal solver step and between steps on the solver's interpolating polynomial — what samples miss (a frequency nadir) |
| `/constraints/…` | [constraint] | every monitored limit (the `limit` column of the groups below) that was violated, written when the run ends: `group`, `element`, `quantity`, `limit`, `bound` (upper, lower), `units`, `limit_value`, `first_time` and `worst_time` ("seconds since …"), `duration` (s), `worst_value`, `episodes`, `samples`. Checked at every output sample: a violation shorter than the output interval can be missed |

Root attributes: `file_type` = "steppe-results", `format_version`, `status` (running,
complete, failed, interrupted), `message`, `exit_code`, the study (`study` text as run,
`study_name`, `study_path`, `start_time`, `duration_s`, `output_interval_s`), the tool
(`steppe_version`, `git_revision`), the `--set` overrides of the run (`overrides`,
"; "-joined, "" for none), solver settings (`solver_*`), sizes (`unknowns`,
`jacobian_nonzeros`), statistics (`stats_*`, `wall_time_s`, `samples`, `events`) and
summary totals of the elements (`*_J`, `*_kg`). A sweep's scenario files add `sweep_study`,
`sweep_index`, `sweep_count`, `sweep_scenario`, `sweep_overrides`.

A file whose run was killed keeps every flushed sample; `steppe recover FILE` makes it a
plain closed file (status "interrupted", series cut to `len(/time)`). Format 1.0 (before
this one) named every element dimension `name`, had no time link in the groups, no units or
kinds in `/events`, no static data and no `/constraints`; `steppe info`, `steppe export` and
the Python package read both.

)";

}  // namespace

std::string results_format_document(const ResultsLayout& layout, const std::string& source) {
  std::string out = fmt::format(
      "# Steppe results format {}\n\n"
      "Generated by `steppe schema {}` from the output declarations of the element kinds; "
      "do not edit by hand (`tests/cli/test_schema.py` checks this copy against the code).\n\n",
      kResultsFormatVersion, source);
  out += kFixed;
  out += "## Groups\n\n";
  std::set<std::string> done;
  for (int gi = 0; gi < static_cast<int>(layout.groups().size()); ++gi) {
    const ResultsLayout::Group& g = layout.groups()[static_cast<std::size_t>(gi)];
    const std::string path = generic_path(g);
    if (!done.insert(path).second) continue;
    std::vector<std::string> kinds;
    for (const std::string& k : g.element_kinds) kinds.push_back(k);
    out += fmt::format("### `/{}`\n\n", path);
    if (g.numeric)
      out += fmt::format(
          "Profiles along one pipe ({}): [time × {}], the coordinate {} in {} ({}).\n\n",
          join(kinds, ", "), g.coord_name, code(g.coord_name), g.coord_units, g.coord_long_name);
    else
      out += fmt::format("Element dimension {}: one element per {}.\n\n", code(g.coord_name),
                         join(kinds, ", "));
    out += "| dataset | shape | units | meaning |\n|---|---|---|---|\n";
    const std::string dim = g.coord_name;
    for (const ResultsLayout::Series& s : layout.series()) {
      if (s.group != gi) continue;
      std::string meaning = s.long_name;
      if (!s.flags.empty()) {
        std::vector<std::string> f;
        for (const Flag& fl : s.flags) f.push_back(fmt::format("{} {}", fl.value, fl.meaning));
        meaning += " — flags: " + join(f, ", ");
      }
      if (!s.companion_of.empty()) meaning += " — engineering companion of " + code(s.companion_of);
      out += fmt::format("| {} | [time × {}] | {} | {} |\n", code(s.name), dim,
                         s.units.empty() ? "" : code(s.units), cell(meaning));
    }
    for (const ResultsLayout::StaticData& st : layout.statics()) {
      if (st.group != gi) continue;
      std::string meaning = st.long_name;
      for (const ResultsLayout::Limit& l : layout.limits()) {
        if (l.name != st.name) continue;
        const ResultsLayout::Series& s = layout.series()[static_cast<std::size_t>(l.series)];
        if (s.group != gi) continue;
        meaning += fmt::format(" — monitored: {} must stay {} it", code(s.name),
                               l.bound == Bound::Upper ? "at or below" : "at or above");
        break;
      }
      const std::string units =
          st.text ? (st.target_group.empty() ? std::string("text")
                                             : "names in " + code("/" + st.target_group))
                  : code(st.units);
      out += fmt::format("| {} | [{}] | {} | {} |\n", code(st.name), dim, units, cell(meaning));
    }
    out += "\n";
  }
  return out;
}

}  // namespace steppe
