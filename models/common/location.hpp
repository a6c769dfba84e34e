// Where a point element is: geographic coordinates (latitude/longitude, WGS 84, decimal
// degrees) or schematic ones (x/y, lengths), both optional study keys of nodes, stations,
// terminals and zones. Written as static data of the element's group (latitude in
// degrees_north, longitude in degrees_east, x and y in m) so a script can draw a map.
#pragma once

#include <cmath>
#include <string>

#include "solver/engine/outputs.hpp"
#include "solver/study/study_reader.hpp"

namespace steppe {

struct Coordinates {
  double latitude = NAN, longitude = NAN;  // degrees
  double x = NAN, y = NAN;                 // m
};

// Reads the optional keys latitude, longitude (a bare number of degrees, or "43.2 deg"),
// x and y (lengths: "12 km", bare m); latitude and longitude come together, as do x and y.
Coordinates read_location(const Reader& item);

// Declares the coordinates given as static data of `element` in `group`.
void declare_location(OutputPlan& plan, const std::string& group, const std::string& element,
                      const Coordinates& where);

}  // namespace steppe
