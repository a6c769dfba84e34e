// The HDF5 results file of one run (DESIGN.md "Output contract").
//
//   /time                      [time]            f8, units "seconds since <start>"
//   /<domain>/<kind>/name      [name]            vlen UTF-8 element names (dim. scale)
//   /<domain>/<kind>/<qty>     [time × name]     f8, attrs units, long_name
//   /<profile group>/distance  [distance]        f8, a numeric coordinate instead of name
//   /events/{event,time,kind,element,value,message}  [event]  one column each
//   root attributes            file_type, format_version, status, study text, …
//
// Every time series is extendible along time, chunked and deflated, and appended as the
// run goes. The file is written in HDF5's single-writer/multiple-reader (SWMR) mode:
// a reader may open it while it grows (h5py.File(p, "r", swmr=True)), and a run that is
// killed leaves a readable file holding every sample up to the last flush. SWMR forbids
// new objects and attributes once writing starts, so the whole layout is fixed when the
// file is created; close() reopens the file once to write the final attributes (status,
// statistics). A file whose status is still "running" was not closed by its run. A run
// (solver/simulation.cpp) ends with status "complete", "failed" (the solver gave up) or
// "interrupted" (SIGTERM/SIGINT: a checkpoint beside it continues it), and root
// attributes message, exit_code (0, 1, 143, 130), wall time and solver statistics;
// scenarios of a sweep add sweep_study, sweep_index, sweep_count, sweep_scenario and
// sweep_overrides.
//
// Reading a file whose writer is still running or was killed (SIGKILL, crash): HDF5
// 1.10 marks the superblock "open for SWMR writing" until the writer closes the file,
// and a plain open then fails ("file is already open for write (may use <h5clear file>
// to clear file consistency flags)"). Either open it in SWMR-read mode, which sees every
// flushed sample:
//   h5py.File(p, "r", swmr=True)
//   xarray.open_dataset(xarray.backends.H5NetCDFStore(
//       h5netcdf.File(p, "r", swmr=True), group="gas/nodes"))
// or clear the flag once with `h5clear -s p` (modifies the file), after which h5dump,
// h5py and h5netcdf open it normally. A file the writer closed (close() or destructor)
// opens normally.
//
// Complete rows: each flush writes the series first, flushes, then extends /time (and
// the events' index last). len(/time) therefore always counts complete samples; a run
// killed inside a flush can leave series up to flush_every rows longer than /time,
// which readers of such files ignore (series[:len(time)]).
//
// Strings: element names and all attributes are variable-length UTF-8 (h5py gives str
// for attributes; `ds.asstr()[...]` for the name datasets). The /events string columns
// are written during SWMR, and SWMR writers cannot write variable-length data, so they
// are fixed-length UTF-8 (kind 32, element 128, message 256 bytes, NUL-padded, longer
// text truncated at a character boundary) with `_Encoding = "utf-8"`, so xarray decodes
// them to str; h5py gives bytes (use `.asstr()`). /events/event is the event number
// (the dimension scale of the event columns).
//
// Chunks: a compressed chunk rewritten under SWMR always gets new file space, so the
// chunk length along time is chosen so that each flush writes whole chunks: flush_every
// if it is <= chunk_samples (and a chunk stays <= 1 MiB), else a divisor of flush_every
// close to chunk_samples. Flushes fall on multiples of flush_every rows of the file, so an
// explicit flush() (which writes a partial chunk and costs some file space) or a restart
// does not shift the later ones. The /events columns are not filtered: a partly filled
// event chunk is rewritten in place (a moved filtered chunk can be recorded before its
// bytes are written, and a SIGKILL there loses the rows it held).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "solver/engine/events.hpp"
#include "solver/engine/outputs.hpp"

namespace steppe {

using AttrValue = std::variant<std::string, double, std::int64_t>;
struct Attribute {
  std::string name;
  AttrValue value;
};

struct WriterOptions {
  int chunk_samples = 256;  // max chunk length along time (see "Chunks" above)
  int flush_every = 32;     // samples between flushes to disk (>= 1)
  int deflate_level = 4;    // 0 = no compression
};

class ResultsFile {
 public:
  // Creates (truncates) `path`, writes the layout, the coordinates, `/time` with
  // units "seconds since <start_iso>" (start_iso like "2024-01-01 00:00:00"), the
  // root attributes in `attributes` plus file_type = "steppe-results",
  // format_version = "1.0", status = "running", then starts SWMR writing. Those three
  // fixed attributes replace same-named ones in `attributes`.
  // Throws std::runtime_error with the path and HDF5's message on failure,
  // std::invalid_argument on bad options (chunk_samples, flush_every < 1, deflate > 9).
  ResultsFile(const std::string& path, const ResultsLayout& layout, const std::string& start_iso,
              const std::vector<Attribute>& attributes, WriterOptions options = {});
  // Continues a file this class wrote (same layout), e.g. after a restart from a
  // checkpoint: the series and /time are cut to `samples` rows and /events to `events`
  // (what the checkpoint had written; later rows are written again), status is set back
  // to "running", and SWMR writing resumes. A file whose writer was killed (superblock
  // still marked open for SWMR writing) is accepted: the mark is cleared as `h5clear -s`
  // does and its end of allocation moved to the end of the file (`h5clear --increment=0`). Throws
  // std::runtime_error when the file is not there, has another layout, or has fewer rows than asked
  // for.
  struct Continue {
    std::int64_t samples = 0;
    std::int64_t events = 0;
  };
  ResultsFile(const std::string& path, const ResultsLayout& layout, Continue at,
              WriterOptions options = {});
  // If close() was not called: writes the buffered samples and events, flushes and
  // closes the file, leaving status = "running" (the caller decides the final status by
  // calling close()). Never throws.
  ~ResultsFile();
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  // One output sample: `frame.size()` == layout.frame_size() (else
  // std::invalid_argument). Buffered; written and flushed every options.flush_every
  // samples. Memory use is bounded by that buffer. Events are buffered too and written
  // with the samples (or when 64 are pending).
  void append(double time, std::span<const double> frame);
  void add_event(const EventRecord& event);
  // Writes buffered samples and events and flushes the file.
  void flush();
  // Flushes, closes, then reopens the file to set `status` and add `final_attributes`
  // (solver statistics, wall time, message); `status` replaces a same-named final
  // attribute. Idempotent: later calls do nothing. append/add_event after close throw
  // std::logic_error.
  void close(const std::string& status, const std::vector<Attribute>& final_attributes);

  // Samples written to the file so far (buffered ones not counted).
  std::int64_t samples_written() const;
  // True when nothing is buffered and every time chunk of /time and the series is whole:
  // no chunk holding written rows is rewritten by later ones (a checkpoint taken here
  // cannot lose its rows to a SIGKILL in a later flush).
  bool at_whole_chunks() const;
  // Events written to the file so far.
  std::int64_t events_written() const;
  const std::string& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Call once at program start, before any other HDF5 use: no HDF5 clean-up at exit (it
// crashes on files whose close failed, e.g. on a full disk) and no automatic error printing.
void prepare_hdf5();

}  // namespace steppe
