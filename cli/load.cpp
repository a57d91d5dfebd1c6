// Loading rulesets, facts files and assumptions, with every problem collected as a diagnostic.
#include "cli/load.hpp"
#include "store/timestamp.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/common.hpp"
#include "grammar/front.hpp"
#include "grammar/parse.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;

namespace phasegate::cli {

std::string seconds_check(const std::string& text, bool positive) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const bool number = !text.empty() && end && *end == '\0' && std::isfinite(v);
  if (number && (positive ? v > 0 : v >= 0)) return "";
  return std::string("must be a number of seconds") + (positive ? " above 0" : ", 0 or more") + ", not " + text;
}

std::string name_check(const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  if (text.empty()) return "must not be empty";
  while (p < end) {
    if (*p < 0x20 || *p == 0x7f) return "must not hold control characters";
    const std::size_t n = grammar::utf8_length(p, end);
    if (n == 0) return "must be valid UTF-8";
    p += n;
  }
  return "";
}

std::string count_check(const std::string& text, bool positive) {
  const bool digits = !text.empty() && text.size() <= 19 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits && (!positive || std::strtoull(text.c_str(), nullptr, 10) > 0)) return "";
  return std::string("must be a whole number") + (positive ? " above 0" : ", 0 or more") + ", not `" + text + "`";
}

std::string date_check(const std::string& text) {
  // Only the empty date here: the others are told by the command, which names itself.
  return text.empty() ? "wants a date as YYYY-MM-DD, not an empty text (leave the option out for the system date)" : "";
}

std::string moment_check(const std::string& text) {
  // Checked here, before the store is opened: a bad moment is a usage error (64) whether or not the
  // store exists. An empty one would silently mean "now" (or no bound).
  if (text.empty()) return "wants a date or timestamp, not an empty text (leave the option out for the present)";
  if (!store::parse_timestamp(text))
    return "wants a date or timestamp (2026-11-20, 2026-11-20T14:30 or 2026-11-20T14:30:00Z, years 0001-9999), not `" +
           text + "`";
  return "";
}

std::string head_check(const std::string& text) {
  const bool hex = text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                   });
  return hex ? "" : "wants the 64 hexadecimal digits that `audit head` printed, not `" + text + "`";
}

bool parse_format(const std::string& name, Format& out) {
  if (name == "text") out = Format::text;
  else if (name == "json") out = Format::json;
  else if (name == "markdown" || name == "md") out = Format::markdown;
  else if (name == "dot") out = Format::dot;
  else return false;
  return true;
}

// no-color.org: colour is off when NO_COLOR is set to a non-empty value (an empty one leaves it on).
static bool color_for(int fd) { return !no_color_requested() && ::isatty(fd) == 1; }
bool stdout_color() { return color_for(STDOUT_FILENO); }

bool stdout_failed() {
  std::cout.flush();
  return !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
}

std::string json_text(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_text(const nlohmann::ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}
bool stderr_color() { return color_for(STDERR_FILENO); }

namespace {
ParseLimits g_limits;
}
ParseLimits& mutable_parse_limits() { return g_limits; }
const ParseLimits& parse_limits() { return g_limits; }

std::vector<std::string> files_in_folder(const std::string& folder, bool (*wanted)(const fs::path&)) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;  // a link that leads nowhere, or round in a loop: not a file to read
    if (it->is_regular_file(entry_ec) && !entry_ec && wanted(it->path())) found.push_back(it->path().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<std::string> expand_rules_paths(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      auto found = files_in_folder(p, [](const fs::path& f) { return f.extension() == ".rules"; });
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      missing.push_back(p);
    }
  }
  return out;
}

