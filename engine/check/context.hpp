// The checker's working state, shared by its passes (internal to pg_check).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/program.hpp"
#include "grammar/diagnostics.hpp"
#include "grammar/syntax.hpp"

namespace phasegate::engine::check {

// Diagnostic codes, stable and documented in docs/diagnostics.md.
namespace code {
// names
inline constexpr const char* undeclared_name = "E0201";
inline constexpr const char* duplicate_declaration = "E0202";
inline constexpr const char* undeclared_source = "E0203";
inline constexpr const char* undeclared_label = "E0204";
inline constexpr const char* duplicate_label = "E0205";
inline constexpr const char* wrong_arity = "E0206";
inline constexpr const char* undeclared_phase = "E0207";
inline constexpr const char* duplicate_source = "E0208";
inline constexpr const char* ruleset_header = "E0209";
inline constexpr const char* duplicate_parameter = "E0210";
inline constexpr const char* condition_arity_mismatch = "E0211";
inline constexpr const char* wrong_kind_of_name = "E0212";
inline constexpr const char* waive_block = "E0213";
// types
inline constexpr const char* type_mismatch = "E0301";
inline constexpr const char* not_a_condition = "E0302";
inline constexpr const char* unordered_comparison = "E0303";
inline constexpr const char* bad_arithmetic = "E0304";
inline constexpr const char* unknown_member = "E0305";
inline constexpr const char* bad_aggregate = "E0306";
inline constexpr const char* date_mixed_with_number = "E0307";
inline constexpr const char* empty_range = "E0308";
inline constexpr const char* bad_number = "E0309";
inline constexpr const char* conflicting_types = "E0310";
inline constexpr const char* bad_atom_argument = "E0311";
inline constexpr const char* duplicate_member = "E0312";
inline constexpr const char* division_by_zero = "E0313";
inline constexpr const char* untyped_parameter = "E0314";
// safety
inline constexpr const char* unbound_variable = "E0401";
inline constexpr const char* missing_for_each = "E0402";
inline constexpr const char* bad_for_each = "E0403";
inline constexpr const char* after_parameters = "E0404";
inline constexpr const char* misplaced_wildcard = "E0405";
// cycles
inline constexpr const char* unstratified_cycle = "E0501";
inline constexpr const char* after_cycle = "E0502";
// facts
inline constexpr const char* fact_undeclared = "E0601";
inline constexpr const char* fact_type = "E0602";
inline constexpr const char* fact_out_of_range = "E0603";
inline constexpr const char* fact_member = "E0604";
inline constexpr const char* fact_arity = "E0605";
inline constexpr const char* fact_is_derived = "E0606";
inline constexpr const char* fact_value_shape = "E0607";
inline constexpr const char* table_unreadable = "E0608";
inline constexpr const char* table_format = "E0609";
// warnings
inline constexpr const char* unused_fact = "W0701";
inline constexpr const char* unreached_condition = "W0702";
inline constexpr const char* missing_because = "W0703";
inline constexpr const char* constant_clause = "W0704";
inline constexpr const char* uncited_source = "W0705";
}  // namespace code

SourcePos to_source_pos(const syntax::Position& p);
syntax::Position to_pos(const SourcePos& p);
std::string quote_text(const std::string& s);                       // "a\"b" with escapes
std::string format_number(const Decimal& d);                        // 1_000, 3.5
std::string type_name(const Program& program, const ValueType& t);  // "number", "level { a < b }"
std::string join_members(const Enumeration& e);
std::string a_type(const Program& program,
                   const ValueType& t);  // "a number", "text", "a level { ... }"      // "none, partial, clear"

// What the declarations pass learns about one name of the shared namespace.
struct NameEntry {
  enum class Kind { fact, condition, phase } kind = Kind::fact;
  int index = -1;  // relation id or phase id
  syntax::Position pos;
};

// The checker's state while lowering one ruleset.
struct Context {
  const syntax::Ruleset& ruleset;
  Diagnostics& diags;
  Program program;

  std::unordered_map<std::string, NameEntry> names;
  std::unordered_map<std::string, int> sources;  // id -> index in program.sources
  std::vector<bool> source_cited;

  // Per condition relation: the syntax blocks that define it (alternatives).
  std::vector<std::vector<const syntax::ConditionDecl*>> condition_decls;  // by relation id (empty for facts)
  // Per condition relation: parameter type known?
  std::vector<std::vector<bool>> param_type_known;
  std::vector<const syntax::PhaseDecl*> phase_decls;  // by phase id

  // Uses, for the warning passes.
  std::vector<bool> relation_used;  // by relation id: referenced in any rule or phase
  // Dependency edges between relations found while lowering (from a condition's rules).
  struct Edge {
    int from = -1, to = -1;
    enum class Kind { positive, negation, aggregate } kind = Kind::positive;
    syntax::Position pos;
  };
  std::vector<Edge> edges;
  std::vector<int> phase_relations;  // relations referenced directly by phases
  // Per phase: the phases its `after` names, with the position of each name.
  std::vector<std::vector<std::pair<int, syntax::Position>>> after_refs;

  Context(const syntax::Ruleset& r, Diagnostics& d) : ruleset(r), diags(d) {}

  std::vector<std::string> relation_names() const;
  std::vector<std::string> all_names() const;
};

// The passes, in the order check_ruleset runs them.
void declare(Context& cx);           // header, sources, facts, conditions, phases, duplicates, types
void lower_conditions(Context& cx);  // conditions into rules (type inference, safety)
void lower_phases(Context& cx);      // phases, clauses, labels, waivers, for each, after
void stratify(Context& cx);          // strata and their cycles
void order_phases(Context& cx);      // phase_order and `after` cycles
// The warnings; "never used" and "never cited" only when `uses_known` (no declaration failed).
void lint(Context& cx, bool uses_known);

// The `because` and `cites SOURCE, "locator"` of a rule, requirement or waiver; an undeclared source
// is reported (with the nearest declared one), a declared one is marked cited.
void cite(Context& cx, const syntax::Justification& why, std::string& because, std::optional<std::string>& source,
          std::optional<std::string>& locator);

}  // namespace phasegate::engine::check
