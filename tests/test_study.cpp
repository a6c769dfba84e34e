// The study loader: settings, overrides, units at normal conditions, and errors that
// point at file:line:column with the key path (the CLI corpus checks the printed form).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "models/domains.hpp"
#include "solver/study/study.hpp"

using namespace steppe;

namespace {

const char* kStudy = R"(study:
  name: s
  start: 2024-03-01T06:00:00+06:00
  duration: 2 d
  output_interval: 15 min
solver:
  rtol: 1e-7
  max_step: 1 h
  linear_solver: klu
normal_conditions:
  temperature: 0 degC
  pressure: 1.01325 bar
  density: 0.72 kg/m3
lumped:
  nodes:
    - {name: A, capacitance: 1e-2 kg/Pa}
    - {name: B, capacitance: 0}
  links:
    - {name: L, from: A, to: B, conductance: 1e-5 kg/s/Pa}
  sources:
    - {name: S, node: A, mass_flow: 10 bcm/yr}
  boundaries:
    - {name: H, node: B, pressure: 54 bar}
)";

// Loads, expecting InputError; returns its diagnostics.
Diagnostics errors_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_study_text(text, "bad.yaml", overrides, domains());
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  FAIL("the study loaded without errors");
  return {};
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("settings are read in SI with their units", "[study]") {
  auto study = load_study_text(kStudy, "dir/s.yaml", {}, domains());
  const auto& s = study->settings;
  CHECK(s.start_iso == "2024-03-01 00:00:00");  // +06:00 converted to UTC
  CHECK(s.duration == 2 * 86400.0);
  CHECK(s.output_interval == 900.0);
  CHECK(s.solver.rtol == 1e-7);
  CHECK(s.solver.max_step == 3600.0);
  CHECK(study->system.size() == 4);  // p_A, p_B, ṁ_L, q_H
}

TEST_CASE("standard volumes become mass flows with the normal density", "[study][units]") {
  auto study = load_study_text(kStudy, "s.yaml", {}, domains());
  // 10 bcm/yr · 0.72 kg/m³ over a year of 365.25 d.
  const double expected = 10e9 * 0.72 / (365.25 * 86400);
  std::vector<double> F(4), y(4, 0.0), yp(4, 0.0);
  study->system.residual(0.0, y.data(), yp.data(), F.data());
  CHECK(-F[0] == Approx(expected).epsilon(1e-12));  // the source's injection into A

  auto d = errors_of(replace(kStudy, "  density: 0.72 kg/m3\n", ""));
  REQUIRE(d.size() >= 1);
  CHECK_THAT(d.entries()[0].key_path, Catch::Contains("normal_conditions"));
}

TEST_CASE("command-line overrides (--set) reach any key, by item name or index",
          "[study][overrides]") {
  auto study = load_study_text(kStudy, "s.yaml",
                               {"study.duration=3 h", "lumped.nodes.A.capacitance=5e-3",
                                "lumped.links.0.conductance=2e-5", "solver.max_order=2"},
                               domains());
  CHECK(study->settings.duration == 3 * 3600.0);
  CHECK(study->settings.solver.max_order == 2);
  CHECK_THAT(study->text_as_run, Catch::Contains("3 h"));
  // An override that names no existing item, or an unknown key, is an input error
  // that says it came from the command line.
  auto d = errors_of(kStudy, {"lumped.nodes.Z.capacitance=1"});
  CHECK_THAT(d.entries()[0].message, Catch::Contains("no item named 'Z'"));
  d = errors_of(kStudy, {"study.durration=1 h"});
  REQUIRE(d.size() == 1);
  CHECK(d.entries()[0].where.origin == "command line (--set study.durration=1 h)");
  CHECK_THAT(d.entries()[0].message, Catch::Contains("did you mean 'duration'"));
  d = errors_of(kStudy, {"study.duration=54 bar"});
  CHECK_THAT(d.entries()[0].message, Catch::Contains("expected time"));
}

