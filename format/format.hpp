// The canonical formatter for rules, facts and scenarios files (`phasegate fmt`); layout in docs/format.md.
#pragma once

#include <optional>
#include <string>

#include "grammar/diagnostics.hpp"
#include "grammar/parse.hpp"
#include "grammar/syntax.hpp"

namespace phasegate {

enum class FileKind { rules, facts, scenarios };

// By extension (`.rules`, `.facts`, `.scenarios`); nullopt for any other name (and for `-`).
std::optional<FileKind> file_kind_from_path(const std::string& path);
// By extension, else by the first word of the text: `facts`/`load`/a fact line -> facts,
// `scenarios`/`scenario` -> scenarios, anything else -> rules.
FileKind detect_file_kind(const std::string& path, const std::string& text);

// Format a parsed file. `original_text` is the text it was parsed from: it
// supplies the comments' neighbourhood, blank lines and keyword positions the
// tree does not keep (an empty string formats the tree alone). The result ends
// with one newline (or is empty for an empty file).
std::string format_rules_file(const syntax::RulesFile& file, const std::string& original_text);
std::string format_facts_file(const syntax::FactsFile& file, const std::string& original_text);
std::string format_scenarios_file(const syntax::ScenariosFile& file, const std::string& original_text);

// Detect the kind, parse, format. On parse errors returns nullopt with the
// parser's diagnostics in `diags`. As a safety net the result is parsed again
// and must give the same tree (positions aside) and keep every comment; if it
// does not, returns nullopt with error F0001 (a formatter bug; the file is left alone). `limits`: as
// the parser's (`phasegate --max-nesting N fmt` reads with the run's limits).
std::optional<std::string> format_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                       const ParseLimits& limits = {});
std::optional<std::string> format_text(const std::string& path, const std::string& text, FileKind kind,
                                       Diagnostics& diags, const ParseLimits& limits = {});

}  // namespace phasegate
