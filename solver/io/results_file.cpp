// HDF5 results file: see results_file.hpp for the layout and the SWMR contract.
#include "solver/io/results_file.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

// ---------------------------------------------------------------------------------------
// HDF5 plumbing

namespace {

constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;  // 1 MiB
constexpr std::size_t kEventKindBytes = 32;
constexpr std::size_t kEventElementBytes = 128;
constexpr std::size_t kEventElementKindBytes = 32;
constexpr std::size_t kEventUnitsBytes = 16;
constexpr std::size_t kEventMessageBytes = 256;
// The event columns in file order: the index "event" first.
constexpr const char* kEventColumns[] = {"event",        "time",  "kind",  "element",
                                         "element_kind", "value", "units", "message"};
constexpr std::size_t kEventChunk = 16;      // small: a partly filled chunk is rewritten
constexpr std::size_t kEventBufferMax = 64;  // pending events before a forced write

// Copies `s` into `dst[0, n)`, truncated at a UTF-8 character boundary, zero padded.
void copy_utf8_truncated(const std::string& s, char* dst, std::size_t n) {
  std::size_t len = s.size();
  if (len > n) {
    len = n;
    // Back off while the first dropped byte is a continuation byte (10xxxxxx).
    while (len > 0 && (static_cast<unsigned char>(s[len]) & 0xC0u) == 0x80u) --len;
  }
  std::copy_n(s.data(), len, dst);
  std::fill(dst + len, dst + n, '\0');
}

// HDF5 marks the superblock of a file opened for writing without SWMR "open for write"
// until it closes it, and writes that file's metadata in no particular order: a process
// killed meanwhile leaves a file no reader opens. Every such change is made to a copy
// (`<path>.new`, a name a run removes when it finds it left over), which replaces the
// file only once it is consistent on disk again: closed, or in SWMR writing (whose
// flushes are ordered for readers). A kill at any moment leaves the file as it was or
// as it is afterwards. A new file is laid out the same way (`Empty`: nothing copied).
class WorkingCopy {
 public:
  struct Empty {};
  WorkingCopy(std::string path, Empty) : path_(std::move(path)), copy_(path_ + ".new") {}
  explicit WorkingCopy(std::string path) : path_(std::move(path)), copy_(path_ + ".new") {
    std::error_code ec;
    std::filesystem::copy_file(path_, copy_, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) {
      std::remove(copy_.c_str());
      throw std::runtime_error("results file '" + path_ + "': cannot copy it to " + copy_ +
                               " to change it safely (" + ec.message() +
                               "; the copy needs as much free space as the file)");
    }
  }
  ~WorkingCopy() {
    if (!replaced_) std::remove(copy_.c_str());
  }
  WorkingCopy(const WorkingCopy&) = delete;
  WorkingCopy& operator=(const WorkingCopy&) = delete;
  const std::string& path() const { return copy_; }
  // The copy takes the file's name (an open handle on it stays valid).
  void replace() {
    if (std::rename(copy_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("results file '" + path_ + "': cannot rename " + copy_ +
                               " to it: " + std::strerror(errno));
    replaced_ = true;
  }

 private:
  std::string path_, copy_;
  bool replaced_ = false;
};
}  // namespace

// ---------------------------------------------------------------------------------------
// ResultsFile

struct ResultsFile::Impl {
  // A series and the chunk it is filling, in memory: [chunk × width], its first
  // written % chunk rows already on disk, then `buffered` rows not yet. The whole chunk is
  // written (compressed here) when it is full and at a flush.
  struct SeriesOut {
    DatasetH dataset;
    hsize_t first_column = 0;
    hsize_t width = 0;
    hsize_t chunk = 1;
    bool compressed = false;  // shuffle + deflate (else the chunk's bytes as they are)
    std::vector<double> rows;
    hsize_t buffered = 0;
    hsize_t written = 0;
  };
  struct CompressorFree {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };

  std::string path;
  ResultsLayout layout;
  WriterOptions options;
  bool open = false;

  FileH file;  // declared first: destroyed last
  DatasetH time_ds;
  std::vector<SeriesOut> series;
  DatasetH ev[std::size(kEventColumns)];

  // /time: the samples not yet on disk (at most one flush period).
  hsize_t period = 1;  // samples between scheduled flushes
  std::vector<double> time_buffer;
  hsize_t buffered = 0;
  hsize_t written = 0;
  std::chrono::steady_clock::time_point last_flush;

  std::vector<EventRecord> pending_events;
  hsize_t events_written = 0;
  PlistH event_transfer;  // string_transfer(), made with the first events written

  // Chunk compression: the byte-shuffled chunk, then its zlib stream (what HDF5's shuffle
  // and deflate filters make and read back), in buffers reused for every chunk.
  std::unique_ptr<libdeflate_compressor, CompressorFree> compressor;
  std::vector<unsigned char> shuffled, packed;

  [[noreturn]] void fail_here(std::string_view what) const { fail(path, what); }

  void check_options() const;
  void create(const std::string& start_iso, const std::vector<Attribute>& attributes);
  void reopen(std::int64_t samples, std::int64_t events);
  void open_datasets();
  void create_groups(hid_t file_id, hid_t time_id);
  void create_events(hid_t file_id, const std::string& time_units);
  void write_series(SeriesOut& s);
  void write_chunk(SeriesOut& s, hsize_t chunk_start, hsize_t filled);
  void load_partial_chunks();
  void write_time();
  void write_event_columns();
  void write_event_index();
  void write_events();
  void flush_all();
  void close_handles();
};

namespace {

// Dataset creation properties: chunked [rows × width], shuffle + deflate, NaN fill.
PlistH chunked_dcpl(int rank, const hsize_t* chunk, int deflate, bool nan_fill,
                    const std::string& path) {
  PlistH dcpl(check(H5Pcreate(H5P_DATASET_CREATE), path, "creating dataset properties"));
  check(H5Pset_chunk(dcpl.get(), rank, chunk), path, "setting chunking");
  if (deflate > 0) {
    check(H5Pset_shuffle(dcpl.get()), path, "setting shuffle filter");
    check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(deflate)), path,
          "setting deflate filter");
  }
  if (nan_fill) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    check(H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &nan), path, "setting fill value");
  }
  return dcpl;
}

