// HDF5 results file: see results_file.hpp for the layout and the SWMR contract.
#include "solver/io/results_file.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
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
constexpr std::size_t kEventMessageBytes = 256;
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

}  // namespace

// ---------------------------------------------------------------------------------------
// ResultsFile

struct ResultsFile::Impl {
  struct SeriesOut {
    DatasetH dataset;
    hsize_t first_column = 0;
    hsize_t width = 0;
  };

  std::string path;
  ResultsLayout layout;
  WriterOptions options;
  bool open = false;

  FileH file;  // declared first: destroyed last
  DatasetH time_ds;
  std::vector<SeriesOut> series;
  DatasetH ev_index, ev_time, ev_kind, ev_element, ev_value, ev_message;

  // Sample buffer: rows [0, buffered) of a flush_every × frame_size block.
  std::vector<double> frame_buffer;
  std::vector<double> time_buffer;
  hsize_t buffered = 0;
  hsize_t written = 0;

  std::vector<EventRecord> pending_events;
  hsize_t events_written = 0;

  [[noreturn]] void fail_here(std::string_view what) const { fail(path, what); }

  void create(const std::string& start_iso, const std::vector<Attribute>& attributes);
  void reopen(std::int64_t samples, std::int64_t events);
  void open_datasets();
  void create_events(hid_t file_id);
  void write_samples();
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
// being filled stays in memory between flushes without growing per dataset.
PlistH dapl_for(std::size_t chunk_bytes, const std::string& path) {
  PlistH dapl(check(H5Pcreate(H5P_DATASET_ACCESS), path, "creating access properties"));
  const std::size_t nbytes = std::max<std::size_t>(2 * chunk_bytes + 1024, 64 * 1024);
  check(H5Pset_chunk_cache(dapl.get(), 127, nbytes, 1.0), path, "setting chunk cache");
  return dapl;
}

// Chunk length along time. SWMR cannot reuse file space, and a compressed chunk that is
// rewritten (because a flush wrote it half full) gets new space each time: with 256-row
// chunks flushed every 32 rows the file grew 4.6x, flushed every row 130x. So a flush
// should write whole chunks: the chunk length is flush_every when that fits under
// chunk_samples and the 1 MiB cap, else the largest divisor of flush_every that is at
// least half the cap (else the cap, leaving one partial chunk per flush).
hsize_t chunk_rows(const WriterOptions& options, std::size_t row_bytes) {
  const std::size_t byte_cap =
      std::max<std::size_t>(1, kMaxChunkBytes / std::max<std::size_t>(row_bytes, 1));
  const std::size_t cap =
      std::min<std::size_t>(static_cast<std::size_t>(options.chunk_samples), byte_cap);
  const auto flush = static_cast<std::size_t>(options.flush_every);
  if (flush <= cap) return flush;
  for (std::size_t c = cap; 2 * c >= cap && c > 0; --c)
    if (flush % c == 0) return c;
  return cap;
}

// Extends `ds` (rank 1, or rank 2 with `width` columns) along dim 0 from `old_rows` to
// `new_rows` (H5Dset_extent, then the file space fetched again) and writes the selection
// `mspace` of `data` into the new rows.
void append_rows(hid_t ds, int rank, hsize_t old_rows, hsize_t new_rows, hsize_t width,
                 hid_t mem_type, hid_t mspace, const void* data, const std::string& path,
                 const std::string& what) {
  const hsize_t dims[2] = {new_rows, width};
  check(H5Dset_extent(ds, dims), path, what);
  if (rank == 2 && width == 0) return;
  SpaceH fspace(check(H5Dget_space(ds), path, what));
  const hsize_t start[2] = {old_rows, 0}, count[2] = {new_rows - old_rows, width};
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), path,
        what);
  check(H5Dwrite(ds, mem_type, mspace, fspace.get(), H5P_DEFAULT, data), path, what);
}

}  // namespace

