#include "solver/run/simulation.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace steppe {

std::string partial_path(const std::string& output_path) {
  return output_path + ".part";
}

std::string default_output_path(const Study& study) {
  if (!study.settings.output.empty()) return study.settings.output;
  return (std::filesystem::path("outputs") /
          (std::filesystem::path(study.path).stem().string() + ".h5"))
      .string();
}

RunResult run_study(Study& study, const RunOptions& options) {
  const Checkpoint* restart = options.restart;
  RunResult result;
  result.output_path = !options.output.empty() ? options.output
                       : restart               ? restart->results_path
                                               : default_output_path(study);
  const std::string ckpt_path = options.checkpoint_path.empty()
                                    ? default_checkpoint_path(result.output_path)
                                    : options.checkpoint_path;
  if (restart &&
      (restart->unknowns != study.system.size() || restart->nonzeros != study.system.nonzeros()))
    throw std::runtime_error(fmt::format(
        "checkpoint: {} unknowns and {} Jacobian non-zeros saved, the study has {} and {}",
        restart->unknowns, restart->nonzeros, study.system.size(), study.system.nonzeros()));

  Run run(study, restart ? restart->wall_seconds : 0.0);
  // Before the writer reopens (and renames) a continued file: the monitor reads back the
  // samples it holds.
  std::string replay;
  if (restart) {
    std::error_code ec;
    replay = std::filesystem::exists(result.output_path, ec) ? result.output_path
                                                             : partial_path(result.output_path);
  }
  ConstraintMonitor monitor(study.system.layout(), nullptr, replay, restart ? restart->samples : 0);
  ResultsWriter writer(study, result.output_path, restart, options.extra_attributes);
  monitor.set_writer(&writer);
  ProgressDisplay progress(options.progress);
  Checkpointer checkpointer(study, writer, ckpt_path, options.checkpoint_every);
  JacobianCheckReport jacobian_check;
  if (options.check_jacobian) run.add_observer(jacobian_check);
  run.add_observer(monitor);  // before the writer: its table goes into the file
  run.add_observer(writer);
  run.add_observer(progress);
  for (RunObserver* o : options.observers) run.add_observer(*o);
  run.add_observer(checkpointer);

  if (restart)
    run.resume(restart->state, restart->next_output);
  else
    run.initialise();
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
  return result;
}

}  // namespace steppe
