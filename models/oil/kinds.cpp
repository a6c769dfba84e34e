// The element kinds of the `oil:` section, in reading order (a kind may refer to those
// above it). One row per kind; its reader lives beside its model. To add a kind, see
// models/README.md.
#include "models/oil/context.hpp"
#include "models/oil/reader.hpp"

namespace steppe::oil {

void read_fluid(const Reader&, Context&);  // fluid.cpp
void fluids_read(Context&, bool had_errors);
void read_pipe(const Reader&, Context&);  // pipe.cpp
void pipes_read(Context&, bool had_errors);
void read_station(const Reader&, Context&);    // station.cpp
void read_valve(const Reader&, Context&);      // valve.cpp
void read_terminal(const Reader&, Context&);   // terminal.cpp
void read_injection(const Reader&, Context&);  // terminal.cpp
void read_point(const Reader&, Context&);      // terminal.cpp
void read_batch(const Reader&, Context&);      // batch.cpp
void batches_read(Context&, bool had_errors);
void read_relief_valve(const Reader&, Context&);  // relief_valve.cpp
void read_surge_vessel(const Reader&, Context&);  // surge_vessel.cpp

namespace {

const ElementKind<Context> kKinds[] = {
    {"fluids",
     "name: Kumkol blend, density: 820 kg/m3, viscosity: {...}",
     read_fluid,
     "oil-fluids",
     {},
     fluids_read},
    {"pipes",
     "name: Atasu-Alashankou, length: 965 km, outer_diameter: 813 mm, ...",
     read_pipe,
     "oil-pipes",
     {},
     pipes_read},
    {"stations", "name: PS-1, upstream: Pipe-1, downstream: Pipe-2, ...", read_station,
     "oil-stations"},
    {"valves", "name: V1, upstream: Pipe-1, downstream: Pipe-2, loss_coefficient: 0.2", read_valve,
     "oil-valves"},
    {"terminals", "name: Atasu, pipe: Pipe-1, end: inlet, pressure: 3 bar", read_terminal,
     "oil-terminals"},
    {"injections", "name: Offtake, pipe: Pipe-1, at: 120 km, mass_flow: -50 kg/s", read_injection,
     "oil-injections"},
    {"points", "name: km 480, pipe: Pipe-1, at: 480 km", read_point, "oil-points"},
    {"batches",
     "name: Kumkol batch 1, pipe: Atasu-PS2, grade: Kumkol blend, start: 0 h, end: 48 h",
     read_batch,
     "oil-batches",
     {},
     batches_read},
    {"relief_valves", "name: RV-1, pipe: Pipe-1, end: outlet, set_pressure: 60 bar, ...",
     read_relief_valve, "oil-relief-valves"},
    {"surge_vessels", "name: AV-1, pipe: Pipe-1, end: outlet, type: air_vessel, volume: 40 m3, ...",
     read_surge_vessel, "oil-surge-vessels"},
};

}  // namespace

std::span<const ElementKind<Context>> kinds() {
  return kKinds;
}

std::vector<KindInfo> kind_list() {
  return kind_infos(kinds());
}

}  // namespace steppe::oil
