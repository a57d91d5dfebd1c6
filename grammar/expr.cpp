// Instantiates the expression grammar once, for the one iterator and context type of the front end.
#include "grammar/expr_def.hpp"

namespace phasegate::grammar {
BOOST_SPIRIT_INSTANTIATE(expr_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(cond_expr_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(atom_type, iterator_type, context_type)
}  // namespace phasegate::grammar
