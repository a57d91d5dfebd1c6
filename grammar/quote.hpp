// A string as a string literal of the language: quotes, and the escapes \" \\ \n \t (LANGUAGE.md 1).
#pragma once

#include <string>
#include <string_view>

namespace phasegate {

// The inverse of the lexer's string rule: parsing the result gives `s` back.
std::string quote_string(std::string_view s);

}  // namespace phasegate
