// The expression grammar's rules, shared by the grammar units that use expressions (X3, grammar-internal).
#pragma once

#include "grammar/tokens_def.hpp"

namespace phasegate::grammar {

// An atom while it is being built, with the depth of its argument trees.
struct PAtom {
  syntax::Atom atom;
  std::uint32_t depth = 1;
};

struct expr_class;
struct cond_expr_class;
struct atom_class;
using expr_type = x3::rule<expr_class, PExpr>;
using cond_expr_type = x3::rule<cond_expr_class, PExpr>;
using atom_type = x3::rule<atom_class, PAtom>;

// A value expression (inside parentheses, arguments, aggregates).
inline expr_type const expr = "expr";
// The same grammar where a condition is expected (after `require`, `when`, `if`, `where`).
inline cond_expr_type const cond_expr = "cond_expr";
// `name(arg, ...)`.
inline atom_type const atom = "atom";

BOOST_SPIRIT_DECLARE(expr_type, cond_expr_type, atom_type)

}  // namespace phasegate::grammar
