#include "solver/engine/outputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace steppe {

int OutputPlan::column(const std::string& group, const std::string& element,
                       const std::string& quantity, const std::string& units,
                       const std::string& long_name) {
  entries_.push_back({group, element, quantity, units, long_name});
  return static_cast<int>(entries_.size()) - 1;
}

int OutputPlan::profile(const std::string& group, const std::string& coord_name,
                        const std::vector<double>& coord, const std::string& coord_units,
                        const std::string& coord_long_name, const std::string& quantity,
                        const std::string& units, const std::string& long_name) {
  auto [it, fresh] =
      coordinates_.try_emplace(group, Coordinate{coord_name, coord, coord_units, coord_long_name});
  if (!fresh && (it->second.name != coord_name || it->second.values != coord))
    throw std::logic_error(fmt::format("{}: profiles of one group need one coordinate", group));
  const int first = static_cast<int>(entries_.size());
  for (std::size_t k = 0; k < coord.size(); ++k)
    entries_.push_back({group, fmt::format("#{}", k), quantity, units, long_name});
  return first;
}

void OutputPlan::dimension(const std::string& group, const std::string& name) {
  auto [it, fresh] = dimensions_.try_emplace(group, name);
  if (!fresh && it->second != name)
    throw std::logic_error(
        fmt::format("{}: element dimension declared as {} and {}", group, it->second, name));
}

std::string OutputPlan::dimension_of(const std::string& group) const {
  if (auto it = dimensions_.find(group); it != dimensions_.end()) return it->second;
  std::string last = group.substr(group.rfind('/') + 1);
  if (last.size() > 1 && last.back() == 's') last.pop_back();
  return last;
}

void OutputPlan::flags(const std::string& group, const std::string& quantity,
                       std::vector<Flag> flags) {
  for (const Flag& f : flags)
    if (f.meaning.empty() || f.meaning.find_first_of(" \t") != std::string::npos)
      throw std::logic_error(
          fmt::format("{}/{}: flag meaning '{}' must be one word", group, quantity, f.meaning));
  auto [it, fresh] = flags_.try_emplace(group + "/" + quantity, flags);
  if (!fresh && (it->second.size() != flags.size() ||
                 !std::equal(flags.begin(), flags.end(), it->second.begin(),
                             [](const Flag& a, const Flag& b) {
                               return a.value == b.value && a.meaning == b.meaning;
                             })))
    throw std::logic_error(fmt::format("{}/{}: two different flag lists", group, quantity));
}

const std::vector<Flag>* OutputPlan::flags_of(const std::string& group,
                                              const std::string& quantity) const {
  auto it = flags_.find(group + "/" + quantity);
  return it == flags_.end() ? nullptr : &it->second;
}

void OutputPlan::companion(const std::string& group, const std::string& quantity,
                           const std::string& of) {
  companions_[group + "/" + quantity] = of;
}

std::string OutputPlan::companion_of(const std::string& group, const std::string& quantity) const {
  auto it = companions_.find(group + "/" + quantity);
  return it == companions_.end() ? "" : it->second;
}

void OutputPlan::value(const std::string& group, const std::string& element,
                       const std::string& name, double value, const std::string& units,
                       const std::string& long_name) {
  if (!std::isfinite(value)) return;  // a rating or limit not given: NaN in the file
  Static s;
  s.group = group;
  s.element = element;
  s.name = name;
  s.value = value;
  s.units = units;
  s.long_name = long_name;
  statics_.push_back(std::move(s));
}

void OutputPlan::text(const std::string& group, const std::string& element, const std::string& name,
                      const std::string& text, const std::string& long_name) {
  Static s;
  s.group = group;
  s.element = element;
  s.name = name;
  s.text = true;
  s.text_value = text;
  s.long_name = long_name;
  statics_.push_back(std::move(s));
}

void OutputPlan::connection(const std::string& group, const std::string& element,
                            const std::string& role, const std::string& target_group,
                            const std::string& target_element) {
  Static s;
  s.group = group;
  s.element = element;
  s.name = role;
  s.text = true;
  s.text_value = target_element;
  s.long_name = fmt::format("the element of {} it joins as {}", target_group, role);
  s.target_group = target_group;
  statics_.push_back(std::move(s));
}

void OutputPlan::limit(int handle, const std::string& name, Bound bound, double value,
                       const std::string& long_name) {
  if (handle < 0 || handle >= static_cast<int>(entries_.size()))
    throw std::logic_error(fmt::format("limit {}: no output column {}", name, handle));
  if (!std::isfinite(value)) return;
  const Entry& e = entries_[static_cast<std::size_t>(handle)];
  OutputPlan::value(e.group, e.element, name, value, e.units, long_name);
  limits_.push_back({handle, name, bound, value});
}

void OutputPlan::extremes(int handle) {
  if (handle < 0 || handle >= static_cast<int>(entries_.size()))
    throw std::logic_error(fmt::format("extremes: no output column {}", handle));
  if (std::find(extremes_.begin(), extremes_.end(), handle) == extremes_.end())
    extremes_.push_back(handle);
}

std::string flag_meanings(const std::vector<Flag>& flags) {
  std::string out;
  for (const Flag& f : flags) out += (out.empty() ? "" : " ") + f.meaning;
  return out;
}

