// Sweeps (scenario ensembles): expansion order and names, override order, reproducible
// samples with the right distributions, and errors that point into the sweep block. Also
// the profile `scale` key that sweeps vary.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numbers>
#include <random>
#include <sstream>
#include <tuple>

#include "models/domains.hpp"
#include "solver/batch/sweep.hpp"

using namespace steppe;

namespace {

const char* kBase = R"(study:
  name: s
  start: 2024-03-01T00:00:00Z
  duration: 2 h
  output_interval: 15 min
lumped:
  nodes:
    - {name: A, capacitance: 1e-2 kg/Pa}
    - {name: B, capacitance: 0}
  links:
    - {name: L, from: A, to: B, conductance: 1e-5 kg/s/Pa}
  sources:
    - name: S
      node: A
      mass_flow: {times: [0, 1 h], values: [5 kg/s, 10 kg/s]}
  boundaries:
    - {name: H, node: B, pressure: 54 bar}
)";

const char* kSweep = R"(sweep:
  scenarios:
    - name: base
    - name: slow
      set: {lumped.links.L.conductance: 5e-6 kg/s/Pa, study.duration: 1 h}
  grid:
    lumped.sources.S.mass_flow.scale: [0.9, 1.1]
    lumped.boundaries.H.pressure: [50 bar, 55 bar]
  samples:
    count: 3
    seed: 42
    vary:
      lumped.nodes.A.capacitance: {distribution: uniform, low: 1e-2 kg/Pa, high: 2e-2 kg/Pa}
  outputs: [lumped/nodes/pressure, /lumped/links/mass_flow]
)";

std::string with_sweep(const std::string& sweep) {
  return std::string(kBase) + sweep;
}

// The 0-based line and column of the `nth` occurrence of `needle` in `text`.
std::pair<int, int> place(const std::string& text, const std::string& needle, int nth = 0) {
  std::size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string::npos; ++i) at = text.find(needle, at + 1);
  REQUIRE(at != std::string::npos);
  const std::size_t line_start =
      text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  return {int(std::count(text.begin(), text.begin() + long(at), '\n')), int(at - line_start)};
}

std::pair<int, int> line_col(const Location& w) {
  return {w.line, w.column};
}

// Loads a sweep, expecting InputError; returns its diagnostics.
Diagnostics sweep_errors(const std::string& text, const std::vector<std::string>& cli = {}) {
  try {
    load_sweep_text(text, "sw.yaml", cli, domains());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the sweep loaded without errors");
  return {};
}

std::vector<std::string> names_of(const Sweep& s) {
  std::vector<std::string> out;
  for (const auto& sc : s.scenarios) out.push_back(sc.name);
  return out;
}

}  // namespace