// Dataset access properties: a chunk cache holding a couple of chunks, so the chunk
// being filled stays in memory between flushes without growing per dataset (/time and
// the events; a series keeps its chunk itself and reads through it only when continued).
PlistH dapl_for(std::size_t chunk_bytes, const std::string& path) {
  PlistH dapl(check(H5Pcreate(H5P_DATASET_ACCESS), path, "creating access properties"));
  const std::size_t nbytes = std::max<std::size_t>(2 * chunk_bytes + 1024, 64 * 1024);
  check(H5Pset_chunk_cache(dapl.get(), 127, nbytes, 1.0), path, "setting chunk cache");
  return dapl;
}

// Chunk length along time for rows of `row_bytes`. SWMR cannot reuse file space, and a
// compressed chunk that is rewritten (because a flush wrote it half full) gets new space
// each time: with 256-row chunks flushed every 32 rows the file grew 4.6x, flushed every
// row 130x. So a flush should write whole chunks: the chunk length is the flush period
// when that fits under chunk_samples and the 1 MiB cap, else the largest divisor of the
// period that is at least half the cap (else the cap, leaving one partial chunk per flush).
hsize_t chunk_rows(const WriterOptions& options, hsize_t period, std::size_t row_bytes) {
  const std::size_t byte_cap =
      std::max<std::size_t>(1, kMaxChunkBytes / std::max<std::size_t>(row_bytes, 1));
  const std::size_t cap =
      std::min<std::size_t>(static_cast<std::size_t>(options.chunk_samples), byte_cap);
  const auto flush = static_cast<std::size_t>(period);
  if (flush <= cap) return flush;
  for (std::size_t c = cap; 2 * c >= cap && c > 0; --c)
    if (flush % c == 0) return c;
  return cap;
}

// Samples between scheduled flushes: flush_every, or a chunk's worth.
hsize_t flush_period(const WriterOptions& options) {
  return static_cast<hsize_t>(options.flush_every > 0 ? options.flush_every
                                                      : options.chunk_samples);
}

// Transfer properties for writes that convert in memory (variable-length strings): HDF5
// allocates and clears a conversion buffer for each such write, 1 MiB by default; 64 KiB
// (larger writes are converted in pieces) took creating a small study's results file from
// 8–11 to about 5 ms — the page faults of clearing 1 MiB per column of names were a third
// of it.
PlistH string_transfer(const std::string& path) {
  PlistH xfer(check(H5Pcreate(H5P_DATASET_XFER), path, "creating transfer properties"));
  check(H5Pset_buffer(xfer.get(), 64 * 1024, nullptr, nullptr), path,
        "sizing the conversion buffer");
  return xfer;
}

// Extends `ds` (rank 1, or rank 2 with `width` columns) along dim 0 from `old_rows` to
// `new_rows` (H5Dset_extent, then the file space fetched again) and writes the selection
// `mspace` of `data` into the new rows with transfer properties `xfer`.
void append_rows(hid_t ds, int rank, hsize_t old_rows, hsize_t new_rows, hsize_t width,
                 hid_t mem_type, hid_t mspace, const void* data, const std::string& path,
                 const std::string& what, hid_t xfer = H5P_DEFAULT) {
  const hsize_t dims[2] = {new_rows, width};
  check(H5Dset_extent(ds, dims), path, what);
  if (rank == 2 && width == 0) return;
  SpaceH fspace(check(H5Dget_space(ds), path, what));
  const hsize_t start[2] = {old_rows, 0}, count[2] = {new_rows - old_rows, width};
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), path,
        what);
  check(H5Dwrite(ds, mem_type, mspace, fspace.get(), xfer, data), path, what);
}

// A series' chunk rows and filters as its file has them (a file continued by a restart
// keeps the chunks it was made with): [rows × max(width, 1)] chunks, and either no filter
// or shuffle then deflate — what this writer makes, the only pipelines it writes chunks
// for — and at most 1 MiB (or one row) per chunk, as it makes them.
void read_chunk_layout(hid_t ds, hsize_t width, hsize_t& rows, bool& compressed,
                       const std::string& path, const std::string& what) {
  PlistH dcpl(check(H5Dget_create_plist(ds), path, "reading the layout of " + what));
  hsize_t dims[2] = {0, 0};
  if (H5Pget_chunk(dcpl.get(), 2, dims) != 2 || dims[0] < 1 ||
      dims[1] != std::max<hsize_t>(width, 1))
    throw std::runtime_error("results file '" + path + "': " + what +
                             " is not chunked as this writer chunks series");
  rows = dims[0];
  if (rows > std::max<hsize_t>(1, kMaxChunkBytes / std::max<hsize_t>(width * sizeof(double), 1)))
    throw std::runtime_error("results file '" + path + "': " + what + " has chunks of " +
                             std::to_string(rows) + " rows, larger than this writer makes");
  const int nfilters = H5Pget_nfilters(dcpl.get());
  auto filter = [&](unsigned k) {
    unsigned flags = 0, values[8] = {}, config = 0;
    std::size_t nvalues = std::size(values);
    char name[64] = {};
    return H5Pget_filter2(dcpl.get(), k, &flags, &nvalues, values, sizeof name, name, &config);
  };
  if (nfilters == 0) {
    compressed = false;
  } else if (nfilters == 2 && filter(0) == H5Z_FILTER_SHUFFLE && filter(1) == H5Z_FILTER_DEFLATE) {
    compressed = true;
  } else {
    throw std::runtime_error("results file '" + path + "': " + what +
                             " has filters this writer does not write (shuffle + deflate or none)");
  }
}

}  // namespace

void ResultsFile::Impl::check_options() const {
  if (options.chunk_samples < 1 || options.flush_every < 0 || options.deflate_level < 0 ||
      options.deflate_level > 9 || !(options.flush_seconds > 0))
    throw std::invalid_argument("results file '" + path +
                                "': chunk_samples must be >= 1, flush_every >= 0 (0: on full "
                                "chunks), flush_seconds > 0, deflate_level in 0..9");
}

