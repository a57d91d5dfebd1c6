// Spirit X3 token parsers over the shared lexical layer (header-inline; included only by grammar .cpp files).
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <array>
#include <memory>
#include <string>

#include "grammar/lexer.hpp"
#include "grammar/syntax.hpp"

namespace phasegate::grammar {

namespace x3 = boost::spirit::x3;
using iterator_type = const char*;

// Whitespace and comments between tokens.
struct space_skipper : x3::parser<space_skipper> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const&, RCtx&, Attr&) const {
    It save = first;
    first = skip_space(first, last);
    return first != save;
  }
};
inline constexpr space_skipper skipper{};
using context_type = x3::phrase_parse_context<space_skipper>::type;

// An expression while it is being built: the node and the depth of its tree.
struct PExpr {
  syntax::ExprPtr e;
  std::uint32_t depth = 1;
};

inline PExpr make_expr(const syntax::Position& pos, decltype(syntax::Expr::node) node, std::uint32_t depth) {
  ParseState& st = current_state();
  if (++st.nodes > st.max_nodes) {
    st.stopped = true;
    throw SyntaxError{pos.offset, "E0015",
                      "this file holds more than " + std::to_string(st.max_nodes) +
                          " expression parts; the rest of it is not read",
                      {"split it into several files joined by `include` (the limit is the parse limit "
                       "`max_expr_nodes`, per file)"}};
  }
  if (depth > st.max_expr_depth)
    throw SyntaxError{pos.offset, "E0005",
                      "this expression is nested too deeply (more than " + std::to_string(st.max_expr_depth) +
                          " levels)",
                      {"split it into several conditions (the limit is 4 x the parse limit `max_nesting`)"}};
  auto e = std::make_shared<syntax::Expr>();
  e->pos = pos;
  e->node = std::move(node);
  return PExpr{std::move(e), depth};
}

// The position of the next token; consumes nothing but whitespace.
struct here_parser : x3::parser<here_parser> {
  using attribute_type = syntax::Position;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    x3::traits::move_to(current_state().pos(first), attr);
    return true;
  }
};
inline constexpr here_parser here{};

// A keyword (reserved or contextual): the word, not followed by a name character.
struct kw_parser : x3::parser<kw_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  const char* word;
  constexpr explicit kw_parser(const char* w) : word(w) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    x3::skip_over(first, last, ctx);
    std::string_view w = scan_word(first, last);
    if (w != word) return false;
    first += w.size();
    return true;
  }
};
inline constexpr kw_parser kw(const char* w) { return kw_parser(w); }

// Punctuation: `(`, `)`, `..`, `<=`, ...
struct punct_parser : x3::parser<punct_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  const char* text;
  constexpr explicit punct_parser(const char* t) : text(t) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    x3::skip_over(first, last, ctx);
    It p = first;
    for (const char* t = text; *t; ++t, ++p)
      if (p == last || *p != *t) return false;
    first = p;
    return true;
  }
};
inline constexpr punct_parser punct(const char* t) { return punct_parser(t); }

// A name: an identifier that is not a reserved word.
struct ident_parser : x3::parser<ident_parser> {
  using attribute_type = syntax::Ident;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    std::string_view w = scan_word(first, last);
    if (w.empty() || is_reserved(w)) return false;
    syntax::Ident id{current_state().pos(first), std::string(w)};
    first += w.size();
    x3::traits::move_to(std::move(id), attr);
    return true;
  }
};
inline constexpr ident_parser ident{};

// A text in quotes, escapes resolved.
struct string_parser : x3::parser<string_parser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    std::string s;
    const char* e = scan_string(first, last, s);
    if (!e) return false;
    first = e;
    x3::traits::move_to(std::move(s), attr);
    return true;
  }
};
inline constexpr string_parser quoted{};

struct date_parser : x3::parser<date_parser> {
  using attribute_type = syntax::DateLit;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    syntax::DateLit d;
    const char* e = scan_date(first, last, d);
    if (!e) return false;
    first = e;
    x3::traits::move_to(d, attr);
    return true;
  }
};
inline constexpr date_parser date{};