TEST_CASE("a sweep is scenarios x grid points x samples, in that nesting order", "[sweep]") {
  const std::string text = with_sweep(kSweep);
  const Sweep sweep = load_sweep_text(text, "dir/sw.yaml", {}, domains());
  CHECK(sweep.study_path == "dir/sw.yaml");
  REQUIRE(sweep.scenarios.size() == 2 * 2 * 2 * 3);
  const auto names = names_of(sweep);
  CHECK(names[0] == "base+scale=0.9+pressure=50 bar+s00");
  CHECK(names[1] == "base+scale=0.9+pressure=50 bar+s01");
  CHECK(names[2] == "base+scale=0.9+pressure=50 bar+s02");
  CHECK(names[3] == "base+scale=0.9+pressure=55 bar+s00");
  CHECK(names[6] == "base+scale=1.1+pressure=50 bar+s00");
  CHECK(names[12] == "slow+scale=0.9+pressure=50 bar+s00");
  CHECK(names[23] == "slow+scale=1.1+pressure=55 bar+s02");
  for (std::size_t i = 0; i < sweep.scenarios.size(); ++i)
    CHECK(sweep.scenarios[i].index == int(i));

  // Overrides in the order applied: the scenario's set, the grid values, the samples;
  // each with its place in the sweep block.
  const Scenario& s = sweep.scenarios[13];
  REQUIRE(s.overrides.size() == 5);
  CHECK(s.overrides[0] == "lumped.links.L.conductance=5e-6 kg/s/Pa");
  CHECK(s.overrides[1] == "study.duration=1 h");
  CHECK(s.overrides[2] == "lumped.sources.S.mass_flow.scale=0.9");
  CHECK(s.overrides[3] == "lumped.boundaries.H.pressure=50 bar");
  CHECK_THAT(s.overrides[4],
             Catch::StartsWith("lumped.nodes.A.capacitance=0.01") && Catch::EndsWith(" kg/Pa"));
  REQUIRE(s.where.size() == 5);
  CHECK(s.where[0].source->path == "dir/sw.yaml");
  CHECK(line_col(s.where[0]) == place(text, "5e-6 kg/s/Pa"));
  CHECK(line_col(s.where[1]) == place(text, "1 h}"));
  CHECK(line_col(s.where[2]) == place(text, "0.9, 1.1"));
  CHECK(line_col(s.where[3]) == place(text, "50 bar, 55"));
  CHECK(line_col(s.where[4]) == place(text, "lumped.nodes.A.capacitance:"));
  CHECK(sweep.scenarios[0].overrides.size() == 3);  // base: grid values and a sample

  // Outputs as given, a leading '/' dropped.
  CHECK(sweep.outputs ==
        std::vector<std::string>{"lumped/nodes/pressure", "lumped/links/mass_flow"});

  // Results files: the index padded to 4 digits, the name made file-safe.
  CHECK(scenario_file_name(sweep, 12) == "0012_slow+scale=0.9+pressure=50_bar+s00.h5");
  CHECK(scenario_file_name(sweep, 0) == "0000_base+scale=0.9+pressure=50_bar+s00.h5");
}

TEST_CASE("sweep names: shared last keys, sample widths, scenarios alone", "[sweep]") {
  // Two grid keys ending in 'capacitance': both named by their full path.
  auto sweep = load_sweep_text(with_sweep(R"(sweep:
  grid:
    lumped.nodes.A.capacitance: [1e-2 kg/Pa, 2e-2 kg/Pa]
    lumped.nodes.B.capacitance: [0, 1e-3 kg/Pa]
    study.duration: [1 h]
)"),
                               "sw.yaml", {}, domains());
  CHECK(names_of(sweep) ==
        std::vector<std::string>{
            "lumped.nodes.A.capacitance=1e-2 kg/Pa+lumped.nodes.B.capacitance=0+duration=1 h",
            "lumped.nodes.A.capacitance=1e-2 kg/Pa+lumped.nodes.B.capacitance=1e-3 "
            "kg/Pa+duration=1 h",
            "lumped.nodes.A.capacitance=2e-2 kg/Pa+lumped.nodes.B.capacitance=0+duration=1 h",
            "lumped.nodes.A.capacitance=2e-2 kg/Pa+lumped.nodes.B.capacitance=1e-3 "
            "kg/Pa+duration=1 h"});

  auto samples = [](int count) {
    return with_sweep(fmt::format(R"(sweep:
  samples:
    count: {}
    vary:
      lumped.boundaries.H.pressure: {{distribution: normal, mean: 54 bar, std: 1 bar}}
)",
                                  count));
  };
  CHECK(names_of(load_sweep_text(samples(1), "sw.yaml", {}, domains())) ==
        std::vector<std::string>{"s00"});
  auto eleven = names_of(load_sweep_text(samples(11), "sw.yaml", {}, domains()));
  CHECK(eleven.front() == "s00");
  CHECK(eleven.back() == "s10");
  auto hundred_one = names_of(load_sweep_text(samples(101), "sw.yaml", {}, domains()));
  CHECK(hundred_one.front() == "s000");
  CHECK(hundred_one.back() == "s100");

  // Named scenarios alone; an empty set is the base case. File names: ≥ 4 digits.
  sweep = load_sweep_text(with_sweep(R"(sweep:
  scenarios:
    - name: base
    - name: "dry run/ß"
      set: {study.duration: 1 h}
)"),
                          "sw.yaml", {}, domains());
  CHECK(names_of(sweep) == std::vector<std::string>{"base", "dry run/ß"});
  CHECK(sweep.scenarios[0].overrides.empty());
  CHECK(scenario_file_name(sweep, 1) == "0001_dry_run___.h5");  // ß is two bytes
  CHECK(sweep.outputs.empty());
}

