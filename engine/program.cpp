// Look-ups on the checked program.
#include "engine/program.hpp"

namespace phasegate::engine {

int Program::find_relation(const std::string& name) const {
  for (std::size_t i = 0; i < relations.size(); ++i)
    if (relations[i].name == name) return static_cast<int>(i);
  return -1;
}

bool Program::declares_fact(const std::string& name) const {
  const int r = find_relation(name);
  return r >= 0 && relations[static_cast<std::size_t>(r)].kind == RelationKind::fact;
}

int Program::find_phase(const std::string& name) const {
  for (std::size_t i = 0; i < phases.size(); ++i)
    if (phases[i].name == name) return static_cast<int>(i);
  return -1;
}

int expr_precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::or_: return 1;
    case ExprKind::and_: return 2;
    case ExprKind::not_: return 3;
    case ExprKind::compare:
    case ExprKind::bind: return 4;
    case ExprKind::arith: return (e.arith == ArithOp::add || e.arith == ArithOp::sub) ? 5 : 6;
    case ExprKind::negate: return 7;
    case ExprKind::constant:
      if (const auto* d = std::get_if<Decimal>(&e.constant); d && d->is_negative()) return 7;
      return 8;
    default: return 8;
  }
}

namespace {

// As the checker writes texts: an operand of a weaker operator is bracketed.
void render(const Program& p, ExprId id, std::string& out);

void operand(const Program& p, ExprId id, int min_prec, std::string& out) {
  const bool brackets = expr_precedence(p.exprs[static_cast<std::size_t>(id)]) < min_prec;
  if (brackets) out += '(';
  render(p, id, out);
  if (brackets) out += ')';
}

void render(const Program& p, ExprId id, std::string& out) {
  const Expr& x = p.exprs[static_cast<std::size_t>(id)];
  if (!x.text.empty()) {
    out += x.text;
    return;
  }
  static const char* const compare_ops[] = {"=", "!=", "<", "<=", ">", ">="};
  static const char* const arith_ops[] = {"+", "-", "*", "/"};
  static const char* const aggregates[] = {"count", "sum", "min", "max"};
  switch (x.kind) {
    case ExprKind::not_:
      out += "not ";
      operand(p, x.children.at(0), 3, out);
      return;
    case ExprKind::negate:
      out += '-';
      operand(p, x.children.at(0), 7, out);
      return;
    case ExprKind::and_:
    case ExprKind::or_: {
      const int prec = x.kind == ExprKind::and_ ? 2 : 1;
      for (std::size_t i = 0; i < x.children.size(); ++i) {
        if (i) out += x.kind == ExprKind::and_ ? " and " : " or ";
        operand(p, x.children[i], prec, out);
      }
      return;
    }
    case ExprKind::compare:
      operand(p, x.children.at(0), 5, out);
      out += std::string(" ") + compare_ops[static_cast<int>(x.cmp)] + " ";
      operand(p, x.children.at(1), 5, out);
      return;
    case ExprKind::arith: {
      const int prec = expr_precedence(x);
      operand(p, x.children.at(0), prec, out);
      out += std::string(" ") + arith_ops[static_cast<int>(x.arith)] + " ";
      operand(p, x.children.at(1), prec + 1, out);
      return;
    }
    case ExprKind::aggregate:
      out += aggregates[static_cast<int>(x.agg)];
      out += '(';
      if (!x.children.empty()) render(p, x.children[0], out);
      if (x.children.size() > 1) {
        out += " where ";
        render(p, x.children[1], out);
      }
      out += ')';
      return;
    default:
      return;
  }
}

}  // namespace

std::string expr_text(const Program& program, ExprId id) {
  std::string out;
  if (id >= 0 && static_cast<std::size_t>(id) < program.exprs.size()) render(program, id, out);
  return out;
}

}  // namespace phasegate::engine
