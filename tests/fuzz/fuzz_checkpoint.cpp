// libFuzzer target: the checkpoint reader and the restart behind it.
//
// A real checkpoint of a small study (a tank behind a check valve, stopped after 2 h with
// a mode switch behind it) is the base. The input is a program of edits to it: set one
// value of a /state array, resize or drop an array, set a counter attribute (unknowns,
// non-zeros, next output, samples, events), the checkpoint interval or the wall time,
// change a byte of the study text or of the run id. The first byte says whether the
// edited checkpoint is sealed again (its checksums recomputed, as a deliberate forgery
// would be) or not (as a damaged file is). The checkpoint is written to an in-memory HDF5
// image and read back (read_checkpoint_image); what reads is checked against the study
// loaded from its text (check_checkpoint_fits) and resumed by a Run that then integrates
// two output intervals. Every stage must refuse with std::runtime_error / InputError or
// go on; a crash, a sanitizer report or another exception is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/domains.hpp"
#include "solver/engine/integrator.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/run/run.hpp"
#include "solver/run/simulation.hpp"
#include "solver/study/diagnostics.hpp"
#include "solver/study/study.hpp"

namespace {

constexpr const char* kStudy =
    "study: {name: tank, start: 2024-01-15T00:00:00Z, duration: 6 h, output_interval: 10 min}\n"
    "solver: {rtol: 1e-6, atol: 1e-6}\n"
    "lumped:\n"
    "  nodes:\n"
    "    - {name: Tank, capacitance: 2e-2 kg/Pa, max_pressure: 65 bar}\n"
    "    - {name: Grid, capacitance: 0}\n"
    "  links:\n"
    "    - {name: Outlet, from: Tank, to: Grid, conductance: 1e-5 kg/s/Pa}\n"
    "    - {name: Return, from: Grid, to: Tank, conductance: 1e-6 kg/s/Pa, check_valve: true}\n"
    "  sources:\n"
    "    - name: Compressor\n"
    "      node: Tank\n"
    "      mass_flow: {times: [0, 1 h, 1.5 h], values: [0, 20 kg/s, -5 kg/s], interpolation: "
    "step}\n"
    "  boundaries:\n"
    "    - {name: Grid pressure, node: Grid, pressure: 50 bar}\n";

const steppe::Checkpoint& base() {
  static const steppe::Checkpoint c = [] {
    auto study = steppe::load_study_text(kStudy, "fuzz-tank.yaml", {}, steppe::domains());
    steppe::Run run(*study);
    run.initialise();
    run.advance_to(2 * 3600.0);
    steppe::Checkpoint k;
    k.run_id = "00112233445566778899aabbccddeeff";
    k.study_path = "fuzz-tank.yaml";
    k.study_text = kStudy;
    k.results_path = "fuzz-tank.h5";
    k.unknowns = study->system.size();
    k.nonzeros = study->system.nonzeros();
    k.next_output = run.next_output();
    k.samples = run.next_output();
    k.events = 3;
    k.checkpoint_every = 3600.0;
    k.wall_seconds = 1.0;
    k.reason = "periodic";
    k.state = run.snapshot();
    return k;
  }();
  return c;
}

// Reads the program: a cursor over the input bytes.
struct Program {
  const std::uint8_t* p;
  std::size_t n;
  bool more() const { return n > 0; }
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::uint16_t u16() { return static_cast<std::uint16_t>(byte() | (byte() << 8)); }
  double value() {
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t(byte()) << (8 * i);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
};

void edit(steppe::Checkpoint& c, Program& prog) {
  auto& arrays = c.state.arrays;
  const std::uint8_t op = prog.byte() % 10;
  const std::size_t which = arrays.empty() ? 0 : prog.byte() % arrays.size();
  switch (op) {
    case 0:
    case 1: {  // one value of an array: a raw double, or a small whole number
      if (arrays.empty()) return;
      auto& v = arrays[which].second;
      const std::size_t i = prog.u16();
      const double x =
          op == 0 ? prog.value() : static_cast<double>(static_cast<std::int8_t>(prog.byte()));
      if (!v.empty()) v[i % v.size()] = x;
      return;
    }
    case 2:  // resize an array
      if (!arrays.empty()) arrays[which].second.resize(prog.u16() % 4096, 1.0);
      return;
    case 3:  // drop an array
      if (!arrays.empty()) arrays.erase(arrays.begin() + static_cast<std::ptrdiff_t>(which));
      return;
    case 4: {  // a counter
      std::int64_t* fields[] = {&c.unknowns, &c.nonzeros, &c.next_output, &c.samples, &c.events};
      const std::uint8_t f = prog.byte() % 5;
      *fields[f] = static_cast<std::int64_t>(static_cast<std::int16_t>(prog.u16())) +
                   (prog.byte() & 1 ? *fields[f] : 0);
      return;
    }
    case 5:
      c.checkpoint_every = prog.value();
      return;
    case 6:
      c.wall_seconds = prog.value();
      return;
    case 7: {  // a byte of the study text
      const std::size_t i = prog.u16();
      if (!c.study_text.empty())
        c.study_text[i % c.study_text.size()] = static_cast<char>(prog.byte());
      return;
    }
    case 8: {  // a character of the run id
      const std::size_t i = prog.byte();
      c.run_id[i % c.run_id.size()] = static_cast<char>(prog.byte());
      return;
    }
    default:  // rename an array
      if (!arrays.empty()) arrays[which].first = "x" + std::to_string(prog.byte());
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Program prog{data, size};
  const bool seal = prog.byte() & 1;
  steppe::Checkpoint c = base();
  for (int k = 0; k < 16 && prog.more(); ++k) edit(c, prog);
  std::vector<unsigned char> image;
  try {
    image = steppe::checkpoint_image(c, seal);
  } catch (const std::runtime_error&) {
    return 0;  // e.g. two arrays of one name: HDF5 refuses to write it
  }
  try {
    const steppe::Checkpoint back =
        steppe::read_checkpoint_image(image.data(), image.size(), "fuzz");
    auto study = steppe::load_study_text(back.study_text, back.study_path, {}, steppe::domains());
    steppe::check_checkpoint_fits(back, *study);
    steppe::Run run(*study, back.wall_seconds);
    run.resume(back.state, back.next_output);
    run.advance_to(run.t() + 2 * study->settings.output_interval);
    run.close();
  } catch (const steppe::InputError&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
