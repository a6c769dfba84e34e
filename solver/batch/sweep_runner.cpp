#include "solver/batch/sweep_runner.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>

#include "solver/batch/ensemble.hpp"
#include "solver/batch/sweep.hpp"
#include "solver/io/checkpoint.hpp"
#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"
#include "solver/io/output_guard.hpp"
#include "solver/run/signals.hpp"
#include "solver/run/simulation.hpp"

#ifdef STEPPE_HAVE_MPI
// The C API only: Open MPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace steppe {

namespace fs = std::filesystem;

bool launched_under_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(var); v && std::atoi(v) > 1) return true;
  return false;
}

namespace {

// What a scenario's results file on disk says: its status and the study text it ran.
struct OnDisk {
  std::string status;  // "" when there is no readable file
  std::string study;
};

OnDisk read_on_disk(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {};
  quiet_hdf5();
  FileH f(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT));
  if (!f) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  GroupH root(H5Gopen2(f.get(), "/", H5P_DEFAULT));
  return {read_string_attribute(root.get(), "status").value_or(""),
          read_string_attribute(root.get(), "study").value_or("")};
}

EnsembleManifest manifest_of(const std::string& study_path, const Sweep& sweep, const Study& base) {
  EnsembleManifest m;
  m.study_path = study_path;
  m.study_name = base.settings.name;
  m.start_iso = base.settings.start_iso;
  m.duration = base.settings.duration;
  m.output_interval = base.settings.output_interval;
  m.outputs = sweep.outputs;
  for (const Scenario& s : sweep.scenarios)
    m.scenarios.push_back({s.index, s.name, s.overrides, scenario_file_name(sweep, s.index)});
  return m;
}

// Runs one scenario (fresh, continued from its checkpoint, or kept when complete).
// Returns the run's exit code (0 also for a kept one).
int run_scenario(const std::string& study_path, std::span<const Domain> domains,
                 const SweepOptions& opt, const Sweep& sweep, int index, int rank,
                 const std::function<void()>& poll) {
  const Scenario& sc = sweep.scenarios[std::size_t(index)];
  const std::string out = (fs::path(opt.dir) / scenario_file_name(sweep, index)).string();
  const std::string ckpt_path = default_checkpoint_path(out);
  auto study = load_scenario(study_path, sweep, index, opt.overrides, domains);
  const auto say = [&](const std::string& what) {
    if (!opt.quiet)
      std::fprintf(stderr, "steppe sweep: [rank %d] scenario %d/%zu '%s': %s\n", rank, index + 1,
                   sweep.scenarios.size(), sc.name.c_str(), what.c_str());
  };

  const OnDisk disk = read_on_disk(out);
  if (!opt.force && disk.status == "complete" && disk.study == study->text_as_run) {
    say("complete already, kept");
    return 0;
  }
  RunOptions ro;
  ro.output = out;
  ro.progress = ProgressMode::Quiet;
  ro.checkpoint_every = opt.checkpoint_every;
  ro.checkpoint_path = ckpt_path;
  ro.replace = true;  // decided above: a scenario that is not kept runs again
  ro.step_poll = poll;
  ro.extra_attributes = {
      {"sweep_study", study_path},
      {"sweep_index", std::int64_t{index}},
      {"sweep_count", std::int64_t(sweep.scenarios.size())},
      {"sweep_scenario", sc.name},
      {"sweep_overrides", join(sc.overrides, "; ")},
      {"overrides", join(opt.overrides, "; ")},  // --set, applied to every scenario
  };
  std::optional<Checkpoint> ckpt;
  std::error_code ec;
  if (!opt.force && fs::is_regular_file(ckpt_path, ec)) {
    try {
      Checkpoint c = read_checkpoint(ckpt_path);
      if (c.study_text != study->text_as_run)
        say("checkpoint of another study, running afresh");
      else if (!results_fit_checkpoint(c, out))
        say("checkpoint without its results file, running afresh");
      else
        ckpt = std::move(c);
    } catch (const std::exception& e) {
      say(fmt::format("checkpoint not usable ({}), running afresh", e.what()));
    }
  }
  if (ckpt) {
    study = load_study_text(ckpt->study_text, ckpt->study_path, {}, domains);
    ro.restart = &*ckpt;
    if (ro.checkpoint_every <= 0) ro.checkpoint_every = ckpt->checkpoint_every;
    say(fmt::format("continuing from its checkpoint at t = {:.6g} s", ckpt->state.get("t").at(0)));
  }
  const RunResult r = run_study(*study, ro);
  if (r.exit_code == 0)
    say(fmt::format("complete, {} samples, {:.2f} s", r.samples, r.wall_seconds));
  else if (!r.checkpoint_path.empty())
    say(fmt::format("interrupted, checkpoint {}", r.checkpoint_path));
  else
    say(fmt::format("FAILED: {}", r.message.substr(0, r.message.find('\n'))));
  return r.exit_code;
}