TEST_CASE("scenario overrides apply after --set, in order: set, grid, samples", "[sweep]") {
  const std::string text = with_sweep(R"(sweep:
  scenarios:
    - name: long
      set: {study.duration: 5 h, study.output_interval: 5 min}
  grid:
    study.duration: [3 h, 4 h]
  samples:
    count: 2
    seed: 7
    vary:
      study.output_interval: {distribution: uniform, low: 1 min, high: 2 min}
)");
  const std::vector<std::string> cli{"study.duration=9 h", "solver.max_order=2"};
  const Sweep sweep = load_sweep_text(text, "sw.yaml", cli, domains());
  REQUIRE(sweep.scenarios.size() == 4);
  auto first = load_scenario_text(text, "sw.yaml", sweep, 0, cli, domains());
  CHECK(first->settings.duration == 3 * 3600.0);  // the grid's value wins over set and --set
  CHECK(first->settings.solver.max_order == 2);   // --set still applies
  CHECK(first->settings.output_interval > 60.0);  // the sample wins over the set's 5 min
  CHECK(first->settings.output_interval < 120.0);
  auto last = load_scenario_text(text, "sw.yaml", sweep, 3, cli, domains());
  CHECK(last->settings.duration == 4 * 3600.0);
  // The scenario as run: a plain study, its overrides in, the sweep block out.
  CHECK_THAT(last->text_as_run, Catch::Contains("4 h"));
  CHECK_THAT(last->text_as_run, !Catch::Contains("sweep"));
  CHECK_THAT(last->text_as_run, !Catch::Contains("5 h"));

  // A plain load of a study with a sweep block ignores the block: it is the base study.
  auto plain = load_study_text(text, "sw.yaml", {}, domains());
  CHECK(plain->settings.duration == 2 * 3600.0);
}

TEST_CASE("samples are reproducible and do not depend on the count", "[sweep][samples]") {
  auto sweep_of = [](int count, int seed) {
    return load_sweep_text(with_sweep(fmt::format(R"(sweep:
  samples:
    count: {}
    seed: {}
    vary:
      lumped.nodes.A.capacitance: {{distribution: weibull, shape: 2, scale: 1e-2 kg/Pa}}
      lumped.boundaries.H.pressure: {{distribution: normal, mean: 54 bar, std: 2 bar}}
      lumped.links.L.conductance: {{distribution: uniform, low: 1e-5, high: 2e-5}}
)",
                                                  count, seed)),
                           "sw.yaml", {}, domains());
  };
  const Sweep five = sweep_of(5, 42), fifty = sweep_of(50, 42), again = sweep_of(5, 42),
              other = sweep_of(5, 43);
  CHECK(five.scenarios[3].overrides == fifty.scenarios[3].overrides);
  CHECK(five.scenarios[3].overrides == again.scenarios[3].overrides);
  CHECK(five.scenarios[3].overrides != other.scenarios[3].overrides);
  CHECK(five.scenarios[3].overrides != five.scenarios[4].overrides);

  // The numbers are draw_sample's, with 17 significant digits and the parameters' unit.
  const std::vector<Distribution> dists{{Distribution::Kind::Weibull, 2.0, 1e-2},
                                        {Distribution::Kind::Normal, 54.0, 2.0},
                                        {Distribution::Kind::Uniform, 1e-5, 2e-5}};
  const auto x = draw_sample(dists, 42, 3);
  const auto& o = five.scenarios[3].overrides;
  CHECK(o[0] == fmt::format("lumped.nodes.A.capacitance={:.17g} kg/Pa", x[0]));
  CHECK(o[1] == fmt::format("lumped.boundaries.H.pressure={:.17g} bar", x[1]));
  CHECK(o[2] == fmt::format("lumped.links.L.conductance={:.17g}", x[2]));
  CHECK(std::stod(o[1].substr(o[1].find('=') + 1)) == x[1]);  // round-trips exactly

  // Uniforms are (x >> 11)·2^-53 of mt19937_64 seeded with seed_seq{seed, index}.
  std::seed_seq seq{42u, 3u};
  std::mt19937_64 engine(seq);
  const double u = double(engine() >> 11) * 0x1p-53;
  CHECK(x[0] == 1e-2 * std::pow(-std::log(1.0 - u), 0.5));
}

