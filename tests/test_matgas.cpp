// MATGAS import (solver/app/import/matgas.*): a hand-written GasModels.jl network in SI
// imported and solved to its steady state, checked against closed forms of GasModels' own
// model (constant compressibility Z, density ρ = p·M/(Z·R·T) with the file's R):
//   - a pipe with a fixed Darcy factor λ, isothermal, level:  dp/dx = −λ·ṁ|ṁ|/(2·D·A²·ρ)
//     integrates exactly to p₁² − p₂² = λ·L·(Z·R·T/M)·ṁ|ṁ|/(D·A²);
//   - a resistor of drag ζ and diameter D:  p₁ − p₂ = ζ·ṁ|ṁ|/(2·ρ̄·A²), ρ̄ at the mean pressure
//     (the model's laminar rounding, ṁ_l = 2000·A·μ/D ≈ 0.01 kg/s, moves it by (ṁ_l/ṁ)²/2);
//   - flows: the supply delivers the deliveries' sum less the other receipts;
//   - the operating point (one zone: no regulator or station): the supply holds the level at
//     which the zone's offset is 0.9 of the way from the lowest to the highest one its nodes'
//     bounds allow: p₁² = 0.9·p_max² + 0.1·(p_min² + p₁² − p₄²), J1 the highest node, J4 the
//     lowest, all bounds [20, 80] bar (set points are written to 6 digits: ±5 Pa here).
// And malformed files: each fault one error at its file:line:column.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>

#include "models/gas/pipe.hpp"
#include "solver/app/import/matgas.hpp"
#include "study_run.hpp"

using namespace steppe;
using steppe::testing::StudyRun;