void ResultsFile::Impl::create(const std::string& start_iso,
                               const std::vector<Attribute>& attributes) {
  check_options();
  quiet_hdf5();
  if (options.deflate_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    fail_here("the deflate filter is not available");
  period = flush_period(options);

  // --- File with the latest format (required for SWMR). ---
  PlistH fapl(check(H5Pcreate(H5P_FILE_ACCESS), path, "creating file access properties"));
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), path,
        "setting library version bounds");
  // Laid out under a temporary name and renamed once SWMR writing has started (which
  // flushes it): a process killed while the layout is written never leaves a file at
  // `path` that cannot be opened.
  WorkingCopy creating(path, WorkingCopy::Empty{});
  PlistH fcpl(check(H5Pcreate(H5P_FILE_CREATE), path, "creating file creation properties"));
  check(H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_PAGE, false, 1), path,
        "setting paged file space");
  check(H5Pset_file_space_page_size(fcpl.get(), 4096), path, "setting the file space page size");
  file = FileH(check(H5Fcreate(creating.path().c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
                     path, "creating the file"));
  const hid_t f = file.get();

  // --- Root attributes (fixed ones last, so they win over same-named ones). ---
  {
    GroupH root(check(H5Gopen2(f, "/", H5P_DEFAULT), path, "opening /"));
    for (const Attribute& a : attributes) write_attribute(root.get(), a.name, a.value, path);
    write_string_attribute(root.get(), "file_type", "steppe-results", path);
    write_string_attribute(root.get(), "format_version", kResultsFormatVersion, path);
    write_string_attribute(root.get(), "status", "running", path);
  }

  // --- /time ---
  const std::string time_units = "seconds since " + start_iso;
  {
    const hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
    const hsize_t chunk[1] = {chunk_rows(options, period, sizeof(double))};
    SpaceH space(check(H5Screate_simple(1, dims, maxdims), path, "creating /time space"));
    PlistH dcpl = chunked_dcpl(1, chunk, options.deflate_level, true, path);
    DatasetH ds(check(
        H5Dcreate2(f, "time", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        path, "creating /time"));
    make_time_scale(ds.get(), time_units, path);
    time_ds = std::move(ds);
  }
  create_groups(f, time_ds.get());
  create_events(f, time_units);

  // --- Start SWMR: attributes closed; reopen datasets afterwards. ---
  time_ds.reset();
  check(H5Fstart_swmr_write(f), path, "starting SWMR write");
  open_datasets();
  creating.replace();
}

// Groups with their element coordinate, the time link, series and static data.
void ResultsFile::Impl::create_groups(hid_t f, hid_t time_id) {
  const auto& groups = layout.groups();
  std::vector<DatasetH> coords;
  coords.reserve(groups.size());
  TypeH vlen = vlen_utf8_type(path);
  const PlistH xfer = string_transfer(path);
  auto write_names = [&](hid_t loc, const std::string& name, const std::vector<std::string>& v,
                         const std::string& what) {
    const hsize_t dims[1] = {v.size()};
    SpaceH space(check(H5Screate_simple(1, dims, nullptr), path, what));
    DatasetH ds(check(H5Dcreate2(loc, name.c_str(), vlen.get(), space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT),
                      path, what));
    std::vector<const char*> ptrs;
    ptrs.reserve(v.size());
    for (const std::string& n : v) ptrs.push_back(n.c_str());
    if (!v.empty())
      check(H5Dwrite(ds.get(), vlen.get(), H5S_ALL, H5S_ALL, xfer.get(), ptrs.data()), path, what);
    return ds;
  };
  auto write_numbers = [&](hid_t loc, const std::string& name, const std::vector<double>& v,
                           const std::string& what) {
    const hsize_t dims[1] = {v.size()};
    SpaceH space(check(H5Screate_simple(1, dims, nullptr), path, what));
    DatasetH ds(check(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT),
                      path, what));
    if (!v.empty())
      check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), path,
            what);
    return ds;
  };

  std::vector<GroupH> group_handles;
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const ResultsLayout::Group& g = groups[gi];
    GroupH grp = ensure_group(f, g.path, path);
    const std::string what = "writing coordinate '" + g.path + "/" + g.coord_name + "'";
    // The group's own link to /time: its time coordinate when read alone.
    check(H5Lcreate_hard(time_id, ".", grp.get(), "time", H5P_DEFAULT, H5P_DEFAULT), path,
          "linking '" + g.path + "/time'");
    DatasetH ds;
    if (!g.numeric) {
      ds = write_names(grp.get(), g.coord_name, g.names, what);
      make_dimension_scale(ds.get(), g.coord_name, "", "element name", path);
    } else {
      ds = write_numbers(grp.get(), g.coord_name, g.coord_values, what);
      make_dimension_scale(ds.get(), g.coord_name, g.coord_units, g.coord_long_name, path);
    }
    coords.push_back(std::move(ds));
    group_handles.push_back(std::move(grp));
  }

  for (const ResultsLayout::Series& s : layout.series()) {
    const ResultsLayout::Group& g = groups[static_cast<std::size_t>(s.group)];
    const hsize_t width = layout.group_width(s.group);
    const std::string ds_path = "/" + g.path + "/" + s.name;
    const std::string what = "creating series '" + ds_path + "'";
    const hsize_t dims[2] = {0, width};
    // A zero-width fixed dimension cannot be chunked: let it be unlimited instead.
    const hsize_t maxdims[2] = {H5S_UNLIMITED, width > 0 ? width : H5S_UNLIMITED};
    const hsize_t chunk[2] = {chunk_rows(options, period, width * sizeof(double)),
                              std::max<hsize_t>(width, 1)};
    SpaceH space(check(H5Screate_simple(2, dims, maxdims), path, what));
    PlistH dcpl = chunked_dcpl(2, chunk, options.deflate_level, true, path);
    DatasetH ds(check(H5Dcreate2(f, ds_path.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT),
                      path, what));
    write_string_attribute(ds.get(), "units", s.units, path);
    write_string_attribute(ds.get(), "long_name", s.long_name, path);
    if (!s.flags.empty()) {
      std::vector<double> values;
      for (const Flag& fl : s.flags) values.push_back(fl.value);
      const hsize_t n[1] = {values.size()};
      SpaceH aspace(check(H5Screate_simple(1, n, nullptr), path, what));
      AttrH attr(check(H5Acreate2(ds.get(), "flag_values", H5T_IEEE_F64LE, aspace.get(),
                                  H5P_DEFAULT, H5P_DEFAULT),
                       path, what));
      check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, values.data()), path, what);
      write_string_attribute(ds.get(), "flag_meanings", flag_meanings(s.flags), path);
    }
    if (!s.companion_of.empty())
      write_string_attribute(ds.get(), "companion_of", s.companion_of, path);
    check(H5DSattach_scale(ds.get(), time_id, 0), path, what);
    check(H5DSattach_scale(ds.get(), coords[static_cast<std::size_t>(s.group)].get(), 1), path,
          what);
  }

  for (const ResultsLayout::StaticData& st : layout.statics()) {
    const auto gi = static_cast<std::size_t>(st.group);
    const std::string what = "writing '" + groups[gi].path + "/" + st.name + "'";
    DatasetH ds = st.text ? write_names(group_handles[gi].get(), st.name, st.texts, what)
                          : write_numbers(group_handles[gi].get(), st.name, st.values, what);
    if (!st.text) write_string_attribute(ds.get(), "units", st.units, path);
    write_string_attribute(ds.get(), "long_name", st.long_name, path);
    if (!st.target_group.empty())
      write_string_attribute(ds.get(), "element_group", st.target_group, path);
    check(H5DSattach_scale(ds.get(), coords[gi].get(), 0), path, what);
  }
}