std::optional<std::vector<syntax::Ruleset>> Loader::read_roots(const std::vector<std::string>& paths, bool despite_errors) {
  const std::size_t errors_before = diags_.error_count();  // errors of earlier loads stop nothing here
  std::vector<std::string> missing;
  auto files = expand_rules_paths(paths, missing);
  for (const auto& m : missing) {
    diags_.error("E0001", syntax::Position{m, 0, 0, 0}, "cannot open `" + m + "`: no such file or folder");
    io_error_ = true;
  }
  if (files.empty()) {
    if (missing.empty()) diags_.error("E0001", syntax::Position{paths.empty() ? "" : paths[0], 0, 0, 0},
                                      "no `*.rules` file to check");
    io_error_ = io_error_ || missing.empty();
    return std::nullopt;
  }
  // Read every file; files included by another are not rulesets of their own.
  std::vector<syntax::Ruleset> rulesets;
  std::set<std::string> included;
  for (const auto& f : files) {
    ReadResult rr;
    rulesets.push_back(read_ruleset(f, sources_, diags_, &rr, g_limits));
    io_error_ = io_error_ || rr.io_error;
    for (std::size_t i = 1; i < rulesets.back().files.size(); ++i)
      included.insert(fs::weakly_canonical(rulesets.back().files[i].path).string());
  }
  std::vector<syntax::Ruleset> roots;
  for (auto& rs : rulesets) {
    if (rs.files.empty()) continue;
    if (files.size() > 1 && included.count(fs::weakly_canonical(rs.files[0].path).string())) continue;
    roots.push_back(std::move(rs));
  }
  if ((diags_.error_count() > errors_before && !despite_errors) || roots.empty()) return std::nullopt;
  return roots;
}

namespace {

// Several files given (or found in a folder) read as one ruleset, in order.
syntax::Ruleset merged(std::vector<syntax::Ruleset>& roots) {
  syntax::Ruleset out;
  for (auto& rs : roots)
    for (auto& file : rs.files) out.files.push_back(std::move(file));
  return out;
}

}  // namespace

std::optional<LoadedRules> Loader::load_rules(const std::vector<std::string>& paths, bool warnings) {
  auto roots = read_roots(paths);
  if (!roots) return std::nullopt;
  // One ruleset, perhaps split over several files; a second `ruleset` line is a second ruleset, which
  // `check` reads on its own but a command that evaluates cannot merge into the first.
  const syntax::RulesetHeader* first = nullptr;
  bool refused = false;
  for (const auto& rs : *roots) {
    const auto& header = rs.files.front().header;
    if (!header) continue;
    if (!first) {
      first = &*header;
      continue;
    }
    diags_.error("E0134", header->pos,
                 "a second ruleset, `" + header->name.name + "`: this command reads one ruleset at a time",
                 {"the first is `" + first->name.name + "` (" + first->pos.file + ":" + std::to_string(first->pos.line) +
                      "); give one ruleset's files (`check` reads several)"});
    refused = true;
  }
  if (refused) return std::nullopt;
  // The file with the `ruleset` line is the main file whatever the order the files were given or
  // found in (`advise extra.rules main.rules`, a folder where `a_extra.rules` sorts first): the
  // ruleset's name, title, version and hash are its.
  std::stable_partition(roots->begin(), roots->end(), [](const syntax::Ruleset& rs) { return rs.files.front().header.has_value(); });
  return finish(merged(*roots), warnings);
}

std::vector<LoadedRules> Loader::check_rulesets(const std::vector<std::string>& paths, bool warnings) {
  std::vector<LoadedRules> out;
  // Checked even when a file does not parse or an include is missing: what was read is checked, so
  // that one syntax error does not hide the type and name errors of the rest (or of other rulesets).
  // A ruleset with errors gives no LoadedRules.
  const std::size_t errors_before = diags_.error_count();
  auto roots = read_roots(paths, true);
  if (!roots) return out;
  const bool read_errors = diags_.error_count() > errors_before;
  // A file refused whole (too large, not text) has nothing to check, and would make its ruleset
  // look empty: such rulesets are left out.
  if (read_errors)
    std::erase_if(*roots, [](const syntax::Ruleset& rs) {
      return std::any_of(rs.files.begin(), rs.files.end(), [](const syntax::RulesFile& f) { return f.refused; });
    });
  auto check = [&](const syntax::Ruleset& rs) {
    if (auto r = finish(rs, warnings); r && !read_errors) out.push_back(std::move(*r));
  };
  std::size_t headers = 0;
  for (const auto& rs : *roots) headers += rs.files.front().header ? 1 : 0;
  if (headers <= 1) {
    // One ruleset, perhaps split over several files, as advise reads it.
    if (!roots->empty()) check(merged(*roots));
  } else {
    // Several `ruleset` lines (a folder of rulesets): each is checked on its own, in its own namespace.
    for (const auto& rs : *roots) check(rs);
  }
  return out;
}

