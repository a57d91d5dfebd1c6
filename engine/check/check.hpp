// The checker: lowers a parsed ruleset into a checked Program, and facts into a FactBase, reporting every mistake.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/program.hpp"
#include "grammar/diagnostics.hpp"
#include "grammar/parse.hpp"
#include "grammar/syntax.hpp"

namespace phasegate::engine {

struct CheckOptions {
  bool warnings = true;  // run the warning passes (unused facts, missing `because`, ...)
};

// Lowers and checks a whole ruleset (all its files). Returns the program when
// there is no error (warnings allowed); every problem goes to `diags`.
std::optional<Program> check_ruleset(const syntax::Ruleset& ruleset, Diagnostics& diags,
                                     const CheckOptions& options = {});

// Builds the facts of one evaluation from facts files, `--assume` lines and
// store records, checking each value against the program's declarations. A
// later value for the same fact (relation and arguments) replaces an earlier one.
class FactBaseBuilder {
 public:
  explicit FactBaseBuilder(const Program& program);
  ~FactBaseBuilder();
  FactBaseBuilder(FactBaseBuilder&&) noexcept;

  // Adds every line and `load` table of a parsed facts file (tables are read
  // relative to the facts file and their text is not kept; one larger than
  // `max_table_bytes` is refused). Returns false when any error was reported;
  // nothing of a file with errors is added.
  bool add_file(const syntax::FactsFile& file, SourceMap& sources, Diagnostics& diags,
                std::size_t max_table_bytes = ParseLimits{}.max_file_bytes);
  // Adds one line with the given provenance defaults (an `--assume`, a store record).
  bool add_line(const syntax::FactLine& line, const FactOrigin& origin, Diagnostics& diags);
  // Adds an already checked entry for a fact relation.
  void add_entry(int relation, FactEntry entry);

  FactBase build() &&;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A literal of a facts line (or a scenario's expectation) as a constant of type `t`; nullopt after an
// error at `pos` (E0602 type, E0603 range, E0604 member) naming `what` ("argument `s` of `deploy`").
std::optional<Constant> convert_literal(const Program& program, const syntax::Literal& lit, const ValueType& t,
                                        const syntax::Position& pos, bool allow_unknown, const std::string& what,
                                        Diagnostics& diags);

// A constant as facts-file text: `"Rafah"`, `1_000`, `2026-11-20`, `clear`, `unknown`, `30 days`.
std::string format_constant(const Program& program, const Constant& c);

}  // namespace phasegate::engine
