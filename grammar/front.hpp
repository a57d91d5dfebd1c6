// The parse driver's shared, Boost-free parts: input screening, comments, error reporting and recovery.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/diagnostics.hpp"
#include "grammar/lexer.hpp"
#include "grammar/parse.hpp"

namespace phasegate::grammar {

// Length of the valid UTF-8 sequence at p (p < end), or 0 when invalid.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end);
// A byte as two hex digits ("E9"), for the messages about a bad byte.
std::string hex_byte(unsigned char c);

// Screens `text` (size, NUL bytes, UTF-8, nesting depth), indexes its lines and
// collects its comments. Returns false when the text must not be parsed (the
// reason is in `diags`).
bool prepare(ParseState& st, const std::string& path, const std::string& text, const ParseLimits& limits,
             Diagnostics& diags, std::vector<syntax::Comment>& comments);

// The first item of a prepared text: after leading space, comments and a UTF-8 byte order mark.
const char* start_of_text(const ParseState& st);

// Turns an X3 expectation failure into a diagnostic in words a policy author reads.
void report_expected(const ParseState& st, Diagnostics& diags, const char* item_start, const char* where,
                     const std::string& which);
// After this many syntax errors in one file the parser stops (with one more error saying so).
inline constexpr std::size_t max_errors_per_file = 100;
bool too_many_errors(const ParseState& st, Diagnostics& diags, std::size_t first_diag, const char* at);

// The note for a non-ASCII character where a name or keyword was expected.
std::string non_ascii_note();
// A scanner or grammar check's own error.
void report_syntax_error(const ParseState& st, Diagnostics& diags, const SyntaxError& e);

// Where to resume after an error inside the item that starts at `item_start`:
// the next line whose first word satisfies `is_sync` (or the end of the text).
const char* resync(const ParseState& st, const char* item_start, const char* error_at,
                   const std::function<bool(std::string_view)>& is_sync);

// The words for a grammar element named `which` (e.g. "cond_expr" -> "a condition").
struct ExpectedWords {
  std::string code;
  std::string words;
  std::vector<std::string> notes;
};
ExpectedWords expected_words(const std::string& which);

}  // namespace phasegate::grammar