// Runs a scenario, turning any exception into a failure of that scenario.
int run_guarded(const std::function<int()>& run, const std::string& name) {
  try {
    return run();
  } catch (const InputError& e) {
    // Every scenario was validated before the sweep began; a study file or CSV changed
    // since. A failure of this scenario, not of the sweep (other ranks wait on this one).
    std::fprintf(stderr, "%ssteppe sweep: scenario '%s' no longer loads\n", e.what(), name.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "steppe sweep: scenario '%s' could not run: %s\n", name.c_str(), e.what());
    return 1;
  }
}

int report(const EnsembleReport& rep, const std::string& dir, bool quiet) {
  if (!quiet)
    std::fprintf(stderr, "steppe sweep: wrote %s: %d complete, %d failed, %d other of %zu\n",
                 (fs::path(dir) / "ensemble.h5").string().c_str(), rep.complete, rep.failed,
                 rep.other, rep.rows.size());
  return rep.complete == static_cast<int>(rep.rows.size()) ? 0 : 1;
}

#ifdef STEPPE_HAVE_MPI
// The next scenario index, one integer in an MPI window on rank 0 that every rank
// increments with an atomic fetch-and-add. No rank serves requests: a rank that finishes a
// scenario takes the next at once, whatever the others are doing (on one node the window is
// shared memory; across nodes, rank 0 drives progress between its own output samples).
class WorkCounter {
 public:
  WorkCounter(int rank, int count) : count_(count) {
    MPI_Win_allocate(rank == 0 ? MPI_Aint(sizeof(int)) : 0, sizeof(int), MPI_INFO_NULL,
                     MPI_COMM_WORLD, &base_, &win_);
    if (rank == 0) {  // a local store into window memory belongs in an exclusive epoch
      MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win_);
      *base_ = 0;
      MPI_Win_unlock(0, win_);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
  }
  ~WorkCounter() {
    MPI_Win_unlock_all(win_);
    MPI_Win_free(&win_);
  }
  WorkCounter(const WorkCounter&) = delete;
  WorkCounter& operator=(const WorkCounter&) = delete;

  // The next scenario to run, or −1 when none is left.
  int take() {
    const int one = 1;
    int got = 0;
    MPI_Fetch_and_op(&one, &got, MPI_INT, 0, 0, MPI_SUM, win_);
    MPI_Win_flush(0, win_);
    return got < count_ ? got : -1;
  }
  // A stop signal: no rank starts another scenario.
  void close() {
    int got = 0;
    MPI_Fetch_and_op(&count_, &got, MPI_INT, 0, 0, MPI_REPLACE, win_);
    MPI_Win_flush(0, win_);
  }
  // Lets the MPI library progress passive-target operations aimed at this rank.
  static void progress() {
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
  }

 private:
  int count_;
  int* base_ = nullptr;
  MPI_Win win_ = MPI_WIN_NULL;
};
#endif

}  // namespace

int count_scenarios(const std::string& study_path, std::span<const Domain> domains,
                    const std::vector<std::string>& overrides, bool list) {
  const Sweep sweep = load_sweep(study_path, overrides, domains);
  if (list)
    for (const Scenario& s : sweep.scenarios)
      std::printf("%d\t%s\t%s\n", s.index, s.name.c_str(), join(s.overrides, "; ").c_str());
  else
    std::printf("%zu\n", sweep.scenarios.size());
  return 0;
}

int gather_sweep(const std::string& dir, bool quiet) {
  const EnsembleManifest m = read_manifest(dir);
  return report(write_ensemble_index(dir, m), dir, quiet);
}

namespace {
int sweep_ranks(const std::string& study_path, std::span<const Domain> domains,
                const SweepOptions& opt, const Sweep& sweep, int rank, int size);
}  // namespace

