#include "solver/study/study.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "solver/study/constants.hpp"
#include "solver/study/input_file.hpp"

namespace steppe {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

void civil_from_days(long z, long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool read_digits(const std::string& s, std::size_t& pos, int count, int& out) {
  if (pos + std::size_t(count) > s.size()) return false;
  out = 0;
  for (int i = 0; i < count; ++i) {
    char c = s[pos++];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

std::string normalise_iso8601(const std::string& text) {
  std::size_t p = 0;
  int Y, M, D, h = 0, mi = 0, sec = 0;
  auto expect = [&](char c) { return p < text.size() && text[p++] == c; };
  if (!read_digits(text, p, 4, Y) || !expect('-') || !read_digits(text, p, 2, M) || !expect('-') ||
      !read_digits(text, p, 2, D))
    return {};
  long offset_min = 0;
  if (p < text.size()) {
    if (text[p] != 'T' && text[p] != ' ') return {};
    ++p;
    if (!read_digits(text, p, 2, h) || !expect(':') || !read_digits(text, p, 2, mi)) return {};
    if (p < text.size() && text[p] == ':') {
      ++p;
      if (!read_digits(text, p, 2, sec)) return {};
    }
    if (p < text.size() && text[p] == 'Z') {
      ++p;
    } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
      int sign = text[p++] == '-' ? -1 : 1, oh, om = 0;
      if (!read_digits(text, p, 2, oh)) return {};
      if (p < text.size() && text[p] == ':') ++p;
      if (p < text.size() && !read_digits(text, p, 2, om)) return {};
      if (oh > 14 || om > 59) return {};
      offset_min = sign * (oh * 60 + om);
    }
    if (p != text.size()) return {};
  }
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || sec > 59) return {};
  long days = days_from_civil(Y, unsigned(M), unsigned(D));
  long secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  long day = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  long rem = secs - day * 86400;
  long y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  if (M == 2 && D == 29 && days_from_civil(Y, 3, 1) - days_from_civil(Y, 2, 1) != 29) return {};
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}", y, m, d, rem / 3600,
                     (rem / 60) % 60, rem % 60);
}

namespace {

void read_settings(const Reader& root, const std::string& path, StudySettings& s) {
  Reader study = root.child("study");
  Reader solver = root.child("solver");
  if (!study.defined()) {
    study.error("missing required section 'study' (name, start, duration, output_interval)");
  } else if (!study.is_map()) {
    study.error("'study' must be a mapping (name, start, duration, output_interval)");
  } else {
    s.name = study.text("name", std::filesystem::path(path).stem().string());
    std::string start_text = study.text("start", "2024-01-01T00:00:00Z");
    s.start_iso = normalise_iso8601(start_text);
    if (s.start_iso.empty()) s.start_iso = "2024-01-01 00:00:00";
    study.check("start", !normalise_iso8601(start_text).empty(),
                fmt::format("'{}' is not an ISO 8601 date and time (e.g. 2024-01-15T06:00:00Z)",
                            start_text));
    s.duration = study.quantity("duration", dim::time);
    s.output_interval = study.quantity("output_interval", dim::time, 600.0);
    s.output = study.text("output", "");
    if (study.has("flush_every")) {
      s.flush_every = static_cast<int>(study.integer("flush_every", 0));
      study.check("flush_every", s.flush_every >= 1, "must be ≥ 1");
    }
    s.compression = static_cast<int>(study.integer("compression", s.compression));
    study.check("duration", s.duration > 0, "must be > 0");
    study.check("output_interval", s.output_interval > 0, "must be > 0");
    study.check("compression", s.compression >= 0 && s.compression <= 9,
                "must be a deflate level from 0 (none) to 9");
    if (s.duration > 0 && s.output_interval > 0) {
      const double samples = output_samples(s.duration, s.output_interval);
      study.check("output_interval", samples <= double(kMaxOutputSamples),
                  fmt::format("{:g} s sampled every {:g} s makes {:.4g} output samples; a run "
                              "writes at most {} (an interval of at least {:.4g} s)",
                              s.duration, s.output_interval, samples, kMaxOutputSamples,
                              s.duration / double(kMaxOutputSamples - 1)));
    }
    study.check("flush_every", s.flush_every <= 100000,
                "must be at most 100000 (the samples held in memory between flushes)");
    study.finish();
  }

  SolverOptions& o = s.solver;
  if (solver.defined() && !solver.is_map()) {
    solver.error("'solver' must be a mapping (rtol, atol, max_step, …)");
  } else if (solver.defined()) {
    o.rtol = solver.quantity("rtol", dim::none, o.rtol);
    o.atol = solver.quantity("atol", dim::none, o.atol);
    o.max_step = solver.quantity("max_step", dim::time, o.max_step);
    o.initial_step = solver.quantity("initial_step", dim::time, o.initial_step);
    o.max_order = static_cast<int>(solver.integer("max_order", o.max_order));
    o.max_steps = solver.integer("max_steps", o.max_steps, 1, 1000000000000L);
    o.linear_solver = solver.choice("linear_solver", {"klu", "dense"}, "klu") == "dense"
                          ? LinearSolverKind::Dense
                          : LinearSolverKind::Klu;
    o.initial = solver.choice("initial", {"steady", "given"}, "steady") == "given"
                    ? InitialState::Given
                    : InitialState::Steady;
    o.fast_vectors = solver.choice("vector_kernels", {"steppe", "sundials"}, "steppe") == "steppe";
    o.warm_restart =
        solver.choice("restart_step", {"previous", "automatic"}, "previous") == "previous";
    solver.check("rtol", o.rtol > 0 && o.rtol < 1, "must lie in (0, 1)");
    solver.check("atol", o.atol > 0, "must be > 0");
    solver.check("max_step", o.max_step >= 0, "must be ≥ 0 (0: no limit)");
    solver.check("initial_step", o.initial_step >= 0, "must be ≥ 0 (0: automatic)");
    solver.check("max_order", o.max_order >= 1 && o.max_order <= 5, "must be 1 to 5");
    solver.check("max_steps", o.max_steps >= 1, "must be ≥ 1");
    solver.finish();
  }
}

}  // namespace

