// What a study writes, declared by its components before the run: the output plan
// (columns of [time × element] datasets and profiles along a coordinate), the frame a
// component fills at each sample, and the layout the plan turns into — groups, series and
// their frame columns. The engine knows no file format: solver/io writes a layout to HDF5.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace steppe {

// Declares outputs: one column of a [time × element] dataset.
// Writes one output sample.
class OutputFrame {
 public:
  void set(int handle, double value) { frame_[columns_[handle]] = value; }

 private:
  friend class System;
  const int* columns_ = nullptr;
  double* frame_ = nullptr;
};

class OutputPlan {
 public:
  // A column for `element` in the dataset `group`/`quantity` (e.g. "lumped/nodes",
  // "pressure"). Returns the handle for OutputFrame::set.
  int column(const std::string& group, const std::string& element, const std::string& quantity,
             const std::string& units, const std::string& long_name);

  // A [time × point] profile along a numeric coordinate, e.g. pressure along a pipe at
  // `coord` = distances in m: group "gas/profiles/Line-C", coord_name "distance". Every
  // profile of one group shares its coordinate. Returns the handle of point 0; point k
  // is handle + k.
  int profile(const std::string& group, const std::string& coord_name,
              const std::vector<double>& coord, const std::string& coord_units,
              const std::string& coord_long_name, const std::string& quantity,
              const std::string& units, const std::string& long_name);

  struct Entry {
    std::string group, element, quantity, units, long_name;
  };
  struct Coordinate {
    std::string name;
    std::vector<double> values;
    std::string units, long_name;
  };
  const std::vector<Entry>& entries() const { return entries_; }
  // The coordinate of a profile group, or nullptr for an element group.
  const Coordinate* coordinate(const std::string& group) const {
    auto it = coordinates_.find(group);
    return it == coordinates_.end() ? nullptr : &it->second;
  }

 private:
  std::vector<Entry> entries_;
  std::map<std::string, Coordinate> coordinates_;
};

// What the file will hold, declared before it is created.
class ResultsLayout {
 public:
  // An element-kind group, e.g. "gas/nodes", with its element names (the `name`
  // coordinate). Returns the group's index. Intermediate groups are created as needed.
  int add_group(const std::string& path, std::vector<std::string> element_names);
  // A group whose second dimension is a numeric coordinate (e.g. "distance" in "m")
  // instead of element names: spatial profiles along a pipe.
  int add_coordinate_group(const std::string& path, const std::string& coord_name,
                           std::vector<double> coord_values, const std::string& coord_units,
                           const std::string& coord_long_name);
  // A [time × element] dataset `name` in group `group`. Returns the frame column of the
  // group's first element; element k is at that column + k.
  int add_series(int group, const std::string& name, const std::string& units,
                 const std::string& long_name);
  // Number of doubles in one output frame (all series, all elements).
  int frame_size() const { return frame_size_; }

  struct Group {
    std::string path;
    std::string coord_name;  // "name" or a numeric coordinate's name
    std::vector<std::string> names;
    std::vector<double> coord_values;
    std::string coord_units, coord_long_name;
  };
  struct Series {
    int group;
    std::string name, units, long_name;
    int first_column;
  };
  const std::vector<Group>& groups() const { return groups_; }
  const std::vector<Series>& series() const { return series_; }
  // The element count of a group (names or coordinate values).
  std::size_t group_width(int group) const;

 private:
  std::vector<Group> groups_;
  std::vector<Series> series_;
  int frame_size_ = 0;
};

}  // namespace steppe
