// The syntax tree of rules, facts and scenarios files: what the parser produces, Boost-free.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace phasegate::syntax {

// Where a node starts in its source file. `file` is the path as the user (or an
// include) named it; `offset` is the byte offset in that file.
struct Position {
  std::string file;
  std::uint32_t line = 0;    // 1-based
  std::uint32_t column = 0;  // 1-based, in bytes
  std::uint32_t offset = 0;
};

// A `# ...` comment, kept so that the formatter can put it back.
struct Comment {
  Position pos;
  std::string text;       // without the leading '#', trailing whitespace trimmed
  bool trailing = false;  // true when code precedes it on the same line
};

struct Ident {
  Position pos;
  std::string name;
};

// ---------------------------------------------------------------- literals

struct NumberLit {
  std::string text;  // as written less the underscores: "-7", "3.5", "5000"
};
struct StringLit {
  std::string value;  // escapes resolved
};
struct DateLit {
  int year = 0, month = 0, day = 0;  // validated by the parser
};
enum class DurationUnit { days, weeks };
struct DurationLit {
  std::int64_t amount = 0;
  DurationUnit unit = DurationUnit::days;
};
struct BoolLit {
  bool value = false;
};
struct UnknownLit {};
struct TodayLit {};

// A literal value as it appears in facts files, `given` lines and atom arguments.
// A bare identifier (a level or choice member) is a `MemberLit`.
struct MemberLit {
  std::string name;
};
using Literal = std::variant<NumberLit, StringLit, DateLit, DurationLit, BoolLit, UnknownLit, MemberLit>;

// ---------------------------------------------------------------- expressions

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// A bare name: a scalar fact, a nullary condition, a variable, `_`, or a member.
struct NameRef {
  std::string name;
};
// `name(arg, ...)`; arguments are expressions (the checker restricts them).
struct Atom {
  Ident name;
  std::vector<ExprPtr> args;
};
enum class AggregateKind { count, sum, min, max };
// How an aggregate is written: "count", "sum", "min", "max".
inline const char* spelling(AggregateKind k) {
  static constexpr const char* words[] = {"count", "sum", "min", "max"};
  return words[static_cast<int>(k)];
}
struct Aggregate {
  AggregateKind kind = AggregateKind::count;
  ExprPtr body;   // count: an atom; sum/min/max: a number expression
  ExprPtr where;  // may be null
};
enum class UnaryOp { not_, negate };
struct Unary {
  UnaryOp op = UnaryOp::not_;
  ExprPtr operand;
};
enum class BinaryOp { or_, and_, eq, ne, lt, le, gt, ge, add, sub, mul, div };
// How an operator is written: "or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/".
inline const char* spelling(BinaryOp op) {
  static constexpr const char* words[] = {"or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"};
  return words[static_cast<int>(op)];
}
struct Binary {
  BinaryOp op = BinaryOp::and_;
  ExprPtr lhs, rhs;
};

struct Expr {
  Position pos;
  std::variant<NumberLit, StringLit, DateLit, DurationLit, BoolLit, UnknownLit, TodayLit, NameRef, Atom,
               Aggregate, Unary, Binary>
      node;
};

// ---------------------------------------------------------------- rulesets

struct Citation {
  Position pos;
  Ident source;
  std::optional<std::string> locator;
};
// The optional `because "..." cite ID "locator"` tail of a condition or clause.
struct Justification {
  std::optional<std::string> because;
  std::optional<Citation> cite;
};

enum class TypeKind { boolean, number, text, date, level, choice };
struct NumberRange {
  Position pos;     // of the range, and of its low bound
  Position hi_pos;  // of the high bound
  NumberLit lo, hi;
};
struct TypeSpec {
  Position pos;
  TypeKind kind = TypeKind::boolean;
  std::optional<NumberRange> range;  // number only
  std::vector<Ident> members;        // level (in order) or choice
};

struct Param {
  Ident name;
  TypeSpec type;
};

struct FactDecl {
  Position pos;  // of the `fact` keyword
  Ident name;
  std::vector<Param> params;           // empty for a scalar
  std::optional<TypeSpec> value_type;  // absent: a boolean relation (tuples exist or not)
  bool open = false;
  std::optional<std::string> description;
};

