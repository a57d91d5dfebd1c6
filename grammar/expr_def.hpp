// The expression grammar: precedence or < and < not < comparison < + - < * / < unary - < primary.
#pragma once

#include "grammar/expr.hpp"

namespace phasegate::grammar {

namespace expr_detail {

using syntax::BinaryOp;

inline PExpr binary(BinaryOp op, PExpr lhs, PExpr rhs) {
  syntax::Position pos = lhs.e->pos;
  std::uint32_t depth = std::max(lhs.depth, rhs.depth) + 1;
  return make_expr(pos, syntax::Binary{op, std::move(lhs.e), std::move(rhs.e)}, depth);
}

inline auto const assign = [](auto& ctx) { x3::_val(ctx) = std::move(x3::_attr(ctx)); };

template <BinaryOp Op>
struct fold_fixed {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    auto& v = x3::_val(ctx);
    v = binary(Op, std::move(v), std::move(x3::_attr(ctx)));
  }
};
inline auto const fold_op = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  auto& a = x3::_attr(ctx);
  v = binary(boost::fusion::at_c<0>(a), std::move(v), std::move(boost::fusion::at_c<1>(a)));
};
inline auto const make_not = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  PExpr& operand = boost::fusion::at_c<1>(a);
  std::uint32_t depth = operand.depth + 1;
  x3::_val(ctx) =
      make_expr(boost::fusion::at_c<0>(a), syntax::Unary{syntax::UnaryOp::not_, std::move(operand.e)}, depth);
};
inline auto const make_negate = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  const syntax::Position& pos = boost::fusion::at_c<0>(a);
  PExpr& operand = boost::fusion::at_c<1>(a);
  if (auto* n = std::get_if<syntax::NumberLit>(&operand.e->node); n && !n->text.empty() && n->text[0] != '-') {
    x3::_val(ctx) = make_expr(pos, syntax::NumberLit{"-" + n->text}, 1);
    return;
  }
  std::uint32_t depth = operand.depth + 1;
  x3::_val(ctx) = make_expr(pos, syntax::Unary{syntax::UnaryOp::negate, std::move(operand.e)}, depth);
};

struct PAgg {
  syntax::Position pos;
  syntax::AggregateKind kind = syntax::AggregateKind::count;
  PExpr body;
  PExpr where;
};

inline const word_table_parser<syntax::AggregateKind, 4> aggregate_kind{
    {},
    {{{"count", syntax::AggregateKind::count},
      {"sum", syntax::AggregateKind::sum},
      {"min", syntax::AggregateKind::min},
      {"max", syntax::AggregateKind::max}}},
    "aggregate"};

struct comparison_ops : x3::symbols<BinaryOp> {
  comparison_ops() {
    add("=", BinaryOp::eq)("!=", BinaryOp::ne)("<", BinaryOp::lt)("<=", BinaryOp::le)(">", BinaryOp::gt)(
        ">=", BinaryOp::ge);
  }
};
struct additive_ops : x3::symbols<BinaryOp> {
  additive_ops() { add("+", BinaryOp::add)("-", BinaryOp::sub); }
};
struct multiplicative_ops : x3::symbols<BinaryOp> {
  multiplicative_ops() { add("*", BinaryOp::mul)("/", BinaryOp::div); }
};
inline const comparison_ops comparison_op;
inline const additive_ops additive_op;
inline const multiplicative_ops multiplicative_op;

}  // namespace expr_detail

using namespace expr_detail;

x3::rule<struct or_expr_class, PExpr> const or_expr = "or_expr";
x3::rule<struct and_expr_class, PExpr> const and_expr = "and_expr";
x3::rule<struct not_expr_class, PExpr> const not_expr = "not_expr";
x3::rule<struct not_operand_class, PExpr> const not_operand = "not_operand";
x3::rule<struct cmp_expr_class, PExpr> const cmp_expr = "cmp_expr";
x3::rule<struct add_expr_class, PExpr> const add_expr = "add_expr";
x3::rule<struct mul_expr_class, PExpr> const mul_expr = "mul_expr";
x3::rule<struct unary_expr_class, PExpr> const unary_expr = "unary_expr";
x3::rule<struct neg_operand_class, PExpr> const neg_operand = "neg_operand";
x3::rule<struct primary_class, PExpr> const primary = "primary";
x3::rule<struct paren_class, PExpr> const paren = "paren";
x3::rule<struct nested_expr_class, PExpr> const nested_expr = "expr";
x3::rule<struct aggregate_class, PAgg> const aggregate = "aggregate";
x3::rule<struct agg_body_class, PExpr> const agg_body = "agg_body";
x3::rule<struct name_ref_class, syntax::Ident> const name_ref = "name";