void ResultsFile::Impl::create(const std::string& start_iso,
                               const std::vector<Attribute>& attributes) {
  if (options.chunk_samples < 1 || options.flush_every < 1 || options.deflate_level < 0 ||
      options.deflate_level > 9)
    throw std::invalid_argument("results file '" + path +
                                "': chunk_samples and flush_every must be >= 1, "
                                "deflate_level in 0..9");
  quiet_hdf5();
  if (options.deflate_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    fail_here("the deflate filter is not available");

  // --- File with the latest format (required for SWMR). ---
  PlistH fapl(check(H5Pcreate(H5P_FILE_ACCESS), path, "creating file access properties"));
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), path,
        "setting library version bounds");
  // Laid out under a temporary name and renamed once SWMR writing has started (which
  // flushes it): a process killed while the layout is written never leaves a file at
  // `path` that cannot be opened.
  const std::string creating = path + ".new";
  file = FileH(check(H5Fcreate(creating.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), path,
                     "creating the file"));
  struct RemoveUnlessRenamed {
    const std::string& name;
    bool renamed = false;
    ~RemoveUnlessRenamed() {
      if (!renamed) std::remove(name.c_str());
    }
  } cleanup{creating};
  const hid_t f = file.get();

  // --- Root attributes (fixed ones last, so they win over same-named ones). ---
  {
    GroupH root(check(H5Gopen2(f, "/", H5P_DEFAULT), path, "opening /"));
    for (const Attribute& a : attributes) write_attribute(root.get(), a.name, a.value, path);
    write_string_attribute(root.get(), "file_type", "steppe-results", path);
    write_string_attribute(root.get(), "format_version", "1.0", path);
    write_string_attribute(root.get(), "status", "running", path);
  }

  // --- /time ---
  {
    const hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
    const hsize_t chunk[1] = {chunk_rows(options, sizeof(double))};
    SpaceH space(check(H5Screate_simple(1, dims, maxdims), path, "creating /time space"));
    PlistH dcpl = chunked_dcpl(1, chunk, options.deflate_level, true, path);
    DatasetH ds(check(
        H5Dcreate2(f, "time", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        path, "creating /time"));
    make_time_scale(ds.get(), "seconds since " + start_iso, path);
    time_ds = std::move(ds);
  }

  // --- Groups, coordinates and series. ---
  const auto& groups = layout.groups();
  std::vector<DatasetH> coords;
  coords.reserve(groups.size());
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const ResultsLayout::Group& g = groups[gi];
    GroupH grp = ensure_group(f, g.path, path);
    const hsize_t width = layout.group_width(static_cast<int>(gi));
    const hsize_t dims[1] = {width};
    SpaceH space(check(H5Screate_simple(1, dims, nullptr), path, "creating coordinate space"));
    const std::string what = "writing coordinate '" + g.path + "/" + g.coord_name + "'";
    DatasetH ds;
    if (g.coord_name == "name" && g.coord_values.empty()) {
      TypeH type = vlen_utf8_type(path);
      ds = DatasetH(check(H5Dcreate2(grp.get(), "name", type.get(), space.get(), H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT),
                          path, what));
      std::vector<const char*> ptrs;
      ptrs.reserve(g.names.size());
      for (const std::string& n : g.names) ptrs.push_back(n.c_str());
      if (width > 0)
        check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), path,
              what);
      make_dimension_scale(ds.get(), g.coord_name, "", "element name", path);
    } else {
      ds = DatasetH(check(H5Dcreate2(grp.get(), g.coord_name.c_str(), H5T_IEEE_F64LE, space.get(),
                                     H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          path, what));
      if (width > 0)
        check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       g.coord_values.data()),
              path, what);
      make_dimension_scale(ds.get(), g.coord_name, g.coord_units, g.coord_long_name, path);
    }
    coords.push_back(std::move(ds));
  }

  for (const ResultsLayout::Series& s : layout.series()) {
    const ResultsLayout::Group& g = groups[static_cast<std::size_t>(s.group)];
    const hsize_t width = layout.group_width(s.group);
    const std::string ds_path = "/" + g.path + "/" + s.name;
    const std::string what = "creating series '" + ds_path + "'";
    const hsize_t dims[2] = {0, width};
    // A zero-width fixed dimension cannot be chunked: let it be unlimited instead.
    const hsize_t maxdims[2] = {H5S_UNLIMITED, width > 0 ? width : H5S_UNLIMITED};
    const hsize_t chunk[2] = {chunk_rows(options, width * sizeof(double)),
                              std::max<hsize_t>(width, 1)};
    SpaceH space(check(H5Screate_simple(2, dims, maxdims), path, what));
    PlistH dcpl = chunked_dcpl(2, chunk, options.deflate_level, true, path);
    DatasetH ds(check(H5Dcreate2(f, ds_path.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                 dcpl.get(), H5P_DEFAULT),
                      path, what));
    write_string_attribute(ds.get(), "units", s.units, path);
    write_string_attribute(ds.get(), "long_name", s.long_name, path);
    check(H5DSattach_scale(ds.get(), time_ds.get(), 0), path, what);
    check(H5DSattach_scale(ds.get(), coords[static_cast<std::size_t>(s.group)].get(), 1), path,
          what);
  }

  create_events(f);

  // --- Start SWMR: attributes closed; reopen datasets afterwards. ---
  coords.clear();
  time_ds.reset();
  check(H5Fstart_swmr_write(f), path, "starting SWMR write");
  open_datasets();
  if (std::rename(creating.c_str(), path.c_str()) != 0)
    throw std::runtime_error("results file '" + path + "': cannot rename " + creating +
                             " to it: " + std::strerror(errno));
  cleanup.renamed = true;
}