namespace {

struct Moments {
  double mean, variance, fourth;  // the fourth central moment
};

// Mean and variance within 4 standard errors; Kolmogorov–Smirnov below 1.63/√n.
void check_distribution(std::vector<double> xs, const Moments& m,
                        const std::function<double(double)>& cdf) {
  const double n = double(xs.size());
  double mean = 0.0;
  for (double x : xs) mean += x / n;
  double var = 0.0;
  for (double x : xs) var += (x - mean) * (x - mean) / (n - 1);
  INFO("mean " << mean << " vs " << m.mean << ", variance " << var << " vs " << m.variance);
  CHECK(std::abs(mean - m.mean) < 4 * std::sqrt(m.variance / n));
  CHECK(std::abs(var - m.variance) < 4 * std::sqrt((m.fourth - m.variance * m.variance) / n));
  std::sort(xs.begin(), xs.end());
  double d = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, std::abs(double(i + 1) / n - f), std::abs(f - double(i) / n)});
  }
  INFO("Kolmogorov-Smirnov D = " << d);
  CHECK(d < 1.63 / std::sqrt(n));
}

// E[X^r] of a Weibull(k, λ) is λ^r Γ(1 + r/k): its mean, variance and fourth central moment.
Moments weibull_moments(double k, double lambda) {
  auto raw = [&](int r) { return std::pow(lambda, r) * std::tgamma(1.0 + r / k); };
  const double m1 = raw(1), m2 = raw(2), m3 = raw(3), m4 = raw(4);
  return {m1, m2 - m1 * m1, m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 * m1 * m1 * m1};
}

}  // namespace

TEST_CASE("sampled distributions match their closed forms", "[sweep][samples]") {
  constexpr int n = 20000;
  // Three keys per sample: the draws of one sample follow each other in one stream.
  const std::vector<Distribution> dists{{Distribution::Kind::Uniform, 90.0, 110.0},
                                        {Distribution::Kind::Normal, 1.0, 0.05},
                                        {Distribution::Kind::Weibull, 2.0, 8.0},
                                        {Distribution::Kind::Weibull, 0.8, 3.0}};
  std::vector<std::vector<double>> cols(dists.size());
  for (int i = 0; i < n; ++i) {
    const auto x = draw_sample(dists, 2024, std::uint64_t(i));
    for (std::size_t j = 0; j < x.size(); ++j) cols[j].push_back(x[j]);
  }
  SECTION("uniform") {
    const double w = 20.0;
    check_distribution(cols[0], {100.0, w * w / 12, std::pow(w, 4) / 80},
                       [](double x) { return std::clamp((x - 90.0) / 20.0, 0.0, 1.0); });
    CHECK(*std::min_element(cols[0].begin(), cols[0].end()) >= 90.0);
    CHECK(*std::max_element(cols[0].begin(), cols[0].end()) < 110.0);
  }
  SECTION("normal") {
    const double s2 = 0.05 * 0.05;
    check_distribution(cols[1], {1.0, s2, 3 * s2 * s2}, [](double x) {
      return 0.5 * std::erfc(-(x - 1.0) / (0.05 * std::numbers::sqrt2));
    });
  }
  SECTION("weibull") {
    const Moments m = weibull_moments(2.0, 8.0);
    CHECK(m.mean == Approx(8.0 * std::tgamma(1.5)));  // λΓ(1 + 1/k)
    check_distribution(cols[2], m,
                       [](double x) { return 1.0 - std::exp(-std::pow(x / 8.0, 2.0)); });
    check_distribution(cols[3], weibull_moments(0.8, 3.0),
                       [](double x) { return 1.0 - std::exp(-std::pow(x / 3.0, 0.8)); });
  }
}

