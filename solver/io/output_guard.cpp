#include "solver/io/output_guard.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "solver/io/hdf5_handle.hpp"
#include "solver/io/hdf5_util.hpp"

namespace steppe {

namespace fs = std::filesystem;

namespace {

// "a directory", "a block device", … for a file that is not regular.
const char* kind_of(fs::file_type t) {
  switch (t) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::symlink:
      return "a symbolic link";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

}  // namespace

void check_writable_destination(const std::string& path, const std::string& role, bool replace) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (st.type() == fs::file_type::regular) {
    if (!replace)
      throw std::runtime_error(
          fmt::format("{} exists; use --force to replace it (nothing was run)", path));
    return;
  }
  if (st.type() != fs::file_type::not_found && st.type() != fs::file_type::none)
    throw std::runtime_error(
        fmt::format("the {} {} is {}: only a regular file is ever replaced; give another "
                    "path (nothing was run)",
                    role, path, kind_of(st.type())));
  // Nothing there: the nearest existing directory above must take new files.
  fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  while (!dir.empty() && !fs::exists(fs::symlink_status(dir, ec)) && dir != dir.root_path())
    dir = dir.parent_path();
  if (dir.empty()) return;
  const fs::file_status ds = fs::status(dir, ec);
  if (ds.type() != fs::file_type::directory)
    throw std::runtime_error(
        fmt::format("cannot write the {} {}: {} is not a directory (nothing was run)", role, path,
                    dir.string()));
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error(
        fmt::format("cannot write the {} {}: directory {}: {} (nothing was run)", role, path,
                    dir.string(), std::strerror(errno)));
}

// ---------------------------------------------------------------------------------------
// OutputLock

OutputLock::OutputLock(const std::string& destination) : path_(destination + ".lock") {
  for (int attempt = 0;; ++attempt) {
    const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
      throw std::runtime_error(fmt::format("cannot take the lock {} of the results file {}: {}",
                                           path_, destination, std::strerror(errno)));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      std::string holder(512, '\0');
      const ssize_t n = pread(fd, holder.data(), holder.size(), 0);
      holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
      close(fd);
      if (err == EWOULDBLOCK)
        throw std::runtime_error(fmt::format(
            "{} is being written by another run ({}; lock {}): two runs never write one "
            "results file; wait for it to end or give another -o (nothing was run)",
            destination, holder.empty() ? "a process that has not said who it is" : holder, path_));
      throw std::runtime_error(fmt::format("cannot lock {}: {}", path_, std::strerror(err)));
    }
    // A holder that was finishing may have removed the file we opened: lock the file that
    // is at the path now.
    struct stat a {
    }, b{};
    if (fstat(fd, &a) == 0 && stat(path_.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev) {
      fd_ = fd;
      break;
    }
    close(fd);
    if (attempt > 100)
      throw std::runtime_error(fmt::format("cannot lock {}: it keeps changing", path_));
  }
  const std::string who =
      fmt::format("pid {} on host {}, since {}\n", getpid(), host_name(), now_iso());
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, who.data(), who.size(), 0) < 0) {
    // The lock holds without the note; a refused second writer then says less.
  }
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  unlink(path_.c_str());  // while holding it: a waiting process re-checks the path
  close(fd_);
}

// ---------------------------------------------------------------------------------------
// Identity of results files

std::optional<ResultsIdentity> read_results_identity(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(path, ec))) return std::nullopt;
  quiet_hdf5();
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    id = H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  }
  if (id < 0) {
    H5Eclear2(H5E_DEFAULT);
    return std::nullopt;
  }
  FileH file(id);
  ResultsIdentity r;
  r.file_type = read_string_attribute(file.get(), "file_type").value_or("");
  r.run_id = read_string_attribute(file.get(), "run_id").value_or("");
  r.study_sha256 = read_string_attribute(file.get(), "study_sha256").value_or("");
  r.status = read_string_attribute(file.get(), "status").value_or("");
  auto rows = [&](const char* name) -> std::int64_t {
    if (!path_exists(file.get(), name)) return 0;
    DatasetH ds(H5Dopen2(file.get(), name, H5P_DEFAULT));
    const auto n = ds ? length_1d(ds.get()) : std::nullopt;
    return n ? static_cast<std::int64_t>(*n) : 0;
  };
  r.samples = rows("time");
  r.events = rows("events/event");
  H5Eclear2(H5E_DEFAULT);
  return r;
}

std::string new_run_id() {
  std::random_device rd;
  std::uint64_t a = (std::uint64_t(rd()) << 32) ^ rd();
  std::uint64_t b = (std::uint64_t(rd()) << 32) ^ rd();
  a ^= static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  b ^= static_cast<std::uint64_t>(getpid()) << 17;
  return fmt::format("{:016x}{:016x}", a, b);
}

namespace {

// How a file on disk relates to the checkpoint's run, for messages.
std::string describe_for(const std::string& path, const Checkpoint& c) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (st.type() == fs::file_type::not_found) return path + ": absent";
  if (st.type() != fs::file_type::regular) return fmt::format("{}: {}", path, kind_of(st.type()));
  const auto id = read_results_identity(path);
  if (!id) return path + ": not a readable HDF5 file";
  if (id->file_type != "steppe-results") return path + ": not a Steppe results file";
  if (id->run_id.empty()) return path + ": written without a run id (by an older steppe)";
  if (id->run_id != c.run_id)
    return fmt::format("{}: written by another run (run id {}, the checkpoint's is {})", path,
                       id->run_id, c.run_id);
  if (id->study_sha256 != c.study_sha256)
    return fmt::format("{}: its study differs from the checkpoint's", path);
  return path + ": the checkpoint's run";
}

bool belongs(const std::optional<ResultsIdentity>& id, const Checkpoint& c) {
  return id && id->file_type == "steppe-results" && !id->run_id.empty() && id->run_id == c.run_id &&
         id->study_sha256 == c.study_sha256;
}

}  // namespace

bool results_fit_checkpoint(const Checkpoint& c, const std::string& final_path) {
  for (const std::string& p : {final_path + ".part", final_path})
    if (const auto id = read_results_identity(p);
        belongs(id, c) && id->samples >= c.samples && id->events >= c.events)
      return true;
  return false;
}

std::string claim_results_for_restart(const Checkpoint& c, const std::string& final_path) {
  const std::string part = final_path + ".part";
  const auto part_id = read_results_identity(part);
  const auto final_id = read_results_identity(final_path);
  const bool use_part = belongs(part_id, c);
  if (!use_part && !belongs(final_id, c))
    throw std::runtime_error(fmt::format(
        "the checkpoint's results file is not there: {}; {}. Nothing was changed; a restart "
        "continues only the file its checkpoint was written with",
        describe_for(part, c), describe_for(final_path, c)));
  const ResultsIdentity& id = use_part ? *part_id : *final_id;
  const std::string& path = use_part ? part : final_path;
  if (id.samples < c.samples || id.events < c.events)
    throw std::runtime_error(fmt::format(
        "{} holds {} samples and {} events, the checkpoint counts {} and {}: it was cut or "
        "replaced since; nothing was changed",
        path, id.samples, id.events, c.samples, c.events));
  if (use_part) return part;
  std::error_code ec;
  if (fs::exists(fs::symlink_status(part, ec)))
    throw std::runtime_error(fmt::format(
        "{} would continue at {}, but that holds something else ({}); move it away first "
        "(nothing was changed)",
        final_path, part, describe_for(part, c)));
  fs::rename(final_path, part, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot rename {} to {}: {}", final_path, part, ec.message()));
  return part;
}

}  // namespace steppe
