// The HDF5 results file of one run (DESIGN.md "Output contract"); format version 2.0.
// The generated document docs/results-format.md (`steppe schema`) lists every group and
// dataset the element kinds declare.
//
//   /time                      [time]            f8, units "seconds since <start>" (CF),
//                                                calendar, standard_name, axis; dim. scale
//   /<domain>/<kind>/time      hard link to /time: the group's own time coordinate, so
//                              xarray.open_dataset(p, group="gas/nodes", engine="h5netcdf")
//                              decodes time to datetime64
//   /<domain>/<kind>/<dim>     [dim]             vlen UTF-8 element names, the dimension
//                                                scale named for the kind: node, pipe, …
//   /<domain>/<kind>/<qty>     [time × dim]      f8, attrs units, long_name; coded datasets
//                                                also flag_values (f8) and flag_meanings
//   /<domain>/<kind>/<static>  [dim]             static data: f8 with units and long_name
//                                                (ratings, limits, coordinates; NaN where an
//                                                element gives none), or vlen UTF-8 naming
//                                                the element of `element_group` it joins
//                                                (topology: from_node, node, zone…)
//   /<profile group>/distance  [distance]        f8, a numeric coordinate instead of names
//   /events/{event,time,kind,element,element_kind,value,units,message}  [event]
//                              time in "seconds since <start>"; value in its row's units
//   /constraints/…             [constraint]      written when the run closes: every
//                              monitored limit that was violated (solver/run/constraints.hpp)
//   root attributes            file_type, format_version, status, study text, …
//
// Every time series is extendible along time, chunked and deflated, and appended as the
// run goes. The file is written in HDF5's single-writer/multiple-reader (SWMR) mode:
// a reader may open it while it grows (h5py.File(p, "r", swmr=True)), and a run that is
// killed leaves a readable file holding every sample up to the last flush. SWMR forbids
// new objects and attributes once writing starts, so the whole layout is fixed when the
// file is created; close() reopens the file once to write the final attributes (status,
// statistics) and the tables (constraints). Writing without SWMR is not safe against a
// kill (HDF5 marks the file "open for write" and writes its metadata in no set order), so
// those changes, a continuation's reopening and `steppe recover` work on a copy
// (`<path>.new`) that replaces the file once it is closed or in SWMR writing again: a kill
// at any moment leaves the file as it was before or after (the price: one copy of the
// file, about 1 s per GB). A file whose status is still "running" was
// not closed by its run. A run (solver/run/simulation.cpp) ends with status "complete",
// "failed" (the solver gave up) or "interrupted" (SIGTERM/SIGINT: a checkpoint beside it
// continues it), and root attributes message, exit_code (0, 1, 143, 130), wall time and
// solver statistics; scenarios of a sweep add sweep_study, sweep_index, sweep_count,
// sweep_scenario and sweep_overrides.
//
// Reading a file whose writer is still running or was killed (SIGKILL, crash): HDF5
// 1.10 marks the superblock "open for SWMR writing" until the writer closes the file,
// and a plain open then fails ("file is already open for write (may use <h5clear file>
// to clear file consistency flags)"). `steppe recover FILE` (recover_results below)
// makes such a file a plain closed one. Or open it in SWMR-read mode, which sees every
// flushed sample:
//   h5py.File(p, "r", swmr=True)
//   xarray.open_dataset(xarray.backends.H5NetCDFStore(
//       h5netcdf.File(p, "r", swmr=True), group="gas/nodes"))
//
// Buffering and complete rows: each series collects the rows of the chunk it is filling
// in memory and writes that chunk whole when it is full (H5Dwrite_chunk: byte-shuffled and
// deflated by the writer itself with libdeflate, the streams HDF5's shuffle and deflate
// filters read; about 1.7× faster than HDF5's own pipeline with zlib, scripts/bench
// output); a flush writes the chunk every series is filling (partly filled, rewritten
// whole when later rows come; a continued file reads its last partial chunk back first),
// flushes, then extends /time (and the events' index last). len(/time) therefore always counts
// complete samples; a series may be longer (whole chunks written since the last flush),
// which readers of a killed run's file ignore (series[:len(time)]).
//
// Strings: element names, static text and all attributes are variable-length UTF-8 (h5py
// gives str for attributes; `ds.asstr()[...]` for the datasets). The /events string
// columns are written during SWMR, and SWMR writers cannot write variable-length data, so
// they are fixed-length UTF-8 (kind 32, element 128, element_kind 32, units 16, message
// 256 bytes, NUL-padded, longer text truncated at a character boundary) with `_Encoding =
// "utf-8"`, so xarray decodes them to str; h5py gives bytes (use `.asstr()`).
// /events/event is the event number (the dimension scale of the event columns).
//
// Chunks: a compressed chunk rewritten under SWMR always gets new file space, so the
// chunk length along time is chosen so that each flush writes whole chunks: the flush
// period (flush_every, or chunk_samples when flushing on full chunks) if a chunk stays
// <= 1 MiB, else a divisor of it. Flushes fall on multiples of the flush period in rows of
// the file, so a flush between those (the wall-clock bound, an explicit flush(), which
// write partial chunks and cost some file space each) or a restart does not shift the
// later ones. The /events columns are not filtered: a partly filled event chunk is
// rewritten in place (a moved filtered chunk can be recorded before its bytes are
// written, and a SIGKILL there loses the rows it held).
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