struct ConditionDecl {
  Position pos;
  Ident name;
  std::vector<Ident> params;
  std::optional<std::string> description;
  ExprPtr when;
  Justification why;
};

struct ForEachClause {
  Position pos;
  Atom atom;
};
struct AfterClause {
  Position pos;
  std::vector<Ident> phases;
};
struct RequireClause {
  Position pos;
  std::optional<Ident> label;
  ExprPtr expr;
  Justification why;
};
struct BlockClause {
  Position pos;
  std::optional<Ident> label;
  ExprPtr expr;
  Justification why;
};
struct WaiveClause {
  Position pos;
  Ident label;
  ExprPtr expr;
  Justification why;
};
using PhaseClause = std::variant<ForEachClause, AfterClause, RequireClause, BlockClause, WaiveClause>;

struct PhaseDecl {
  Position pos;
  Ident name;
  std::vector<Ident> params;
  std::optional<std::string> title;
  std::vector<PhaseClause> clauses;  // in source order
};

struct SourceDecl {
  Position pos;
  Ident id;
  std::string citation;
};

struct IncludeDecl {
  Position pos;
  std::string path;  // as written (relative to the including file)
};

using Declaration = std::variant<FactDecl, ConditionDecl, PhaseDecl>;

struct RulesetHeader {
  Position pos;
  Ident name;
  std::string title;
  std::optional<std::string> version;
};

// One parsed `.rules` file (an included file has no header).
struct RulesFile {
  std::string path;
  std::optional<RulesetHeader> header;
  std::vector<SourceDecl> sources;
  std::vector<IncludeDecl> includes;
  std::vector<Declaration> decls;  // in source order
  std::vector<Comment> comments;   // in source order
  // The names of `fact`, `condition` and `phase` declarations that did not parse (each reported):
  // the checker says nothing more of them, so that one mistake gives one message.
  std::vector<std::string> unparsed_names;
  bool refused = false;  // not parsed at all (too large, not text, nested too deeply: reported)
  bool header_failed = false;  // a `ruleset` line is there but did not parse (reported)
};

// A ruleset: the main file first, then every included file once, depth-first
// in include order.
struct Ruleset {
  std::vector<RulesFile> files;
};

// ---------------------------------------------------------------- facts files

// Per-line `as of DATE` and `source "..."` overrides (and the file header's defaults).
struct Provenance {
  std::optional<DateLit> as_of;
  std::optional<std::string> source;
};

// `name = value`, `rel(args)`, or `rel(args) = value`.
struct FactLine {
  Position pos;
  Ident name;
  std::optional<std::vector<Literal>> args;  // absent for a scalar; present (maybe empty) for a tuple
  std::vector<Position> arg_pos;             // one per argument
  std::optional<Literal> value;              // absent for a bare tuple `rel(args)`
  Position value_pos;
  Provenance prov;
};

// `load REL from "path"`.
struct LoadLine {
  Position pos;
  Ident relation;
  std::string path;
  Provenance prov;
};

using FactsItem = std::variant<FactLine, LoadLine>;

struct FactsFile {
  std::string path;
  std::optional<std::string> title;  // `facts "title"`
  Provenance defaults;               // header `as of` / `source`
  std::vector<FactsItem> items;      // in source order
  std::vector<Comment> comments;
};

// ---------------------------------------------------------------- scenarios files

enum class Verdict { go, no_go, undetermined };

struct PhaseRef {
  Ident name;
  std::vector<Literal> args;
  std::vector<Position> arg_pos;
};

struct GivenFile {
  Position pos;
  std::string path;
};
struct ExpectVerdict {
  Position pos;
  PhaseRef phase;
  Verdict verdict = Verdict::go;
};
struct ExpectBecause {
  Position pos;
  PhaseRef phase;
  Ident label;
};
using ScenarioItem = std::variant<GivenFile, FactLine, ExpectVerdict, ExpectBecause>;

struct Scenario {
  Position pos;
  std::string title;
  std::vector<ScenarioItem> items;  // in source order
};

struct ScenariosFile {
  std::string path;
  std::string rules_path;  // `scenarios for "..."`, as written
  Position rules_pos;
  std::vector<Scenario> scenarios;
  std::vector<Comment> comments;
};

}  // namespace phasegate::syntax
