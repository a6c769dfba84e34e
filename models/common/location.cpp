#include "models/common/location.hpp"

#include <charconv>
#include <numbers>

#include "solver/study/units.hpp"

namespace steppe {

namespace {

// Decimal degrees: a bare number, or an angle with its unit (deg, °, rad).
double read_degrees(const Reader& item, const std::string& key) {
  const Reader r = item.child(key);
  if (!r.defined()) return NAN;
  if (r.node().IsScalar()) {
    const std::string& text = r.node().Scalar();
    double v = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return v;
  }
  const auto q = r.as_quantity(dim::angle);
  return q ? *q * 180.0 / std::numbers::pi : NAN;
}

}  // namespace

Coordinates read_location(const Reader& item) {
  Coordinates w;
  w.latitude = read_degrees(item, "latitude");
  w.longitude = read_degrees(item, "longitude");
  if (item.has("x")) w.x = item.quantity("x", dim::length);
  if (item.has("y")) w.y = item.quantity("y", dim::length);
  if (item.has("latitude"))
    item.check("latitude", std::isnan(w.latitude) || std::abs(w.latitude) <= 90,
               "must lie between -90 and 90 degrees");
  if (item.has("longitude"))
    item.check("longitude", std::isnan(w.longitude) || std::abs(w.longitude) <= 180,
               "must lie between -180 and 180 degrees");
  if (item.has("latitude") != item.has("longitude"))
    item.error_at_key(item.has("latitude") ? "latitude" : "longitude",
                      "give latitude and longitude together");
  if (item.has("x") != item.has("y"))
    item.error_at_key(item.has("x") ? "x" : "y", "give x and y together");
  return w;
}

void declare_location(OutputPlan& plan, const std::string& group, const std::string& element,
                      const Coordinates& w) {
  if (std::isfinite(w.latitude) && std::isfinite(w.longitude)) {
    plan.value(group, element, "latitude", w.latitude, "degrees_north", "latitude (WGS 84)");
    plan.value(group, element, "longitude", w.longitude, "degrees_east", "longitude (WGS 84)");
  }
  if (std::isfinite(w.x) && std::isfinite(w.y)) {
    plan.value(group, element, "x", w.x, "m", "schematic x coordinate");
    plan.value(group, element, "y", w.y, "m", "schematic y coordinate");
  }
}

}  // namespace steppe
