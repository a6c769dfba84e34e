#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/study/profile.hpp"

using namespace steppe;
using Catch::Matchers::Contains;

namespace {

constexpr double kDay = 86400.0;

std::vector<double> bps(const Profile& p, double t0, double t1) {
  std::vector<double> out;
  p.breakpoints(t0, t1, out);
  return out;
}

// A temporary directory removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("steppe_test_profile_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto file = path / name;
    std::ofstream(file) << text;
    return file.string();
  }
};

}  // namespace

TEST_CASE("profile: constant", "[profile]") {
  const Profile p(4.5);
  CHECK(p.is_constant());
  CHECK(p.value(-10.0) == 4.5);
  CHECK(p.value(0.0) == 4.5);
  CHECK(p.value(1e9) == 4.5);
  CHECK(p.slope(3.0) == 0.0);
  CHECK(bps(p, -1.0, 1e9).empty());
  CHECK(p.next_breakpoint(-5.0) == std::numeric_limits<double>::infinity());

  const Profile single({100.0}, {2.0}, Interpolation::Linear);
  CHECK(single.is_constant());
  CHECK(single.value(0.0) == 2.0);
  CHECK(single.value(500.0) == 2.0);
  CHECK(bps(single, 0.0, 1000.0).empty());
  CHECK(Profile().value(1.0) == 0.0);
}

TEST_CASE("profile: linear interpolation", "[profile]") {
  const Profile p({10.0, 20.0, 40.0}, {1.0, 3.0, -1.0}, Interpolation::Linear);
  CHECK_FALSE(p.is_constant());
  CHECK(p.interpolation() == Interpolation::Linear);
  // Before the table and after it: held.
  CHECK(p.value(-100.0) == 1.0);
  CHECK(p.value(10.0) == 1.0);
  CHECK(p.value(15.0) == Approx(2.0));
  CHECK(p.value(20.0) == Approx(3.0));
  CHECK(p.value(30.0) == Approx(1.0));
  CHECK(p.value(40.0) == -1.0);
  CHECK(p.value(1e6) == -1.0);
  // Slopes: right derivatives.
  CHECK(p.slope(0.0) == 0.0);
  CHECK(p.slope(10.0) == Approx(0.2));
  CHECK(p.slope(15.0) == Approx(0.2));
  CHECK(p.slope(20.0) == Approx(-0.2));
  CHECK(p.slope(39.0) == Approx(-0.2));
  CHECK(p.slope(40.0) == 0.0);
  CHECK(p.slope(50.0) == 0.0);
  // Breakpoints: every table time, first and last included, in (t0, t1].
  CHECK(bps(p, 0.0, 100.0) == std::vector<double>{10.0, 20.0, 40.0});
  CHECK(bps(p, 10.0, 40.0) == std::vector<double>{20.0, 40.0});
  CHECK(bps(p, 10.0, 39.0) == std::vector<double>{20.0});
  CHECK(bps(p, 40.0, 100.0).empty());
  CHECK(bps(p, 5.0, 5.0).empty());
  CHECK(p.next_breakpoint(0.0) == 10.0);
  CHECK(p.next_breakpoint(10.0) == 20.0);
  CHECK(p.next_breakpoint(39.9) == 40.0);
  CHECK(p.next_breakpoint(40.0) == std::numeric_limits<double>::infinity());
}

TEST_CASE("profile: step interpolation", "[profile]") {
  const Profile p({10.0, 20.0, 40.0}, {1.0, 3.0, -1.0}, Interpolation::Step);
  CHECK(p.value(0.0) == 1.0);
  CHECK(p.value(10.0) == 1.0);
  CHECK(p.value(19.999) == 1.0);
  CHECK(p.value(20.0) == 3.0);
  CHECK(p.value(39.0) == 3.0);
  CHECK(p.value(40.0) == -1.0);
  CHECK(p.value(1e9) == -1.0);
  CHECK(p.slope(15.0) == 0.0);
  // No jump at the first point: the value before it is the first value.
  CHECK(bps(p, 0.0, 100.0) == std::vector<double>{20.0, 40.0});
  CHECK(p.next_breakpoint(0.0) == 20.0);
  CHECK(p.next_breakpoint(20.0) == 40.0);
}