struct number_parser : x3::parser<number_parser> {
  using attribute_type = syntax::NumberLit;
  static bool const has_attribute = true;
  bool allow_sign;
  constexpr explicit number_parser(bool s) : allow_sign(s) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    syntax::NumberLit n;
    const char* e = scan_number(first, last, allow_sign, n);
    if (!e) return false;
    first = e;
    x3::traits::move_to(std::move(n), attr);
    return true;
  }
};
inline constexpr number_parser signed_number{true};

// A literal value of a facts line, `given` line or phase reference: with its position.
struct PLit {
  syntax::Position pos;
  syntax::Literal lit;
};
struct literal_parser : x3::parser<literal_parser> {
  using attribute_type = PLit;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    PLit out;
    out.pos = current_state().pos(first);
    const char* e = nullptr;
    if (syntax::DateLit d; (e = scan_date(first, last, d))) {
      out.lit = d;
    } else if (syntax::DurationLit du; (e = scan_duration(first, last, true, du))) {
      out.lit = du;
    } else if (syntax::NumberLit n; (e = scan_number(first, last, true, n))) {
      out.lit = std::move(n);
    } else if (std::string s; (e = scan_string(first, last, s))) {
      out.lit = syntax::StringLit{std::move(s)};
    } else if (std::string_view w = scan_word(first, last); !w.empty()) {
      if (w == "true" || w == "false")
        out.lit = syntax::BoolLit{w == "true"};
      else if (w == "unknown")
        out.lit = syntax::UnknownLit{};
      else if (is_reserved(w))
        return false;
      else
        out.lit = syntax::MemberLit{std::string(w)};
      e = first + w.size();
    } else {
      return false;
    }
    first = e;
    x3::traits::move_to(std::move(out), attr);
    return true;
  }
};
inline constexpr literal_parser literal{};

// A literal inside an expression (no sign: unary minus is an operator there).
struct expr_literal_parser : x3::parser<expr_literal_parser> {
  using attribute_type = PExpr;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    decltype(syntax::Expr::node) node;
    const char* e = nullptr;
    if (syntax::DateLit d; (e = scan_date(first, last, d))) {
      node = d;
    } else if (syntax::DurationLit du; (e = scan_duration(first, last, false, du))) {
      node = du;
    } else if (syntax::NumberLit n; (e = scan_number(first, last, false, n))) {
      node = std::move(n);
    } else if (std::string s; (e = scan_string(first, last, s))) {
      node = syntax::StringLit{std::move(s)};
    } else {
      std::string_view w = scan_word(first, last);
      if (w == "true" || w == "false")
        node = syntax::BoolLit{w == "true"};
      else if (w == "unknown")
        node = syntax::UnknownLit{};
      else if (w == "today")
        node = syntax::TodayLit{};
      else
        return false;
      e = first + w.size();
    }
    PExpr out = make_expr(current_state().pos(first), std::move(node), 1);
    first = e;
    x3::traits::move_to(std::move(out), attr);
    return true;
  }
};
inline constexpr expr_literal_parser expr_literal{};

// One word out of a fixed table (type names, aggregate kinds); attribute: the table's value.
template <typename T>
struct word_entry {
  const char* word;
  T value;
};
template <typename T, std::size_t N>
struct word_table_parser : x3::parser<word_table_parser<T, N>> {
  using attribute_type = T;
  static bool const has_attribute = true;
  std::array<word_entry<T>, N> table;
  const char* info;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    std::string_view w = scan_word(first, last);
    if (w.empty()) return false;
    for (const auto& entry : table)
      if (w == entry.word) {
        first += w.size();
        x3::traits::move_to(entry.value, attr);
        return true;
      }
    return false;
  }
};

