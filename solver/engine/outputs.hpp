// What a study writes, declared by its components before the run: the output plan
// (columns of [time × element] datasets and profiles along a coordinate; per element the
// static data a script needs without the study text — topology, ratings, limits and
// coordinates; coded datasets' flag meanings; monitored limits), the frame a component
// fills at each sample, and the layout the plan turns into — groups, series, static data
// and limits with their frame columns. The engine knows no file format: solver/io writes a
// layout to HDF5, and `steppe schema` prints the format from the same declarations.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace steppe {

// Writes one output sample.
class OutputFrame {
 public:
  void set(int handle, double value) { frame_[columns_[handle]] = value; }

 private:
  friend class System;
  const int* columns_ = nullptr;
  double* frame_ = nullptr;
};

// One value of a coded dataset and its meaning (one word: CF flag_meanings are
// blank-separated, so words are joined with '_': "ratio_max").
struct Flag {
  int value = 0;
  std::string meaning;
};

// Which side of a monitored limit the quantity must stay on.
enum class Bound { Upper, Lower };

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

  // The element kind of a group, naming its element dimension (singular: "node",
  // "supply"). Without it the dimension is the group's last path component less a
  // trailing 's' ("gas/pipes" → "pipe").
  void dimension(const std::string& group, const std::string& name);

  // Declares group/quantity coded: its values are the flags' values, written as CF
  // flag_values / flag_meanings. Every declaration of one dataset must agree.
  void flags(const std::string& group, const std::string& quantity, std::vector<Flag> flags);

  // Declares group/quantity an engineering companion of group/of: the same quantity in
  // the units engineers expect there (a station's throughput in Mt/yr beside its mass
  // flow in kg/s), written with the attribute companion_of = `of`.
  void companion(const std::string& group, const std::string& quantity, const std::string& of);

  // Static data of an element: one value per element of the group, as an [element]
  // dataset `name` beside the series (NaN, or "" for text, where an element gives none).
  // A number in SI `units` — a rating, a limit, a coordinate (a non-finite value, e.g. an
  // infinite rating meaning "none", declares nothing):
  void value(const std::string& group, const std::string& element, const std::string& name,
             double value, const std::string& units, const std::string& long_name);
  // Text ("inlet", a type name):
  void text(const std::string& group, const std::string& element, const std::string& name,
            const std::string& text, const std::string& long_name);
  // Topology: the element of `target_group` this element joins in the role `role`
  // ("from_node", "node", "zone"); the dataset's `element_group` attribute names
  // target_group, so a script finds e.g. a compressor's suction pressure as
  // nodes.pressure.sel(node=compressors.from_node).
  void connection(const std::string& group, const std::string& element, const std::string& role,
                  const std::string& target_group, const std::string& target_element);

  // A monitored limit on the column `handle` (from column()): its value must stay at or
  // below (Upper) or at or above (Lower) `value`, in the column's units. The limit is
  // also static data (`name` in the column's group, e.g. gas/nodes/max_pressure) and the
  // run's constraint monitor reports every violation (solver/run/constraints.hpp). A
  // non-finite value declares nothing.
  void limit(int handle, const std::string& name, Bound bound, double value,
             const std::string& long_name);

  // Exact extremes of the column `handle`: besides its value at each sample, the file gets
  // its lowest and highest value between the previous sample and this one, and when they
  // occurred, found at every internal step of the integrator and between steps on its
  // interpolating polynomial (solver/run/extremes.hpp) — the frequency nadir of a zone, which
  // falls between samples.
  void extremes(int handle);

  struct Entry {
    std::string group, element, quantity, units, long_name;
  };
  struct Coordinate {
    std::string name;
    std::vector<double> values;
    std::string units, long_name;
  };
  struct Static {
    std::string group, element, name;
    bool text = false;
    double value = 0.0;
    std::string text_value, units, long_name;
    std::string target_group;  // topology: the group the text names an element of
  };
  struct LimitDecl {
    int handle;
    std::string name;
    Bound bound;
    double value;
  };
  const std::vector<Entry>& entries() const { return entries_; }
  // The coordinate of a profile group, or nullptr for an element group.
  const Coordinate* coordinate(const std::string& group) const {
    auto it = coordinates_.find(group);
    return it == coordinates_.end() ? nullptr : &it->second;
  }
  // The element dimension of an element group (declared, or derived from its path).
  std::string dimension_of(const std::string& group) const;
  const std::vector<Flag>* flags_of(const std::string& group, const std::string& quantity) const;
  std::string companion_of(const std::string& group, const std::string& quantity) const;
  const std::vector<Static>& statics() const { return statics_; }
  const std::vector<LimitDecl>& limits() const { return limits_; }
  const std::vector<int>& extremes() const { return extremes_; }

 private:
  std::vector<Entry> entries_;
  std::map<std::string, Coordinate> coordinates_;
  std::map<std::string, std::string> dimensions_;
  std::map<std::string, std::vector<Flag>> flags_;  // "group/quantity"
  std::map<std::string, std::string> companions_;   // "group/quantity" → quantity
  std::vector<Static> statics_;
  std::vector<LimitDecl> limits_;
  std::vector<int> extremes_;
};