namespace {

// yaml-cpp's words for a syntax error, as a study's author would say them.
std::string syntax_message(const YAML::ParserException& e) {
  const std::string& m = e.msg;
  if (m.find("end of string") != std::string::npos)
    return "a quoted string is not closed: its closing quote is missing";
  if (m.find("end of sequence flow") != std::string::npos)
    return "a [ list ] is not closed: ']' is missing";
  if (m.find("end of map flow") != std::string::npos)
    return "a { mapping } is not closed: '}' is missing";
  return "YAML syntax error: " + m;
}

}  // namespace

bool parse_study_yaml(const std::string& text, const std::shared_ptr<const SourceText>& source,
                      Diagnostics& diag, YAML::Node& doc) {
  if (const auto problem = scan_yaml_text(text)) {
    diag.error({source, problem->line, problem->column, ""}, "", problem->message);
    return false;
  }
  try {
    doc = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diag.error({source, e.mark.line, e.mark.column, ""}, "", syntax_message(e));
    return false;
  } catch (const YAML::Exception& e) {
    diag.error({source, e.mark.line, e.mark.column, ""}, "", "cannot read the YAML: " + e.msg);
    return false;
  }
  return true;
}

namespace {

// An over-determined block of equations, reported at the element that came last in the
// study (the one whose equation is one too many), naming the others.
void report_structure_problem(const System& sys, const StructureProblem& p, ReadContext& ctx,
                              const Reader& root, bool steady) {
  std::vector<int> elements;  // component indices, in study order
  for (int r : p.equations)
    if (std::find(elements.begin(), elements.end(), sys.owner_index(r)) == elements.end())
      elements.push_back(sys.owner_index(r));
  std::sort(elements.begin(), elements.end());
  auto name = [&](int k) {
    const Component& c = *sys.components()[std::size_t(k)];
    return fmt::format("{} '{}'", c.kind(), c.name());
  };
  std::vector<std::string> others, unknowns;
  for (std::size_t i = 0; i + 1 < elements.size() && others.size() < 5; ++i)
    others.push_back(name(elements[i]));
  if (elements.size() > 6) others.push_back(fmt::format("{} more", elements.size() - 6));
  for (std::size_t i = 0; i < p.unknowns.size() && i < 4; ++i)
    unknowns.push_back(sys.describe(p.unknowns[i]));
  if (p.unknowns.size() > 4) unknowns.push_back(fmt::format("{} more", p.unknowns.size() - 4));
  const std::string msg = fmt::format(
      "over-determined{}: {} fixes what {} fix{} already — {} equations for {} unknown{} ({}); "
      "no values can satisfy them all (remove one, e.g. a second boundary on one node{})",
      steady ? " in the steady start" : "", name(elements.back()),
      others.empty() ? "the others" : join(others, ", "), others.size() == 1 ? "es" : "",
      p.equations.size(), p.unknowns.size(), p.unknowns.size() == 1 ? "" : "s",
      unknowns.empty() ? "none" : join(unknowns, ", "),
      steady ? ", or a part of the network without a pressure reference" : "");
  const auto it = ctx.element_places.find(std::size_t(elements.back()));
  if (it != ctx.element_places.end())
    ctx.diagnostics.error(it->second.where, it->second.key_path, msg);
  else
    root.error(msg);
}

// A study must fit the machine that runs it: checked on the assembled sizes, before the
// integrator allocates anything, with the numbers and the limit.
void check_size(const System& sys, const Reader& root) {
  const double n = sys.size(), nnz = static_cast<double>(sys.nonzeros());
  // IDA's history and work vectors, KINSOL's, ours (about 40 per unknown), the Jacobian
  // in CSC twice and KLU's factors (about 8 values and indices per non-zero).
  const double bytes = 8.0 * (40.0 * n + 8.0 * nnz) + 200.0 * n;
  const double pages = static_cast<double>(sysconf(_SC_PHYS_PAGES));
  const double page = static_cast<double>(sysconf(_SC_PAGE_SIZE));
  const double physical = pages > 0 && page > 0 ? pages * page : 0.0;
  if (physical > 0 && bytes > 0.75 * physical)
    root.error(
        fmt::format("the study needs about {} of memory ({:.0f} unknowns, {:.0f} Jacobian "
                    "non-zeros), more than 75 % of this machine's {}: choose coarser "
                    "segments (max_segment_length) or a smaller network",
                    byte_size_text(bytes), n, nnz, byte_size_text(physical)));
}

}  // namespace

