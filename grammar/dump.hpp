// A deterministic, S-expression-like text of a syntax tree, with positions: for golden tests and debugging.
#pragma once

#include <string>

#include "grammar/syntax.hpp"

namespace phasegate {

std::string dump(const syntax::RulesFile& file);
std::string dump(const syntax::FactsFile& file);
std::string dump(const syntax::ScenariosFile& file);
std::string dump(const syntax::Expr& expr);
std::string dump(const syntax::FactLine& line);
std::string dump(const syntax::Literal& lit);

}  // namespace phasegate
