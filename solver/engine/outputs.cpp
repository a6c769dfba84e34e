#include "solver/engine/outputs.hpp"

#include <fmt/format.h>

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
  if (first == "time" || first == "events")
    throw std::invalid_argument("results layout: group path '" + path +
                                "' collides with /time or /events");
  return out;
}

bool valid_object_name(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos && name != "." && name != "..";
}

}  // namespace

int ResultsLayout::add_group(const std::string& path, std::vector<std::string> element_names) {
  Group g;
  g.path = normalize_group_path(path);
  for (const Group& other : groups_)
    if (other.path == g.path)
      throw std::invalid_argument("results layout: group '" + g.path + "' added twice");
  g.coord_name = "name";
  g.names = std::move(element_names);
  groups_.push_back(std::move(g));
  return static_cast<int>(groups_.size()) - 1;
}

int ResultsLayout::add_coordinate_group(const std::string& path, const std::string& coord_name,
                                        std::vector<double> coord_values,
                                        const std::string& coord_units,
                                        const std::string& coord_long_name) {
  if (!valid_object_name(coord_name))
    throw std::invalid_argument("results layout: bad coordinate name '" + coord_name + "'");
  Group g;
  g.path = normalize_group_path(path);
  for (const Group& other : groups_)
    if (other.path == g.path)
      throw std::invalid_argument("results layout: group '" + g.path + "' added twice");
  g.coord_name = coord_name;
  g.coord_values = std::move(coord_values);
  g.coord_units = coord_units;
  g.coord_long_name = coord_long_name;
  groups_.push_back(std::move(g));
  return static_cast<int>(groups_.size()) - 1;
}

int ResultsLayout::add_series(int group, const std::string& name, const std::string& units,
                              const std::string& long_name) {
  if (group < 0 || group >= static_cast<int>(groups_.size()))
    throw std::invalid_argument("results layout: no group " + std::to_string(group));
  const Group& g = groups_[static_cast<std::size_t>(group)];
  if (!valid_object_name(name) || name == g.coord_name)
    throw std::invalid_argument("results layout: bad series name '" + name + "' in '" + g.path +
                                "'");
  for (const Series& s : series_)
    if (s.group == group && s.name == name)
      throw std::invalid_argument("results layout: series '" + name + "' added twice to '" +
                                  g.path + "'");
  for (const Group& other : groups_)  // a series may not shadow a subgroup
    if (other.path == g.path + "/" + name)
      throw std::invalid_argument("results layout: series '" + name + "' in '" + g.path +
                                  "' collides with a group");
  const int first = frame_size_;
  series_.push_back(Series{group, name, units, long_name, first});
  frame_size_ += static_cast<int>(group_width(group));
  return first;
}

std::size_t ResultsLayout::group_width(int group) const {
  const Group& g = groups_.at(static_cast<std::size_t>(group));
  return g.coord_name == "name" && g.coord_values.empty() ? g.names.size() : g.coord_values.size();
}

}  // namespace steppe
