#include "solver/run/simulation.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "steppe/version.hpp"

namespace steppe {

namespace {

using Clock = std::chrono::steady_clock;

std::string human_duration(double s) {
  if (!std::isfinite(s)) return "?";
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  if (s < 3 * 86400) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} d", s / 86400);
}

// Progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise.
class Progress {
 public:
  Progress(ProgressMode mode, double t0, double t_end)
      : mode_(mode), t0_(t0), t_end_(t_end), started_(Clock::now()), last_(started_) {
    if (mode_ == ProgressMode::Auto)
      mode_ = isatty(STDERR_FILENO) ? ProgressMode::Bar : ProgressMode::Lines;
  }
  void update(double t, bool final = false) {
    if (mode_ == ProgressMode::Quiet) return;
    const auto now = Clock::now();
    const double wall = std::chrono::duration<double>(now - started_).count();
    const double since = std::chrono::duration<double>(now - last_).count();
    const double frac = std::clamp((t - t0_) / (t_end_ - t0_), 0.0, 1.0);
    const double speed = wall > 0 ? (t - t0_) / wall : 0.0;
    const double eta = speed > 0 ? (t_end_ - t) / speed : NAN;
    if (mode_ == ProgressMode::Bar) {
      if (!final && since < 0.2) return;
      const int width = 30, filled = static_cast<int>(frac * width);
      std::fprintf(stderr, "\r[%s%s] %5.1f%%  t = %s of %s  %.3g× real time  ETA %s   ",
                   std::string(std::size_t(filled), '#').c_str(),
                   std::string(std::size_t(width - filled), '.').c_str(), 100 * frac,
                   human_duration(t - t0_).c_str(), human_duration(t_end_ - t0_).c_str(), speed,
                   final ? "0 s" : human_duration(eta).c_str());
      if (final) std::fputc('\n', stderr);
    } else {
      if (final && printed_final_) return;
      if (!final && since < 10.0 && frac < next_line_frac_) return;
      printed_final_ = printed_final_ || frac >= 1.0;
      while (next_line_frac_ <= frac) next_line_frac_ += 0.1;
      std::fprintf(stderr, "progress %5.1f%%  t = %s of %s  %.3g× real time  ETA %s\n", 100 * frac,
                   human_duration(t - t0_).c_str(), human_duration(t_end_ - t0_).c_str(), speed,
                   final ? "0 s" : human_duration(eta).c_str());
    }
    std::fflush(stderr);
    last_ = now;
  }

 private:
  ProgressMode mode_;
  double t0_, t_end_;
  Clock::time_point started_, last_;
  double next_line_frac_ = 0.1;
  bool printed_final_ = false;
};

std::vector<Attribute> study_attributes(const Study& study) {
  const StudySettings& s = study.settings;
  const SolverOptions& o = s.solver;
  return {
      {"study_name", s.name},
      {"study_path", study.path},
      {"study", study.text_as_run},
      {"steppe_version", std::string(kVersion)},
      {"git_revision", std::string(kGitRevision)},
      {"start_time", s.start_iso},
      {"duration_s", s.duration},
      {"output_interval_s", s.output_interval},
      {"solver_rtol", o.rtol},
      {"solver_atol", o.atol},
      {"solver_max_step_s", o.max_step},
      {"solver_initial_step_s", o.initial_step},
      {"solver_max_order", std::int64_t{o.max_order}},
      {"solver_max_steps", std::int64_t{o.max_steps}},
      {"solver_linear_solver",
       std::string(o.linear_solver == LinearSolverKind::Klu ? "klu" : "dense")},
      {"solver_initial", std::string(o.initial == InitialState::Steady ? "steady" : "given")},
      {"unknowns", std::int64_t{study.system.size()}},
      {"jacobian_nonzeros", study.system.nonzeros()},
  };
}

std::vector<Attribute> final_attributes(const RunResult& r) {
  const SolverStats& s = r.stats;
  return {
      {"message", r.message},
      {"exit_code", std::int64_t{r.exit_code}},
      {"wall_time_s", r.wall_seconds},
      {"samples", std::int64_t{r.samples}},
      {"events", std::int64_t{r.events}},
      {"stats_steps", s.steps},
      {"stats_residual_evals", s.residual_evals},
      {"stats_jacobian_evals", s.jacobian_evals},
      {"stats_nonlinear_iterations", s.nonlinear_iterations},
      {"stats_nonlinear_failures", s.nonlinear_failures},
      {"stats_error_test_failures", s.error_test_failures},
      {"stats_root_evals", s.root_evals},
      {"stats_reinitialisations", s.reinitialisations},
  };
}

}  // namespace

std::string partial_path(const std::string& output_path) {
  return output_path + ".part";
}

std::string default_output_path(const Study& study) {
  if (!study.settings.output.empty()) return study.settings.output;
  return (std::filesystem::path("outputs") /
          (std::filesystem::path(study.path).stem().string() + ".h5"))
      .string();
}

