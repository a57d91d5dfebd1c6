// Helpers for the checker's unit tests: parse and check a ruleset text, print the IR compactly.
#pragma once

#include <optional>
#include <string>

#include "engine/check/check.hpp"
#include "grammar/parse.hpp"

namespace phasegate::test {

struct Checked {
  std::optional<engine::Program> program;
  Diagnostics diags;
  SourceMap sources;
  std::string rendered() {
    diags.sort_and_dedupe();
    return render_text(diags, sources, false);
  }
  // codes of the diagnostics, sorted, joined with spaces
  std::string codes() {
    diags.sort_and_dedupe();
    std::string s;
    for (const auto& d : diags.items()) s += (s.empty() ? "" : " ") + d.code;
    return s;
  }
};

inline Checked check_text(const std::string& text, bool warnings = false) {
  Checked c;
  c.sources.add("t.rules", text);
  syntax::Ruleset rs;
  rs.files.push_back(parse_rules_text("t.rules", text, c.diags));
  engine::CheckOptions opt;
  opt.warnings = warnings;
  c.program = engine::check_ruleset(rs, c.diags, opt);
  return c;
}

inline std::string var_name(const std::vector<std::string>& frame, int v) {
  return v >= 0 && static_cast<std::size_t>(v) < frame.size() ? frame[static_cast<std::size_t>(v)] : "?";
}

// One generator as `kind:text` (bind: `bind:VAR=text`).
inline std::string describe(const engine::Program& p, engine::ExprId id, const std::vector<std::string>& frame) {
  const auto& x = p.exprs[static_cast<std::size_t>(id)];
  switch (x.kind) {
    case engine::ExprKind::atom:
      return "atom:" + x.text;
    case engine::ExprKind::atom_value:
      return "value:" + x.text;
    case engine::ExprKind::bind:
      return "bind:" + var_name(frame, x.var) + "=" + p.exprs[static_cast<std::size_t>(x.children[0])].text;
    default:
      return "?:" + x.text;
  }
}

inline std::string generators(const engine::Program& p, const std::vector<engine::ExprId>& gens,
                              const std::vector<std::string>& frame) {
  std::string s;
  for (auto g : gens) s += (s.empty() ? "" : " ; ") + describe(p, g, frame);
  return s;
}

inline const engine::Rule& rule_of(const engine::Program& p, const std::string& rel, std::size_t alt = 0) {
  int r = p.find_relation(rel);
  return p.rules[static_cast<std::size_t>(p.relations[static_cast<std::size_t>(r)].rules.at(alt))];
}

}  // namespace phasegate::test