void ResultsFile::Impl::open_datasets() {
  const hid_t f = file.get();
  {
    const std::size_t chunk_bytes = chunk_rows(options, sizeof(double)) * 8;
    PlistH dapl = dapl_for(chunk_bytes, path);
    time_ds = DatasetH(check(H5Dopen2(f, "time", dapl.get()), path, "opening /time"));
  }
  const auto& groups = layout.groups();
  series.clear();
  series.reserve(layout.series().size());
  for (const ResultsLayout::Series& s : layout.series()) {
    const hsize_t width = layout.group_width(s.group);
    const std::string ds_path = "/" + groups[static_cast<std::size_t>(s.group)].path + "/" + s.name;
    PlistH dapl = dapl_for(
        chunk_rows(options, width * sizeof(double)) * std::max<hsize_t>(width, 1) * sizeof(double),
        path);
    SeriesOut out;
    out.dataset = DatasetH(
        check(H5Dopen2(f, ds_path.c_str(), dapl.get()), path, "opening series '" + ds_path + "'"));
    out.first_column = static_cast<hsize_t>(s.first_column);
    out.width = width;
    series.push_back(std::move(out));
  }
  {
    PlistH dapl = dapl_for(kEventChunk * kEventMessageBytes, path);
    auto open_ev = [&](const char* name) {
      return DatasetH(check(H5Dopen2(f, (std::string("/events/") + name).c_str(), dapl.get()), path,
                            std::string("opening /events/") + name));
    };
    ev_index = open_ev("event");
    ev_time = open_ev("time");
    ev_kind = open_ev("kind");
    ev_element = open_ev("element");
    ev_value = open_ev("value");
    ev_message = open_ev("message");
  }

  frame_buffer.assign(
      static_cast<std::size_t>(options.flush_every) * static_cast<std::size_t>(layout.frame_size()),
      0.0);
  time_buffer.assign(static_cast<std::size_t>(options.flush_every), 0.0);
  pending_events.reserve(kEventBufferMax);
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

}  // namespace

void ResultsFile::Impl::reopen(std::int64_t samples, std::int64_t events) {
  quiet_hdf5();
  PlistH fapl(check(H5Pcreate(H5P_FILE_ACCESS), path, "creating file access properties"));
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), path,
        "setting library version bounds");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get());
  if (id < 0) {
    // A writer that was killed leaves the superblock marked "open for SWMR writing";
    // clear it as `h5clear -s` does (HDF5's file-access property for exactly that).
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
  file = FileH(check(id, path, "reopening to continue it"));
  const hid_t f = file.get();
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
  for (const char* name : {"event", "time", "kind", "element", "value", "message"}) {
    const std::string p = std::string("/events/") + name;
    DatasetH ds(check(H5Dopen2(f, p.c_str(), H5P_DEFAULT), path, "opening " + p));
    cut_rows(ds.get(), static_cast<hsize_t>(events), path, p);
  }
  {  // after every check: a file that does not fit keeps its status
    GroupH root(check(H5Gopen2(f, "/", H5P_DEFAULT), path, "opening /"));
    write_string_attribute(root.get(), "status", "running", path);
  }
  check(H5Fflush(f, H5F_SCOPE_GLOBAL), path, "flushing");
  check(H5Fstart_swmr_write(f), path, "starting SWMR write");
  open_datasets();
  written = static_cast<hsize_t>(samples);
  events_written = static_cast<hsize_t>(events);
}