// The format version written in the root attribute format_version. 1.0: elements along
// a `name` dimension, no time link in groups, no units or kinds in /events, no static data.
inline constexpr const char* kResultsFormatVersion = "2.0";

struct WriterOptions {
  int chunk_samples = 256;  // max chunk length along time (see "Chunks" above)
  // Samples between flushes to disk; 0: when a chunk (chunk_samples rows) is full, or
  // flush_seconds of wall time after the last flush, whichever comes first.
  int flush_every = 0;
  double flush_seconds = 10.0;
  // Shuffle + deflate at this level (0: no compression) for a new file; a continued file
  // keeps the filters it was made with. Level 1 writes 1.5x faster than level 4 at
  // 0–3.5 % more bytes (scripts/bench output).
  int deflate_level = 1;
};

// A table written when the file closes, e.g. /constraints: one row per entry along the
// dimension `dimension` (an i8 index, its dimension scale), one column per dataset.
struct TableColumn {
  std::string name, units, long_name;
  bool text = false;
  std::vector<double> numbers;
  std::vector<std::string> texts;
};
struct Table {
  std::string name, dimension, long_name;
  std::size_t rows = 0;
  std::vector<TableColumn> columns;
};

class ResultsFile {
 public:
  // Creates (truncates) `path`, writes the layout, the coordinates, `/time` with
  // units "seconds since <start_iso>" (start_iso like "2024-01-01 00:00:00"), the
  // root attributes in `attributes` plus file_type = "steppe-results",
  // format_version = kResultsFormatVersion, status = "running", then starts SWMR writing. Those
  // three fixed attributes replace same-named ones in `attributes`. Throws std::runtime_error with
  // the path and HDF5's message on failure, std::invalid_argument on bad options (chunk_samples,
  // flush_every < 1, deflate > 9).
  ResultsFile(const std::string& path, const ResultsLayout& layout, const std::string& start_iso,
              const std::vector<Attribute>& attributes, WriterOptions options = {});
  // Continues a file this class wrote (same layout), e.g. after a restart from a
  // checkpoint: the series and /time are cut to `samples` rows and /events to `events`
  // (what the checkpoint had written; later rows are written again), the tables of an
  // earlier close go, status is set back to "running", and SWMR writing resumes. A file
  // whose writer was killed (superblock still marked open for SWMR writing) is accepted:
  // the mark is cleared as `h5clear -s` does and its end of allocation moved to the end of
  // the file (`h5clear --increment=0`). Throws std::runtime_error when the file is not
  // there, has another layout, or has fewer rows than asked for.
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
  // std::invalid_argument). Buffered per series up to a chunk; flushed on the schedule of
  // the options. Memory use is bounded by those buffers (a chunk per series). Events are
  // buffered too and written with the samples (or when 64 are pending).
  void append(double time, std::span<const double> frame);
  void add_event(const EventRecord& event);
  // Writes buffered samples and events and flushes the file.
  void flush();
  // Flushes, closes, then reopens the file to set `status`, add `final_attributes`
  // (solver statistics, wall time, message; `status` replaces a same-named one) and write
  // `tables`. Idempotent: later calls do nothing. append/add_event after close throw
  // std::logic_error.
  void close(const std::string& status, const std::vector<Attribute>& final_attributes,
             const std::vector<Table>& tables = {});

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

// Makes the file of a run that was killed readable by any HDF5 reader: clears the
// superblock's "open for SWMR writing" mark (as `h5clear -s` does), cuts every series to
// the complete samples (len(/time)) and the event columns to the written events, and sets
// status "interrupted" with a message if the status was still "running". Returns what it
// did, one line. Throws std::runtime_error naming the path when the file is not a Steppe
// results file, cannot be written, or was left by a run killed while it created the file
// (status "running" without the SWMR mark: no sample yet, metadata possibly half written).
std::string recover_results(const std::string& path);

// Call once at program start, before any other HDF5 use: no HDF5 clean-up at exit (it
// crashes on files whose close failed, e.g. on a full disk) and no automatic error printing.
void prepare_hdf5();

}  // namespace steppe