TEST_CASE("profile: daily repetition across midnight", "[profile]") {
  // 06:00 -> 100, 18:00 -> 300, wrap 18:00 -> 06:00 (+1 day) back to 100.
  const double h = 3600.0;
  SECTION("linear") {
    const Profile p({6 * h, 18 * h}, {100.0, 300.0}, Interpolation::Linear, kDay);
    CHECK(p.period() == kDay);
    CHECK_FALSE(p.is_constant());
    CHECK(p.value(6 * h) == Approx(100.0));
    CHECK(p.value(12 * h) == Approx(200.0));
    CHECK(p.value(18 * h) == Approx(300.0));
    CHECK(p.value(0.0) == Approx(200.0));  // midnight: half-way down the wrap
    CHECK(p.value(21 * h) == Approx(250.0));
    CHECK(p.value(3 * h) == Approx(150.0));
    CHECK(p.value(kDay) == Approx(200.0));
    CHECK(p.value(5 * kDay + 12 * h) == Approx(200.0));
    CHECK(p.value(3 * kDay + 21 * h) == Approx(250.0));
    CHECK(p.value(-3 * h) == Approx(250.0));  // before the start: wraps too
    CHECK(p.slope(12 * h) == Approx(200.0 / (12 * h)));
    CHECK(p.slope(23 * h) == Approx(-200.0 / (12 * h)));
    CHECK(p.slope(kDay + 2 * h) == Approx(-200.0 / (12 * h)));
    CHECK(bps(p, 0.0, 2 * kDay) == std::vector<double>{6 * h, 18 * h, kDay + 6 * h, kDay + 18 * h});
    CHECK(bps(p, 6 * h, kDay + 6 * h) == std::vector<double>{18 * h, kDay + 6 * h});
    CHECK(p.next_breakpoint(0.0) == 6 * h);
    CHECK(p.next_breakpoint(20 * h) == Approx(kDay + 6 * h));
    CHECK(p.next_breakpoint(10 * kDay + 18 * h) == Approx(11 * kDay + 6 * h));
  }
  SECTION("step") {
    const Profile p({6 * h, 18 * h}, {100.0, 300.0}, Interpolation::Step, kDay);
    CHECK(p.value(0.0) == 300.0);  // last value held until the first point
    CHECK(p.value(5.9 * h) == 300.0);
    CHECK(p.value(6 * h) == 100.0);
    CHECK(p.value(17 * h) == 100.0);
    CHECK(p.value(23 * h) == 300.0);
    CHECK(p.value(kDay + 7 * h) == 100.0);
    CHECK(p.value(kDay + 3 * h) == 300.0);
    CHECK(p.slope(kDay + 3 * h) == 0.0);
    CHECK(bps(p, 0.0, 2 * kDay) == std::vector<double>{6 * h, 18 * h, kDay + 6 * h, kDay + 18 * h});
  }
  SECTION("table starting at midnight") {
    const Profile p({0.0, 12 * h}, {1.0, 2.0}, Interpolation::Linear, kDay);
    CHECK(p.value(kDay) == Approx(1.0));
    CHECK(p.value(18 * h) == Approx(1.5));
    CHECK(bps(p, 0.0, kDay) == std::vector<double>{12 * h, kDay});
    CHECK(bps(p, -1.0, 0.0) == std::vector<double>{0.0});
  }
  SECTION("weekly") {
    const double week = 7 * kDay;
    const Profile p({0.0, 5 * kDay}, {10.0, 4.0}, Interpolation::Step, week);
    CHECK(p.value(4 * kDay) == 10.0);
    CHECK(p.value(6 * kDay) == 4.0);
    CHECK(p.value(week + kDay) == 10.0);
    CHECK(bps(p, 0.0, 2 * week) == std::vector<double>{5 * kDay, week, week + 5 * kDay, 2 * week});
  }
}

TEST_CASE("profile: cursor with time going backwards", "[profile]") {
  std::vector<double> t, v;
  for (int i = 0; i <= 100; ++i) {
    t.push_back(10.0 * i);
    v.push_back(i * i);
  }
  const Profile p(t, v, Interpolation::Linear);
  const Profile periodic(t, v, Interpolation::Linear, 1010.0);
  auto exact = [](double x) {
    const double i = std::floor(x / 10.0);
    return i * i + (x / 10.0 - i) * (2 * i + 1);
  };
  // Forward, then back (as IDA does after a failed step or an interpolated output),
  // then jump far, then forward again.
  const std::vector<double> ts = {5.0,   15.0, 25.0, 24.0,  3.0,  999.0, 1.0, 500.5,
                                  499.5, 12.0, 12.5, 995.0, 14.0, 14.0,  0.0, 999.99};
  for (double x : ts) {
    INFO("t = " << x);
    CHECK(p.value(x) == Approx(exact(x)));
    CHECK(p.slope(x) == Approx((2 * std::floor(x / 10.0) + 1) / 10.0));
    CHECK(periodic.value(x + 1010.0 * 3) == Approx(exact(x)));
  }
  // Random access agrees with a fresh profile's answer.
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(-50.0, 1050.0);
  for (int k = 0; k < 2000; ++k) {
    const double x = u(rng);
    const Profile fresh(t, v, Interpolation::Step);
    const Profile used = fresh;
    (void)used.value(u(rng));
    REQUIRE(used.value(x) == fresh.value(x));
    const double xc = std::clamp(x, 0.0, 1000.0);
    REQUIRE(p.value(x) == Approx(exact(xc)));
  }
}

