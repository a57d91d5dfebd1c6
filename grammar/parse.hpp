// The parser's only public entry points (no Boost here): text in, syntax tree and diagnostics out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "grammar/diagnostics.hpp"
#include "grammar/syntax.hpp"

namespace phasegate {

// The largest `max_nesting` there is: the passes after the parser (checker, evaluator, explainer,
// formatter) recurse over what it accepted, and the command's stack holds this depth (tests/golden/cli
// deep-*). A larger value is taken as this one.
inline constexpr std::size_t kMaxNestingLimit = 1024;

// Limits that protect against hostile input; documented in docs/limits.md, settable from the CLI.
struct ParseLimits {
  std::size_t max_file_bytes = 64u << 20;  // 64 MiB
  std::size_t max_nesting = 256;           // parentheses / nested expressions, at most kMaxNestingLimit
  std::size_t max_include_depth = 32;
  // Expression nodes (names, constants, operators) in one file: a tree node costs a few hundred bytes
  // once checked, so a file of `x + x + ...` within the size limit would otherwise take gigabytes.
  std::size_t max_expr_nodes = 200'000;
};

// Parse one text. `path` names it in positions. Never throws on bad input:
// problems go to `diags` and the returned tree holds whatever parsed (the
// parser resumes at the next top-level declaration after an error).
syntax::RulesFile parse_rules_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                   const ParseLimits& limits = {});
syntax::FactsFile parse_facts_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                   const ParseLimits& limits = {});
syntax::ScenariosFile parse_scenarios_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                           const ParseLimits& limits = {});
// One facts line on its own, as given to `--assume` (`path` is e.g. "--assume").
std::optional<syntax::FactLine> parse_fact_line(const std::string& path, const std::string& text, Diagnostics& diags);

// Read and parse files from disk, recording their text in `sources`. A file
// that cannot be read is an error diagnostic with code E0001 (the CLI maps it
// to exit 66); `io_error` is set in that case.
struct ReadResult {
  bool io_error = false;
};
// Reads the ruleset at `path` and, recursively, the files it includes
// (relative to the including file); include cycles and missing included files
// are errors at the `include` line.
syntax::Ruleset read_ruleset(const std::string& path, SourceMap& sources, Diagnostics& diags,
                             ReadResult* result = nullptr, const ParseLimits& limits = {});
syntax::FactsFile read_facts(const std::string& path, SourceMap& sources, Diagnostics& diags,
                             ReadResult* result = nullptr, const ParseLimits& limits = {});
syntax::ScenariosFile read_scenarios(const std::string& path, SourceMap& sources, Diagnostics& diags,
                                     ReadResult* result = nullptr, const ParseLimits& limits = {});

// Reads a whole file, or standard input for "-", refusing one larger than `max_bytes` before reading
// it or, where its size is not known (a pipe, a device), as soon as it passes the limit. On failure
// returns false with `why` ("it is a folder", "no such file or directory", "123 bytes"); `too_big`
// says the limit refused it. For "-", `text` then holds what was read before it stopped (the rest is
// still on standard input), so that a filter can pass its input on unchanged.
bool read_input(const std::string& path, std::string& text, std::string& why, std::size_t max_bytes, bool& too_big);

}  // namespace phasegate