TEST_CASE("every error is collected with its line, column and key path", "[study][errors]") {
  std::string text = kStudy;
  text = replace(text, "rtol: 1e-7", "rtol: 2");                               // line 7
  text = replace(text, "capacitance: 1e-2 kg/Pa", "capacitence: 1e-2 kg/Pa");  // line 16
  text = replace(text, "pressure: 54 bar}", "pressure: 54 m}");                // line 23
  auto d = errors_of(text);
  REQUIRE(d.size() == 4);  // rtol, unknown key, the then missing capacitance, the unit
  const auto& e = d.entries();
  CHECK(e[0].key_path == "solver.rtol");
  CHECK(e[0].where.line == 6);
  CHECK(e[0].where.column == 8);
  // The missing key is reported at its parent mapping, the unknown one at itself.
  CHECK(e[1].key_path == "lumped.nodes[0].capacitance");
  CHECK_THAT(e[1].message, Catch::Contains("missing required key"));
  CHECK(e[2].key_path == "lumped.nodes[0].capacitence");
  CHECK(e[2].where.line == 15);
  CHECK(e[2].where.column == 16);
  CHECK_THAT(e[2].message, Catch::Contains("did you mean 'capacitance'"));
  CHECK(e[3].key_path == "lumped.boundaries[0].pressure");
  CHECK(e[3].where.line == 22);
  CHECK(e[3].where.column == 38);  // at the unit, not the number
  CHECK_THAT(e[3].message, Catch::Contains("pressure"));
  CHECK_THAT(e[3].message, Catch::Contains("length"));
  // The printed form quotes the line with a caret under the column.
  const std::string printed = d.render();
  CHECK_THAT(printed, Catch::Contains("bad.yaml:23:39: error: lumped.boundaries[0].pressure:"));
  CHECK_THAT(printed, Catch::Contains("    - {name: H, node: B, pressure: 54 m}\n"));
}

TEST_CASE("ISO 8601 start times are normalised to UTC", "[study]") {
  CHECK(normalise_iso8601("2024-01-01") == "2024-01-01 00:00:00");
  CHECK(normalise_iso8601("2024-01-01T00:30:00Z") == "2024-01-01 00:30:00");
  CHECK(normalise_iso8601("2024-01-01 05:00") == "2024-01-01 05:00:00");
  CHECK(normalise_iso8601("2024-01-01T05:00:00+06:00") == "2023-12-31 23:00:00");
  CHECK(normalise_iso8601("2024-02-29T12:00:00-03:30") == "2024-02-29 15:30:00");
  CHECK(normalise_iso8601("2023-02-29") == "");
  CHECK(normalise_iso8601("2024-13-01") == "");
  CHECK(normalise_iso8601("2024-01-01T25:00") == "");
  CHECK(normalise_iso8601("yesterday") == "");
}

TEST_CASE("CSV profiles are read relative to the study, with units and daily repetition",
          "[study][profiles]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "steppe_test_csv_profile";
  fs::create_directories(dir / "data");
  {
    std::ofstream csv(dir / "data" / "demand.csv");
    csv << "# hourly demand\nhour,flow_th\n0,36\n6,72\n18,72\n22,36\n";
  }
  std::string text = replace(kStudy, "mass_flow: 10 bcm/yr}", R"(mass_flow: {csv: data/demand.csv,
        time_column: hour, value_column: flow_th, time_unit: h, unit: t/h, repeat: daily}})");
  auto study = load_study_text(text, (dir / "s.yaml").string(), {}, domains());
  const System& sys = study->system;
  std::vector<double> F(4), y(4, 0.0), yp(4, 0.0);
  auto injection = [&](double t) {
    sys.residual(t, y.data(), yp.data(), F.data());
    return -F[0];  // kg/s into node A
  };
  CHECK(injection(0.0) == Approx(10.0));                    // 36 t/h
  CHECK(injection(3 * 3600.0) == Approx(15.0));             // halfway up the morning ramp
  CHECK(injection(86400.0 + 12 * 3600.0) == Approx(20.0));  // next day, 72 t/h
  CHECK(injection(86400.0 + 23 * 3600.0) == Approx(10.0));  // wraps across midnight
  // A linear table is continuous: its kinks are no stop times (IDA steps across them).
  CHECK(sys.next_stop(0.0, 1e9) == 1e9);
  CHECK(sys.next_stop(22 * 3600.0, 1e9) == 1e9);
  // A step table jumps at its points: they are stop times, day after day.
  auto stepped =
      load_study_text(replace(text, "repeat: daily", "repeat: daily, interpolation: step"),
                      (dir / "s.yaml").string(), {}, domains());
  CHECK(stepped->system.next_stop(0.0, 1e9) == 6 * 3600.0);
  CHECK(stepped->system.next_stop(22 * 3600.0, 1e9) == 86400.0 + 0.0);
  CHECK(stepped->system.next_stop(86400.0, 1e9) == 86400.0 + 6 * 3600.0);
  fs::remove_all(dir);
}
