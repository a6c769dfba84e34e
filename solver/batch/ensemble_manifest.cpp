// The sweep manifest DIR/sweep.yaml: see ensemble.hpp.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "solver/batch/ensemble.hpp"

namespace steppe {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------
// Atomic small-file writes

std::string errno_text(int err) {
  return std::string(std::strerror(err));
}

// Writes `content` to `path` through a uniquely named temporary file in the same
// directory (host, pid and a random number: concurrent writers on a shared file system
// never share one), fsync'ed, then renamed over `path`.
void write_file_atomically(const std::string& path, const std::string& content,
                           std::string_view what) {
  const fs::path target(path);
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device rd;
  const std::string tmp =
      (target.parent_path() / fmt::format(".{}.{}.{}.{:08x}.tmp", target.filename().string(),
                                          host.data(), static_cast<long>(::getpid()), rd()))
          .string();
  auto failure = [&](const std::string& step, int err) {
    return std::runtime_error(fmt::format("{} '{}': {}: {}", what, path, step, errno_text(err)));
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw failure("cannot create temporary file '" + tmp + "'", errno);
  std::size_t done = 0;
  int err = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  std::string step = "writing '" + tmp + "'";
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    step = "renaming '" + tmp + "'";
  }
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw failure(step, err);
  }
  // Make the rename itself durable (best effort).
  const std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

std::string manifest_path(const std::string& dir) {
  return (fs::path(dir) / kSweepManifestFile).string();
}

}  // namespace

void validate_manifest(const EnsembleManifest& m) {
  if (!std::isfinite(m.duration) || m.duration <= 0)
    throw std::invalid_argument(fmt::format("duration must be > 0 s (got {})", m.duration));
  if (!std::isfinite(m.output_interval) || m.output_interval <= 0)
    throw std::invalid_argument(
        fmt::format("output_interval must be > 0 s (got {})", m.output_interval));
  if (m.duration / m.output_interval > 1e8)
    throw std::invalid_argument(fmt::format("duration / output_interval = {} is too many samples",
                                            m.duration / m.output_interval));
  for (std::size_t i = 0; i < m.scenarios.size(); ++i)
    if (m.scenarios[i].index != static_cast<int>(i))
      throw std::invalid_argument(fmt::format("scenario {} ('{}') has index {}: must be {}", i,
                                              m.scenarios[i].name, m.scenarios[i].index, i));
}

void write_manifest(const std::string& dir, const EnsembleManifest& m) {
  validate_manifest(m);
  YAML::Emitter out;
  out << YAML::Comment("Steppe sweep manifest (steppe sweep): one entry per scenario");
  out << YAML::BeginMap;
  out << YAML::Key << "file_type" << YAML::Value << "steppe-sweep";
  out << YAML::Key << "format_version" << YAML::Value << YAML::DoubleQuoted << "1.0";
  out << YAML::Key << "study_path" << YAML::Value << YAML::DoubleQuoted << m.study_path;
  out << YAML::Key << "study_name" << YAML::Value << YAML::DoubleQuoted << m.study_name;
  out << YAML::Key << "start" << YAML::Value << YAML::DoubleQuoted << m.start_iso;
  // Shortest text that reads back as the same double.
  out << YAML::Key << "duration_s" << YAML::Value << fmt::format("{}", m.duration);
  out << YAML::Key << "output_interval_s" << YAML::Value << fmt::format("{}", m.output_interval);
  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginSeq;
  for (const std::string& o : m.outputs) out << YAML::DoubleQuoted << o;
  out << YAML::EndSeq;
  out << YAML::Key << "scenarios" << YAML::Value << YAML::BeginSeq;
  for (const EnsembleScenario& s : m.scenarios) {
    out << YAML::BeginMap;
    out << YAML::Key << "index" << YAML::Value << s.index;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << s.name;
    out << YAML::Key << "file" << YAML::Value << YAML::DoubleQuoted << s.file;
    out << YAML::Key << "overrides" << YAML::Value;
    if (s.overrides.empty()) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const std::string& o : s.overrides) out << YAML::DoubleQuoted << o;
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  const std::string path = manifest_path(dir);
  if (!out.good()) throw std::runtime_error("sweep manifest '" + path + "': " + out.GetLastError());
  write_file_atomically(path, std::string(out.c_str()) + "\n", "sweep manifest");
}