Override command_line_override(const std::string& assignment) {
  Override o;
  o.assignment = assignment;
  o.where.origin = "command line (--set " + assignment + ")";
  return o;
}

std::unique_ptr<Study> load_study_text(const std::string& text, const std::string& path,
                                       const std::vector<std::string>& overrides,
                                       std::span<const Domain> domains) {
  std::vector<Override> located;
  located.reserve(overrides.size());
  for (const auto& o : overrides) located.push_back(command_line_override(o));
  return load_study_with(text, path, located, domains);
}

std::unique_ptr<Study> load_study_with(const std::string& text, const std::string& path,
                                       const std::vector<Override>& overrides,
                                       std::span<const Domain> domains, bool drop_sweep) {
  auto ctx = std::make_shared<ReadContext>();
  ctx->source = SourceText::from_string(path, text);
  ctx->study_dir = std::filesystem::path(path).parent_path().string();
  Diagnostics& diag = ctx->diagnostics;

  YAML::Node doc;
  if (!parse_study_yaml(text, ctx->source, diag, doc)) throw InputError(diag);
  if (!doc.IsMap()) {
    diag.error({ctx->source, doc.IsDefined() && !doc.IsNull() ? doc.Mark().line : 0, 0, ""}, "",
               "a study is a YAML mapping with a 'study' section and domain sections");
    throw InputError(diag);
  }
  for (const auto& o : overrides) {
    std::string key_path;
    std::string err = apply_override(doc, o.assignment, &key_path);
    if (err.empty()) {
      ctx->add_override(key_path, o.where);
    } else if (!o.where.source) {
      diag.error({nullptr, -1, -1, "command line"}, "", err);
    } else {
      // In the study file: the key path as written, the message without the --set prefix.
      const std::string target = o.assignment.substr(0, o.assignment.find('='));
      const std::string prefix = "--set '" + o.assignment + "': ";
      diag.error(o.path_where.source ? o.path_where : o.where, target,
                 err.rfind(prefix, 0) == 0 ? err.substr(prefix.size()) : err);
    }
  }
  bool dropped = false;
  if (drop_sweep && static_cast<const YAML::Node&>(doc)["sweep"]) dropped = doc.remove("sweep");

  auto study = std::make_unique<Study>();
  study->path = path;
  if (overrides.empty() && !dropped) {
    study->text_as_run = text;
  } else {
    YAML::Emitter out;
    out << doc;
    study->text_as_run = std::string(out.c_str()) + "\n";
  }
  Reader root(doc, "", ctx);
  read_settings(root, path, study->settings);
  if (Reader nc = root.child("normal_conditions"); nc.defined()) {
    nc.quantity("temperature", dim::temperature, constants::kZeroCelsius);
    nc.quantity("pressure", dim::pressure, constants::kStandardAtmosphere);
    double rho = nc.quantity("density", dim::density);
    nc.check("density", rho >= 0.05 && rho <= 5,
             "must lie between 0.05 and 5 kg/m3 (natural gas at normal conditions: about 0.7)");
    // A density that failed: a stand-in, so that standard volumes read on and this error
    // is the only one.
    ctx->normal_density = nc.has_error("density") ? 0.72 : rho;
    nc.finish();
  }
  StudyOptions options;
  options.steady_start = study->settings.solver.initial == InitialState::Steady;
  options.duration = study->settings.duration;
  options.start_iso = study->settings.start_iso;
  bool any = false;
  for (const Domain& d : domains) {
    Reader section = root.child(d.key);
    if (!section.defined()) continue;
    any = true;
    if (!section.is_map()) {
      section.error(fmt::format("the '{}' section must be a mapping", d.key));
      continue;
    }
    d.read(section, study->system, options);
  }
  root.child("sweep");  // read by load_sweep (solver/batch/sweep.hpp)
  root.finish();
  if (!any && diag.empty()) {
    std::string keys;
    for (const Domain& d : domains) keys += std::string(keys.empty() ? "" : ", ") + d.key;
    root.error(fmt::format("the study has no domain section (one of: {})", keys));
  }
  if (!diag.empty()) throw InputError(diag);
  try {
    study->system.assemble();
  } catch (const std::runtime_error& e) {
    root.error(e.what());
    throw InputError(diag);
  }
  if (const auto& problem = study->system.structure_problem()) {
    report_structure_problem(study->system, *problem, *ctx, root, false);
    throw InputError(diag);
  }
  if (options.steady_start)
    if (const auto problem = study->system.steady_structure_problem(0.0, options.duration)) {
      report_structure_problem(study->system, *problem, *ctx, root, true);
      throw InputError(diag);
    }
  check_size(study->system, root);
  if (!diag.empty()) throw InputError(diag);
  return study;
}

