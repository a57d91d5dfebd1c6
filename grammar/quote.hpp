// A string as a string literal of the language: quotes, and the escapes \" \\ \n \t (LANGUAGE.md 1).
#pragma once

#include <string>
#include <string_view>

namespace phasegate {

// The inverse of the lexer's string rule: parsing the result gives `s` back.
std::string quote_string(std::string_view s);

// Text from the inputs (a source, a file name) for a line of text output: a line break, tab or other
// control character is written as an escape (`\n`, `\t`, `\x1B`), so one value cannot show as
// several lines (a forged fact line under `facts list`). Everything else as it is.
std::string printable(std::string_view s);

}  // namespace phasegate
