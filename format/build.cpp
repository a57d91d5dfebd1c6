// Shared pieces of the three file formatters.
#include "format/build.hpp"

#include <algorithm>

namespace phasegate::formatting {

void LineBuilder::add_expr(int indent, const std::string& prefix, const syntax::Expr& e, std::uint32_t anchor,
                           Gap gap) {
  std::string one = prefix + expr_text(e);
  const auto* top = std::get_if<syntax::Binary>(&e.node);
  const bool chain = top && (top->op == syntax::BinaryOp::and_ || top->op == syntax::BinaryOp::or_);
  if (static_cast<std::size_t>(indent) + width(one) <= kLineWidth || !chain) {
    add(indent, std::move(one), anchor, gap);
    return;
  }
  // Flatten the left-leaning chain of one operator: ((a and b) and c) -> a, b, c.
  const syntax::BinaryOp op = top->op;
  const int p = precedence(op);
  std::vector<const syntax::Expr*> operands;
  const syntax::Expr* cur = &e;
  while (true) {
    const auto* b = std::get_if<syntax::Binary>(&cur->node);
    if (!b || b->op != op || !b->lhs || !b->rhs) break;
    operands.push_back(b->rhs.get());
    cur = b->lhs.get();
  }
  operands.push_back(cur);
  std::reverse(operands.begin(), operands.end());
  const std::string word = syntax::spelling(op);
  const std::size_t column = prefix.size();
  const std::size_t pad = column > word.size() ? column - word.size() - 1 : 0;
  for (std::size_t i = 0; i < operands.size(); ++i) {
    if (i == 0) {
      add(indent, prefix + operand_text(*operands[i], p, false), anchor, gap);
    } else {
      // Anchored at the operator, wherever the author put it: comments before it stay above this line.
      add(indent, std::string(pad, ' ') + word + " " + operand_text(*operands[i], p, true),
          source.back_to_word(start_offset(*operands[i]), word, 16), Gap::none);
    }
  }
}

void LineBuilder::add_justification(int indent, const syntax::Justification& why, std::uint32_t from,
                                    std::uint32_t to) {
  if (why.because) {
    add(indent, "because " + quote(*why.because), word("because", from, to, lines.empty() ? from : lines.back().anchor),
        Gap::none);
  }
  if (why.cite) {
    std::string text = "cite " + why.cite->source.name;
    if (why.cite->locator) text += " " + quote(*why.cite->locator);
    const std::uint32_t at = word("cite", from, to, why.cite->pos.offset);
    if (why.because && !source.empty() && source.follows_on_same_line(at)) {
      lines.back().text += " " + text;
    } else {
      add(indent, std::move(text), at, Gap::none);
    }
  }
}

std::string fact_line_text(const syntax::FactLine& line) {
  std::string out = line.name.name;
  if (line.args) {
    out += "(";
    for (std::size_t i = 0; i < line.args->size(); ++i) out += (i ? ", " : "") + literal_text((*line.args)[i]);
    out += ")";
  }
  if (line.value) out += " = " + literal_text(*line.value);
  return out;
}

std::string provenance_text(const syntax::Provenance& prov, const SourceText& source, std::uint32_t from,
                            std::uint32_t to) {
  std::string as_of = prov.as_of ? "   as of " + date_text(*prov.as_of) : "";
  std::string src = prov.source ? "   source " + quote(*prov.source) : "";
  if (prov.as_of && prov.source) {
    auto a = source.find_word("as", from, to);
    auto s = source.find_word("source", from, to);
    if (a && s && *s < *a) return src + as_of;
  }
  return as_of + src;
}

}  // namespace phasegate::formatting
