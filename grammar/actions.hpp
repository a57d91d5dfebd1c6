// Small semantic actions shared by the declaration grammars: set or append a member of the rule's value.
#pragma once

#include "grammar/tokens_def.hpp"

namespace phasegate::grammar {

template <auto Member>
struct set_ {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    x3::_val(ctx).*Member = std::move(x3::_attr(ctx));
  }
};
template <auto Member>
struct push_ {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    (x3::_val(ctx).*Member).push_back(std::move(x3::_attr(ctx)));
  }
};
// Sets a member to a fixed value (no attribute needed).
template <auto Member, auto Value>
struct flag_ {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    x3::_val(ctx).*Member = Value;
  }
};

}  // namespace phasegate::grammar