TEST_CASE("an override error inside a scenario points into the sweep block", "[sweep][errors]") {
  const std::string text = with_sweep(R"(sweep:
  scenarios:
    - name: base
    - name: bad
      set: {lumped.nodes.A.capacitance: 54 bar}
  grid:
    lumped.boundaries.H.pressure: [50 bar, 5 kg]
)");
  const auto d = sweep_errors(text);
  INFO(d.render());
  REQUIRE(d.size() == 2);
  const auto& e = d.entries();
  // The wrong unit in the scenario's set: at that value, keyed by the study path.
  CHECK(e[0].key_path == "lumped.nodes[0].capacitance");
  CHECK(e[0].where.source->path == "sw.yaml");
  CHECK(line_col(e[0].where) == place(text, "54 bar}", 1));
  CHECK_THAT(e[0].message, Catch::Contains("expected") &&
                               Catch::EndsWith("(sweep scenarios 'bad+pressure=50 bar' and "
                                               "'bad+pressure=5 kg')"));
  // The grid value breaks both scenarios: reported once, at the value.
  CHECK(e[1].key_path == "lumped.boundaries[0].pressure");
  CHECK(line_col(e[1].where) == place(text, "5 kg]"));
  CHECK_THAT(e[1].message, Catch::EndsWith("(sweep scenarios 'base+pressure=5 kg' and "
                                           "'bad+pressure=5 kg')"));
  // Rendered like every other input error: file:line:col, the line and a caret.
  const auto [line, col] = place(text, "5 kg]");
  const std::string echo = "    lumped.boundaries.H.pressure: [50 bar, 5 kg]";
  CHECK_THAT(d.render(),
             Catch::Contains(fmt::format(
                 "sw.yaml:{}:{}: error: lumped.boundaries[0].pressure: ", line + 1, col + 1)) &&
                 Catch::Contains(fmt::format(" {} | {}\n    | {}^\n", line + 1, echo,
                                             std::string(std::size_t(col), ' '))));
}

TEST_CASE("an override of a missing item is reported in the sweep block", "[sweep][errors]") {
  const std::string text = with_sweep(R"(sweep:
  scenarios:
    - name: typo
      set:
        lumped.nodes.Z.capacitance: 1e-2 kg/Pa
        study.durration: 1 h
)");
  const auto d = sweep_errors(text);
  REQUIRE(d.size() == 2);
  const auto& e = d.entries();
  CHECK(e[0].key_path == "lumped.nodes.Z.capacitance");
  CHECK(line_col(e[0].where) == place(text, "lumped.nodes.Z.capacitance:"));  // at the path
  CHECK(e[0].message == "no item named 'Z' in lumped.nodes (sweep scenario 'typo')");
  CHECK(e[1].key_path == "study.durration");
  CHECK(line_col(e[1].where) == place(text, "1 h\n"));
  CHECK(e[1].message ==
        "unknown key 'durration' (did you mean 'duration'?) (sweep scenario 'typo')");
}

TEST_CASE("a sample that breaks the study is reported once, at the vary entry", "[sweep][errors]") {
  const std::string text = with_sweep(R"(sweep:
  samples:
    count: 20
    vary:
      lumped.nodes.A.capacitance: {distribution: uniform, low: -2e-2 kg/Pa, high: -1e-2 kg/Pa}
)");
  const auto d = sweep_errors(text);
  REQUIRE(d.size() == 1);
  const auto& e = d.entries()[0];
  CHECK(e.key_path == "lumped.nodes[0].capacitance");
  CHECK(line_col(e.where) == place(text, "lumped.nodes.A.capacitance:"));
  CHECK_THAT(e.message, Catch::StartsWith("must be ≥ 0") &&
                            Catch::EndsWith("(sweep scenarios 's00', 's01' and 18 more)"));
}

