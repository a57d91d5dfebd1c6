// The shared lexical layer: token scanners used by every grammar unit.
#include "grammar/lexer.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace phasegate::grammar {

namespace {
thread_local ParseState* tl_state = nullptr;
ParseState fallback_state;
}  // namespace

ParseState& current_state() { return tl_state ? *tl_state : fallback_state; }

StateScope::StateScope(ParseState& s) : prev_(tl_state) { tl_state = &s; }
StateScope::~StateScope() { tl_state = prev_; }

void ParseState::index_lines() {
  line_starts.clear();
  // A byte order mark is not part of line 1: columns there count from after it, as an editor shows them.
  const bool bom = end - base >= 3 && std::string_view(base, 3) == "\xEF\xBB\xBF";
  line_starts.push_back(bom ? 3 : 0);
  for (const char* p = base; p != end; ++p)
    if (*p == '\n') line_starts.push_back(static_cast<std::uint32_t>(p - base + 1));
}

syntax::Position ParseState::pos(std::size_t off) const {
  syntax::Position p;
  p.file = file;
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), static_cast<std::uint32_t>(off));
  std::size_t line = static_cast<std::size_t>(it - line_starts.begin());
  if (line == 0) line = 1;
  p.line = static_cast<std::uint32_t>(line);
  const std::size_t start = line_starts.empty() ? 0 : line_starts[line - 1];
  p.column = static_cast<std::uint32_t>((off > start ? off - start : 0) + 1);
  p.offset = static_cast<std::uint32_t>(off);
  return p;
}

const std::vector<std::string>& reserved_words() {
  static const std::vector<std::string> words = {
      "after", "and",     "because", "block", "cite",   "condition", "count",     "expect",  "fact",
      "facts", "false",   "given",   "if",    "include", "level",    "load",      "max",     "min",
      "not",   "open",    "or",      "phase", "require", "ruleset",  "scenario",  "scenarios", "source",
      "sum",   "today",   "true",    "unknown", "version", "waive",   "when",      "where"};
  return words;
}

bool is_reserved(std::string_view w) {
  if (w.empty() || w.size() > 9) return false;
  const auto& words = reserved_words();
  return std::binary_search(words.begin(), words.end(), w,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

int days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return days[m - 1];
}

bool valid_date(int y, int m, int d) { return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m); }

std::string invalid_date_reason(int y, int m) {
  static const char* const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
  if (m < 1 || m > 12) return "months run from 01 to 12";
  if (y < 1) return "years start at 0001";
  return std::string(month_names[m - 1]) + " " + std::to_string(y) + " has " + std::to_string(days_in_month(y, m)) +
         " days";
}

namespace {

// Digits with single underscores between them; returns the end, or p when no digit.
const char* scan_digits(const char* p, const char* end, std::string& out, const ParseState& st) {
  if (p == end || !is_digit(*p)) return p;
  while (p != end) {
    if (is_digit(*p)) {
      out += *p++;
    } else if (*p == '_' && p + 1 != end && is_digit(p[1]) && !out.empty() && is_digit(out.back())) {
      ++p;
    } else if (*p == '_') {
      throw SyntaxError{st.offset(p), "E0009", "misplaced `_` in a number",
                        {"an underscore may only stand between two digits, as in `5_000`"}};
    } else {
      break;
    }
  }
  return p;
}
}  // namespace

const char* scan_number(const char* p, const char* end, bool allow_sign, syntax::NumberLit& out) {
  const ParseState& st = current_state();
  const char* start = p;
  std::string text;
  if (allow_sign && p != end && *p == '-') {
    if (p + 1 == end || !is_digit(p[1])) return nullptr;
    text += '-';
    ++p;
  }
  if (p == end || !is_digit(*p)) return nullptr;
  p = scan_digits(p, end, text, st);
  if (p != end && *p == '.' && p + 1 != end && is_digit(p[1])) {
    text += '.';
    p = scan_digits(p + 1, end, text, st);
  }
  if (p != end && (is_ident_char(*p) || (*p == '.' && p + 1 != end && is_digit(p[1])))) {
    const char* q = p;
    while (q != end && (is_ident_char(*q) || *q == '.') && q - start < 40) ++q;
    throw SyntaxError{st.offset(start), "E0009", "malformed number `" + std::string(start, q) + "`",
                      {"a number is written like `42`, `3.5`, `-7` or `5_000`"}};
  }
  out.text = std::move(text);
  return p;
}

const char* scan_date(const char* p, const char* end, syntax::DateLit& out) {
  // YYYY-MM-DD exactly, not followed by a name or digit character.
  if (end - p < 10) return nullptr;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(p[i])) return nullptr;
  if (p[4] != '-' || p[7] != '-') return nullptr;
  if (p + 10 != end && (is_ident_char(p[10]) || p[10] == '.')) return nullptr;
  int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
  int m = (p[5] - '0') * 10 + (p[6] - '0');
  int d = (p[8] - '0') * 10 + (p[9] - '0');
  if (!valid_date(y, m, d)) {
    const ParseState& st = current_state();
    std::string text(p, 10);
    std::vector<std::string> notes{invalid_date_reason(y, m)};
    throw SyntaxError{st.offset(p), "E0008", "`" + text + "` is not a valid date", std::move(notes)};
  }
  out = syntax::DateLit{y, m, d};
  return p + 10;
}