void ResultsFile::Impl::open_datasets() {
  const hid_t f = file.get();
  {
    const std::size_t chunk_bytes = chunk_rows(options, period, sizeof(double)) * 8;
    PlistH dapl = dapl_for(chunk_bytes, path);
    time_ds = DatasetH(check(H5Dopen2(f, "time", dapl.get()), path, "opening /time"));
  }
  const auto& groups = layout.groups();
  series.clear();
  series.reserve(layout.series().size());
  for (const ResultsLayout::Series& s : layout.series()) {
    const hsize_t width = layout.group_width(s.group);
    const std::string ds_path = "/" + groups[static_cast<std::size_t>(s.group)].path + "/" + s.name;
    const hsize_t rows = chunk_rows(options, period, width * sizeof(double));
    PlistH dapl = dapl_for(rows * std::max<hsize_t>(width, 1) * sizeof(double), path);
    SeriesOut out;
    out.dataset = DatasetH(
        check(H5Dopen2(f, ds_path.c_str(), dapl.get()), path, "opening series '" + ds_path + "'"));
    out.first_column = static_cast<hsize_t>(s.first_column);
    out.width = width;
    read_chunk_layout(out.dataset.get(), width, out.chunk, out.compressed, path,
                      "series '" + ds_path + "'");
    out.rows.assign(static_cast<std::size_t>(out.chunk * width), 0.0);
    series.push_back(std::move(out));
  }
  {
    PlistH dapl = dapl_for(kEventChunk * kEventMessageBytes, path);
    for (std::size_t k = 0; k < std::size(kEventColumns); ++k) {
      const std::string p = std::string("/events/") + kEventColumns[k];
      ev[k] = DatasetH(check(H5Dopen2(f, p.c_str(), dapl.get()), path, "opening " + p));
    }
  }
  if (std::any_of(series.begin(), series.end(), [](const SeriesOut& s) { return s.compressed; })) {
    compressor.reset(libdeflate_alloc_compressor(std::max(1, options.deflate_level)));
    if (!compressor) fail_here("allocating the chunk compressor");
  }
  time_buffer.assign(static_cast<std::size_t>(period), 0.0);
  pending_events.reserve(kEventBufferMax);
  last_flush = std::chrono::steady_clock::now();
  open = true;
}

namespace {

// Cuts `ds` to `rows` along its first dimension (keeping the others).
void cut_rows(hid_t ds, hsize_t rows, const std::string& path, const std::string& what) {
  SpaceH space(check(H5Dget_space(ds), path, what));
  hsize_t dims[2] = {0, 0};
  check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), path, what);
  if (dims[0] < rows)
    throw std::runtime_error("results file '" + path + "': " + what + " has " +
                             std::to_string(dims[0]) + " rows, the checkpoint needs " +
                             std::to_string(rows));
  dims[0] = rows;
  check(H5Dset_extent(ds, dims), path, what);
}

// Opens `path` read-write without SWMR; a file whose writer was killed (superblock still
// marked "open for SWMR writing") is accepted, the mark cleared as `h5clear -s` does
// (HDF5's file-access property for exactly that). `*was_marked` (when given) tells which.
FileH open_for_repair(const std::string& path, const std::string& what,
                      bool* was_marked = nullptr) {
  quiet_hdf5();
  PlistH fapl(check(H5Pcreate(H5P_FILE_ACCESS), path, "creating file access properties"));
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), path,
        "setting library version bounds");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
  if (was_marked) *was_marked = id < 0;
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    hbool_t clear = true;
    if (H5Pexist(fapl.get(), "clear_status_flags") > 0)
      H5Pset(fapl.get(), "clear_status_flags", &clear);
    id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
    // Its superblock may also hold an end of allocation older than the metadata and chunks
    // it wrote last (a SWMR writer does not rewrite it on every flush): writing there then
    // fails with "addr overflow", and closing would cut the file to it. Take the end of the
    // file as the end of allocation, as `h5clear --increment=0` does.
    if (id >= 0 && H5Fincrement_filesize(id, 0) < 0) {
      H5Fclose(id);
      id = -1;
    }
  }
  return FileH(check(id, path, what));
}

}  // namespace

