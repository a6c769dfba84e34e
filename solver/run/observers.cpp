#include "solver/run/observers.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "solver/engine/jacobian_check.hpp"
#include "solver/run/signals.hpp"
#include "steppe/version.hpp"

namespace steppe {

namespace {

using Clock = std::chrono::steady_clock;

std::string partial_path_of(const std::string& output_path) {
  return output_path + ".part";
}

void rename_or_throw(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec)
    throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", from, to, ec.message()));
}

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

std::string human_duration(double s) {
  if (!std::isfinite(s)) return "?";
  if (s < 120) return fmt::format("{:.0f} s", s);
  if (s < 7200) return fmt::format("{:.1f} min", s / 60);
  if (s < 3 * 86400) return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} d", s / 86400);
}

const char* signal_name(int sig) {
  return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal";
}

}  // namespace

// ---------------------------------------------------------------------------------------
// ResultsWriter

ResultsWriter::ResultsWriter(const Study& study, const std::string& final_path,
                             const Checkpoint* restart,
                             const std::vector<Attribute>& extra_attributes)
    : final_path_(final_path), part_path_(partial_path_of(final_path)) {
  const std::filesystem::path out_path(final_path);
  if (out_path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(out_path.parent_path(), ec);
    if (ec)
      throw std::runtime_error(fmt::format("cannot write the results file {}: {} ({})", final_path,
                                           ec.message(), out_path.parent_path().string()));
  }
  WriterOptions wopt;
  wopt.flush_every = study.settings.flush_every;
  wopt.deflate_level = study.settings.compression;
  const System& sys = study.system;
  if (restart) {
    file_ = std::make_unique<ResultsFile>(
        part_path_, sys.layout(), ResultsFile::Continue{restart->samples, restart->events}, wopt);
    samples_ = static_cast<long>(restart->samples);
    events_ = static_cast<long>(restart->events);
  } else {
    std::vector<Attribute> attrs = study_attributes(study);
    attrs.insert(attrs.end(), extra_attributes.begin(), extra_attributes.end());
    file_ = std::make_unique<ResultsFile>(part_path_, sys.layout(), study.settings.start_iso, attrs,
                                          wopt);
  }
}

void ResultsWriter::events(Run&, std::span<const EventRecord> records) {
  const auto t0 = Clock::now();
  for (const EventRecord& e : records) file_->add_event(e);
  events_ += static_cast<long>(records.size());
  output_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
}

void ResultsWriter::sample(Run& run) {
  const auto t0 = Clock::now();
  file_->append(run.t(), run.frame());
  samples_++;
  output_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
}

void ResultsWriter::finished(Run& run, const RunEnd& end) {
  const SolverStats s = run.stats();
  std::vector<Attribute> attrs = {
      {"message", end.message},
      {"exit_code", std::int64_t{end.exit_code}},
      {"wall_time_s", run.wall_seconds()},
      {"samples", std::int64_t{samples_}},
      {"events", std::int64_t{events_}},
      {"stats_steps", s.steps},
      {"stats_residual_evals", s.residual_evals},
      {"stats_jacobian_evals", s.jacobian_evals},
      {"stats_nonlinear_iterations", s.nonlinear_iterations},
      {"stats_nonlinear_failures", s.nonlinear_failures},
      {"stats_error_test_failures", s.error_test_failures},
      {"stats_root_evals", s.root_evals},
      {"stats_reinitialisations", s.reinitialisations},
      {"stats_continued_stops", s.continued_stops},
      {"stats_linear_setups", s.linear_setups},
      {"output_time_s", output_seconds_},
  };
  for (auto& a : summary_attributes(run.system(), run.state())) attrs.push_back(std::move(a));
  file_->close(status_name(end.status), attrs, tables_);
  rename_or_throw(part_path_, final_path_);
}

// ---------------------------------------------------------------------------------------
// Checkpointer

Checkpointer::Checkpointer(const Study& study, ResultsWriter& writer, std::string path,
                           double every, std::string run_id)
    : study_(study),
      writer_(writer),
      path_(std::move(path)),
      run_id_(std::move(run_id)),
      every_(every) {}

void Checkpointer::started(Run& run) {
  last_ = run.t();
}

void Checkpointer::write(Run& run, const std::string& reason) {
  writer_.flush();
  Checkpoint c;
  c.run_id = run_id_;
  // Absolute: a restart may run from another directory (CSV files are found relative
  // to the study).
  c.study_path = std::filesystem::absolute(study_.path).string();
  c.study_text = study_.text_as_run;
  c.results_path = std::filesystem::absolute(writer_.final_path()).string();
  c.unknowns = run.system().size();
  c.nonzeros = run.system().nonzeros();
  c.next_output = run.next_output();
  c.samples = writer_.samples_written();
  c.events = writer_.events_written();
  c.checkpoint_every = every_;
  c.wall_seconds = run.wall_seconds();
  c.reason = reason;
  c.state = run.snapshot();
  write_checkpoint(path_, c);
}

void Checkpointer::interrupted(Run& run) {
  if (const int sig = stop_signal(); sig != 0) stop(run, sig);
}

void Checkpointer::stop(Run& run, int sig) {
  write(run, signal_name(sig));
  run.request_stop(fmt::format("stopped by {} at t = {:.9g} s; continue with steppe run "
                               "--restart {}",
                               signal_name(sig), run.t(), path_),
                   128 + sig);
}

void Checkpointer::sample(Run& run) {
  if (run.t() >= run.t_end()) return;  // the run completes: nothing to continue
  if (const int sig = stop_signal(); sig != 0) return stop(run, sig);
  // Due, and taken at the first sample after which the results hold whole chunks only: a
  // chunk it names is then never rewritten, so a SIGKILL in a later flush cannot take rows
  // the checkpoint counts (a filtered chunk that grows is moved, and HDF5 may record the
  // move before its bytes are written).
  if (every_ > 0 && run.t() >= last_ + every_ && writer_.at_whole_chunks()) {
    write(run, "periodic");
    last_ = run.t();
  }
}

void Checkpointer::finished(Run&, const RunEnd& end) {
  if (end.status == RunStatus::Interrupted) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

// ---------------------------------------------------------------------------------------
// ProgressDisplay

ProgressDisplay::ProgressDisplay(ProgressMode mode)
    : mode_(mode), started_(Clock::now()), last_(started_) {
  if (mode_ == ProgressMode::Auto)
    mode_ = isatty(STDERR_FILENO) ? ProgressMode::Bar : ProgressMode::Lines;
}

void ProgressDisplay::started(Run& run) {
  t0_ = run.t();
  t_end_ = run.t_end();
  started_ = last_ = Clock::now();
}

void ProgressDisplay::finished(Run& run, const RunEnd& end) {
  if (end.status == RunStatus::Complete) update(run.t_end(), true);
}

void ProgressDisplay::update(double t, bool final) {
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

// ---------------------------------------------------------------------------------------
// JacobianCheckReport

void JacobianCheckReport::started(Run& run) {
  const System& sys = run.system();
  const double interval = run.study().settings.output_interval;
  for (double cj : {0.0, 1.0 / std::max(interval, 1.0)}) {
    const State s = run.state();
    JacobianCheck jc = check_jacobian(sys, s.t, s.y, s.yp, cj);
    std::fprintf(stderr, "jacobian check (cj = %g): %s\n", cj, jc.describe(sys).c_str());
  }
}

}  // namespace steppe