TEST_CASE("sweep block errors: missing, empty, unknown keys, duplicates, outputs",
          "[sweep][errors]") {
  SECTION("a study without a sweep block") {
    const auto d = sweep_errors(kBase);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "sweep");
    CHECK(d.entries()[0].message == "the study has no 'sweep' section");
    CHECK(line_col(d.entries()[0].where) == std::pair{0, 0});
  }
  SECTION("an empty sweep block, or one with only outputs") {
    for (const char* block : {"sweep:\n", "sweep: {outputs: [lumped/nodes/pressure]}\n"}) {
      const auto d = sweep_errors(with_sweep(block));
      REQUIRE(d.size() == 1);
      CHECK(d.entries()[0].key_path == "sweep");
      CHECK_THAT(d.entries()[0].message, Catch::Contains("nothing to vary"));
    }
  }
  SECTION("unknown keys, duplicate names and values, unknown outputs") {
    const std::string text = with_sweep(R"(sweep:
  scenarios:
    - name: one
    - name: two
      set: {study.duration: 1 h}
    - name: one
  grid:
    study.duration: [1 h, 2 h, 1 h]
  sample: {count: 3}
  outputs: [lumped/nodes/presure, lumped/nodes/pressure, lumped/nodes/pressure]
)");
    const auto d = sweep_errors(text);
    REQUIRE(d.size() == 5);
    const auto& e = d.entries();
    CHECK(e[0].key_path == "sweep.scenarios[2].name");
    CHECK(line_col(e[0].where) == place(text, "one", 1));
    CHECK(e[0].message == "duplicate scenario name 'one' (the first is sweep.scenarios[0])");
    CHECK(e[1].key_path == "sweep.grid.study.duration[2]");
    CHECK(line_col(e[1].where) == place(text, "1 h]", 1));
    CHECK_THAT(e[1].message, Catch::Contains("listed twice"));
    CHECK(e[2].key_path == "sweep.sample");
    CHECK(line_col(e[2].where) == place(text, "sample:"));
    CHECK_THAT(e[2].message, Catch::Contains("did you mean 'samples'"));
    CHECK(e[3].key_path == "sweep.outputs[0]");
    CHECK(line_col(e[3].where) == place(text, "lumped/nodes/presure"));
    CHECK(e[3].message ==
          "no dataset 'lumped/nodes/presure' in the study's results (did you mean "
          "'lumped/nodes/pressure'?)");
    CHECK(e[4].key_path == "sweep.outputs[2]");
    CHECK(line_col(e[4].where) == place(text, "lumped/nodes/pressure", 1));
  }
  SECTION("the base study's own errors are reported once, not per scenario") {
    std::string text = with_sweep(R"(sweep:
  grid:
    study.output_interval: [1 min, 2 min, 3 min]
)");
    text.replace(text.find("54 bar"), 6, "54 kg");
    const auto d = sweep_errors(text);
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "lumped.boundaries[0].pressure");
    CHECK_THAT(d.entries()[0].message, !Catch::Contains("sweep scenario"));
  }
  SECTION("--set errors keep their command-line origin") {
    const auto d = sweep_errors(with_sweep(kSweep), {"study.flush_evry=8"});
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].where.origin == "command line (--set study.flush_evry=8)");
  }
}

