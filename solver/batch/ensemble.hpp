// The ensemble of a scenario sweep (`steppe sweep STUDY -o DIR`): every scenario writes
// its own results file DIR/<file> (results_file.hpp); this module records the sweep's
// manifest DIR/sweep.yaml and writes DIR/ensemble.h5, an index over the scenario files
// that a script reads as one array per output.
//
// DIR/sweep.yaml (write_manifest / read_manifest): the study, the time axis, the outputs
// and one entry per scenario (index, name, overrides, file), all strings double-quoted.
//
// DIR/ensemble.h5 (write_ensemble_index), N scenarios, T output times:
//   root attributes   file_type = "steppe-ensemble", format_version = "1.0", study_name,
//                     study_path, start_time, duration_s, output_interval_s, outputs
//                     ("; "-joined), scenario_count, complete, failed, other (i8), notes
//                     ("; "-joined, "" if none: outputs that were skipped, …)
//   /scenario         [scenario]  i8 0..N-1, dimension scale
//   /time             [time]      f8, units "seconds since <start>", calendar, long_name,
//                                 standard_name "time", axis "T"; dimension scale. t_k =
//                                 min(k·interval, duration) for k = 0, 1, … up to the first
//                                 t_k >= duration (as the run writes its samples), so
//                                 T = round(duration/interval) + 1 when interval divides it
//   /scenarios/       [scenario]  one column each: name, overrides ("; "-joined), file,
//                                 status, message (vlen UTF-8), exit_code (i8),
//                                 wall_time_s (f8), samples (i8), and scenario (a copy of
//                                 /scenario: the group's own dimension scale, so that
//                                 xarray.open_dataset(p, engine="h5netcdf", group="scenarios")
//                                 has the scenario coordinate)
//   /<group>/<qty>    [scenario × time × element] f8 VIRTUAL dataset, fill value NaN, attrs
//                     units and long_name of the first readable scenario's dataset. Row
//                     block s maps rows [0, samples_s) of DIR/<file_s>:/<group>/<qty>; the
//                     rest reads as NaN. A scenario without DIR/<file> but with the
//                     partial file DIR/<file>.part (runs rename it when they end) is indexed
//                     from that: a run still going or killed (status "running"). Scenarios
//                     whose file is missing, lacks the dataset or has other element names
//                     or another time axis map nothing (a note is appended to their
//                     /scenarios/message).
//   /<group>/scenario, /<group>/time, /<group>/<coord>  the group's dimension scales, all
//                     three attached to each output: copies of /scenario and /time, and the
//                     element coordinate (`name`, vlen UTF-8, or a numeric profile
//                     coordinate) of the first readable scenario. So
//                     xarray.open_dataset(p, engine="h5netcdf", group="gas/nodes") gives
//                     pressure (scenario, time, name) with time decoded to datetime64.
//   An output that no scenario file holds is not written; `notes` says so.
//
// Reading (what readers must know):
// - Source file names in the virtual datasets are bare file names, resolved by HDF5
//   (1.10.8, checked) relative to the directory of ensemble.h5 (whatever the current
//   directory), so DIR can be moved or copied as a whole. HDF5 looks first in the
//   directories of $HDF5_VDS_PREFIX (or H5Pset_virtual_prefix), so leave that unset or
//   point it at DIR ("${ORIGIN}" means the ensemble file's directory).
// - A source file that cannot be opened reads as NaN, silently. That includes the files
//   of scenarios whose writer is still running or was killed (status "running"): they are
//   flagged for SWMR writing and only open in SWMR-read mode, which a virtual dataset
//   passes on to its sources only if the ensemble file itself is opened that way:
//     h5py.File(p, "r", swmr=True)
//     xarray.open_dataset(xarray.backends.H5NetCDFStore(
//         h5netcdf.File(p, "r", swmr=True), group="gas/nodes"))
//   (or `h5clear -s` the scenario file). Such scenarios get a note in their message.
// - The index is a snapshot: it maps the rows each file had (len(/time), complete rows
//   only) when it was written. Write it again after scenarios finish or are re-run.
// - HDF5 keeps each source file it has read open (one descriptor per scenario file, shared
//   by all outputs) until the ensemble file is closed; sources past the open-file limit read as
//   NaN, silently (checked: 300 scenarios under `ulimit -n 64`). Sweeps of more than
//   ~1000 scenarios need a higher soft limit (`ulimit -n`, resource.setrlimit).
// - ensemble.h5 is written to DIR/.ensemble.h5.tmp and renamed, so readers never see a
//   partial index; one index writer per DIR at a time (the temporary name is fixed).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace steppe {

struct EnsembleScenario {
  int index = 0;  // its position in EnsembleManifest::scenarios (0..N-1)
  std::string name;
  std::vector<std::string> overrides;  // "key.path=value"
  std::string file;                    // file name relative to DIR (no '/')
};

struct EnsembleManifest {
  std::string study_path;  // as given on the command line
  std::string study_name;
  std::string start_iso;                     // "YYYY-MM-DD HH:MM:SS" (UTC): the time units' epoch
  double duration = 0, output_interval = 0;  // s
  std::vector<EnsembleScenario> scenarios;
  std::vector<std::string> outputs;  // "group/quantity", e.g. "gas/nodes/pressure"
};

// The files of a sweep directory beside the scenario files.
inline constexpr const char* kSweepManifestFile = "sweep.yaml";
inline constexpr const char* kEnsembleIndexFile = "ensemble.h5";

// The checks shared by write_manifest, read_manifest and write_ensemble_index: throws
// std::invalid_argument (see write_manifest).
void validate_manifest(const EnsembleManifest& m);

// Writes DIR/sweep.yaml atomically (a uniquely named temporary file in DIR, fsync'ed, then
// renamed over it): several SLURM array tasks may write the same manifest at once.
// Throws std::invalid_argument for a manifest read_manifest would reject (non-finite or
// negative duration, output_interval <= 0, scenarios[i].index != i), std::runtime_error
// naming the path on I/O failure.
void write_manifest(const std::string& dir, const EnsembleManifest& m);

// Reads DIR/sweep.yaml; throws std::runtime_error naming the file and the problem (line
// and key where there is one).
EnsembleManifest read_manifest(const std::string& dir);

struct EnsembleRow {            // one scenario as found on disk
  std::string status;           // complete | failed | interrupted | running | missing
  std::int64_t exit_code = -1;  // the file's exit_code attribute; derived from status if
                                // absent (0 complete, 1 failed, 143 interrupted, else -1)
  double wall_time_s = NAN;     // NaN if absent
  std::int64_t samples = 0;     // rows of /time in the file
  std::string message;          // the file's message, plus "[ensemble: …]" notes
};

struct EnsembleReport {
  std::vector<EnsembleRow> rows;  // one per manifest scenario, in order
  int complete = 0, failed = 0, other = 0;
};

// Reads each scenario's file in DIR (never throws for a scenario's problem: it becomes
// the row's status and message) and writes DIR/ensemble.h5 (to DIR/.ensemble.h5.tmp, then
// renamed). Throws std::invalid_argument for a bad manifest (scenarios[i].index != i, a
// file name with '/', duplicate files or outputs, an output without a group),
// std::runtime_error with the path and HDF5's reason if the index cannot be written.
EnsembleReport write_ensemble_index(const std::string& dir, const EnsembleManifest& m);

}  // namespace steppe