auto const expr_def = or_expr[assign];
auto const cond_expr_def = or_expr[assign];

auto const or_expr_def = and_expr[assign] >> *(kw("or") > and_expr[fold_fixed<BinaryOp::or_>{}]);
auto const and_expr_def = not_expr[assign] >> *(kw("and") > not_expr[fold_fixed<BinaryOp::and_>{}]);
auto const not_expr_def = ((here >> kw("not")) > not_operand)[make_not] | cmp_expr[assign];
auto const not_operand_def = guarded[not_expr][assign];
auto const cmp_expr_def = add_expr[assign] >> -((comparison_op > add_expr)[fold_op] >> no_chain);
auto const add_expr_def = mul_expr[assign] >> *(additive_op > mul_expr)[fold_op];
auto const mul_expr_def = unary_expr[assign] >> *(multiplicative_op > unary_expr)[fold_op];
auto const unary_expr_def = ((here >> punct("-")) > neg_operand)[make_negate] | primary[assign];
auto const neg_operand_def = guarded[unary_expr][assign];

auto const wrap_aggregate = [](auto& ctx) {
  PAgg& a = x3::_attr(ctx);
  std::uint32_t depth = std::max(a.body.depth, a.where.e ? a.where.depth : 0u) + 1;
  x3::_val(ctx) = make_expr(a.pos, syntax::Aggregate{a.kind, std::move(a.body.e), std::move(a.where.e)}, depth);
};
auto const wrap_atom = [](auto& ctx) {
  PAtom& a = x3::_attr(ctx);
  syntax::Position pos = a.atom.name.pos;
  x3::_val(ctx) = make_expr(pos, std::move(a.atom), a.depth);
};
auto const wrap_name = [](auto& ctx) {
  syntax::Ident& id = x3::_attr(ctx);
  x3::_val(ctx) = make_expr(id.pos, syntax::NameRef{std::move(id.name)}, 1);
};
auto const primary_def =
    paren[assign] | aggregate[wrap_aggregate] | expr_literal[assign] | atom[wrap_atom] | name_ref[wrap_name];
auto const paren_def = punct("(") > nested_expr[assign] > punct(")");
auto const nested_expr_def = guarded[expr][assign];

auto const set_agg_start = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx).pos = boost::fusion::at_c<0>(a);
  x3::_val(ctx).kind = boost::fusion::at_c<1>(a);
};
auto const set_agg_body = [](auto& ctx) { x3::_val(ctx).body = std::move(x3::_attr(ctx)); };
auto const set_agg_where = [](auto& ctx) { x3::_val(ctx).where = std::move(x3::_attr(ctx)); };
auto const aggregate_def = (here >> aggregate_kind)[set_agg_start] > punct("(") > agg_body[set_agg_body] >
                           -(kw("where") > cond_expr[set_agg_where]) > punct(")");
auto const agg_body_def = guarded[expr][assign];

auto const set_atom_name = [](auto& ctx) { x3::_val(ctx).atom.name = std::move(x3::_attr(ctx)); };
auto const push_atom_arg = [](auto& ctx) {
  PExpr& e = x3::_attr(ctx);
  auto& v = x3::_val(ctx);
  v.depth = std::max(v.depth, e.depth + 1);
  v.atom.args.push_back(std::move(e.e));
};
auto const atom_def = (ident[set_atom_name] >> punct("(")) >
                      -(nested_expr[push_atom_arg] > *(punct(",") > nested_expr[push_atom_arg])) > punct(")");
auto const name_ref_def = ident;

BOOST_SPIRIT_DEFINE(expr, cond_expr, atom, or_expr, and_expr, not_expr, not_operand, cmp_expr, add_expr, mul_expr,
                    unary_expr, neg_operand, primary, paren, nested_expr, aggregate, agg_body, name_ref)

}  // namespace phasegate::grammar