int run_sweep(const std::string& study_path, std::span<const Domain> domains,
              const SweepOptions& opt) {
  int rank = 0, size = 1;
#ifdef STEPPE_HAVE_MPI
  const bool mpi = launched_under_mpi();
  if (mpi) {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  struct Finalize {
    bool on;
    ~Finalize() {
      if (on) MPI_Finalize();
    }
  } finalize{mpi};
#else
  if (launched_under_mpi())
    throw std::runtime_error(
        "steppe was built without MPI (install libopenmpi-dev and rebuild); run one "
        "scenario per task with --index, or the whole sweep serially");
#endif
  // Every rank reads and validates the sweep before any rank talks to another, so a bad
  // study is found by all ranks alike: rank 0 says it, the others end quietly with the same
  // exit code once rank 0 has said it (a rank that ends first with an error code makes
  // mpirun end the others, which could cut rank 0 off before it has said anything).
  std::optional<Sweep> sweep;
  try {
    sweep.emplace(load_sweep(study_path, opt.overrides, domains));
  } catch (const InputError& e) {
    if (size == 1) throw;
    if (rank == 0) {
      std::fputs(e.report().c_str(), stderr);
      std::fflush(stderr);
    }
#ifdef STEPPE_HAVE_MPI
    MPI_Barrier(MPI_COMM_WORLD);
#endif
    return 2;
  }
  try {
    return sweep_ranks(study_path, domains, opt, *sweep, rank, size);
  } catch (const std::exception& e) {
#ifdef STEPPE_HAVE_MPI
    // The other ranks may be waiting on this one: end the whole job. A bad study is the
    // same on every rank: rank 0 says it.
    if (size > 1) {
      const bool input = dynamic_cast<const InputError*>(&e) != nullptr;
      if (!input || rank == 0)
        std::fprintf(stderr, "%s%s\n", input ? "" : "steppe sweep: error: ", e.what());
      MPI_Abort(MPI_COMM_WORLD, input ? 2 : 1);
    }
#endif
    throw;
  }
}

namespace {

int sweep_ranks(const std::string& study_path, std::span<const Domain> domains,
                const SweepOptions& opt, const Sweep& sweep, int rank, int size) {
  const int n = static_cast<int>(sweep.scenarios.size());
  if (opt.index && (*opt.index < 0 || *opt.index >= n))
    throw std::invalid_argument(
        fmt::format("--index {}: the sweep has scenarios 0 to {}", *opt.index, n - 1));
  std::error_code ec;
  fs::create_directories(opt.dir, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot create the sweep directory {}: {}", opt.dir, ec.message()));
  EnsembleManifest manifest;
  if (rank == 0) {
    manifest = manifest_of(study_path, sweep, *load_study(study_path, opt.overrides, domains));
    write_manifest(opt.dir, manifest);
  }
  install_stop_handlers();
  auto run_one = [&](int idx, const std::function<void()>& poll = {}) {
    return run_guarded(
        [&] { return run_scenario(study_path, domains, opt, sweep, idx, rank, poll); },
        sweep.scenarios[std::size_t(idx)].name);
  };

  if (opt.index) {  // one scenario (a SLURM array task): no index, --gather writes it
    const int rc = run_one(*opt.index);
    return rc;
  }

  int worst = 0;  // 1 if any scenario failed
  auto note = [&](int rc) {
    if (rc != 0 && rc < 128) worst = 1;
  };
  if (size == 1) {
    for (int i = 0; i < n && stop_signal() == 0; ++i) note(run_one(i));
  }
#ifdef STEPPE_HAVE_MPI
  else {
    // Every rank, rank 0 included, takes scenarios from the shared counter until none is
    // left; rank 0 also lets remote increments progress after each of its solver steps.
    WorkCounter counter(rank, n);
    const std::function<void()> progress = [] { WorkCounter::progress(); };
    for (int idx = counter.take(); idx >= 0; idx = counter.take()) {
      note(run_one(idx, rank == 0 ? progress : std::function<void()>{}));
      if (stop_signal() != 0) {
        counter.close();
        break;
      }
    }
    MPI_Barrier(MPI_COMM_WORLD);  // the counter's window is freed collectively
  }
  if (size > 1) {
    int local = worst, any = 0;
    MPI_Allreduce(&local, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    worst = any;
  }
#endif

  int rc = worst;
  if (rank == 0)
    rc = std::max(rc, report(write_ensemble_index(opt.dir, manifest), opt.dir, opt.quiet));
  if (const int sig = stop_signal(); sig != 0) rc = 128 + sig;
#ifdef STEPPE_HAVE_MPI
  if (size > 1) MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
  return rc;
}

}  // namespace

}  // namespace steppe
