// The line-by-line driver shared by the rules, facts and scenarios parsers: screening, the empty-file
// warning, and for each item the same recovery (report in words, resume at the next line that starts an
// item). Each parser supplies what differs: how an item parses and what it remembers.
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/front.hpp"

namespace phasegate::grammar {

// Screens and prepares `text`, warns when it holds nothing ("this KIND file is empty"), and calls
// `body(p)` with `p` at its first item; an internal exception becomes E0099 rather than escaping.
// False when the file was refused whole (too large, not text, nested too deeply) or the parser failed.
template <class Body>
bool parse_file(const std::string& path, const std::string& text, const ParseLimits& limits, Diagnostics& diags,
                std::vector<syntax::Comment>& comments, const char* kind, Body&& body) {
  ParseState st;
  st.facts_syntax = std::string_view(kind) != "rules";
  StateScope scope(st);
  try {
    if (!prepare(st, path, text, limits, diags, comments)) return false;
    const char* p = start_of_text(st);
    if (p == st.end) {
      diags.warning("W0001", st.pos(std::size_t{0}), std::string("this ") + kind + " file is empty");
      return true;
    }
    body(st, p);
    return true;
  } catch (const std::exception& e) {
    diags.error("E0099", syntax::Position{path, 1, 1, 0}, std::string("internal parser error: ") + e.what());
    return false;
  }
}

// Parses item after item from `p`. For each, `parse(start, word, p)` parses one item from `p` (its first
// word is `word`) and returns whether it did; when it did not, `unexpected(start, word)` reports what
// was found; when the grammar threw, `failed(start, word)` is told before the error is reported. Either way the
// parse resumes at the next line whose first word satisfies `is_sync`. `parsed(start, word)` follows
// each item that parsed. Stops after too many errors.
template <class Parse, class Unexpected, class Failed, class Parsed>
void parse_items(const ParseState& st, Diagnostics& diags, const char* p, bool (*is_sync)(std::string_view),
                 Parse&& parse, Unexpected&& unexpected, Failed&& failed, Parsed&& parsed) {
  const char* end = st.end;
  const std::size_t first_diag = diags.items().size();
  while (p != end) {
    if (too_many_errors(st, diags, first_diag, p)) break;
    const char* start = p;
    const std::string_view word = scan_word(p, end);
    const char* error_at = start;
    try {
      if (parse(start, word, p)) {
        parsed(start, word);
        p = skip_space(p, end);
        continue;
      }
      unexpected(start, word);
    } catch (const boost::spirit::x3::expectation_failure<const char*>& e) {
      failed(start, word);
      report_expected(st, diags, start, e.where(), e.which());
      error_at = e.where();
    } catch (const SyntaxError& e) {
      failed(start, word);
      report_syntax_error(st, diags, e);
      error_at = st.base + e.offset;
    }
    p = resync(st, start, error_at, is_sync);
  }
}

}  // namespace phasegate::grammar
