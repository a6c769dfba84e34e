// Output benchmark: the cost per output sample of the results file for layouts of 100,
// 1,000 and 10,000 columns (scripts/bench output runs it). Each case writes `samples`
// frames of smooth, full-mantissa values (as physics outputs are) through ResultsFile with
// the writer's default options (env DEFL, FLUSH, CHUNK override them) and reports µs per
// sample, file size and peak memory growth. The same source builds against an older
// writer (scripts/bench_output.py builds it on main's tree) for a side-by-side comparison.
#include <fmt/format.h>
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"
#include "solver/io/results_file.hpp"

using namespace steppe;

namespace {

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// An option from the environment: a whole number, or the run stops (an empty or mistyped
// value must not pass as 0).
void env_int(const char* name, int& option) {
  const char* v = std::getenv(name);
  if (!v) return;
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || errno != 0 || x < INT_MIN || x > INT_MAX) {
    std::fprintf(stderr, "steppe_bench_output: %s=\"%s\" is not a whole number\n", name, v);
    std::exit(2);
  }
  option = static_cast<int>(x);
}

// `columns` spread over groups × series × elements like a study's layout.
ResultsLayout make_layout(int columns) {
  const int groups = columns >= 1000 ? 10 : 5;
  const int series = columns >= 1000 ? 10 : 4;
  const int elements = std::max(1, columns / (groups * series));
  ResultsLayout layout;
  for (int g = 0; g < groups; ++g) {
    std::vector<std::string> names;
    for (int e = 0; e < elements; ++e) names.push_back(fmt::format("E{}", e));
    const int gi = layout.add_group(fmt::format("d/g{}", g), names);
    for (int s = 0; s < series; ++s) layout.add_series(gi, fmt::format("q{}", s), "Pa", "q");
  }
  return layout;
}

// The rows of every [time × element] float dataset of a results file, side by side:
// source[k] is sample k's values (real output: constant ratings and modes, smooth
// pressures, noisy flows), so compression sees what it sees in a run.
std::vector<std::vector<double>> read_frames(const std::string& path) {
  FileH f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<std::vector<double>> columns;
  auto visit = [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type != H5O_TYPE_DATASET) return 0;
    DatasetH ds(H5Dopen2(root, name, H5P_DEFAULT));
    SpaceH space(H5Dget_space(ds.get()));
    TypeH type(H5Dget_type(ds.get()));
    hsize_t dims[2] = {0, 0};
    if (H5Sget_simple_extent_ndims(space.get()) != 2 || H5Tget_class(type.get()) != H5T_FLOAT)
      return 0;
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    std::vector<double> v(dims[0] * dims[1]);
    H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    auto& cols = *static_cast<std::vector<std::vector<double>>*>(data);
    for (hsize_t c = 0; c < dims[1]; ++c) {
      std::vector<double> col(dims[0]);
      for (hsize_t r = 0; r < dims[0]; ++r) col[r] = v[r * dims[1] + c];
      cols.push_back(std::move(col));
    }
    return 0;
  };
  H5Ovisit(f.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &columns);
  if (columns.empty()) throw std::runtime_error(path + " holds no series");
  std::vector<std::vector<double>> frames(columns.front().size());
  for (std::size_t k = 0; k < frames.size(); ++k)
    for (const auto& col : columns) frames[k].push_back(col[k]);
  return frames;
}

}  // namespace

int main(int argc, char** argv) {
  prepare_hdf5();
  const std::string dir = argc > 1 ? argv[1] : ".";
  const int samples = argc > 2 ? std::atoi(argv[2]) : 2000;
  // Values from a results file (argv[3]), its columns repeated to the width asked for;
  // else smooth synthetic values with full mantissas.
  const std::vector<std::vector<double>> source =
      argc > 3 ? read_frames(argv[3]) : std::vector<std::vector<double>>{};
  WriterOptions o;  // the writer's defaults; env DEFL, FLUSH, CHUNK override them
  env_int("DEFL", o.deflate_level);
  env_int("FLUSH", o.flush_every);
  env_int("CHUNK", o.chunk_samples);
  std::printf("%8s %8s %12s %12s %12s\n", "columns", "samples", "µs/sample", "file MB", "ΔRSS MB");
  for (int columns : {100, 1000, 10000}) {
    const ResultsLayout layout = make_layout(columns);
    const std::string path = fmt::format("{}/output_bench_{}.h5", dir, columns);
    std::vector<double> frame(static_cast<std::size_t>(layout.frame_size()));
    const long rss0 = max_rss_kb();
    double s = 0.0;  // seconds inside the results file (creation, appends, close)
    {
      auto t0 = std::chrono::steady_clock::now();
      ResultsFile file(path, layout, "2024-01-01 00:00:00", {}, o);
      s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (int k = 0; k < samples; ++k) {
        const double t = 60.0 * k;
        if (source.empty()) {
          for (std::size_t c = 0; c < frame.size(); ++c)
            frame[c] = 5e6 + 1e5 * std::sin(1e-4 * t + 0.1 * static_cast<double>(c));
        } else {
          const auto& row = source[static_cast<std::size_t>(k) % source.size()];
          for (std::size_t c = 0; c < frame.size(); ++c) frame[c] = row[c % row.size()];
        }
        t0 = std::chrono::steady_clock::now();
        file.append(t, frame);
        s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      t0 = std::chrono::steady_clock::now();
      file.close("complete", {});
      s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
    std::printf("%8d %8d %12.2f %12.2f %12.1f\n", layout.frame_size(), samples, 1e6 * s / samples,
                mb, static_cast<double>(max_rss_kb() - rss0) / 1024.0);
    std::filesystem::remove(path);
  }
  return 0;
}
