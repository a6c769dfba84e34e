#include "solver/study/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace steppe {

namespace {

const char* file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

}  // namespace

std::string byte_size_text(double bytes) {
  if (bytes < 1024 * 1024) return fmt::format("{:.0f} kB", bytes / 1024);
  if (bytes < 1024.0 * 1024 * 1024) return fmt::format("{:.1f} MiB", bytes / (1024 * 1024));
  return fmt::format("{:.1f} GiB", bytes / (1024.0 * 1024 * 1024));
}

std::optional<std::string> read_input_file(const std::string& path, std::size_t max_bytes,
                                           std::string& error) {
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = fmt::format("is {}, not a regular file", file_kind(st.st_mode));
    return std::nullopt;
  }
  const auto too_big = [&](double bytes) {
    error = fmt::format("is {}; such a file may be at most {}", byte_size_text(bytes),
                        byte_size_text(double(max_bytes)));
    return std::nullopt;
  };
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) return too_big(double(st.st_size));
  // At most one byte more than the limit is read: a file that grows while it is read, or
  // one whose size says 0 (/proc), is bounded all the same.
  std::string text(std::min<std::size_t>(static_cast<std::size_t>(st.st_size) + 1, max_bytes + 1),
                   '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (text.size() > max_bytes) return too_big(double(text.size()));
      text.resize(std::min(text.size() * 2 + 4096, max_bytes + 1));
    }
    const ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace steppe