// GO / NO-GO / UNDETERMINED.
struct verdict_parser : x3::parser<verdict_parser> {
  using attribute_type = syntax::Verdict;
  static bool const has_attribute = true;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    syntax::Verdict v;
    std::size_t n = 0;
    std::string_view w = scan_word(first, last);
    if (w == "GO") {
      v = syntax::Verdict::go;
      n = 2;
    } else if (w == "UNDETERMINED") {
      v = syntax::Verdict::undetermined;
      n = w.size();
    } else if (w == "NO" && last - first >= 5 && std::string_view(first, 5) == "NO-GO" &&
               (first + 5 == last || !is_ident_char(first[5]))) {
      v = syntax::Verdict::no_go;
      n = 5;
    } else {
      return false;
    }
    first += n;
    x3::traits::move_to(v, attr);
    return true;
  }
};
inline constexpr verdict_parser verdict{};

// Refuses a second comparison operator right after a comparison (`a < b < c`).
struct no_chained_comparison : x3::parser<no_chained_comparison> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    It p = first;
    x3::skip_over(p, last, ctx);
    if (p != last && (*p == '<' || *p == '>' || *p == '=' || (*p == '!' && p + 1 != last && p[1] == '=')))
      throw SyntaxError{current_state().offset(p), "E0121", "comparisons cannot be chained",
                        {"`a < b < c` has no meaning here; write `a < b and b < c`"}};
    return true;
  }
};
inline constexpr no_chained_comparison no_chain{};

// Counts recursion depth of the expression grammar, so that hostile nesting is refused, not a stack overflow.
template <typename Subject>
struct depth_guard_directive : x3::unary_parser<Subject, depth_guard_directive<Subject>> {
  using base_type = x3::unary_parser<Subject, depth_guard_directive<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;
  constexpr depth_guard_directive(Subject const& s) : base_type(s) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    ParseState& st = current_state();
    if (st.depth >= st.max_nesting) {
      It p = first;
      x3::skip_over(p, last, ctx);
      throw SyntaxError{st.offset(p), "E0005",
                        "this expression is nested too deeply (more than " + std::to_string(st.max_nesting) +
                            " levels)",
                        {"the limit is the parse limit `max_nesting`"}};
    }
    ++st.depth;
    struct Restore {
      ParseState& s;
      ~Restore() { --s.depth; }
    } restore{st};
    return this->subject.parse(first, last, ctx, rctx, attr);
  }
};
struct depth_guard_gen {
  template <typename Subject>
  constexpr depth_guard_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& s) const {
    return {x3::as_parser(s)};
  }
};
inline constexpr depth_guard_gen guarded{};

}  // namespace phasegate::grammar

// What each token parser is called in an expectation failure (looked up in diag_words).
namespace boost::spirit::x3 {
// An action or a depth guard is named after what it wraps.
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
  using result_type = std::string;
  std::string operator()(action<Subject, Action> const& p) const { return what(p.subject); }
};
template <typename Subject>
struct get_info<phasegate::grammar::depth_guard_directive<Subject>> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::depth_guard_directive<Subject> const& p) const {
    return what(p.subject);
  }
};
template <>
struct get_info<phasegate::grammar::kw_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::kw_parser const& p) const { return std::string("`") + p.word + "`"; }
};
template <>
struct get_info<phasegate::grammar::punct_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::punct_parser const& p) const {
    return std::string("`") + p.text + "`";
  }
};
template <>
struct get_info<phasegate::grammar::ident_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::ident_parser const&) const { return "name"; }
};
template <>
struct get_info<phasegate::grammar::string_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::string_parser const&) const { return "quoted"; }
};
template <>
struct get_info<phasegate::grammar::date_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::date_parser const&) const { return "date"; }
};
template <>
struct get_info<phasegate::grammar::number_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::number_parser const&) const { return "number"; }
};
template <>
struct get_info<phasegate::grammar::literal_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::literal_parser const&) const { return "value"; }
};
template <>
struct get_info<phasegate::grammar::verdict_parser> {
  using result_type = std::string;
  std::string operator()(phasegate::grammar::verdict_parser const&) const { return "verdict"; }
};
}  // namespace boost::spirit::x3