TEST_CASE("sample parameters are checked: distribution, units, ranges, count, seed",
          "[sweep][errors]") {
  const std::string text = with_sweep(R"(sweep:
  samples:
    count: 0
    seed: -1
    vary:
      study.duration: {distribution: uniform, low: 2 h, high: 1 h}
      study.output_interval: {distribution: normal, mean: 10 min, std: 0 min}
      lumped.boundaries.H.pressure: {distribution: uniform, low: 50 bar, high: 6 MPa}
      lumped.nodes.A.capacitance: {distribution: weibull, shape: 2 kg/Pa, scale: 1e-2 kg/Pa}
      lumped.links.L.conductance: {distribution: gauss, mean: 1e-5, std: 1e-6}
      lumped.nodes.B.capacitance: {distribution: normal, mean: 0, sigma: 1}
      solver.rtol: {distribution: uniform, low: 1e-6, high: 1e-5 zz}
)");
  const auto d = sweep_errors(text);
  const auto [shape_line, shape_col] = place(text, "shape: 2 kg/Pa");
  std::vector<std::tuple<std::string, std::pair<int, int>, std::string>> expected{
      {"sweep.samples.count", place(text, "0\n"), "must be 1 to 100000"},
      {"sweep.samples.seed", place(text, "-1"), "must be 0 to 4294967295"},
      {"sweep.samples.vary.study.duration.high", place(text, "1 h}"), "must be > low (2)"},
      {"sweep.samples.vary.study.output_interval.std", place(text, "0 min}"), "must be > 0"},
      {"sweep.samples.vary.lumped.boundaries.H.pressure.high", place(text, "6 MPa"),
       "'high' has unit 'MPa' but 'low' has unit 'bar'"},
      {"sweep.samples.vary.lumped.nodes.A.capacitance.shape", std::pair{shape_line, shape_col + 7},
       "the Weibull shape is a pure number"},
      {"sweep.samples.vary.lumped.links.L.conductance.distribution", place(text, "gauss"),
       "'gauss' is not one of: uniform normal weibull"},
      {"sweep.samples.vary.lumped.nodes.B.capacitance.std",
       place(text, "{distribution: normal, mean: 0"), "missing required key 'std'"},
      {"sweep.samples.vary.lumped.nodes.B.capacitance.sigma", place(text, "sigma"),
       "unknown key 'sigma'"},
      {"sweep.samples.vary.solver.rtol.high", place(text, "1e-5 zz"), "'zz'"},
  };
  INFO(d.render());
  REQUIRE(d.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [key, at, msg] = expected[i];
    CHECK(d.entries()[i].key_path == key);
    CHECK(line_col(d.entries()[i].where) == at);
    CHECK_THAT(d.entries()[i].message, Catch::Contains(msg));
  }
}

TEST_CASE("load_sweep and load_scenario read the file, bad sweep files report every error",
          "[sweep][errors]") {
  namespace fs = std::filesystem;
  // Each file starts with `# expect: LINE:COL KEY.PATH | MESSAGE` lines (1-based, as
  // tests/cli/test_bad_input.py); the rendered report must have exactly those errors, each
  // with the echoed line and a caret.
  const fs::path dir = fs::path(STEPPE_TEST_DATA) / "bad_sweeps";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    const std::string path = entry.path().string();
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    std::string report;
    try {
      load_sweep(path, {}, domains());
    } catch (const InputError& e) {
      report = e.what();
    }
    INFO(path << "\n" << report);
    REQUIRE(!report.empty());
    int expected = 0;
    for (const std::string& l : lines) {
      if (l.rfind("# expect: ", 0) != 0) continue;
      ++expected;
      const std::string spec = l.substr(10);
      const auto bar = spec.find(" | ");
      std::istringstream head(spec.substr(0, bar));
      std::string where, key;
      head >> where >> key;
      const int line = std::stoi(where.substr(0, where.find(':')));
      const int col = std::stoi(where.substr(where.find(':') + 1));
      const std::string first =
          fmt::format("{}:{}:{}: error: {}{}", path, line, col, key.empty() ? "" : key + ": ", "");
      const auto at = report.find(first);
      INFO("expected " << first << " ... " << spec.substr(bar + 3));
      REQUIRE(at != std::string::npos);
      const std::string rest = report.substr(at);
      const std::string error_line = rest.substr(0, rest.find('\n'));
      CHECK_THAT(error_line, Catch::Contains(spec.substr(bar + 3)));
      const std::string& text = lines[std::size_t(line - 1)];
      std::string pad;
      for (int i = 0; i < col - 1; ++i) pad += text[std::size_t(i)] == '\t' ? '\t' : ' ';
      const std::string num = std::to_string(line);
      CHECK_THAT(rest, Catch::StartsWith(error_line + "\n " + num + " | " + text + "\n " +
                                         std::string(num.size(), ' ') + " | " + pad + "^\n"));
    }
    CHECK(expected > 0);
    std::size_t errors = 0;
    for (std::size_t p = report.find(": error: "); p != std::string::npos;
         p = report.find(": error: ", p + 1))
      ++errors;
    CHECK(errors == std::size_t(expected));
  }
  CHECK(files >= 4);

  // A good file: load_sweep, then each scenario through load_scenario.
  const fs::path good = fs::temp_directory_path() / "steppe_test_sweep.yaml";
  {
    std::ofstream out(good);
    out << with_sweep(kSweep);
  }
  const Sweep sweep = load_sweep(good.string(), {}, domains());
  CHECK(sweep.study_path == good.string());
  auto study = load_scenario(good.string(), sweep, 12, {}, domains());
  CHECK(study->settings.duration == 3600.0);  // 'slow' sets 1 h
  CHECK(study->path == good.string());
  // A scenario that does not load names itself.
  std::string msg;
  try {
    load_scenario(good.string(), sweep, 0, {"lumped.links.L.conductance=-1"}, domains());
  } catch (const InputError& e) {
    msg = e.what();
  }
  CHECK_THAT(msg, Catch::Contains("command line (--set lumped.links.L.conductance=-1): error: "
                                  "lumped.links[0].conductance: must be > 0 (sweep scenario "
                                  "'base+scale=0.9+pressure=50 bar+s00')"));
  fs::remove(good);
  CHECK_THROWS_AS(load_sweep(good.string(), {}, domains()), InputError);
}

