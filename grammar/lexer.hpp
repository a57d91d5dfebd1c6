// The shared lexical layer (Boost-free, internal to grammar/): positions, token scanners, parse errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/syntax.hpp"

namespace phasegate::grammar {

// A syntax error raised by a token scanner or a semantic check inside the grammar.
// `offset` is the byte offset in the text being parsed.
struct SyntaxError {
  std::size_t offset = 0;
  std::string code;
  std::string message;
  std::vector<std::string> notes;
};

// Everything the grammar needs to know about the text it parses. One per parse,
// reachable from the token parsers through `current_state()`.
struct ParseState {
  const char* base = nullptr;
  const char* end = nullptr;
  std::string file;
  std::vector<std::uint32_t> line_starts;  // byte offset of each line's first byte
  std::size_t max_nesting = 256;           // parentheses, `not` and unary `-` chains
  std::size_t max_expr_depth = 1024;       // depth of an expression tree
  std::size_t depth = 0;                   // current recursion depth of the expression grammar
  std::size_t nodes = 0;                   // expression nodes made so far in this file
  std::size_t max_nodes = 200'000;
  bool stopped = false;                    // a limit for the whole file was reached: the parse stops
  bool facts_syntax = false;               // a facts or scenarios file (`name =` starts a fact)

  void index_lines();
  syntax::Position pos(std::size_t offset) const;
  syntax::Position pos(const char* p) const { return pos(static_cast<std::size_t>(p - base)); }
  std::size_t offset(const char* p) const { return static_cast<std::size_t>(p - base); }
};

// The state of the parse running on this thread (set by StateScope).
ParseState& current_state();

class StateScope {
 public:
  explicit StateScope(ParseState& s);
  ~StateScope();
  StateScope(const StateScope&) = delete;
  StateScope& operator=(const StateScope&) = delete;

 private:
  ParseState* prev_;
};

inline bool is_ident_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
inline bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Skips whitespace and `#` comments.
inline const char* skip_space(const char* p, const char* end) {
  while (p != end) {
    char c = *p;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++p;
    } else if (c == '#') {
      while (p != end && *p != '\n') ++p;
    } else {
      break;
    }
  }
  return p;
}

// The identifier starting at p (empty when none).
inline std::string_view scan_word(const char* p, const char* end) {
  if (p == end || !is_ident_start(*p)) return {};
  const char* q = p + 1;
  while (q != end && is_ident_char(*q)) ++q;
  return std::string_view(p, static_cast<std::size_t>(q - p));
}

bool is_reserved(std::string_view word);
const std::vector<std::string>& reserved_words();

// Token scanners. Each returns the end of the token, or nullptr when the text at
// `p` is not such a token; malformed tokens throw SyntaxError.
enum class NumberScan { none, ok };
// `[-]digits[_digits][.digits]`; `allow_sign` permits a leading `-`.
const char* scan_number(const char* p, const char* end, bool allow_sign, syntax::NumberLit& out);
// `YYYY-MM-DD` (validated; an impossible date throws E0008).
const char* scan_date(const char* p, const char* end, syntax::DateLit& out);
// `N days` / `N weeks` (p at the number).
const char* scan_duration(const char* p, const char* end, bool allow_sign, syntax::DurationLit& out);
// `"..."` with escapes (p at the opening quote).
const char* scan_string(const char* p, const char* end, std::string& out);

// A short description of the token at p for messages: "`when`", "the text \"...\"", "the end of the file".
std::string describe_token_at(const char* p, const char* end);
// The end of the token starting at p (at least one byte unless p == end).
const char* token_end(const char* p, const char* end);
// The last token that starts before `limit`, scanning from `from` (a token start);
// returns nullptr when there is none.
const char* last_token_before(const char* from, const char* limit, const char* end);

bool valid_date(int y, int m, int d);
int days_in_month(int y, int m);
// Why YYYY-MM-DD is not a day of the calendar (`February 2026 has 28 days`), for a date that is not.
std::string invalid_date_reason(int y, int m);

}  // namespace phasegate::grammar