std::optional<LoadedRules> Loader::load_rules_texts(const std::vector<std::pair<std::string, std::string>>& files) {
  syntax::Ruleset merged;
  const std::size_t errors_before = diags_.error_count();
  for (const auto& [path, text] : files) {
    const std::string& stored = sources_.add(path, text);
    merged.files.push_back(parse_rules_text(path, stored, diags_, g_limits));
  }
  if (diags_.error_count() > errors_before || merged.files.empty()) return std::nullopt;
  return finish(merged, false);
}

std::optional<LoadedRules> Loader::finish(const syntax::Ruleset& merged, bool warnings) {
  engine::CheckOptions options;
  options.warnings = warnings;
  const std::size_t errors_before = diags_.error_count();
  auto program = engine::check_ruleset(merged, diags_, options);
  if (!program || diags_.error_count() > errors_before) return std::nullopt;

  LoadedRules out;
  out.program = std::move(*program);
  // The hash identifies the content: each file's name relative to the main file's folder, and its text.
  std::string hashed;
  const fs::path base = fs::path(merged.files.front().path).parent_path();
  for (const auto& file : merged.files) {
    const std::string* text = sources_.text(file.path);
    std::string t = text ? *text : std::string();
    std::string name = fs::path(file.path).lexically_relative(base).generic_string();
    if (name.empty()) name = file.path;
    hashed += name + '\n' + std::to_string(t.size()) + '\n' + t;
    out.texts.emplace_back(file.path, std::move(t));
  }
  out.sha256 = store::sha256_hex(hashed);
  return out;
}

bool Loader::load_facts(const engine::Program& program, const std::vector<std::string>& facts_paths,
                        const std::vector<std::string>& assumptions, engine::FactBaseBuilder& builder) {
  bool ok = true;
  const std::size_t errors_at_start = diags_.error_count();
  for (const auto& path : facts_paths) {
    ReadResult rr;
    const std::size_t errors_before = diags_.error_count();  // each file is checked whatever the others hold
    auto file = read_facts(path, sources_, diags_, &rr, g_limits);
    if (rr.io_error) {
      io_error_ = true;
      ok = false;
      continue;
    }
    // A line that does not parse does not hide the errors of the lines that do (LANGUAGE.md: every
    // error of a file is reported): they are checked too, and the facts are then not used.
    const bool parsed = diags_.error_count() == errors_before;
    ok = builder.add_file(file, sources_, diags_, g_limits.max_file_bytes) && parsed && ok;
  }
  for (std::size_t i = 0; i < assumptions.size(); ++i) {
    // Its provenance: file `--assume`, line N for the N-th --assume, however many are given (the label,
    // `--assume#2` when there are several, is for diagnostics only).
    engine::FactOrigin origin;
    origin.file = "--assume";
    origin.line = static_cast<std::uint32_t>(i + 1);
    origin.column = 1;
    origin.source = "assumption";
    origin.assumption = true;
    ok = add_line(program, assumptions.size() == 1 ? "--assume" : "--assume#" + std::to_string(i + 1),
                  assumptions[i], origin, builder) && ok;
  }
  return ok && diags_.error_count() == errors_at_start;
}

bool Loader::add_line(const engine::Program&, const std::string& label, const std::string& text,
                      const engine::FactOrigin& origin, engine::FactBaseBuilder& builder) {
  sources_.add(label, text);
  auto line = parse_fact_line(label, text, diags_);
  if (!line) return false;
  engine::FactOrigin o = origin;
  if (o.file.empty()) {  // else where the line was first written (a store record's facts file and line)
    o.file = label;
    o.line = line->pos.line;
    o.column = line->pos.column;
  }
  return builder.add_line(*line, o, diags_);
}

int Loader::exit_code() const {
  if (io_error_) return kNoInput;
  // A file a rules or facts file names (an `include`, a `load` table) that cannot be opened is an
  // input file that does not exist (CLI.md: 66), though its diagnostic is at the line that names it.
  for (const auto& d : diags_.items())
    if (d.severity == Severity::error && (d.code == "E0126" || d.code == "E0608")) return kNoInput;
  if (diags_.has_errors()) return kBadInput;
  return kOk;
}

void Loader::print_diagnostics() {
  diags_.sort_and_dedupe();
  if (diags_.items().empty()) return;
  std::cerr << render_text(diags_, sources_, stderr_color());
  std::cerr.flush();
}

}  // namespace phasegate::cli