namespace {

constexpr double kPi = std::numbers::pi;

// GasModels' gas: M, Z, T and R as the file gives them.
constexpr double kM = 0.0180488790169, kZ = 0.8, kT = 288.15, kR = 8.314;

// The MATGAS files of tests/data/matgas (also the seeds of fuzz_matgas).
std::string matgas_file(const std::string& name) {
  std::ifstream in(std::string(STEPPE_SOURCE_DIR) + "/tests/data/matgas/" + name);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// tiny.m: four junctions (a fifth with status 0), two pipes with a fixed λ, a resistor
// between them, two receipts and two deliveries.
const std::string& tiny_m() {
  static const std::string text = matgas_file("tiny.m");
  return text;
}

}  // namespace

TEST_CASE("MATGAS import: a small network reaches GasModels' steady state", "[matgas]") {
  const std::string yaml = gas::matgas_to_yaml("tiny.m", tiny_m());
  const YAML::Node doc = YAML::Load(yaml);
  INFO(yaml);
  // Junction 5 has status 0: left out, and said so.
  CHECK(yaml.find("left out with status 0: junction 5") != std::string::npos);
  CHECK(doc["gas"]["nodes"].size() == 4);
  // No resistor here has an implausible drag factor.
  CHECK(yaml.find("far above the drag factors") == std::string::npos);

  StudyRun run(yaml);
  const double a2 = kZ * kR * kT / kM;  // p/ρ, m²/s²
  // The supply at J1 holds the operating point's level and delivers 25 + 15 − 5 kg/s.
  const double p1 = run.value("J1"), p4 = run.value("J4");
  // Within half the last digit written (0.0001 bar), and the flow solve's own tolerance.
  CHECK(p1 == Approx(std::sqrt(0.9 * 64e12 + 0.1 * (4e12 + p1 * p1 - p4 * p4))).margin(6.0));
  CHECK(yaml.find("every node's pressure at the operating point lies within its bounds") !=
        std::string::npos);
  CHECK(run.value("J1_supply") == Approx(35.0).epsilon(1e-9));

  auto pipe_check = [&](const std::string& name, const char* from, const char* to, double D,
                        double L, double lambda, double m_expected) {
    const auto& pipe = run.get<gas::GasPipe>(name);
    const double m = run.y(pipe.flow_index(0));
    CHECK(m == Approx(m_expected).epsilon(1e-9));
    const double A = kPi * D * D / 4, pa = run.value(from), pb = run.value(to);
    const double drop2 = lambda * L * a2 * m * std::abs(m) / (D * A * A);
    INFO(fmt::format("{}: p {:.10g} → {:.10g} Pa, p₁² − p₂² {:.10g} against {:.10g} Pa²", name, pa,
                     pb, pa * pa - pb * pb, drop2));
    CHECK(pa * pa - pb * pb == Approx(drop2).epsilon(1e-7));
    fmt::print("MATGAS {}: p₁² − p₂² off the closed form by {:.3g} (relative)\n", name,
               std::abs(pa * pa - pb * pb - drop2) / drop2);
  };
  pipe_check("pipe_10", "J1", "J2", 0.5, 20000, 0.01, 35.0);
  pipe_check("pipe_11", "J3", "J4", 0.4, 10000, 0.012, 25.0);

  // The resistor carries 35 kg/s from J2 to J3.
  const double m = run.value("resistor_20");
  CHECK(m == Approx(35.0).epsilon(1e-9));
  const double p2 = run.value("J2"), p3 = run.value("J3");
  const double A = kPi * 0.25 / 4, rho = 0.5 * (p2 + p3) / a2;
  const double drop = 20 * m * m / (2 * rho * A * A);
  INFO(fmt::format("resistor: Δp {:.10g} Pa against {:.10g} Pa", p2 - p3, drop));
  CHECK(p2 - p3 == Approx(drop).epsilon(1e-6));
  fmt::print("MATGAS resistor_20: Δp off the closed form by {:.3g} (relative)\n",
             std::abs(p2 - p3 - drop) / drop);
}

// A chain of three pressure zones: the supply's (J1, J2, bounds [30, 60] bar) → a station
// (ratio_max 2) → J3, J4 ([40, 80], [30, 80] bar; 30 kg/s taken at J4) → a regulator → J5, J6
// ([10, 20] bar; 20 kg/s at J6). The operating point by hand (p² in bar², Δ = K·ṁ² of each
// pipe with K = λ·L·(Z·R·T/M)/(D·A²)): in each zone the offset runs from its lowest (a
// node at its lower bound) to its highest (a node at its upper bound); none of the station's
// or regulator's rules binds here; the supply's zone sits 0.9 of the way up, the station's
// discharge zone too (equal across a station), the regulator's outlet zone 0.7·0.9 = 0.63:
//   J1: p² = (30² + Δ₁₀) + 0.9·(60² − 30² − Δ₁₀)         (J2 at 30 bar … J1 at 60 bar)
//   J3: p² = 40² + 0.9·(80² − 40²)                        (J3 the binding node both ways)
//   J5: p² = (10² + Δ₁₂) + 0.63·(20² − 10² − Δ₁₂)        (J6 at 10 bar … J5 at 20 bar)
// The station holds J3 (discharge control), the regulator J5; the steady state keeps them.
const std::string& chain_m() {
  static const std::string text = matgas_file("chain.m");
  return text;
}

TEST_CASE("MATGAS import: a station and a regulator hold the operating point's pressures",
          "[matgas]") {
  const std::string yaml = gas::matgas_to_yaml("chain.m", chain_m());
  INFO(yaml);
  const double a2 = kZ * kR * kT / kM;
  auto drop = [&](double D, double L, double lambda, double m) {  // Δ(p²), Pa²
    const double A = kPi * D * D / 4;
    return lambda * L * a2 / (D * A * A) * m * m;
  };
  const double bar2 = 1e10;
  const double d10 = drop(0.6, 30000, 0.01, 50), d12 = drop(0.3, 5000, 0.012, 20);
  const double p1 = std::sqrt(30 * 30 * bar2 + d10 + 0.9 * (60 * 60 * bar2 - 30 * 30 * bar2 - d10));
  const double p3 = std::sqrt(40 * 40 * bar2 + 0.9 * (80 * 80 - 40 * 40) * bar2);
  const double p5 =
      std::sqrt(10 * 10 * bar2 + d12 + 0.63 * (20 * 20 * bar2 - 10 * 10 * bar2 - d12));
  const YAML::Node doc = YAML::Load(yaml);
  const YAML::Node station = doc["gas"]["compressors"][0];
  CHECK(station["control"].as<std::string>() == "discharge");
  StudyRun run(yaml);
  // Written to 6 digits (±5 Pa at 77 bar) and solved with a regularised pipe law.
  CHECK(run.value("J1") == Approx(p1).margin(10.0));
  CHECK(run.value("J3") == Approx(p3).margin(10.0));
  CHECK(run.value("J5") == Approx(p5).margin(10.0));
  CHECK(run.value("compressor_20") == Approx(50.0).epsilon(1e-9));
  CHECK(run.value("regulator_30") == Approx(20.0).epsilon(1e-9));
  CHECK(yaml.find("every node's pressure at the operating point lies within its bounds") !=
        std::string::npos);
  // A huge c_ratio_max (GasModels writes 1e100 for none) is no limit, not a ratio_max the
  // loader refuses (fuzz_matgas found the study it made unloadable).
  std::string unlimited = chain_m();
  const std::string row = "20\t2\t3\t1\t2\t";
  unlimited.replace(unlimited.find(row), row.size(), "20\t2\t3\t1\t1e100\t");
  const std::string yaml2 = gas::matgas_to_yaml("chain.m", unlimited);
  CHECK(yaml2.find("ratio_max") == std::string::npos);
  CHECK_NOTHROW(StudyRun(yaml2));
  fmt::print("MATGAS chain: J1 {:.6f}, J3 {:.6f}, J5 {:.6f} bar against {:.6f}, {:.6f}, {:.6f}\n",
             run.value("J1") / 1e5, run.value("J3") / 1e5, run.value("J5") / 1e5, p1 / 1e5,
             p3 / 1e5, p5 / 1e5);
}

TEST_CASE("MATGAS import: a resistor whose drag cannot be a drag factor is named in the error",
          "[matgas]") {
  std::string text = tiny_m();
  const std::string row = "20\t2\t3\t20\t0.5\t1";
  text.replace(text.find(row), row.size(), "20\t2\t3\t6.06e10\t1\t1");
  // 35 kg/s cannot pass it above 1 bar: no operating point, and the one error says why.
  std::string yaml;
  try {
    gas::matgas_to_yaml("tiny.m", text);
    FAIL("imported");
  } catch (const gas::ImportError& e) {
    REQUIRE(e.messages().size() == 1);
    yaml = e.messages().front();
  }
  INFO(yaml);
  CHECK(yaml.find("no operating point") != std::string::npos);
  // Its line, and what it passes at a 1 bar drop: A·√(2ρ·1e5/ζ) at 50 bar (the junctions'
  // mean range), ρ = p·M/(Z·R·T).
  const double rho = 5e6 * kM / (kZ * kR * kT);
  const double passes = kPi / 4 * std::sqrt(2 * rho * 1e5 / 6.06e10);
  const std::string note = fmt::format("it passes {:.3g} kg/s at a 1 bar drop", passes);
  // The note is wrapped over comment lines: compare with the line breaks taken out.
  std::string flat;
  for (std::size_t i = 0; i < yaml.size(); ++i) {
    if (yaml.compare(i, 4, "\n#  ") == 0) {
      flat += ' ';
      i += 4;
      while (i < yaml.size() && yaml[i] == ' ') ++i;
      --i;
      continue;
    }
    flat += yaml[i];
  }
  CHECK(flat.find("resistor_20 (tiny.m:34:1): drag 6.06e+10 is far above") != std::string::npos);
  CHECK(flat.find(note) != std::string::npos);
}

// --inverse-drag on a file whose drag column holds ζ already (ζ = 20, D = 0.5 m gives
// 4.67e11·0.5⁸/20 = 9.1e7): one error at the drag value, nothing imported.
TEST_CASE("MATGAS import: --inverse-drag on drag factors is an error at the value", "[matgas]") {
  gas::MatgasOptions options;
  options.inverse_drag = 4.67e11;
  try {
    gas::matgas_to_yaml("tiny.m", tiny_m(), options);
    FAIL("imported");
  } catch (const gas::ImportError& e) {
    REQUIRE(e.messages().size() == 1);
    INFO(e.messages().front());
    CHECK(e.messages().front().rfind("tiny.m:34:", 0) == 0);
    CHECK(e.messages().front().find("ζ = 9.12109e+07") != std::string::npos);
  }
}

TEST_CASE("MATGAS import: each fault is one error at its file, line and column", "[matgas]") {
  struct Case {
    const char* what;
    std::string from, to;  // the edit to the good file
    std::string expected;  // the start of the one message
  };
  const std::vector<Case> cases = {
      {"a table never closed", "11\t3\t4\t0.4\t10000\t0.012\t2000000\t8000000\t1\n];",
       "11\t3\t4\t0.4\t10000\t0.012\t2000000\t8000000\t1\n",
       "tiny.m:26:1: error: table mgc.pipe is not closed (no `];` before mgc.resistor on line "
       "33)"},
      {"a value that is not a number", "10\t1\t2\t0.5\t20000", "10\t1\t2\t0.5x\t20000",
       "tiny.m:27:8: error: mgc.pipe: column 'diameter' is '0.5x', not a number"},
      {"a pipe to a junction that does not exist", "11\t3\t4\t0.4", "11\t3\t9\t0.4",
       "tiny.m:28:6: error: mgc.pipe: to_junction 9 is not an active junction"},
      {"a pipe to a junction left out", "11\t3\t4\t0.4", "11\t3\t5\t0.4",
       "tiny.m:28:6: error: mgc.pipe: to_junction 5 is not an active junction"},
      {"units other than SI", "mgc.units                        = 'si';",
       "mgc.units                        = 'english';",
       "tiny.m:8:36: error: mgc.units = 'english': only 'si' is imported"},
      {"an unknown field", "mgc.is_per_unit                  = 0;", "mgc.colour = 3;",
       "tiny.m:12:1: error: unknown MATGAS field mgc.colour"},
      {"a negative length", "0.5\t20000\t0.01", "0.5\t-20000\t0.01",
       "tiny.m:27:12: error: mgc.pipe 10: length must be > 0"},
      {"a row too short", "4\t2000000\t8000000\t5000000\t0\t1\t'tiny'\t4\t0\t0", "4\t2000000",
       "tiny.m:20:1: error: mgc.junction: the row has no column 'p_max' (2 values)"},
      {"a negative delivery", "1\t4\t0\t100\t25\t0\t1", "1\t4\t0\t100\t-25\t0\t1",
       "tiny.m:47:1: error: mgc.delivery 1: a negative nominal flow"},
      {"a junction defined twice", "2\t2000000\t8000000\t5000000\t0\t1\t'tiny'\t2",
       "1\t2000000\t8000000\t5000000\t0\t1\t'tiny'\t2",
       "tiny.m:18:1: error: mgc.junction: id 1 is defined twice"},
      {"an unterminated string", "mgc.units                        = 'si';",
       "mgc.units                        = 'si;", "tiny.m:8:36: error: unterminated string"},
      // Found by fuzz_matgas: files whose studies the loader refused, and an id cast past int.
      {"a gas a study cannot hold (M/Z = 0.088/0.8 kg/mol: specific gravity 3.8)",
       "= 0.0180488790169;", "= 0.088;",
       "tiny.m:9:36: error: the gas (molar mass M/Z·8.31446262/R = 110.006 g/mol) has a "
       "specific gravity of 3.79794, outside 0.3 to 2"},
      {"a junction id beyond any int", "11\t3\t4\t0.4", "11\t3\t6.7e16\t0.4",
       "tiny.m:28:6: error: mgc.pipe: to_junction 6.7e16 is not an active junction"},
      {"an implausible pressure bound", "4\t2000000\t8000000", "4\t2000000\t8e12",
       "tiny.m:20:11: error: mgc.junction: column 'p_max' = 8e12 is beyond any plausible value "
       "(the magnitude must not exceed 1e+09 Pa)"},
      {"a friction factor above 1", "0.4\t10000\t0.012", "0.4\t10000\t1.2",
       "tiny.m:28:18: error: mgc.pipe 11: friction_factor 1.2 is not a Darcy factor"},
  };
  for (const Case& c : cases) {
    std::string text = tiny_m();
    const auto at = text.find(c.from);
    REQUIRE(at != std::string::npos);
    text.replace(at, c.from.size(), c.to);
    INFO(c.what);
    try {
      gas::matgas_to_yaml("tiny.m", text);
      FAIL("no error");
    } catch (const gas::ImportError& e) {
      std::string all;
      for (const auto& m : e.messages()) all += m + "\n";
      INFO(all);
      CHECK(e.messages().size() == 1);
      CHECK(e.messages().front().rfind(c.expected, 0) == 0);
    }
  }
}