void ResultsFile::Impl::reopen(std::int64_t samples, std::int64_t events) {
  check_options();
  period = flush_period(options);
  WorkingCopy work(path);
  file = open_for_repair(work.path(), "reopening to continue it");
  const hid_t f = file.get();
  // The tables of an earlier close go: the run writes them again when it ends.
  if (H5Lexists(f, "constraints", H5P_DEFAULT) > 0)
    check(H5Ldelete(f, "constraints", H5P_DEFAULT), path, "removing /constraints");
  // The rows after the checkpoint (written before the run stopped) go; the run writes
  // them again.
  const auto& groups = layout.groups();
  for (const ResultsLayout::Series& s : layout.series()) {
    const std::string ds_path = "/" + groups[static_cast<std::size_t>(s.group)].path + "/" + s.name;
    const std::string what = "series '" + ds_path + "'";
    DatasetH ds(check(H5Dopen2(f, ds_path.c_str(), H5P_DEFAULT), path,
                      "opening " + what + " (is this the results file of the same study?)"));
    SpaceH space(check(H5Dget_space(ds.get()), path, what));
    hsize_t dims[2] = {0, 0};
    if (H5Sget_simple_extent_ndims(space.get()) != 2 ||
        check(H5Sget_simple_extent_dims(space.get(), dims, nullptr), path, what) != 2 ||
        dims[1] != layout.group_width(s.group))
      throw std::runtime_error("results file '" + path + "': " + what +
                               " does not have the study's elements");
    cut_rows(ds.get(), static_cast<hsize_t>(samples), path, what);
  }
  {
    DatasetH t(check(H5Dopen2(f, "time", H5P_DEFAULT), path, "opening /time"));
    cut_rows(t.get(), static_cast<hsize_t>(samples), path, "/time");
  }
  for (const char* name : kEventColumns) {
    const std::string p = std::string("/events/") + name;
    DatasetH ds(check(
        H5Dopen2(f, p.c_str(), H5P_DEFAULT), path,
        "opening " + p + " (is this a results file of format " + kResultsFormatVersion + "?)"));
    cut_rows(ds.get(), static_cast<hsize_t>(events), path, p);
  }
  {  // after every check: a file that does not fit keeps its status
    GroupH root(check(H5Gopen2(f, "/", H5P_DEFAULT), path, "opening /"));
    write_string_attribute(root.get(), "status", "running", path);
  }
  check(H5Fflush(f, H5F_SCOPE_GLOBAL), path, "flushing");
  check(H5Fstart_swmr_write(f), path, "starting SWMR write");
  open_datasets();
  work.replace();
  written = static_cast<hsize_t>(samples);
  for (SeriesOut& s : series) s.written = written;
  load_partial_chunks();
  events_written = static_cast<hsize_t>(events);
}

void ResultsFile::Impl::create_events(hid_t f, const std::string& time_units) {
  GroupH grp(check(H5Gcreate2(f, "events", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path,
                   "creating /events"));
  const hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED}, chunk[1] = {kEventChunk};
  SpaceH space(check(H5Screate_simple(1, dims, maxdims), path, "creating /events space"));
  // Unfiltered: a partly filled chunk is rewritten in place (a filtered one moves, and a
  // SIGKILL between the move recorded and its bytes written lost the events before it).
  PlistH dcpl_num = chunked_dcpl(1, chunk, 0, true, path);
  PlistH dcpl_other = chunked_dcpl(1, chunk, 0, false, path);

  auto make = [&](const char* name, hid_t type, hid_t dcpl) {
    return DatasetH(
        check(H5Dcreate2(grp.get(), name, type, space.get(), H5P_DEFAULT, dcpl, H5P_DEFAULT), path,
              std::string("creating /events/") + name));
  };
  DatasetH index = make("event", H5T_STD_I64LE, dcpl_other.get());
  make_dimension_scale(index.get(), "event", "", "event number", path);

  TypeH kind_t = fixed_utf8_type(kEventKindBytes, path);
  TypeH elem_t = fixed_utf8_type(kEventElementBytes, path);
  TypeH ekind_t = fixed_utf8_type(kEventElementKindBytes, path);
  TypeH units_t = fixed_utf8_type(kEventUnitsBytes, path);
  TypeH msg_t = fixed_utf8_type(kEventMessageBytes, path);
  struct Col {
    const char* name;
    hid_t type;
    bool text;
    const char* long_name;
  };
  const Col cols[] = {
      {"time", H5T_IEEE_F64LE, false, "event time"},
      {"kind", kind_t.get(), true, "event kind: mode, limit, schedule, trip, failure, …"},
      {"element", elem_t.get(), true, "element name"},
      {"element_kind", ekind_t.get(), true, "the element's kind (\"gas node\")"},
      {"value", H5T_IEEE_F64LE, false, "triggering value, in the units of its row"},
      {"units", units_t.get(), true, "units of value (UDUNITS; empty when it means nothing)"},
      {"message", msg_t.get(), true, "message"},
  };
  for (const Col& c : cols) {
    DatasetH ds = make(c.name, c.type, c.text ? dcpl_other.get() : dcpl_num.get());
    if (std::string_view(c.name) == "time") {
      write_string_attribute(ds.get(), "units", time_units, path);
      write_string_attribute(ds.get(), "calendar", "standard", path);
    }
    write_string_attribute(ds.get(), "long_name", c.long_name, path);
    // Fixed-length byte strings: xarray decodes them to str with this CF hint.
    if (c.text) write_string_attribute(ds.get(), "_Encoding", "utf-8", path);
    check(H5DSattach_scale(ds.get(), index.get(), 0), path, "attaching /events/event");
  }
}

// Extends a series over the rows it holds and writes the chunk they are in, whole.
void ResultsFile::Impl::write_series(SeriesOut& s) {
  if (s.buffered == 0) return;
  const hsize_t head = s.written % s.chunk, new_rows = s.written + s.buffered;
  const hsize_t dims[2] = {new_rows, s.width};
  check(H5Dset_extent(s.dataset.get(), dims), path, "writing a series");
  if (s.width > 0) write_chunk(s, s.written - head, head + s.buffered);
  s.written = new_rows;
  s.buffered = 0;
}

