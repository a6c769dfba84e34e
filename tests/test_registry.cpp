// Element kinds by registry (models/common/registry.hpp): a list no kind knows is an unknown
// element kind with the closest one suggested; a kind registered in a domain's table is read
// and appears in steppe check's table without other edits; every registered kind has its
// section in inputs/README.md under the anchor its row names.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "models/domains.hpp"
#include "models/gas/context.hpp"
#include "solver/study/study.hpp"

using namespace steppe;

namespace {

const char* kGasStudy = R"(
study: {name: kinds, duration: 1 h, output_interval: 10 min}
gas:
  nodes:
    - {name: A, initial_pressure: 60 bar}
    - {name: B, initial_pressure: 59 bar}
  pipes:
    - {name: P, from: A, to: B, length: 20 km, diameter: 700 mm}
  supplies:
    - {name: S, node: A, pressure: 60 bar}
  offtakes:
    - {name: City, node: B, mass_flow: 50 kg/s}
)";

int line_of(const std::string& text, const std::string& needle) {
  const auto pos = text.find(needle);
  REQUIRE(pos != std::string::npos);
  return static_cast<int>(std::count(text.begin(), text.begin() + long(pos), '\n'));
}

// A kind registered only here: a marker with one algebraic unknown x = 0.
class Marker : public Component {
 public:
  explicit Marker(std::string n) : Component("test marker", std::move(n)) {}
  std::vector<UnknownSpec> unknowns() const override {
    return {{"x", "1", VarKind::Algebraic, 1.0}};
  }
  void initial_values(std::span<double> y) const override { y[0] = 0.0; }
  void residual(const State& s, double* F) const override { F[offset()] = s.y[offset()]; }
  void jacobian(const State&, JacobianWriter& J) const override { J.add(offset(), offset(), 1.0); }
  void declare_outputs(OutputPlan&) override {}
  void write_outputs(const State&, OutputFrame&) const override {}
};

void read_marker(const Reader& item, gas::Context& c) {
  const std::string name = c.names.claim(item, "markers");
  item.finish();
  if (!name.empty()) c.system.emplace<Marker>(name);
}

const std::vector<ElementKind<gas::Context>>& kinds_with_markers() {
  static const std::vector<ElementKind<gas::Context>> rows = [] {
    std::vector<ElementKind<gas::Context>> r(gas::kinds().begin(), gas::kinds().end());
    r.push_back({"markers", "name: M1", read_marker, "gas-markers"});
    return r;
  }();
  return rows;
}

}  // namespace

TEST_CASE("an unknown list in a domain is an unknown element kind, with the closest one",
          "[registry]") {
  std::string s = kGasStudy;
  s.replace(s.find("offtakes:"), 9, "offtake:");
  try {
    load_study_text(s, "kinds.yaml", {}, domains());
    FAIL("loaded");
  } catch (const InputError& e) {
    const Diagnostics& d = e.diagnostics();
    REQUIRE(d.size() == 1);
    CHECK(d.entries()[0].key_path == "gas.offtake");
    CHECK(d.entries()[0].where.line == line_of(s, "offtake:"));
    CHECK(d.entries()[0].where.column == 2);  // the key itself
    CHECK(d.entries()[0].message == "unknown element kind 'offtake' (did you mean 'offtakes'?)");
  }
  // A setting that is no list stays an unknown key.
  s = kGasStudy;
  s.replace(s.find("  nodes:"), 8, "  max_segment_lenght: 5 km\n  nodes:");
  try {
    load_study_text(s, "kinds.yaml", {}, domains());
    FAIL("loaded");
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK_THAT(e.diagnostics().entries()[0].message,
               Catch::StartsWith("unknown key 'max_segment_lenght' (did you mean "
                                 "'max_segment_length'?)"));
  }
}

TEST_CASE("a registered kind is read and counted in steppe check without other edits",
          "[registry]") {
  static const Domain with_markers[] = {
      {"gas",
       [](const Reader& section, System& system, const StudyOptions& options) {
         gas::read_section(section, system, options, kinds_with_markers());
       },
       nullptr},
  };
  const std::string s = std::string(kGasStudy) + "  markers:\n    - {name: M1}\n    - {name: M2}\n";
  const auto study = load_study_text(s, "marked.yaml", {}, with_markers);
  const std::string table = describe_study(*study);
  INFO(table);
  CHECK_THAT(table, Catch::Contains("test marker                    2         2"));
  // Without the row, the same list is an unknown element kind.
  CHECK_THROWS_AS(load_study_text(s, "marked.yaml", {}, domains()), InputError);
}

TEST_CASE("every registered element kind has its section in inputs/README.md", "[registry]") {
  std::ifstream in(std::string(STEPPE_SOURCE_DIR) + "/inputs/README.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  int kinds = 0;
  for (const Domain& d : domains()) {
    REQUIRE(d.kinds);
    for (const KindInfo& k : d.kinds()) {
      INFO(d.key << "." << k.list << " → #" << k.docs);
      CHECK(readme.find(fmt::format("<a id=\"{}\"></a>", k.docs)) != std::string::npos);
      CHECK(std::string(k.docs).rfind(std::string(d.key) + "-", 0) == 0);
      ++kinds;
    }
  }
  CHECK(kinds >= 25);
}
