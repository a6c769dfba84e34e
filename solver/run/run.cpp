#include "solver/run/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace steppe {

const char* status_name(RunStatus s) {
  switch (s) {
    case RunStatus::Complete:
      return "complete";
    case RunStatus::Failed:
      return "failed";
    case RunStatus::Interrupted:
      return "interrupted";
  }
  return "?";
}

Run::Run(Study& study, double wall_before)
    : study_(study),
      integ_(std::make_unique<Integrator>(study.system, study.settings.solver, 0.0,
                                          study.settings.duration)),
      wall_before_(wall_before),
      wall0_(std::chrono::steady_clock::now()) {}

Run::~Run() = default;

void Run::add_observer(RunObserver& observer) {
  observers_.push_back(&observer);
  if (resumed_) observer.started(*this);
}

double Run::wall_seconds() const {
  return wall_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
}

void Run::report_events() {
  if (pending_.empty()) return;
  for (RunObserver* o : observers_) o->events(*this, pending_);
  pending_.clear();
}

std::vector<double>& Run::frame() {
  if (!frame_valid_ || frame_t_ != integ_->t()) {
    study_.system.write_outputs(integ_->state(), frame_);
    frame_t_ = integ_->t();
    frame_valid_ = true;
  }
  return frame_;
}

void Run::take_sample() {
  frame_valid_ = false;
  ++next_output_;
  for (RunObserver* o : observers_) o->sample(*this);
}

Run::Progress Run::fail(const SolverFailure& e) {
  report_events();
  end_ = {RunStatus::Failed, e.what(), 1};
  pending_.push_back({e.time(), "failure", "", 0.0, end_.message, "", ""});
  report_events();
  return Progress::Failed;
}

Run::Progress Run::initialise() {
  next_output_ = 0;
  try {
    integ_->initialise(pending_);
  } catch (const SolverFailure& e) {
    return fail(e);
  }
  for (RunObserver* o : observers_) o->started(*this);
  report_events();
  take_sample();
  return Progress::Reached;
}

void Run::resume(const Snapshot& snapshot, std::int64_t next_output) {
  integ_->resume(snapshot);
  step_observer_saved_.clear();
  if (snapshot.has("step_observer")) {
    // The exact-extremes record (solver/run/extremes.hpp): 5 numbers per tracked column.
    const auto& v = snapshot.get("step_observer");
    if (v.size() != 5 * system().layout().extremes().size())
      throw std::runtime_error(
          fmt::format("checkpoint: 'step_observer' has {} values, the study tracks {} extremes",
                      v.size(), system().layout().extremes().size()));
    step_observer_saved_ = v;
    if (step_observer_) step_observer_->restore(v);
  }
  next_output_ = next_output;
  resumed_ = true;
  for (RunObserver* o : observers_) o->started(*this);
}

void Run::watch_steps(StepObserver& observer) {
  step_observer_ = &observer;
  integ_->set_step_observer(&observer);
  if (!step_observer_saved_.empty()) observer.restore(step_observer_saved_);
}

Snapshot Run::snapshot() const {
  Snapshot s = integ_->snapshot();
  if (step_observer_)
    if (std::vector<double> v = step_observer_->save(); !v.empty())
      s.put("step_observer", std::move(v));
  return s;
}

void Run::request_stop(std::string reason, int exit_code) {
  stop_requested_ = true;
  end_ = {RunStatus::Interrupted, std::move(reason), exit_code};
}

Run::Progress Run::advance_to(double t) {
  if (end_.status == RunStatus::Failed) return Progress::Failed;
  const double t_end = this->t_end();
  const double interval = study_.settings.output_interval;
  t = std::min(t, t_end);
  try {
    while (integ_->t() < t_end) {
      const double t_out = std::min(static_cast<double>(next_output_) * interval, t_end);
      if (t_out > t) {  // between two output times: no sample
        if (t > integ_->t()) integ_->advance(t, pending_);
        report_events();
        if (integ_->interrupted()) return stop_between_samples();
        return Progress::Reached;
      }
      integ_->advance(t_out, pending_);
      report_events();
      if (integ_->interrupted()) return stop_between_samples();
      take_sample();
      if (t_out >= t_end) break;
      if (stop_requested_) return Progress::Stopped;
      if (t_out >= t) return Progress::Reached;
    }
  } catch (const SolverFailure& e) {
    return fail(e);
  }
  return Progress::Finished;
}

Run::Progress Run::stop_between_samples() {
  for (RunObserver* o : observers_) o->interrupted(*this);
  // No observer said why (run_study's checkpointer does): reported as a SIGTERM stop.
  if (!stop_requested_)
    request_stop(fmt::format("stopped between samples at t = {:.9g} s", t()), 128 + 15);
  return Progress::Stopped;
}

void Run::close() {
  if (closed_) return;
  closed_ = true;
  for (RunObserver* o : observers_) o->finished(*this, end_);
}

}  // namespace steppe
