// Diagnostics: collected during parsing and checking, rendered once at the boundary.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/syntax.hpp"

namespace phasegate {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;  // stable, documented in docs/diagnostics.md: "E0101", "W0301", ...
  std::string message;
  syntax::Position pos;
  std::vector<std::string> notes;  // "expected one of: ...", "did you mean `x`?", cycle steps
};

// The text of every file read in one run, so that a diagnostic can show its line.
class SourceMap {
 public:
  // Returns a stable reference to the stored text.
  const std::string& add(const std::string& path, std::string text);
  // nullptr when the file was never added.
  const std::string* text(const std::string& path) const;
  // The line `line` (1-based) of `path` without its newline; empty when unknown.
  std::string_view line(const std::string& path, std::uint32_t line) const;

 private:
  struct File {
    std::string text;
    // Where each line starts, built the first time a line of the file is asked for: a file with
    // thousands of diagnostics is not scanned from its start for each of them.
    mutable std::once_flag indexed;
    mutable std::vector<std::size_t> starts;
  };
  std::map<std::string, std::unique_ptr<File>> files_;
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(std::string code, syntax::Position pos, std::string message, std::vector<std::string> notes = {});
  void warning(std::string code, syntax::Position pos, std::string message, std::vector<std::string> notes = {});

  bool has_errors() const;
  std::size_t error_count() const;
  std::size_t warning_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Sorted by file, line, column; exact duplicates removed.
  void sort_and_dedupe();
  // Warnings become errors (`--strict`).
  void promote_warnings();
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// `FILE:LINE:COL: error[CODE]: message`, the source line, a caret, then `  = note: ...` lines.
// NO_COLOR set to a non-empty value (no-color.org): no ANSI colour anywhere.
bool no_color_requested();
// `color` adds ANSI colours (only on a terminal, never with NO_COLOR).
std::string render_text(const Diagnostic& d, const SourceMap& sources, bool color = false);
// All of them, in order; of one file's, only the first 100 errors and 100 warnings, then a line
// saying how many more there are.
std::string render_text(const Diagnostics& ds, const SourceMap& sources, bool color = false);

// The nearest of `candidates` to `name` by edit distance, or "" when none is close.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace phasegate
