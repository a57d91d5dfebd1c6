// A position-free dump of syntax trees: two trees are equal modulo positions exactly when their dumps are.
#pragma once

#include <string>

#include "grammar/syntax.hpp"

namespace phasegate::formatting {

// One node per line, children indented. Comments are left out unless `with_comments`
// (then only their texts, sorted: the formatter may turn a second trailing comment of a line into a full-line one, and
// hoists comments from inside a line's code above it, ahead of the line's trailing comment), so that a layout change
// does not show.
std::string dump(const syntax::RulesFile& file, bool with_comments = false);
std::string dump(const syntax::FactsFile& file, bool with_comments = false);
std::string dump(const syntax::ScenariosFile& file, bool with_comments = false);
std::string dump(const syntax::Expr& e);

}  // namespace phasegate::formatting
