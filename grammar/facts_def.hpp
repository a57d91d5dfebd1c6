// The grammar of `.facts` and `.scenarios` files and of single `--assume` lines.
#pragma once

#include "grammar/actions.hpp"

namespace phasegate::grammar::facts {

using namespace syntax;

struct PGiven {
  Position pos;
  bool is_file = false;
  std::string path;
  FactLine fact;
};
struct PExpect {
  Position pos;
  PhaseRef phase;
  bool is_verdict = true;
  Verdict verdict = Verdict::go;
  Ident label;
};
struct PScenariosHeader {
  Position pos;
  std::string path;
};
struct PFactsHeader {
  Position pos;
  std::string title;
  Provenance prov;
};

x3::rule<struct relation_name_class, Ident> const relation_name = "relation_name";
x3::rule<struct phase_name_class, Ident> const phase_name = "phase_name";
x3::rule<struct label_class, Ident> const label = "label";
x3::rule<struct title_class, std::string> const title = "title";
x3::rule<struct path_class, std::string> const path = "path";
x3::rule<struct source_text_class, std::string> const source_text = "source_text";
x3::rule<struct eq_or_paren_class> const eq_or_paren = "eq_or_paren";
x3::rule<struct provenance_class, Provenance> const provenance = "provenance";
x3::rule<struct facts_header_class, PFactsHeader> const facts_header = "facts_header";
x3::rule<struct fact_line_class, FactLine> const fact_line = "fact_line";
x3::rule<struct load_line_class, LoadLine> const load_line = "load_line";
x3::rule<struct scenarios_header_class, PScenariosHeader> const scenarios_header = "scenarios_header";
x3::rule<struct scenario_start_class, Scenario> const scenario_start = "scenario_start";
x3::rule<struct given_class, PGiven> const given = "given";
x3::rule<struct given_body_class, PGiven> const given_body = "given_body";
x3::rule<struct expect_class, PExpect> const expect = "expect";
x3::rule<struct expect_tail_class, PExpect> const expect_tail = "expect_tail";
x3::rule<struct phase_ref_class, PhaseRef> const phase_ref = "phase_ref";

auto const relation_name_def = ident;
auto const phase_name_def = ident;
auto const label_def = ident;
auto const title_def = quoted;
auto const path_def = quoted;
auto const source_text_def = quoted;
auto const eq_or_paren_def = &(punct("=") | punct("("));

auto const set_as_of = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  auto& v = x3::_val(ctx);
  if (v.as_of)
    throw SyntaxError{boost::fusion::at_c<0>(a).offset, "E0129", "`as of` is given twice for this line", {}};
  v.as_of = boost::fusion::at_c<1>(a);
};
auto const set_source = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  auto& v = x3::_val(ctx);
  if (v.source)
    throw SyntaxError{boost::fusion::at_c<0>(a).offset, "E0129", "`source` is given twice for this line", {}};
  v.source = std::move(boost::fusion::at_c<1>(a));
};
auto const provenance_def =
    *(((here >> kw("as") >> !(punct("=") | punct("("))) > kw("of") > date)[set_as_of] |  // else a fact `as`
      ((here >> kw("source")) > source_text)[set_source]);

auto const facts_header_def = (here[set_<&PFactsHeader::pos>{}] >> kw("facts")) > title[set_<&PFactsHeader::title>{}] >
                              provenance[set_<&PFactsHeader::prov>{}];

auto const set_line_name = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  v.name = std::move(x3::_attr(ctx));
  v.pos = v.name.pos;
};
auto const open_args = [](auto& ctx) { x3::_val(ctx).args.emplace(); };
auto const push_line_arg = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  PLit& l = x3::_attr(ctx);
  v.args->push_back(std::move(l.lit));
  v.arg_pos.push_back(std::move(l.pos));
};
auto const set_line_value = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  PLit& l = x3::_attr(ctx);
  v.value = std::move(l.lit);
  v.value_pos = std::move(l.pos);
};
// (`>` binds looser than `>>` in C++: keep `>` after an expectation point so each failure names one rule.)
auto const fact_line_def = relation_name[set_line_name] > eq_or_paren >
                           -(punct("(")[open_args] > -(literal[push_line_arg] > *(punct(",") > literal[push_line_arg])) >
                             punct(")")) >
                           -(punct("=") > literal[set_line_value]) > provenance[set_<&FactLine::prov>{}];

auto const load_line_def = (here[set_<&LoadLine::pos>{}] >> kw("load")) > relation_name[set_<&LoadLine::relation>{}] >
                           kw("from") > path[set_<&LoadLine::path>{}] > provenance[set_<&LoadLine::prov>{}];

auto const scenarios_header_def = (here[set_<&PScenariosHeader::pos>{}] >> kw("scenarios")) > kw("for") >
                                  path[set_<&PScenariosHeader::path>{}];
auto const scenario_start_def = (here[set_<&Scenario::pos>{}] >> kw("scenario")) > title[set_<&Scenario::title>{}];

auto const given_file = [](auto& ctx) {
  x3::_val(ctx).is_file = true;
  x3::_val(ctx).path = std::move(x3::_attr(ctx));
};
auto const given_fact = [](auto& ctx) { x3::_val(ctx).fact = std::move(x3::_attr(ctx)); };
auto const merge_given = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  auto& a = x3::_attr(ctx);
  v.is_file = a.is_file;
  v.path = std::move(a.path);
  v.fact = std::move(a.fact);
};
auto const given_def = (here[set_<&PGiven::pos>{}] >> kw("given")) > given_body[merge_given];
auto const given_body_def = quoted[given_file] | fact_line[given_fact];

auto const push_ref_arg = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  PLit& l = x3::_attr(ctx);
  v.args.push_back(std::move(l.lit));
  v.arg_pos.push_back(std::move(l.pos));
};
auto const phase_ref_def = phase_name[set_<&PhaseRef::name>{}] >>
                           -(punct("(") > -(literal[push_ref_arg] > *(punct(",") > literal[push_ref_arg])) > punct(")"));
auto const merge_tail = [](auto& ctx) {
  auto& v = x3::_val(ctx);
  auto& a = x3::_attr(ctx);
  v.is_verdict = a.is_verdict;
  v.verdict = a.verdict;
  v.label = std::move(a.label);
};
auto const expect_def = (here[set_<&PExpect::pos>{}] >> kw("expect")) > phase_ref[set_<&PExpect::phase>{}] >
                        expect_tail[merge_tail];
auto const expect_tail_def = (kw("is") > verdict[set_<&PExpect::verdict>{}]) |
                             (kw("because")[flag_<&PExpect::is_verdict, false>{}] > label[set_<&PExpect::label>{}]);

BOOST_SPIRIT_DEFINE(relation_name, phase_name, label, title, path, source_text, eq_or_paren, provenance, facts_header,
                    fact_line, load_line, scenarios_header, scenario_start, given, given_body, expect, expect_tail,
                    phase_ref)

}  // namespace phasegate::grammar::facts