void ResultsFile::Impl::create_events(hid_t f) {
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
  TypeH msg_t = fixed_utf8_type(kEventMessageBytes, path);
  DatasetH cols[5] = {make("time", H5T_IEEE_F64LE, dcpl_num.get()),
                      make("kind", kind_t.get(), dcpl_other.get()),
                      make("element", elem_t.get(), dcpl_other.get()),
                      make("value", H5T_IEEE_F64LE, dcpl_num.get()),
                      make("message", msg_t.get(), dcpl_other.get())};
  write_string_attribute(cols[0].get(), "units", "s", path);
  write_string_attribute(cols[0].get(), "long_name", "event time since start", path);
  write_string_attribute(cols[1].get(), "long_name", "event kind", path);
  write_string_attribute(cols[2].get(), "long_name", "element name", path);
  write_string_attribute(cols[3].get(), "long_name", "triggering value (SI)", path);
  write_string_attribute(cols[4].get(), "long_name", "message", path);
  // Fixed-length byte strings: xarray decodes them to str with this CF hint.
  for (int k : {1, 2, 4}) write_string_attribute(cols[k].get(), "_Encoding", "utf-8", path);
  for (DatasetH& c : cols)
    check(H5DSattach_scale(c.get(), index.get(), 0), path, "attaching /events/event");
}

void ResultsFile::Impl::write_samples() {
  if (buffered == 0) return;
  const hsize_t rows = buffered;
  const hsize_t new_rows = written + rows;
  // The memory side picks each series' columns out of the [rows × frame] buffer.
  const hsize_t mdims[2] = {rows, static_cast<hsize_t>(layout.frame_size())};
  SpaceH mspace(check(H5Screate_simple(2, mdims, nullptr), path, "creating memory space"));
  for (SeriesOut& s : series) {
    if (s.width > 0) {
      const hsize_t mstart[2] = {0, s.first_column}, count[2] = {rows, s.width};
      check(H5Sselect_hyperslab(mspace.get(), H5S_SELECT_SET, mstart, nullptr, count, nullptr),
            path, "selecting frame columns");
    }
    append_rows(s.dataset.get(), 2, written, new_rows, s.width, H5T_NATIVE_DOUBLE, mspace.get(),
                frame_buffer.data(), path, "writing a series");
  }
  // /time last, after the series are on disk: a run killed in between leaves /time
  // shorter, never longer, than the series, so len(/time) always counts complete rows.
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flushing");
  {
    const hsize_t tdims[1] = {rows};
    SpaceH tspace(check(H5Screate_simple(1, tdims, nullptr), path, "creating memory space"));
    append_rows(time_ds.get(), 1, written, new_rows, 1, H5T_NATIVE_DOUBLE, tspace.get(),
                time_buffer.data(), path, "writing /time");
  }
  written = new_rows;
  buffered = 0;
}

