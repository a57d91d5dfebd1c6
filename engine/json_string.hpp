// A string as a JSON string literal, escaped as nlohmann::json escapes it (the two-character escapes,
// other control characters as \u00xx, UTF-8 left as is): shared by every JSON writer of the project.
#pragma once

#include <string>
#include <string_view>

namespace phasegate::engine {

void append_json_string(std::string& out, std::string_view s);

}  // namespace phasegate::engine
