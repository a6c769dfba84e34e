// The element kinds of the `power:` section, in reading order (a kind may refer to those
// above it). One row per kind; its reader lives beside its model. Kinds whose elements
// inject into a zone list the categories they report under (zone outputs
// generation_<category>). To add a kind, see models/README.md.
#include "models/power/context.hpp"
#include "models/power/reader.hpp"

namespace steppe::power {

void read_zone(const Reader&, Context&);  // zone.cpp
void zones_read(Context&, bool had_errors);
void read_tie(const Reader&, Context&);        // tie.cpp
void read_generator(const Reader&, Context&);  // generator.cpp
void read_wind(const Reader&, Context&);       // wind.cpp
void read_solar(const Reader&, Context&);      // solar.cpp
void read_storage(const Reader&, Context&);    // storage.cpp

namespace {

const OutputCategory kGeneratorTypes[] = {
    {"coal", "coal generation"}, {"gas", "gas generation"}, {"hydro", "hydro generation"}};
const OutputCategory kWind[] = {{"wind", "wind generation"}};
const OutputCategory kSolar[] = {{"solar", "solar generation"}};
const OutputCategory kStorage[] = {{"storage", "storage discharge (− charge)"}};

const ElementKind<Context> kKinds[] = {
    {"zones", "name: North, inertia: 6 s, load: 9 GW", read_zone, "power-zones", {}, zones_read},
    {"ties", "name: North-South, from: North, to: South, susceptance: 20 GW", read_tie,
     "power-ties"},
    {"generators", "name: Ekibastuz GRES-1, zone: North, type: coal, capacity: 4000 MW",
     read_generator, "power-generators", kGeneratorTypes},
    {"wind", "name: Zhanatas, zone: South, turbines: 40, rated_power: 2.5 MW", read_wind,
     "power-wind", kWind},
    {"solar", "name: Burnoye, zone: South, capacity: 100 MW, clear_sky: true", read_solar,
     "power-solar", kSolar},
    {"storage", "name: BESS, zone: South, energy: 200 MWh, power: 50 MW", read_storage,
     "power-storage", kStorage},
};

}  // namespace

std::span<const ElementKind<Context>> kinds() {
  return kKinds;
}

std::vector<KindInfo> kind_list() {
  return kind_infos(kinds());
}

}  // namespace steppe::power
