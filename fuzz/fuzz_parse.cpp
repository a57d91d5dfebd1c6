// libFuzzer target: every parser entry point on arbitrary bytes must return (diagnostics allowed), never crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "grammar/dump.hpp"
#include "grammar/parse.hpp"

namespace {
// E0099 (internal error) and E0100 (a grammar element without words) are bugs: make them crashes.
void check(const phasegate::Diagnostics& d) {
  for (const auto& item : d.items())
    if (item.code == "E0099" || item.code == "E0100") __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace phasegate;
  std::string text(reinterpret_cast<const char*>(data), size);
  ParseLimits limits;
  limits.max_nesting = 64;  // keeps sanitizer stack use modest; the limit itself is what is tested
  {
    Diagnostics d;
    auto f = parse_rules_text("fuzz.rules", text, d, limits);
    (void)dump(f);
    check(d);
    SourceMap sources;
    sources.add("fuzz.rules", text);
    (void)render_text(d, sources);
  }
  {
    Diagnostics d;
    (void)dump(parse_facts_text("fuzz.facts", text, d, limits));
    check(d);
  }
  {
    Diagnostics d;
    (void)dump(parse_scenarios_text("fuzz.scenarios", text, d, limits));
    check(d);
  }
  if (size < 4096) {
    Diagnostics d;
    auto line = parse_fact_line("--assume", text, d);
    if (line) (void)dump(*line);
    check(d);
  }
  return 0;
}