void ResultsFile::Impl::write_events() {
  if (pending_events.empty()) return;
  const hsize_t n = pending_events.size();
  const hsize_t old_n = events_written, new_n = old_n + n;
  const hsize_t mdims[1] = {n};
  SpaceH mspace(check(H5Screate_simple(1, mdims, nullptr), path, "creating memory space"));

  auto write_col = [&](hid_t ds, hid_t mem_type, const void* data, const char* name) {
    append_rows(ds, 1, old_n, new_n, 1, mem_type, mspace.get(), data, path,
                std::string("writing /events/") + name);
  };

  std::vector<double> num(n);
  for (hsize_t k = 0; k < n; ++k) num[k] = pending_events[k].time;
  write_col(ev_time.get(), H5T_NATIVE_DOUBLE, num.data(), "time");
  for (hsize_t k = 0; k < n; ++k) num[k] = pending_events[k].value;
  write_col(ev_value.get(), H5T_NATIVE_DOUBLE, num.data(), "value");

  std::vector<char> text;
  auto write_text = [&](hid_t ds, std::size_t width, std::string EventRecord::*field,
                        const char* name) {
    text.assign(n * width, '\0');
    for (hsize_t k = 0; k < n; ++k)
      copy_utf8_truncated(pending_events[k].*field, text.data() + k * width, width);
    TypeH type = fixed_utf8_type(width, path);
    write_col(ds, type.get(), text.data(), name);
  };
  write_text(ev_kind.get(), kEventKindBytes, &EventRecord::kind, "kind");
  write_text(ev_element.get(), kEventElementBytes, &EventRecord::element, "element");
  write_text(ev_message.get(), kEventMessageBytes, &EventRecord::message, "message");
  // The index (the dimension scale) last, as /time for the samples.
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flushing");
  std::vector<std::int64_t> index(n);
  for (hsize_t k = 0; k < n; ++k) index[k] = static_cast<std::int64_t>(old_n + k);
  write_col(ev_index.get(), H5T_NATIVE_INT64, index.data(), "event");

  events_written = new_n;
  pending_events.clear();
}

void ResultsFile::Impl::flush_all() {
  write_samples();
  write_events();
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "flushing");
}

// Closes datasets, then the file; throws if closing the file fails.
void ResultsFile::Impl::close_handles() {
  open = false;
  series.clear();
  time_ds.reset();
  ev_index.reset();
  ev_time.reset();
  ev_kind.reset();
  ev_element.reset();
  ev_value.reset();
  ev_message.reset();
  if (file && file.reset() < 0) fail_here("closing the file");
  frame_buffer = {};
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
  // A previous flush failed and left the buffer full: retry it before adding a row.
  if (m.buffered >= static_cast<hsize_t>(m.options.flush_every)) m.flush_all();
  const std::size_t row = static_cast<std::size_t>(m.buffered);
  m.time_buffer[row] = time;
  std::copy(frame.begin(), frame.end(),
            m.frame_buffer.begin() + static_cast<std::ptrdiff_t>(row * fs));
  ++m.buffered;
  // Flushed at every multiple of flush_every rows of the file (not of the buffer), so an
  // explicit flush or a restart between them does not shift the chunks flushes fill.
  const auto every = static_cast<hsize_t>(m.options.flush_every);
  if (m.buffered >= every || (m.written + m.buffered) % every == 0) m.flush_all();
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

void ResultsFile::close(const std::string& status, const std::vector<Attribute>& final_attributes) {
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

  // Reopen without SWMR to write the final attributes (SWMR forbids new attributes).
  FileH f(check(H5Fopen(m.path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), m.path,
                "reopening to write the final attributes"));
  {
    GroupH root(check(H5Gopen2(f.get(), "/", H5P_DEFAULT), m.path, "opening /"));
    for (const Attribute& a : final_attributes)
      write_attribute(root.get(), a.name, a.value, m.path);
    write_string_attribute(root.get(), "status", status, m.path);
  }
  if (f.reset() < 0) fail(m.path, "closing the file after writing the final attributes");
}

std::int64_t ResultsFile::samples_written() const {
  return static_cast<std::int64_t>(impl_->written);
}

bool ResultsFile::at_whole_chunks() const {
  const Impl& m = *impl_;
  if (m.buffered != 0) return false;
  hsize_t whole = chunk_rows(m.options, sizeof(double));
  for (int g = 0; g < static_cast<int>(m.layout.groups().size()); ++g)
    whole = std::lcm(whole, chunk_rows(m.options, m.layout.group_width(g) * sizeof(double)));
  return m.written % whole == 0;
}

std::int64_t ResultsFile::events_written() const {
  return static_cast<std::int64_t>(impl_->events_written);
}

const std::string& ResultsFile::path() const {
  return impl_->path;
}

void prepare_hdf5() {
  // A file whose close failed (disk full) stays in HDF5's table, and the library's own
  // clean-up at exit then crashes on it: the process's exit releases everything anyway.
  H5dont_atexit();
  quiet_hdf5();
}

}  // namespace steppe