// The chunk starting at row `chunk_start`, its first `filled` rows from memory and the
// rest the fill value (NaN; beyond the extent, no reader sees them), written with
// H5Dwrite_chunk: shuffled and deflated here as HDF5's filters would (libdeflate: a
// standard zlib stream, 1.8–3× faster than zlib at level 1), or as it is without filters.
void ResultsFile::Impl::write_chunk(SeriesOut& s, hsize_t chunk_start, hsize_t filled) {
  static_assert(std::endian::native == std::endian::little,
                "the chunks are written as the file's little-endian doubles");
  const std::size_t n = s.rows.size(), bytes = n * sizeof(double);
  std::fill(s.rows.begin() + static_cast<std::ptrdiff_t>(filled * s.width), s.rows.end(),
            std::numeric_limits<double>::quiet_NaN());
  const hsize_t offset[2] = {chunk_start, 0};
  const void* data = s.rows.data();
  std::size_t size = bytes;
  if (s.compressed) {
    shuffled.resize(bytes);
    const auto* in = reinterpret_cast<const unsigned char*>(s.rows.data());
    for (std::size_t b = 0; b < sizeof(double); ++b) {
      unsigned char* out = shuffled.data() + b * n;
      for (std::size_t i = 0; i < n; ++i) out[i] = in[i * sizeof(double) + b];
    }
    packed.resize(libdeflate_zlib_compress_bound(compressor.get(), bytes));
    size = libdeflate_zlib_compress(compressor.get(), shuffled.data(), bytes, packed.data(),
                                    packed.size());
    if (size == 0) fail_here("compressing a chunk of a series");
    data = packed.data();
  }
  check(H5Dwrite_chunk(s.dataset.get(), H5P_DEFAULT, 0, offset, size, data), path,
        "writing a series");
}

// After a restart cut the series to `written` rows: the rows of each series' last, partly
// filled chunk back into memory, since a chunk is written whole.
void ResultsFile::Impl::load_partial_chunks() {
  for (SeriesOut& s : series) {
    const hsize_t head = s.written % s.chunk;
    if (head == 0 || s.width == 0) continue;
    const hsize_t mdims[2] = {head, s.width};
    SpaceH mspace(check(H5Screate_simple(2, mdims, nullptr), path, "creating memory space"));
    SpaceH fspace(check(H5Dget_space(s.dataset.get()), path, "reading a series"));
    const hsize_t start[2] = {s.written - head, 0};
    check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, mdims, nullptr), path,
          "reading a series");
    check(H5Dread(s.dataset.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT,
                  s.rows.data()),
          path, "reading the last chunk of a series");
  }
}

// /time's buffered rows: after the series are on disk (a run killed in between leaves
// /time shorter, never longer, than the series, so len(/time) always counts complete rows).
void ResultsFile::Impl::write_time() {
  if (buffered == 0) return;
  const hsize_t rows = buffered, new_rows = written + rows;
  const hsize_t tdims[1] = {rows};
  SpaceH tspace(check(H5Screate_simple(1, tdims, nullptr), path, "creating memory space"));
  append_rows(time_ds.get(), 1, written, new_rows, 1, H5T_NATIVE_DOUBLE, tspace.get(),
              time_buffer.data(), path, "writing /time");
  written = new_rows;
  buffered = 0;
}

// The pending events' columns but the index.
void ResultsFile::Impl::write_event_columns() {
  const hsize_t n = pending_events.size();
  if (n == 0) return;
  const hsize_t old_n = events_written, new_n = old_n + n;
  const hsize_t mdims[1] = {n};
  SpaceH mspace(check(H5Screate_simple(1, mdims, nullptr), path, "creating memory space"));

  if (!event_transfer) event_transfer = string_transfer(path);
  auto write_col = [&](int k, hid_t mem_type, const void* data) {
    append_rows(ev[k].get(), 1, old_n, new_n, 1, mem_type, mspace.get(), data, path,
                std::string("writing /events/") + kEventColumns[k], event_transfer.get());
  };

  std::vector<double> num(n);
  for (hsize_t k = 0; k < n; ++k) num[k] = pending_events[k].time;
  write_col(1, H5T_NATIVE_DOUBLE, num.data());
  for (hsize_t k = 0; k < n; ++k) num[k] = pending_events[k].value;
  write_col(5, H5T_NATIVE_DOUBLE, num.data());

  std::vector<char> text;
  auto write_text = [&](int k, std::size_t width, std::string EventRecord::*field) {
    text.assign(n * width, '\0');
    for (hsize_t r = 0; r < n; ++r)
      copy_utf8_truncated(pending_events[r].*field, text.data() + r * width, width);
    TypeH type = fixed_utf8_type(width, path);
    write_col(k, type.get(), text.data());
  };
  write_text(2, kEventKindBytes, &EventRecord::kind);
  write_text(3, kEventElementBytes, &EventRecord::element);
  write_text(4, kEventElementKindBytes, &EventRecord::element_kind);
  write_text(6, kEventUnitsBytes, &EventRecord::units);
  write_text(7, kEventMessageBytes, &EventRecord::message);
}

// The index (the dimension scale) of the pending events, after their columns are on disk,
// as /time for the samples: len(/events/event) counts complete events.
void ResultsFile::Impl::write_event_index() {
  const hsize_t n = pending_events.size();
  if (n == 0) return;
  const hsize_t old_n = events_written, new_n = old_n + n;
  const hsize_t mdims[1] = {n};
  SpaceH mspace(check(H5Screate_simple(1, mdims, nullptr), path, "creating memory space"));
  std::vector<std::int64_t> index(n);
  for (hsize_t k = 0; k < n; ++k) index[k] = static_cast<std::int64_t>(old_n + k);
  append_rows(ev[0].get(), 1, old_n, new_n, 1, H5T_NATIVE_INT64, mspace.get(), index.data(), path,
              "writing /events/event");
  events_written = new_n;
  pending_events.clear();
}

