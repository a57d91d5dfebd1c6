// Loading what a subcommand needs: rulesets (files or folders), facts files and `--assume` lines.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/check/check.hpp"
#include "engine/program.hpp"
#include "grammar/diagnostics.hpp"
#include "grammar/parse.hpp"
#include "grammar/syntax.hpp"

namespace phasegate::cli {

struct LoadedRules {
  engine::Program program;
  std::string sha256;  // over the text of every file, main file first (see docs/store.md)
  std::vector<std::pair<std::string, std::string>> texts;  // path, text: every file of the ruleset
};

// Collects diagnostics across one run and turns them into an exit code.
class Loader {
 public:
  // Expands folders to the `*.rules` files in them that are not included by
  // another; reads and checks the ruleset. nullopt when it has errors.
  std::optional<LoadedRules> load_rules(const std::vector<std::string>& paths, bool warnings = false);
  // For `check`: as load_rules, except that files with their own `ruleset` line (a folder of
  // rulesets) are checked each on its own. The rulesets without errors.
  std::vector<LoadedRules> check_rulesets(const std::vector<std::string>& paths, bool warnings);
  // Checks a ruleset given as texts (main file first), as the audit log stores it.
  std::optional<LoadedRules> load_rules_texts(const std::vector<std::pair<std::string, std::string>>& files);
  // Reads facts files (in order, later ones win) and `--assume` lines (which win over all files).
  bool load_facts(const engine::Program& program, const std::vector<std::string>& facts_paths,
                  const std::vector<std::string>& assumptions, engine::FactBaseBuilder& builder);
  // Parses and checks one `--assume`-style line with the given origin.
  bool add_line(const engine::Program& program, const std::string& label, const std::string& text,
                const engine::FactOrigin& origin, engine::FactBaseBuilder& builder);

  SourceMap& sources() { return sources_; }
  Diagnostics& diagnostics() { return diags_; }
  bool io_error() const { return io_error_; }
  // A file named by an input (a scenario's `given`) could not be read: exit 66.
  void mark_io_error() { io_error_ = true; }
  // 66 when a file could not be read, 65 when there are errors, else 0.
  int exit_code() const;
  // Sorted, de-duplicated, rendered to stderr (colour on a terminal).
  void print_diagnostics();

 private:
  std::optional<LoadedRules> finish(const syntax::Ruleset& ruleset, bool warnings);
  // The rulesets of these paths, files included by another given file left out; nullopt when a file
  // cannot be read or does not parse, unless `despite_errors` (then what was read, for `check`).
  std::optional<std::vector<syntax::Ruleset>> read_roots(const std::vector<std::string>& paths, bool despite_errors = false);
  SourceMap sources_;
  Diagnostics diags_;
  bool io_error_ = false;
};

// The `*.rules` files a list of paths stands for: files as given, folders
// searched recursively, sorted. Included-only files are dropped from folders.
// The regular files under a folder (searched recursively) whose path `wanted` accepts, sorted. What
// cannot be read (a symbolic link loop, a folder without permission) is passed over, not thrown.
std::vector<std::string> files_in_folder(const std::string& folder, bool (*wanted)(const std::filesystem::path&));

std::vector<std::string> expand_rules_paths(const std::vector<std::string>& paths, std::vector<std::string>& missing);


// The parse limits every file of this run is read with (`--max-file-bytes`, `--max-nesting`).
ParseLimits& mutable_parse_limits();
const ParseLimits& parse_limits();

}  // namespace phasegate::cli