const char* scan_duration(const char* p, const char* end, bool allow_sign, syntax::DurationLit& out) {
  const char* q = p;
  bool neg = false;
  if (allow_sign && q != end && *q == '-') {
    neg = true;
    ++q;
  }
  if (q == end || !is_digit(*q)) return nullptr;
  const char* num_start = q;
  while (q != end && (is_digit(*q) || (*q == '_' && q + 1 != end && is_digit(q[1])))) ++q;
  bool fraction = false;
  const char* num_end = q;
  if (q != end && *q == '.' && q + 1 != end && is_digit(q[1])) {
    fraction = true;
    ++q;
    while (q != end && (is_digit(*q) || *q == '_')) ++q;
  }
  if (q != end && is_ident_char(*q)) return nullptr;  // malformed number: let the number scanner say so
  const char* w = skip_space(q, end);
  std::string_view word = scan_word(w, end);
  syntax::DurationUnit unit;
  if (word == "days")
    unit = syntax::DurationUnit::days;
  else if (word == "weeks")
    unit = syntax::DurationUnit::weeks;
  else
    return nullptr;
  // In a facts or scenarios file a `days` or `weeks` followed by `=` or `(` names the next line's
  // fact: `x = 5` then `days = 3` is not `5 days`.
  if (current_state().facts_syntax) {
    const char* after = skip_space(w + word.size(), end);
    if (after != end && (*after == '=' || *after == '(')) return nullptr;
  }
  const ParseState& st = current_state();
  if (fraction)
    throw SyntaxError{st.offset(p), "E0012", "a duration is a whole number of days or weeks",
                      {"write for example `30 days` or `2 weeks`"}};
  std::int64_t amount = 0;
  for (const char* c = num_start; c != num_end; ++c) {
    if (*c == '_') continue;
    if (amount > (INT64_MAX - 9) / 10)
      throw SyntaxError{st.offset(p), "E0012", "this duration is too large", {}};
    amount = amount * 10 + (*c - '0');
  }
  out.amount = neg ? -amount : amount;
  out.unit = unit;
  return w + word.size();
}

const char* scan_string(const char* p, const char* end, std::string& out) {
  if (p == end || *p != '"') return nullptr;
  const ParseState& st = current_state();
  const char* open = p++;
  std::string s;
  while (true) {
    if (p == end || *p == '\n' || *p == '\r')
      throw SyntaxError{st.offset(open), "E0006", "this text in quotes is not closed on its line",
                        {"add the closing `\"`; a text cannot span lines (write `\\n` for a line break)"}};
    char c = *p;
    if (c == '"') break;
    if (c == '\\') {
      if (p + 1 == end || p[1] == '\n' || p[1] == '\r')
        throw SyntaxError{st.offset(open), "E0006", "this text in quotes is not closed on its line",
                          {"add the closing `\"`; a text cannot span lines (write `\\n` for a line break)"}};
      char e = p[1];
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case 'n': s += '\n'; break;
        case 't': s += '\t'; break;
        default:
          throw SyntaxError{st.offset(p), "E0007",
                            static_cast<unsigned char>(e) > 0x20 && static_cast<unsigned char>(e) < 0x7f
                                ? "unknown escape `\\" + std::string(1, e) + "` in a text in quotes"
                                : std::string("unknown escape after `\\` in a text in quotes"),
                            {"the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"}};
      }
      p += 2;
      continue;
    }
    s += c;
    ++p;
  }
  out = std::move(s);
  return p + 1;
}

const char* token_end(const char* p, const char* end) {
  if (p == end) return p;
  char c = *p;
  if (is_ident_start(c)) return p + scan_word(p, end).size();
  if (is_digit(c)) {
    const char* q = p;
    while (q != end && (is_ident_char(*q) || *q == '-' || (*q == '.' && q + 1 != end && is_digit(q[1])))) ++q;
    return q;
  }
  if (c == '"') {
    const char* q = p + 1;
    while (q != end && *q != '"' && *q != '\n') {
      if (*q == '\\' && q + 1 != end) ++q;
      ++q;
    }
    return q == end || *q == '\n' ? q : q + 1;
  }
  static const char* two[] = {"<=", ">=", "!=", ".."};
  if (end - p >= 2)
    for (const char* t : two)
      if (p[0] == t[0] && p[1] == t[1]) return p + 2;
  if (static_cast<unsigned char>(c) >= 0x80) {  // one UTF-8 character
    const char* q = p + 1;
    while (q != end && (static_cast<unsigned char>(*q) & 0xC0) == 0x80) ++q;
    return q;
  }
  return p + 1;
}

std::string describe_token_at(const char* p, const char* end) {
  if (p == end) return "the end of the file";
  const char* e = token_end(p, end);
  std::string tok(p, e);
  if (*p == '"') {
    if (tok.size() > 24) tok = tok.substr(0, 20) + "...\"";
    return "the text " + tok;
  }
  if (tok.size() > 40) tok = tok.substr(0, 36) + "...";
  for (char& c : tok)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (tok == "`") return "a backquote";
  return "`" + tok + "`";
}

const char* last_token_before(const char* from, const char* limit, const char* end) {
  const char* last = nullptr;
  const char* p = skip_space(from, end);
  while (p < limit && p != end) {
    last = p;
    const char* e = token_end(p, end);
    if (e == p) break;
    p = skip_space(e, end);
  }
  return last;
}

}  // namespace phasegate::grammar