std::string read_study_file(const std::string& path) {
  std::string why;
  auto text = read_input_file(path, kMaxStudyBytes, why);
  if (!text) {
    Diagnostics d;
    std::error_code ec;
    d.error({nullptr, -1, -1, path}, "",
            std::filesystem::is_directory(path, ec) ? "is a directory, not a study file"
                                                    : "cannot open the study file: " + why);
    throw InputError(d);
  }
  return std::move(*text);
}

std::unique_ptr<Study> load_study(const std::string& path,
                                  const std::vector<std::string>& overrides,
                                  std::span<const Domain> domains) {
  return load_study_text(read_study_file(path), path, overrides, domains);
}

double output_samples(double duration, double output_interval) {
  return std::ceil(duration / output_interval) + 1;
}

std::string describe_study(const Study& study) {
  const System& sys = study.system;
  std::string out =
      fmt::format("study {}: {}, {} unknowns, {} Jacobian non-zeros, {} root functions\n",
                  study.path, study.settings.name, sys.size(), sys.nonzeros(), sys.root_count());
  out += fmt::format("{:<22} {:>9} {:>9} {:>13} {:>10} {:>10}\n", "element kind", "elements",
                     "unknowns", "differential", "algebraic", "non-zeros");
  for (const auto& k : sys.kind_stats())
    out += fmt::format("{:<22} {:>9} {:>9} {:>13} {:>10} {:>10}\n", k.kind, k.elements, k.unknowns,
                       k.differential, k.algebraic, k.nonzeros);
  const StudySettings& s = study.settings;
  out += fmt::format("duration {:g} s, output every {:g} s → {:.0f} samples\n", s.duration,
                     s.output_interval, output_samples(s.duration, s.output_interval));
  return out;
}

}  // namespace steppe