// What the file will hold, declared before it is created.
class ResultsLayout {
 public:
  // An element-kind group, e.g. "gas/nodes", with its element names: the coordinate of
  // its element dimension `dimension` ("node"). Returns the group's index. Intermediate
  // groups are created as needed.
  int add_group(const std::string& path, std::vector<std::string> element_names,
                const std::string& dimension = "name");
  // A group whose second dimension is a numeric coordinate (e.g. "distance" in "m")
  // instead of element names: spatial profiles along a pipe.
  int add_coordinate_group(const std::string& path, const std::string& coord_name,
                           std::vector<double> coord_values, const std::string& coord_units,
                           const std::string& coord_long_name);
  // A [time × element] dataset `name` in group `group`. Returns the frame column of the
  // group's first element; element k is at that column + k. `flags` makes it coded.
  int add_series(int group, const std::string& name, const std::string& units,
                 const std::string& long_name, std::vector<Flag> flags = {},
                 const std::string& companion_of = "");

  // Static data: an [element] dataset `name` of an element group, numbers in `units`
  // (NaN where absent) or, if `text`, strings ("" where absent); a text dataset naming
  // elements of another group sets `target_group`. Values are set per element afterwards.
  int add_static(int group, const std::string& name, bool text, const std::string& units,
                 const std::string& long_name, const std::string& target_group = "");
  void set_static(int index, std::size_t element, double value);
  void set_static(int index, std::size_t element, const std::string& text);

  // A monitored limit on frame column `column` (element `element` of series `series`);
  // its value is static data `static_index` of the series' group.
  void add_limit(int series, std::size_t element, int column, const std::string& name, Bound bound,
                 double value);

  // Exact extremes of frame column `column` (OutputPlan::extremes), computed by the
  // components' outputs of `component` (index in System::components()): the frame columns
  // the tracker fills at each sample with the lowest and highest value since the previous
  // sample and their times.
  struct Extreme {
    int column, component;
    int lowest, lowest_time, highest, highest_time;
  };
  void add_extreme(const Extreme& e) { extremes_.push_back(e); }

  // The element kinds ("gas node") whose elements fill a group, for documentation.
  void set_element_kinds(int group, std::vector<std::string> kinds) {
    groups_.at(static_cast<std::size_t>(group)).element_kinds = std::move(kinds);
  }

  // Number of doubles in one output frame (all series, all elements).
  int frame_size() const { return frame_size_; }

  struct Group {
    std::string path;
    std::string coord_name;  // the element dimension ("node") or a numeric coordinate's name
    bool numeric = false;    // a numeric coordinate (profiles) instead of element names
    std::vector<std::string> names;
    std::vector<double> coord_values;
    std::string coord_units, coord_long_name;
    std::vector<std::string> element_kinds;
  };
  struct Series {
    int group;
    std::string name, units, long_name;
    int first_column;
    std::vector<Flag> flags;   // empty: not coded
    std::string companion_of;  // an engineering companion of this series of the group
  };
  struct StaticData {
    int group;
    std::string name;
    bool text = false;
    std::string units, long_name, target_group;
    std::vector<double> values;      // numbers (NaN where absent)
    std::vector<std::string> texts;  // text ("" where absent)
  };
  struct Limit {
    int series;
    std::size_t element;
    int column;
    std::string name;
    Bound bound;
    double value;
  };
  const std::vector<Group>& groups() const { return groups_; }
  const std::vector<Series>& series() const { return series_; }
  const std::vector<StaticData>& statics() const { return statics_; }
  const std::vector<Limit>& limits() const { return limits_; }
  const std::vector<Extreme>& extremes() const { return extremes_; }
  // The element count of a group (names or coordinate values).
  std::size_t group_width(int group) const;

 private:
  int check_new_group(const std::string& path) const;
  void check_new_name(int group, const std::string& name) const;
  std::vector<Group> groups_;
  std::vector<Series> series_;
  std::vector<StaticData> statics_;
  std::vector<Limit> limits_;
  std::vector<Extreme> extremes_;
  int frame_size_ = 0;
};

// The text of a flag list as CF attributes: "ratio_max ratio_min …".
std::string flag_meanings(const std::vector<Flag>& flags);

}  // namespace steppe
