#include "solver/run/simulation.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "solver/io/digest.hpp"
#include "solver/io/output_guard.hpp"
#include "solver/run/extremes.hpp"
#include "solver/run/signals.hpp"

namespace steppe {

namespace fs = std::filesystem;

std::string partial_path(const std::string& output_path) {
  return output_path + ".part";
}

std::string default_output_path(const Study& study) {
  if (!study.settings.output.empty()) return study.settings.output;
  return (fs::path("outputs") / (fs::path(study.path).stem().string() + ".h5")).string();
}

namespace {

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec) && !ec;
}

// What a run may write, before it locks anything: never its input, the checkpoint apart
// from the results, and nothing but regular files replaced.
void check_destination_kinds(const Study& study, const std::string& out, const std::string& ckpt) {
  for (const std::string& p : {out, partial_path(out), ckpt})
    if (same_file(p, study.path))
      throw std::runtime_error(fmt::format(
          "{} is the study file itself: a run never writes over its input (nothing was run)", p));
  if (same_file(ckpt, out) || same_file(ckpt, partial_path(out)))
    throw std::runtime_error(fmt::format(
        "the checkpoint {} and the results file {} must be different files (nothing was run)", ckpt,
        out));
  check_writable_destination(out, "results file", true);
  check_writable_destination(partial_path(out), "partial results file", true);
  check_writable_destination(ckpt, "checkpoint", true);
}

// Everything a fresh run may replace, checked under its lock before anything is computed.
void check_fresh_destination(const std::string& out, const std::string& ckpt, bool replace) {
  check_writable_destination(out, "results file", replace);
  const std::string part = partial_path(out);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(part, ec)) && !replace) {
    const auto id = read_results_identity(part);
    throw std::runtime_error(fmt::format(
        "{} holds the results of a run that did not finish ({}){}; use --force to replace it "
        "(nothing was run)",
        part,
        id ? fmt::format("status {}, {} samples", id->status.empty() ? "?" : id->status,
                         id->samples)
           : "not a readable results file",
        fs::exists(ckpt, ec) ? fmt::format(", continue it with steppe run --restart {}", ckpt)
                             : std::string()));
  }
  check_writable_destination(part, "partial results file", true);
  check_writable_destination(ckpt, "checkpoint", true);
}

}  // namespace

void check_checkpoint_fits(const Checkpoint& c, const Study& study) {
  const StudySettings& s = study.settings;
  if (c.unknowns != study.system.size() || c.nonzeros != study.system.nonzeros())
    throw std::runtime_error(fmt::format(
        "checkpoint: {} unknowns and {} Jacobian non-zeros saved, the study has {} and {}",
        c.unknowns, c.nonzeros, study.system.size(), study.system.nonzeros()));
  if (c.study_sha256 != sha256_hex(study.text_as_run))
    throw std::runtime_error("checkpoint: its study is not the study it names");
  // A checkpoint is taken at an output sample before the end, t = (next_output − 1) · Δt,
  // or between it and the next one (a stop signal between samples).
  const double t = c.state.get("t").at(0);
  const double at = static_cast<double>(c.next_output - 1) * s.output_interval;
  const double next = std::min(at + s.output_interval, s.duration);
  if (!(at < s.duration) || !(t >= at && t < next))
    throw std::runtime_error(fmt::format(
        "checkpoint: its time {:.9g} s is not at or after output sample {} of the study (at "
        "{:.9g} s of {:.9g} s) and before the next",
        t, c.next_output - 1, at, s.duration));
}

namespace {

// Leftovers of a process killed while it wrote (a results file being laid out, a
// checkpoint being written): never opened by anyone, removed by the next owner.
void remove_leftovers(const std::string& out, const std::string& ckpt) {
  std::error_code ec;
  for (const std::string& p : {partial_path(out) + ".new", ckpt + ".tmp"})
    if (fs::is_regular_file(fs::symlink_status(p, ec))) fs::remove(p, ec);
}

}  // namespace

RunResult run_study(Study& study, const RunOptions& options) {
  const Checkpoint* restart = options.restart;
  RunResult result;
  result.output_path = !options.output.empty() ? options.output
                       : restart               ? restart->results_path
                                               : default_output_path(study);
  const std::string& out = result.output_path;
  const std::string ckpt_path =
      options.checkpoint_path.empty() ? default_checkpoint_path(out) : options.checkpoint_path;

  // The destination: what is there checked (a directory, device, … is never replaced),
  // its directory made, locked, then checked in full under the lock (a file of another
  // writer is reported as that writer's).
  check_destination_kinds(study, out, ckpt_path);
  if (const fs::path dir = fs::path(out).parent_path(); !dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
      throw std::runtime_error(fmt::format("cannot write the results file {}: {} ({})", out,
                                           ec.message(), dir.string()));
  }
  OutputLock lock(out);
  std::optional<OutputLock> ckpt_lock;
  if (ckpt_path != default_checkpoint_path(out)) ckpt_lock.emplace(ckpt_path);
  remove_leftovers(out, ckpt_path);
  std::string run_id;
  std::vector<Attribute> attributes = options.extra_attributes;
  if (restart) {
    check_checkpoint_fits(*restart, study);
    run_id = restart->run_id;
  } else {
    check_fresh_destination(out, ckpt_path, options.replace);
    run_id = new_run_id();
    attributes.push_back({"run_id", run_id});
    attributes.push_back({"study_sha256", sha256_hex(study.text_as_run)});
  }

  Run run(study, restart ? restart->wall_seconds : 0.0);
  // A checkpoint that does not fit the integrator is refused before its results file is
  // touched. The constraint monitor reads back the samples the continued file holds.
  std::string replay;
  if (restart) {
    run.resume(restart->state, restart->next_output);
    replay = claim_results_for_restart(*restart, out);
  }
  ConstraintMonitor monitor(study.system.layout(), nullptr, replay, restart ? restart->samples : 0);
  ResultsWriter writer(study, out, restart, attributes);
  monitor.set_writer(&writer);
  ProgressDisplay progress(options.progress);
  Checkpointer checkpointer(study, writer, ckpt_path, options.checkpoint_every, run_id);
  JacobianCheckReport jacobian_check;
  if (options.check_jacobian) run.add_observer(jacobian_check);
  if (options.step_report) run.count_step_limiters();
  run.add_observer(monitor);  // before the writer: its table goes into the file
  ExtremesTracker extremes(study.system);
  if (extremes.tracked() > 0) {
    run.watch_steps(extremes);
    run.add_observer(extremes);  // before the writer: it fills the frame's extreme columns
  }
  run.add_observer(writer);
  run.add_observer(progress);
  for (RunObserver* o : options.observers) run.add_observer(*o);
  run.add_observer(checkpointer);
  // A stop signal is acted on after the integrator step it arrives in, not at the next
  // sample only (an output interval can take minutes of wall time).
  run.set_interrupt([&options] {
    if (options.step_poll) options.step_poll();
    return stop_signal() != 0;
  });

  if (!restart) run.initialise();
  run.advance_to(run.t_end());  // to the end, a failure or a stop signal
  run.close();

  const RunEnd& end = run.end();
  result.exit_code = end.exit_code;
  result.message = end.message;
  result.stats = run.stats();
  result.wall_seconds = run.wall_seconds();
  result.samples = writer.samples();
  result.events = writer.events();
  if (end.status == RunStatus::Interrupted) result.checkpoint_path = ckpt_path;
  result.violations = monitor.violations();
  result.monitored = monitor.monitored();
  if (options.step_report)
    result.step_limiters = run.integrator().step_limiters(10, result.steps_attributed);
  return result;
}

}  // namespace steppe
