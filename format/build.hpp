// Shared pieces of the three file formatters: the line list they build and common lines.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "format/layout.hpp"
#include "format/print.hpp"
#include "grammar/syntax.hpp"

namespace phasegate::formatting {

inline constexpr std::uint32_t kEnd = std::numeric_limits<std::uint32_t>::max();

struct LineBuilder {
  const SourceText& source;
  std::vector<Line> lines;

  void add(int indent, std::string text, std::uint32_t anchor, Gap gap) {
    lines.push_back({indent, std::move(text), anchor, gap});
  }
  // The anchor of a keyword the tree does not locate, or `fallback`.
  std::uint32_t word(std::string_view w, std::uint32_t from, std::uint32_t to, std::uint32_t fallback) const {
    auto found = source.find_word(w, from, to);
    return found ? *found : fallback;
  }
  // `prefix EXPR` at `indent`; a top-level `and`/`or` chain that does not fit
  // the width breaks before each operator, operands aligned under the first.
  void add_expr(int indent, const std::string& prefix, const syntax::Expr& e, std::uint32_t anchor, Gap gap);
  // `because "..."` and `cite ID "locator"` lines at `indent`; the citation stays
  // on the `because` line when the author wrote it there. Keywords are searched in [from, to).
  void add_justification(int indent, const syntax::Justification& why, std::uint32_t from, std::uint32_t to);
};

// `name`, `rel(args)`, `rel(args) = value`, `name = value` (without overrides).
std::string fact_line_text(const syntax::FactLine& line);
// `   as of DATE   source "..."` in the order the author wrote them (as of first by default).
std::string provenance_text(const syntax::Provenance& prov, const SourceText& source, std::uint32_t from,
                            std::uint32_t to);

}  // namespace phasegate::formatting