std::string JacobianCheck::describe(const System& s) const {
  if (row < 0) return "analytic and finite-difference Jacobians agree exactly";
  return fmt::format(
      "largest relative difference {:.3g} at ∂F[{}]/∂y[{}] (analytic {:.9g}, "
      "finite difference {:.9g})",
      max_error, s.describe(row), s.describe(col), analytic, finite_difference);
}

JacobianCheck check_jacobian(const System& system, double t, const double* y, const double* yp,
                             double cj) {
  const int n = system.size();
  std::vector<double> fd = system.jacobian_fd(t, y, yp, cj);
  std::vector<double> vals(static_cast<std::size_t>(system.nonzeros()));
  system.jacobian(t, y, yp, cj, vals.data());
  std::vector<double> an(fd.size(), 0.0);
  for (int c = 0; c < n; ++c)
    for (auto k = system.col_ptr()[std::size_t(c)]; k < system.col_ptr()[std::size_t(c) + 1]; ++k)
      an[std::size_t(c) * std::size_t(n) + std::size_t(system.row_index()[std::size_t(k)])] =
          vals[std::size_t(k)];
  // Entries are compared relative to themselves, but never to less than 1e-6 of their
  // row's typical size Σ_j |J_ij|·scale_j (divided by the column's scale): entries that
  // are negligible in their equation are judged absolutely.
  std::vector<double> row_size(std::size_t(n), 0.0);
  for (std::size_t k = 0; k < an.size(); ++k)
    row_size[k % std::size_t(n)] +=
        std::max(std::abs(an[k]), std::abs(fd[k])) * system.spec(int(k / std::size_t(n))).scale;
  JacobianCheck out;
  for (std::size_t k = 0; k < an.size(); ++k) {
    const std::size_t r = k % std::size_t(n), c = k / std::size_t(n);
    const double floor = 1e-6 * row_size[r] / system.spec(int(c)).scale;
    const double denom = std::max({std::abs(an[k]), std::abs(fd[k]), floor, 1e-300});
    const double e = std::abs(an[k] - fd[k]) / denom;
    if (e > out.max_error) out = {e, int(r), int(c), an[k], fd[k]};
  }
  return out;
}

namespace {

// Where a run writes its results while it goes and where they end up.
struct ResultsTarget {
  std::string final_path, part_path;
};

ResultsTarget prepare_target(const std::string& output_path) {
  std::filesystem::path out_path(output_path);
  if (out_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(out_path.parent_path(), ec);
    if (ec)
      throw std::runtime_error(fmt::format("cannot write the results file {}: {} ({})", output_path,
                                           ec.message(), out_path.parent_path().string()));
  }
  return {output_path, partial_path(output_path)};
}

void rename_or_throw(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", from, to, ec.message()));
}

// Summary totals of all components, summed by name in order of first appearance.
std::vector<Attribute> summary_attributes(const System& sys, const State& state) {
  std::vector<std::pair<std::string, double>> totals;
  for (const auto& c : sys.components())
    if (const auto* src = dynamic_cast<const SummarySource*>(c.get())) src->summary(state, totals);
  std::vector<std::pair<std::string, double>> summed;
  for (const auto& entry : totals) {  // no structured binding here: clang 14 cannot capture one
    auto it = std::find_if(summed.begin(), summed.end(),
                           [&](const auto& e) { return e.first == entry.first; });
    if (it == summed.end())
      summed.push_back(entry);
    else
      it->second += entry.second;
  }
  std::vector<Attribute> out;
  for (auto& [name, value] : summed) out.push_back({std::move(name), value});
  return out;
}

const char* signal_name(int sig) {
  return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal";
}

}  // namespace