TEST_CASE("profile: invalid tables", "[profile]") {
  using V = std::vector<double>;
  const auto lin = Interpolation::Linear;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(Profile(V{}, V{}, lin), std::invalid_argument);
  CHECK_THROWS_WITH(Profile(V{0, 1}, V{1}, lin), Contains("2 times") && Contains("1 values"));
  CHECK_THROWS_WITH(Profile(V{0, 1, 1}, V{1, 2, 3}, lin), Contains("time[2]"));
  CHECK_THROWS_WITH(Profile(V{0, 2, 1}, V{1, 2, 3}, lin), Contains("time[2]"));
  CHECK_THROWS_WITH(Profile(V{0, nan}, V{1, 2}, lin), Contains("time[1]"));
  CHECK_THROWS_WITH(Profile(V{0, inf}, V{1, 2}, lin), Contains("time[1]"));
  CHECK_THROWS_WITH(Profile(V{0, 1}, V{1, nan}, lin), Contains("value[1]"));
  CHECK_THROWS_WITH(Profile(V{0, 86400}, V{1, 2}, lin, 86400.0),
                    Contains("time[1]") && Contains("period"));
  CHECK_THROWS_WITH(Profile(V{-1, 3600}, V{1, 2}, lin, 86400.0), Contains("time[0]"));
  CHECK_THROWS_WITH(Profile(V{0, 1}, V{1, 2}, lin, -5.0), Contains("period"));
  CHECK_THROWS_WITH(Profile(V{0, 1}, V{1, 2}, lin, nan), Contains("period"));
  CHECK_NOTHROW(Profile(V{0, 86399}, V{1, 2}, lin, 86400.0));
  CHECK_NOTHROW(Profile(V{-5, 5}, V{1, 2}, lin));  // not periodic: any start
}

TEST_CASE("profile: read_csv", "[profile][csv]") {
  TempDir dir;
  SECTION("good file with comments, blank lines and a bad row") {
    const std::string path = dir.write("demand.csv",
                                       "# daily demand\n"
                                       "time, demand ,price\n"
                                       "\n"
                                       "0, 1.5, 10\n"
                                       "3600,2e3,-1   # peak\n"
                                       "7200, abc, 3\n"
                                       "   \n"
                                       "9000, 4, 5, 6\n"
                                       "9600, 4\n"
                                       "10800, +4.25, 7\r\n"
                                       "12000, , 7\n");
    std::vector<CsvError> errors;
    const CsvTable t = read_csv(path, errors);
    CHECK(t.header == std::vector<std::string>{"time", "demand", "price"});
    REQUIRE(t.columns.size() == 3);
    CHECK(t.columns[0] == std::vector<double>{0, 3600, 10800});
    CHECK(t.columns[1] == std::vector<double>{1.5, 2000, 4.25});
    CHECK(t.columns[2] == std::vector<double>{10, -1, 7});
    CHECK(t.lines == std::vector<int>{4, 5, 10});
    REQUIRE(errors.size() == 4);
    CHECK(errors[0].line == 6);
    CHECK(errors[0].column == 7);
    CHECK_THAT(errors[0].message, Contains("abc"));
    CHECK(errors[1].line == 8);
    CHECK(errors[1].column == 13);
    CHECK_THAT(errors[1].message, Contains("3 columns"));
    CHECK(errors[2].line == 9);
    CHECK_THAT(errors[2].message, Contains("found 2"));
    CHECK(errors[3].line == 11);
    CHECK(errors[3].column == 8);
  }
  SECTION("missing file") {
    std::vector<CsvError> errors;
    const CsvTable t = read_csv((dir.path / "nope.csv").string(), errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].line == 0);
    CHECK(t.header.empty());
    CHECK(t.columns.empty());
  }
  SECTION("empty file") {
    std::vector<CsvError> errors;
    const CsvTable t = read_csv(dir.write("empty.csv", "# nothing\n\n"), errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, Contains("header"));
    CHECK(t.header.empty());
  }
  SECTION("values that are not finite numbers") {
    std::vector<CsvError> errors;
    const CsvTable t =
        read_csv(dir.write("bad.csv", "t,v\n1,nan\n2,inf\n3,1e999\n4,5 6\n5,0x10\n6,7\n"), errors);
    CHECK(errors.size() == 5);
    for (const CsvError& e : errors) CHECK(e.column == 3);
    CHECK(t.columns[0] == std::vector<double>{6});
    CHECK(t.lines == std::vector<int>{7});
  }
}