EnsembleManifest read_manifest(const std::string& dir) {
  const std::string path = manifest_path(dir);
  auto error = [&](const std::string& what) {
    return std::runtime_error("sweep manifest '" + path + "': " + what);
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error("cannot open: " + errno_text(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw error("cannot read: " + errno_text(errno));

  // "line N: key: problem"
  auto at = [](const YAML::Node& node, const std::string& key) {
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? key : fmt::format("line {}: {}", mark.line + 1, key);
  };
  auto field = [&](const YAML::Node& map, const char* key, const std::string& where) {
    const YAML::Node v = map[key];
    if (!v) throw error(at(map, where + key) + ": missing");
    return v;
  };
  auto text_of = [&](const YAML::Node& v, const std::string& key) {
    if (!v.IsScalar()) throw error(at(v, key) + ": expected a string");
    return v.Scalar();
  };
  auto number_of = [&](const YAML::Node& v, const std::string& key) {
    try {
      return v.as<double>();
    } catch (const YAML::Exception&) {
      throw error(at(v, key) + ": expected a number");
    }
  };
  auto strings_of = [&](const YAML::Node& v, const std::string& key) {
    std::vector<std::string> out;
    if (!v.IsSequence()) throw error(at(v, key) + ": expected a list of strings");
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(text_of(v[i], fmt::format("{}[{}]", key, i)));
    return out;
  };

  EnsembleManifest m;
  try {
    const YAML::Node doc = YAML::Load(text.str());
    if (!doc.IsMap()) throw error("not a mapping (is it a sweep manifest?)");
    if (text_of(field(doc, "file_type", ""), "file_type") != "steppe-sweep")
      throw error(at(doc["file_type"], "file_type") + ": not 'steppe-sweep'");
    const std::string version = text_of(field(doc, "format_version", ""), "format_version");
    if (version.rfind("1.", 0) != 0)
      throw error(at(doc["format_version"], "format_version") + ": '" + version +
                  "' is not supported (1.x)");
    m.study_path = text_of(field(doc, "study_path", ""), "study_path");
    m.study_name = text_of(field(doc, "study_name", ""), "study_name");
    m.start_iso = text_of(field(doc, "start", ""), "start");
    m.duration = number_of(field(doc, "duration_s", ""), "duration_s");
    m.output_interval = number_of(field(doc, "output_interval_s", ""), "output_interval_s");
    m.outputs = strings_of(field(doc, "outputs", ""), "outputs");
    const YAML::Node list = field(doc, "scenarios", "");
    if (!list.IsSequence()) throw error(at(list, "scenarios") + ": expected a list");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node s = list[i];
      const std::string where = fmt::format("scenarios[{}].", i);
      if (!s.IsMap())
        throw error(at(s, where.substr(0, where.size() - 1)) + ": expected a mapping");
      EnsembleScenario sc;
      const YAML::Node index = field(s, "index", where);
      try {
        sc.index = index.as<int>();
      } catch (const YAML::Exception&) {
        throw error(at(index, where + "index") + ": expected an integer");
      }
      sc.name = text_of(field(s, "name", where), where + "name");
      sc.file = text_of(field(s, "file", where), where + "file");
      if (const YAML::Node o = s["overrides"]; o && !o.IsNull())
        sc.overrides = strings_of(o, where + "overrides");
      m.scenarios.push_back(std::move(sc));
    }
  } catch (const YAML::Exception& e) {  // parse errors: yaml-cpp names line and column
    throw error(e.what());
  }
  try {
    validate_manifest(m);
  } catch (const std::invalid_argument& e) {
    throw error(e.what());
  }
  return m;
}

}  // namespace steppe