namespace {

// "gas/nodes", "/gas/nodes/" -> "gas/nodes"; rejects empty components and "." / "..".
std::string normalize_group_path(const std::string& path) {
  std::string out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (!part.empty()) {
      if (part == "." || part == "..")
        throw std::invalid_argument("results layout: bad group path '" + path + "'");
      if (!out.empty()) out += '/';
      out += part;
    }
    i = j + 1;
  }
  if (out.empty()) throw std::invalid_argument("results layout: empty group path");
  const std::string first = out.substr(0, out.find('/'));
  if (first == "time" || first == "events" || first == "constraints")
    throw std::invalid_argument("results layout: group path '" + path +
                                "' collides with /time, /events or /constraints");
  return out;
}

bool valid_object_name(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos && name != "." && name != "..";
}

}  // namespace

int ResultsLayout::check_new_group(const std::string& path) const {
  for (const Group& other : groups_)
    if (other.path == path)
      throw std::invalid_argument("results layout: group '" + path + "' added twice");
  return 0;
}

// A dataset name in a group: not the group's coordinate or time link, a series, static
// data or a subgroup.
void ResultsLayout::check_new_name(int group, const std::string& name) const {
  if (group < 0 || group >= static_cast<int>(groups_.size()))
    throw std::invalid_argument("results layout: no group " + std::to_string(group));
  const Group& g = groups_[static_cast<std::size_t>(group)];
  if (!valid_object_name(name) || name == g.coord_name || name == "time")
    throw std::invalid_argument("results layout: bad dataset name '" + name + "' in '" + g.path +
                                "'");
  for (const Series& s : series_)
    if (s.group == group && s.name == name)
      throw std::invalid_argument("results layout: '" + name + "' added twice to '" + g.path + "'");
  for (const StaticData& s : statics_)
    if (s.group == group && s.name == name)
      throw std::invalid_argument("results layout: '" + name + "' added twice to '" + g.path + "'");
  for (const Group& other : groups_)  // a dataset may not shadow a subgroup
    if (other.path == g.path + "/" + name)
      throw std::invalid_argument("results layout: '" + name + "' in '" + g.path +
                                  "' collides with a group");
}

int ResultsLayout::add_group(const std::string& path, std::vector<std::string> element_names,
                             const std::string& dimension) {
  if (!valid_object_name(dimension) || dimension == "time")
    throw std::invalid_argument("results layout: bad dimension name '" + dimension + "'");
  Group g;
  g.path = normalize_group_path(path);
  check_new_group(g.path);
  g.coord_name = dimension;
  g.names = std::move(element_names);
  groups_.push_back(std::move(g));
  return static_cast<int>(groups_.size()) - 1;
}

int ResultsLayout::add_coordinate_group(const std::string& path, const std::string& coord_name,
                                        std::vector<double> coord_values,
                                        const std::string& coord_units,
                                        const std::string& coord_long_name) {
  if (!valid_object_name(coord_name) || coord_name == "time")
    throw std::invalid_argument("results layout: bad coordinate name '" + coord_name + "'");
  Group g;
  g.path = normalize_group_path(path);
  check_new_group(g.path);
  g.coord_name = coord_name;
  g.numeric = true;
  g.coord_values = std::move(coord_values);
  g.coord_units = coord_units;
  g.coord_long_name = coord_long_name;
  groups_.push_back(std::move(g));
  return static_cast<int>(groups_.size()) - 1;
}

int ResultsLayout::add_series(int group, const std::string& name, const std::string& units,
                              const std::string& long_name, std::vector<Flag> flags,
                              const std::string& companion_of) {
  check_new_name(group, name);
  const int first = frame_size_;
  series_.push_back(Series{group, name, units, long_name, first, std::move(flags), companion_of});
  frame_size_ += static_cast<int>(group_width(group));
  return first;
}

int ResultsLayout::add_static(int group, const std::string& name, bool text,
                              const std::string& units, const std::string& long_name,
                              const std::string& target_group) {
  check_new_name(group, name);
  if (groups_[static_cast<std::size_t>(group)].numeric)
    throw std::invalid_argument("results layout: static data '" + name + "' in a profile group");
  StaticData s;
  s.group = group;
  s.name = name;
  s.text = text;
  s.units = units;
  s.long_name = long_name;
  s.target_group = target_group;
  const std::size_t n = group_width(group);
  if (text)
    s.texts.assign(n, "");
  else
    s.values.assign(n, std::nan(""));
  statics_.push_back(std::move(s));
  return static_cast<int>(statics_.size()) - 1;
}

void ResultsLayout::set_static(int index, std::size_t element, double value) {
  statics_.at(static_cast<std::size_t>(index)).values.at(element) = value;
}

void ResultsLayout::set_static(int index, std::size_t element, const std::string& text) {
  statics_.at(static_cast<std::size_t>(index)).texts.at(element) = text;
}

void ResultsLayout::add_limit(int series, std::size_t element, int column, const std::string& name,
                              Bound bound, double value) {
  limits_.push_back({series, element, column, name, bound, value});
}

std::size_t ResultsLayout::group_width(int group) const {
  const Group& g = groups_.at(static_cast<std::size_t>(group));
  return g.numeric ? g.coord_values.size() : g.names.size();
}

}  // namespace steppe