RunResult run_study(Study& study, const RunOptions& options) {
  const StudySettings& s = study.settings;
  System& sys = study.system;
  const Checkpoint* restart = options.restart;
  RunResult result;
  result.output_path = !options.output.empty() ? options.output
                       : restart               ? restart->results_path
                                               : default_output_path(study);
  const std::string ckpt_path = options.checkpoint_path.empty()
                                    ? default_checkpoint_path(result.output_path)
                                    : options.checkpoint_path;
  const auto wall0 = Clock::now();
  const double wall_before = restart ? restart->wall_seconds : 0.0;
  auto wall_now = [&] {
    return wall_before + std::chrono::duration<double>(Clock::now() - wall0).count();
  };
  const double t0 = 0.0, t_end = s.duration;

  Integrator integ(sys, s.solver, t0, t_end);
  std::vector<EventRecord> events;
  std::string init_error;
  if (restart) {
    if (restart->unknowns != sys.size() || restart->nonzeros != sys.nonzeros())
      throw std::runtime_error(fmt::format(
          "checkpoint: {} unknowns and {} Jacobian non-zeros saved, the study has {} and {}",
          restart->unknowns, restart->nonzeros, sys.size(), sys.nonzeros()));
    integ.resume(restart->state);
  } else {
    try {
      integ.initialise(events);
    } catch (const SolverFailure& e) {
      init_error = e.what();
    }
  }
  if (init_error.empty() && options.check_jacobian) {
    for (double cj : {0.0, 1.0 / std::max(s.output_interval, 1.0)}) {
      JacobianCheck jc = check_jacobian(sys, integ.t(), integ.y(), integ.yp(), cj);
      std::fprintf(stderr, "jacobian check (cj = %g): %s\n", cj, jc.describe(sys).c_str());
    }
  }

  // Written under a temporary name beside the target, renamed when the run ends (complete,
  // failed or interrupted, with its status): a killed run never replaces an earlier good
  // file. A restart continues the file where the checkpoint left it.
  const ResultsTarget target = prepare_target(result.output_path);
  WriterOptions wopt;
  wopt.flush_every = s.flush_every;
  std::unique_ptr<ResultsFile> file_ptr;
  std::int64_t next_output = 1;
  if (restart) {
    std::error_code ec;
    if (std::filesystem::exists(target.final_path, ec))
      rename_or_throw(target.final_path, target.part_path);
    file_ptr = std::make_unique<ResultsFile>(
        target.part_path, sys.layout(), ResultsFile::Continue{restart->samples, restart->events},
        wopt);
    result.samples = static_cast<long>(restart->samples);
    result.events = static_cast<long>(restart->events);
    next_output = restart->next_output;
  } else {
    std::vector<Attribute> attrs = study_attributes(study);
    attrs.insert(attrs.end(), options.extra_attributes.begin(), options.extra_attributes.end());
    file_ptr =
        std::make_unique<ResultsFile>(target.part_path, sys.layout(), s.start_iso, attrs, wopt);
  }
  ResultsFile& file = *file_ptr;
  Progress progress(options.progress, integ.t(), t_end);
  std::vector<double> frame;
  auto sample = [&] {
    sys.write_outputs(integ.state(), frame);
    file.append(integ.t(), frame);
    result.samples++;
  };
  auto flush_events = [&] {
    for (const auto& e : events) file.add_event(e);
    result.events += static_cast<long>(events.size());
    events.clear();
  };
  auto write_ckpt = [&](std::int64_t k, const std::string& reason) {
    file.flush();
    Checkpoint c;
    // Absolute: a restart may run from another directory (CSV files are found relative
    // to the study).
    c.study_path = std::filesystem::absolute(study.path).string();
    c.study_text = study.text_as_run;
    c.results_path = std::filesystem::absolute(target.final_path).string();
    c.unknowns = sys.size();
    c.nonzeros = sys.nonzeros();
    c.next_output = k;
    c.samples = file.samples_written();
    c.events = file.events_written();
    c.checkpoint_every = options.checkpoint_every;
    c.wall_seconds = wall_now();
    c.reason = reason;
    c.state = integ.snapshot();
    write_checkpoint(ckpt_path, c);
  };
  std::string status = "complete";
  double last_ckpt = integ.t();
  try {
    if (!init_error.empty()) throw SolverFailure(init_error, t0);
    if (!restart) {
      flush_events();
      sample();
    }
    for (std::int64_t k = next_output;; ++k) {
      const double t_out = std::min(t0 + static_cast<double>(k) * s.output_interval, t_end);
      if (integ.t() >= t_end) break;
      integ.advance(t_out, events);
      flush_events();
      sample();
      progress.update(integ.t());
      if (options.poll) options.poll();
      if (t_out >= t_end) break;
      if (const int sig = stop_signal(); sig != 0) {
        write_ckpt(k + 1, signal_name(sig));
        status = "interrupted";
        result.exit_code = 128 + sig;
        result.checkpoint_path = ckpt_path;
        result.message = fmt::format(
            "stopped by {} at t = {:.9g} s; continue with steppe run "
            "--restart {}",
            signal_name(sig), integ.t(), ckpt_path);
        break;
      }
      if (options.checkpoint_every > 0 && integ.t() >= last_ckpt + options.checkpoint_every) {
        write_ckpt(k + 1, "periodic");
        last_ckpt = integ.t();
      }
    }
    if (status == "complete") progress.update(t_end, true);
  } catch (const SolverFailure& e) {
    flush_events();
    status = "failed";
    result.exit_code = 1;
    result.message = e.what();
    file.add_event({e.time(), "failure", "", 0.0, result.message});
    result.events++;
  }
  result.stats = integ.stats();
  result.wall_seconds = wall_now();
  std::vector<Attribute> attrs = final_attributes(result);
  for (auto& a : summary_attributes(sys, integ.state())) attrs.push_back(std::move(a));
  file.close(status, attrs);
  rename_or_throw(target.part_path, target.final_path);
  if (status != "interrupted") {
    // Stale once the run is complete; and a failed run continued from its last checkpoint
    // would fail the same way (the checkpoint holds the study as run).
    std::error_code ec;
    std::filesystem::remove(ckpt_path, ec);
  }
  return result;
}

}  // namespace steppe