TEST_CASE("a profile's scale multiplies its values", "[study][profiles]") {
  auto injection = [](const Study& study, double t) {
    std::vector<double> F(4), y(4, 0.0), yp(4, 0.0);
    study.system.residual(t, y.data(), yp.data(), F.data());
    return -F[0];  // kg/s into node A
  };
  std::string text = kBase;
  const std::string table = "values: [5 kg/s, 10 kg/s]}";
  text.replace(text.find(table), table.size(), "values: [5 kg/s, 10 kg/s], scale: 1.5}");
  auto study = load_study_text(text, "s.yaml", {}, domains());
  CHECK(injection(*study, 0.0) == Approx(7.5));
  CHECK(injection(*study, 1800.0) == Approx(11.25));
  // The default is 1, and --set (or a sweep) reaches it.
  study = load_study_text(kBase, "s.yaml", {"lumped.sources.S.mass_flow.scale=0"}, domains());
  CHECK(injection(*study, 3600.0) == 0.0);
  study = load_study_text(kBase, "s.yaml", {}, domains());
  CHECK(injection(*study, 3600.0) == Approx(10.0));

  // A CSV profile too.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "steppe_test_profile_scale";
  fs::create_directories(dir);
  {
    std::ofstream csv(dir / "flow.csv");
    csv << "t,q\n0,4\n2,8\n";
  }
  text = kBase;
  const std::string inline_profile = "{times: [0, 1 h], values: [5 kg/s, 10 kg/s]}";
  text.replace(text.find(inline_profile), inline_profile.size(),
               "{csv: flow.csv, time_unit: h, unit: kg/s, scale: 0.5}");
  study = load_study_text(text, (dir / "s.yaml").string(), {}, domains());
  CHECK(injection(*study, 0.0) == Approx(2.0));
  CHECK(injection(*study, 3600.0) == Approx(3.0));
  fs::remove_all(dir);

  // Negative or with a unit: errors at the value.
  std::string bad = kBase;
  bad.replace(bad.find(table), table.size(), "values: [5 kg/s, 10 kg/s], scale: -2}");
  try {
    load_study_text(bad, "s.yaml", {}, domains());
    FAIL("a negative scale was accepted");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    const auto& d = e.diagnostics().entries()[0];
    CHECK(d.key_path == "lumped.sources[0].mass_flow.scale");
    CHECK(line_col(d.where) == place(bad, "-2}"));
    CHECK(d.message == "must be ≥ 0");
  }
  bad = kBase;
  bad.replace(bad.find(table), table.size(), "values: [5 kg/s, 10 kg/s], scale: 2 bar}");
  try {
    load_study_text(bad, "s.yaml", {}, domains());
    FAIL("a scale with a unit was accepted");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().entries()[0].key_path == "lumped.sources[0].mass_flow.scale");
  }
}
