// Reading an input file (a study, a profile CSV, an imported network): only a regular
// file, opened without blocking (a FIFO with no writer does not hang the run) and read up
// to a size limit (/dev/zero, a device or a huge file is refused at once, not read into
// memory).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace steppe {

// The file's bytes, or nullopt with `error` saying why not ("No such file or directory",
// "is a FIFO: …", "is 40.0 MiB: … at most 32.0 MiB"), without the path.
std::optional<std::string> read_input_file(const std::string& path, std::size_t max_bytes,
                                           std::string& error);

// "12 kB", "1.5 MiB", "2.0 GiB".
std::string byte_size_text(double bytes);

}  // namespace steppe