void ResultsFile::Impl::write_events() {
  write_event_columns();
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flushing");
  write_event_index();
}

// Everything buffered, in two flushes: the series' rows and the events' columns, then
// /time and the events' index.
void ResultsFile::Impl::flush_all() {
  for (SeriesOut& s : series) write_series(s);
  write_event_columns();
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flushing");
  write_time();
  write_event_index();
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flushing");
  last_flush = std::chrono::steady_clock::now();
}

// Closes datasets, then the file; throws if closing the file fails.
void ResultsFile::Impl::close_handles() {
  open = false;
  series.clear();
  time_ds.reset();
  for (DatasetH& d : ev) d.reset();
  if (file && file.reset() < 0) fail_here("closing the file");
  time_buffer = {};
  pending_events = {};
}

ResultsFile::ResultsFile(const std::string& path, const ResultsLayout& layout,
                         const std::string& start_iso, const std::vector<Attribute>& attributes,
                         WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->layout = layout;
  impl_->options = options;
  impl_->create(start_iso, attributes);
}

ResultsFile::ResultsFile(const std::string& path, const ResultsLayout& layout, Continue at,
                         WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->layout = layout;
  impl_->options = options;
  impl_->reopen(at.samples, at.events);
}

ResultsFile::~ResultsFile() {
  if (!impl_ || !impl_->open) return;
  try {
    impl_->flush_all();
  } catch (...) {  // nothing sensible to do in a destructor
  }
  try {
    impl_->close_handles();
  } catch (...) {
  }
}

void ResultsFile::append(double time, std::span<const double> frame) {
  Impl& m = *impl_;
  if (!m.open) throw std::logic_error("results file '" + m.path + "': append after close");
  const std::size_t fs = static_cast<std::size_t>(m.layout.frame_size());
  if (frame.size() != fs)
    throw std::invalid_argument("results file '" + m.path + "': frame has " +
                                std::to_string(frame.size()) + " values, layout needs " +
                                std::to_string(fs));
  // A previous flush failed and left the buffers full: retry it before adding a row.
  if (m.buffered >= m.period) m.flush_all();
  for (Impl::SeriesOut& s : m.series) {
    // Rows in the chunk being filled: those already on disk, then the buffered ones.
    auto filled = [&s] { return s.written % s.chunk + s.buffered; };
    if (filled() >= s.chunk) m.write_series(s);
    std::copy_n(frame.begin() + static_cast<std::ptrdiff_t>(s.first_column), s.width,
                s.rows.begin() + static_cast<std::ptrdiff_t>(filled() * s.width));
    ++s.buffered;
    if (filled() >= s.chunk && m.buffered + 1 < m.period) m.write_series(s);  // a whole chunk
  }
  m.time_buffer[static_cast<std::size_t>(m.buffered)] = time;
  ++m.buffered;
  // Flushed at every multiple of the flush period in rows of the file (not of the buffer),
  // so an explicit or wall-clock flush or a restart between them does not shift the chunks
  // later flushes fill.
  if (m.buffered >= m.period || (m.written + m.buffered) % m.period == 0 ||
      (m.options.flush_every == 0 &&
       std::chrono::duration<double>(std::chrono::steady_clock::now() - m.last_flush).count() >=
           m.options.flush_seconds))
    m.flush_all();
}

void ResultsFile::add_event(const EventRecord& event) {
  Impl& m = *impl_;
  if (!m.open) throw std::logic_error("results file '" + m.path + "': add_event after close");
  m.pending_events.push_back(event);
  if (m.pending_events.size() >= kEventBufferMax) {
    // Events only: writing the buffered samples now would leave a partial chunk.
    m.write_events();
    check(H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL), m.path, "flushing");
  }
}

void ResultsFile::flush() {
  Impl& m = *impl_;
  if (!m.open) return;
  m.flush_all();
}

