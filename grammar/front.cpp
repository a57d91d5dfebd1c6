// Input screening, comment collection, and the translation of parse failures into diagnostics.
#include "grammar/front.hpp"

#include <algorithm>
#include <map>

namespace phasegate::grammar {

std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned min;
  unsigned cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string hex_byte(unsigned char c) {
  static const char* hex = "0123456789ABCDEF";
  return std::string{hex[c >> 4], hex[c & 15]};
}

namespace {

std::string rtrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

bool prepare(ParseState& st, const std::string& path, const std::string& text, const ParseLimits& limits,
             Diagnostics& diags, std::vector<syntax::Comment>& comments) {
  st.file = path;
  st.base = text.data();
  st.end = text.data() + text.size();
  st.max_nesting = std::min(limits.max_nesting, kMaxNestingLimit);
  st.max_expr_depth = st.max_nesting * 4;
  st.depth = 0;
  st.nodes = 0;
  st.max_nodes = limits.max_expr_nodes;
  st.stopped = false;
  if (text.size() > limits.max_file_bytes || text.size() >= 0xFFFFFFF0u) {
    diags.error("E0002", syntax::Position{path, 1, 1, 0},
                "this file is too large to parse (" + std::to_string(text.size()) + " bytes)",
                {"the limit is " + std::to_string(limits.max_file_bytes) +
                 " bytes (the parse limit `max_file_bytes`)"});
    st.line_starts = {0};
    return false;
  }
  st.index_lines();

  // One pass: NUL bytes, UTF-8, nesting depth outside strings and comments, comments.
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const auto* e = b + text.size();
  const auto* p = b;
  if (text.size() >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) p += 3;  // byte order mark
  bool in_string = false;
  bool code_on_line = false;
  std::size_t depth = 0;
  while (p < e) {
    unsigned char c = *p;
    std::size_t off = static_cast<std::size_t>(p - b);
    if (c == 0) {
      diags.error("E0004", st.pos(off), "this file contains a NUL byte; it does not look like text",
                  {"rules, facts and scenarios files are UTF-8 text"});
      return false;
    }
    if (c >= 0x80) {
      std::size_t n = utf8_length(p, e);
      if (n == 0) {
        diags.error("E0003", st.pos(off), "invalid UTF-8 (byte 0x" + hex_byte(c) + ")", {"save the file as UTF-8"});
        return false;
      }
      p += n;
      code_on_line = true;
      continue;
    }
    if (in_string) {
      if (c == '\\' && p + 1 < e && p[1] != '\n') {
        p += 2;
        continue;
      }
      if (c == '"' || c == '\n') in_string = false;
      if (c == '\n') code_on_line = false;
      ++p;
      continue;
    }
    switch (c) {
      case '\n':
        code_on_line = false;
        break;
      case '"':
        in_string = true;
        code_on_line = true;
        break;
      case '#': {
        const auto* q = p;
        while (q < e && *q != '\n') ++q;
        syntax::Comment cm;
        cm.pos = st.pos(off);
        std::string body(reinterpret_cast<const char*>(p) + 1, reinterpret_cast<const char*>(q));
        // The comment's text is kept verbatim; NUL and invalid UTF-8 are screened below by the main loop.
        cm.text = rtrim(std::move(body));
        cm.trailing = code_on_line;
        comments.push_back(std::move(cm));
        // Validate the comment's bytes too (continue the loop inside it, but outside "code").
        for (const auto* r = p + 1; r < q;) {
          if (*r == 0) {
            diags.error("E0004", st.pos(static_cast<std::size_t>(r - b)),
                        "this file contains a NUL byte; it does not look like text",
                        {"rules, facts and scenarios files are UTF-8 text"});
            return false;
          }
          if (*r >= 0x80) {
            std::size_t n = utf8_length(r, q);
            if (n == 0) {
              diags.error("E0003", st.pos(static_cast<std::size_t>(r - b)), "invalid UTF-8 in a comment",
                          {"save the file as UTF-8"});
              return false;
            }
            r += n;
          } else {
            ++r;
          }
        }
        p = q;
        continue;
      }
      case '(':
      case '{':
        if (++depth > st.max_nesting) {
          diags.error("E0005", st.pos(off),
                      "brackets are nested too deeply here (more than " + std::to_string(st.max_nesting) +
                          " levels)",
                      {"the limit is the parse limit `max_nesting`"});
          return false;
        }
        break;
      case ')':
      case '}':
        if (depth > 0) --depth;
        break;
      case ' ':
      case '\t':
      case '\r':
        break;
      default:
        code_on_line = true;
    }
    if (c == '(' || c == ')' || c == '{' || c == '}') code_on_line = true;
    ++p;
  }
  return true;
}

ExpectedWords expected_words(const std::string& which) {
  static const std::vector<std::string> value_kinds = {
      "expected one of: a number, a date (YYYY-MM-DD), a duration (`30 days`), a text in quotes, `true`, "
      "`false`, `unknown`, or a member name"};
  static const std::map<std::string, ExpectedWords> table = {
      // expressions
      {"expr", {"E0104", "an expression", {}}},
      {"cond_expr", {"E0104", "a condition", {"for example `troops(c) > 0 and not hostilities_resumed`"}}},
      {"and_expr", {"E0104", "a condition", {}}},
      {"not_expr", {"E0104", "a condition", {}}},
      {"not_operand", {"E0104", "a condition", {}}},
      {"add_expr", {"E0104", "a value to compare with", {}}},
      {"mul_expr", {"E0104", "a value", {}}},
      {"unary_expr", {"E0104", "a value", {}}},
      {"neg_operand", {"E0104", "a value", {}}},
      {"agg_body", {"E0104", "what to aggregate", {"for example `count(contributor(c))` or `sum(troops(c))`"}}},
      {"atom", {"E0112", "an atom such as `sector(s)`", {}}},
      // names
      {"name", {"E0101", "a name", {}}},
      {"ruleset_name", {"E0101", "the ruleset's name", {}}},
      {"fact_name", {"E0101", "the fact's name", {}}},
      {"condition_name", {"E0101", "the condition's name", {}}},
      {"phase_name", {"E0101", "the phase's name", {}}},
      {"param_name", {"E0101", "a parameter name", {}}},
      {"label", {"E0101", "a requirement label", {}}},
      {"source_id", {"E0101", "a source identifier", {"for example `source unscr2803 \"UN SC resolution 2803\"`"}}},
      {"cited_source", {"E0101", "the identifier of a `source`", {}}},
      {"after_phase", {"E0101", "a phase name", {}}},
      {"relation_name", {"E0101", "a fact name", {}}},
      {"member", {"E0101", "a member name", {}}},
      // texts
      {"quoted", {"E0102", "a text in quotes", {}}},
      {"title", {"E0102", "a title in quotes", {}}},
      {"citation_text", {"E0102", "the citation in quotes", {}}},
      {"because_text", {"E0102", "the reason in quotes", {}}},
      {"path", {"E0102", "a file path in quotes", {}}},
      {"version_text", {"E0102", "the version in quotes", {"for example `version \"2026.1\"`"}}},
      {"source_text", {"E0102", "the source in quotes", {}}},
      // types and literals
      {"param", {"E0101", "a parameter such as `country: text`", {}}},
      {"range", {"E0109", "a range such as `0..100`", {}}},
      {"phase_ref", {"E0101", "the phase's name", {}}},
      {"type", {"E0103", "a type", {"expected one of: `bool`, `number`, `number in LO..HI`, `text`, `date`, "
                                    "`level { a < b }`, `one of { a, b }`"}}},
      {"date", {"E0108", "a date (YYYY-MM-DD)", {}}},
      {"number", {"E0109", "a number", {}}},
      {"value", {"E0107", "a value", value_kinds}},
      {"verdict", {"E0110", "a verdict", {"expected one of: `GO`, `NO-GO`, `UNDETERMINED`"}}},
      {"expect_tail",
       {"E0111", "`is` or `because`", {"write `expect PHASE is GO` or `expect PHASE because LABEL`"}}},
      {"eq_or_paren",
       {"E0105", "`=` or `(`", {"a facts line is `fact = value`, `relation(args)` or `relation(args) = value`"}}},
      {"given_body",
       {"E0113", "a facts file in quotes or a facts line", {"for example `given \"briefing.facts\"` or "
                                                            "`given troops(\"Egypt\") = 2_000`"}}},
  };
  auto it = table.find(which);
  if (it != table.end()) return it->second;
  if (which.size() >= 3 && which.front() == '`') {
    bool word = which.size() > 2 && is_ident_start(which[1]);
    return {word ? "E0106" : "E0105", which, {}};
  }
  return {"E0100", which, {}};
}

void report_expected(const ParseState& st, Diagnostics& diags, const char* item_start, const char* where,
                     const std::string& which) {
  const char* at = skip_space(where, st.end);
  ExpectedWords w = expected_words(which);
  std::string message = "expected " + w.words;
  const char* prev = last_token_before(item_start, at, st.end);
  // When what was expected is missing at the end of a line, point just after the last token
  // (the author's line), not at whatever starts the next line.
  const char* report_at = at;
  bool next_line = false;
  if (prev) {
    message += " after " + describe_token_at(prev, st.end);
    const char* prev_end = token_end(prev, st.end);
    for (const char* q = prev_end; q < at; ++q)
      if (*q == '\n') next_line = true;
    if (next_line || at == st.end) report_at = prev_end;
  }
  std::string_view found = scan_word(at, st.end);
  if (w.code == "E0101" && is_reserved(found) && !next_line) {
    message += ", found the reserved word `" + std::string(found) + "`";
    w.notes.push_back("reserved words cannot be used as names; choose another name");
  } else {
    message += ", found " + describe_token_at(at, st.end);
    if (next_line && at != st.end) message += " on the next line";
    // A misspelt keyword: suggest the word that was expected.
    std::vector<std::string> candidates;
    if (which == "type") candidates = {"bool", "number", "text", "date", "level", "one"};
    else if (which == "expect_tail") candidates = {"is", "because"};
    else if (which == "verdict") candidates = {"GO", "NO-GO", "UNDETERMINED"};
    else if (which.size() > 2 && which.front() == '`' && is_ident_start(which[1]))
      candidates = {which.substr(1, which.size() - 2)};
    if (!found.empty() && !candidates.empty() && !next_line) {
      std::string guess = nearest_name(found, candidates);
      if (!guess.empty()) w.notes.insert(w.notes.begin(), "did you mean `" + guess + "`?");
    }
  }
  if (at != st.end && static_cast<unsigned char>(*at) >= 0x80 && !next_line)
    w.notes.push_back(non_ascii_note());
  diags.error(w.code, st.pos(report_at), std::move(message), std::move(w.notes));
}

bool too_many_errors(const ParseState& st, Diagnostics& diags, std::size_t first_diag, const char* at) {
  if (st.stopped) return true;  // its error is reported
  if (diags.items().size() - first_diag < max_errors_per_file) return false;
  diags.error("E0014", st.pos(at),
              "too many syntax errors in this file; the rest of it is not checked",
              {"fix the errors above (the parser stops after " + std::to_string(max_errors_per_file) + ")"});
  return true;
}

std::string non_ascii_note() {
  return "names use only the letters A-Z and a-z, digits and `_`; other characters belong in a text in quotes";
}

void report_syntax_error(const ParseState& st, Diagnostics& diags, const SyntaxError& e) {
  diags.error(e.code, st.pos(e.offset), e.message, e.notes);
}

const char* start_of_text(const ParseState& st) {
  const char* p = skip_space(st.base, st.end);
  if (st.end - p >= 3 && std::string_view(p, 3) == "\xEF\xBB\xBF") p = skip_space(p + 3, st.end);  // byte order mark
  return p;
}

const char* resync(const ParseState& st, const char* item_start, const char* error_at,
                   const std::function<bool(std::string_view)>& is_sync) {
  const char* end = st.end;
  const char* at = skip_space(error_at, end);
  auto line_first_token = [&](const char* line) {
    const char* q = line;
    while (q != end && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
    return q;
  };
  // The error is at the start of a line that begins a new item: resume right there.
  if (at > item_start && at != end) {
    const char* ls = at;
    while (ls != st.base && ls[-1] != '\n') --ls;
    if (line_first_token(ls) == at && is_sync(scan_word(at, end))) return at;
  }
  const char* p = at > item_start ? at : item_start;
  while (true) {
    while (p != end && *p != '\n') ++p;
    if (p == end) return end;
    ++p;
    const char* q = line_first_token(p);
    if (q != end && is_sync(scan_word(q, end))) return q;
  }
}

}  // namespace phasegate::grammar