namespace {

// /<table.name>: the index dimension scale and one dataset per column.
void write_table(hid_t f, const Table& t, const std::string& path) {
  GroupH grp = ensure_group(f, t.name, path);
  if (!t.long_name.empty()) write_string_attribute(grp.get(), "long_name", t.long_name, path);
  const hsize_t dims[1] = {t.rows};
  const std::string what = "writing /" + t.name;
  SpaceH space(check(H5Screate_simple(1, dims, nullptr), path, what));
  DatasetH index(check(H5Dcreate2(grp.get(), t.dimension.c_str(), H5T_STD_I64LE, space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       path, what));
  std::vector<std::int64_t> ix(t.rows);
  for (std::size_t k = 0; k < t.rows; ++k) ix[k] = static_cast<std::int64_t>(k);
  if (t.rows > 0)
    check(H5Dwrite(index.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ix.data()), path,
          what);
  make_dimension_scale(index.get(), t.dimension, "", t.dimension + " number", path);
  TypeH vlen = vlen_utf8_type(path);
  const PlistH xfer = string_transfer(path);
  for (const TableColumn& c : t.columns) {
    if ((c.text ? c.texts.size() : c.numbers.size()) != t.rows)
      throw std::logic_error(what + ": column " + c.name + " has another length");
    DatasetH ds(check(H5Dcreate2(grp.get(), c.name.c_str(), c.text ? vlen.get() : H5T_IEEE_F64LE,
                                 space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      path, what));
    if (t.rows > 0) {
      if (c.text) {
        std::vector<const char*> ptrs;
        for (const std::string& s : c.texts) ptrs.push_back(s.c_str());
        check(H5Dwrite(ds.get(), vlen.get(), H5S_ALL, H5S_ALL, xfer.get(), ptrs.data()), path,
              what);
      } else {
        check(
            H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.numbers.data()),
            path, what);
      }
    }
    if (!c.units.empty()) write_string_attribute(ds.get(), "units", c.units, path);
    if (!c.long_name.empty()) write_string_attribute(ds.get(), "long_name", c.long_name, path);
    check(H5DSattach_scale(ds.get(), index.get(), 0), path, what);
  }
}

}  // namespace

void ResultsFile::close(const std::string& status, const std::vector<Attribute>& final_attributes,
                        const std::vector<Table>& tables) {
  Impl& m = *impl_;
  if (!m.open) return;
  try {
    m.flush_all();
  } catch (...) {
    try {
      m.close_handles();
    } catch (...) {
    }
    throw;
  }
  m.close_handles();

  // Reopen without SWMR to write the final attributes and the tables (SWMR forbids new
  // attributes and objects).
  WorkingCopy work(m.path);
  FileH f(check(H5Fopen(work.path().c_str(), H5F_ACC_RDWR, H5P_DEFAULT), m.path,
                "reopening to write the final attributes"));
  {
    GroupH root(check(H5Gopen2(f.get(), "/", H5P_DEFAULT), m.path, "opening /"));
    for (const Attribute& a : final_attributes)
      write_attribute(root.get(), a.name, a.value, m.path);
    write_string_attribute(root.get(), "status", status, m.path);
  }
  for (const Table& t : tables) write_table(f.get(), t, m.path);
  if (f.reset() < 0) fail(m.path, "closing the file after writing the final attributes");
  work.replace();
}

std::int64_t ResultsFile::samples_written() const {
  return static_cast<std::int64_t>(impl_->written);
}

bool ResultsFile::at_whole_chunks() const {
  const Impl& m = *impl_;
  if (m.buffered != 0) return false;
  if (m.written % chunk_rows(m.options, m.period, sizeof(double)) != 0) return false;  // /time
  for (const Impl::SeriesOut& s : m.series)
    if (s.buffered != 0 || s.written % s.chunk != 0) return false;
  return true;
}

std::int64_t ResultsFile::events_written() const {
  return static_cast<std::int64_t>(impl_->events_written);
}

const std::string& ResultsFile::path() const {
  return impl_->path;
}

// ---------------------------------------------------------------------------------------
// recover_results

namespace {

struct RecoverVisit {
  std::string path;
  hsize_t samples = 0, events = 0;
  int series_cut = 0;
  hsize_t rows_dropped = 0;
};

// Every extendible 2-D dataset is a series along /time; extendible 1-D datasets are /time
// and the event columns.
herr_t recover_visit(hid_t root, const char* name, const H5O_info_t* info, void* user) {
  auto* r = static_cast<RecoverVisit*>(user);
  if (info->type != H5O_TYPE_DATASET) return 0;
  DatasetH ds(H5Dopen2(root, name, H5P_DEFAULT));
  if (!ds) return -1;
  SpaceH space(H5Dget_space(ds.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1 || rank > 2) return 0;
  hsize_t dims[2] = {0, 0}, maxdims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, maxdims);
  if (maxdims[0] != H5S_UNLIMITED) return 0;
  const std::string_view n(name);
  const hsize_t keep = n.starts_with("events/") ? r->events : r->samples;
  if (dims[0] <= keep) return 0;
  r->rows_dropped += dims[0] - keep;
  if (rank == 2) ++r->series_cut;
  dims[0] = keep;
  return H5Dset_extent(ds.get(), dims) < 0 ? -1 : 0;
}

}  // namespace

std::string recover_results(const std::string& path) {
  bool marked = false;
  WorkingCopy work(path);
  FileH file = open_for_repair(work.path(), "opening to recover it", &marked);
  const hid_t f = file.get();
  const auto type = read_string_attribute(f, "file_type");
  if (type != "steppe-results")
    throw std::runtime_error("results file '" + path +
                             "': not a Steppe results file (file_type is not steppe-results)");
  // A writer starts SWMR writing (the mark) once the file is laid out, before its first
  // sample, and closes with a final status. Neither: killed while creating the file, whose
  // metadata may be half on disk: no sample to keep, nothing trustworthy to repair.
  const std::string before = read_string_attribute(f, "status").value_or("");
  if (!marked && before != "complete" && before != "failed" && before != "interrupted")
    throw std::runtime_error("results file '" + path +
                             "': the run was killed while it created the file, before its "
                             "first sample: nothing to recover (run the study again)");
  RecoverVisit r;
  r.path = path;
  if (H5Lexists(f, "time", H5P_DEFAULT) > 0) {
    DatasetH t(check(H5Dopen2(f, "time", H5P_DEFAULT), path, "opening /time"));
    r.samples = length_1d(t.get()).value_or(0);
  }
  if (path_exists(f, "events/event")) {
    DatasetH e(check(H5Dopen2(f, "events/event", H5P_DEFAULT), path, "opening /events/event"));
    r.events = length_1d(e.get()).value_or(0);
  }
  check(H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, recover_visit, &r), path,
        "cutting the series to the complete samples");
  const std::string& status = before;
  std::string out = fmt::format("{}: {} complete samples, {} events", path, r.samples, r.events);
  if (r.rows_dropped > 0)
    out += fmt::format("; {} series cut to them ({} rows of unfinished samples dropped)",
                       r.series_cut, r.rows_dropped);
  {
    GroupH root(check(H5Gopen2(f, "/", H5P_DEFAULT), path, "opening /"));
    if (status == "running" || status.empty()) {
      write_string_attribute(root.get(), "status", "interrupted", path);
      write_string_attribute(
          root.get(), "message",
          fmt::format("the run was killed; steppe recover kept its {} complete samples", r.samples),
          path);
      write_attribute(root.get(), "samples", static_cast<std::int64_t>(r.samples), path);
      write_attribute(root.get(), "events", static_cast<std::int64_t>(r.events), path);
      out += "; status running -> interrupted";
    } else {
      out += "; status " + status + " kept";
    }
  }
  check(H5Fflush(f, H5F_SCOPE_GLOBAL), path, "flushing");
  if (file.reset() < 0) fail(path, "closing the file");
  work.replace();
  return out;
}

void prepare_hdf5() {
  // A file whose close failed (disk full) stays in HDF5's table, and the library's own
  // clean-up at exit then crashes on it: the process's exit releases everything anyway.
  H5dont_atexit();
  quiet_hdf5();
}

}  // namespace steppe
