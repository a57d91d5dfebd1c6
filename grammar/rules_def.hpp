// The grammar of `.rules` files: header, sources, includes, facts, conditions, phases and their clauses.
#pragma once

#include "grammar/actions.hpp"
#include "grammar/expr.hpp"

namespace phasegate::grammar::rules {

using namespace syntax;

struct PVersion {
  Position pos;
  std::string text;
};

x3::rule<struct ruleset_name_class, Ident> const ruleset_name = "ruleset_name";
x3::rule<struct fact_name_class, Ident> const fact_name = "fact_name";
x3::rule<struct condition_name_class, Ident> const condition_name = "condition_name";
x3::rule<struct phase_name_class, Ident> const phase_name = "phase_name";
x3::rule<struct param_name_class, Ident> const param_name = "param_name";
x3::rule<struct label_class, Ident> const label = "label";
x3::rule<struct source_id_class, Ident> const source_id = "source_id";
x3::rule<struct cited_source_class, Ident> const cited_source = "cited_source";
x3::rule<struct after_phase_class, Ident> const after_phase = "after_phase";
x3::rule<struct member_class, Ident> const member = "member";
x3::rule<struct title_class, std::string> const title = "title";
x3::rule<struct citation_text_class, std::string> const citation_text = "citation_text";
x3::rule<struct because_text_class, std::string> const because_text = "because_text";
x3::rule<struct path_class, std::string> const path = "path";
x3::rule<struct version_text_class, std::string> const version_text = "version_text";

x3::rule<struct ruleset_header_class, RulesetHeader> const ruleset_header = "ruleset_header";
x3::rule<struct version_line_class, PVersion> const version_line = "version_line";
x3::rule<struct source_decl_class, SourceDecl> const source_decl = "source_decl";
x3::rule<struct include_decl_class, IncludeDecl> const include_decl = "include_decl";
x3::rule<struct fact_decl_class, FactDecl> const fact_decl = "fact_decl";
x3::rule<struct param_class, Param> const param = "param";
x3::rule<struct type_class, TypeSpec> const type_spec = "type";
x3::rule<struct range_class, NumberRange> const number_range = "range";
x3::rule<struct condition_decl_class, ConditionDecl> const condition_decl = "condition_decl";
x3::rule<struct justification_class, Justification> const justification = "justification";
x3::rule<struct citation_class, Citation> const citation = "citation";
x3::rule<struct phase_decl_class, PhaseDecl> const phase_decl = "phase_decl";
x3::rule<struct for_each_class, ForEachClause> const for_each_clause = "for_each";
x3::rule<struct after_class, AfterClause> const after_clause = "after";
x3::rule<struct require_class, RequireClause> const require_clause = "require";
x3::rule<struct block_class, BlockClause> const block_clause = "block";
x3::rule<struct waive_class, WaiveClause> const waive_clause = "waive";

auto const ruleset_name_def = ident;
auto const fact_name_def = ident;
auto const condition_name_def = ident;
auto const phase_name_def = ident;
auto const param_name_def = ident;
auto const label_def = ident;
auto const source_id_def = ident;
auto const cited_source_def = ident;
auto const after_phase_def = ident;
auto const member_def = ident;
auto const title_def = quoted;
auto const citation_text_def = quoted;
auto const because_text_def = quoted;
auto const path_def = quoted;
auto const version_text_def = quoted;

auto const ruleset_header_def = (here[set_<&RulesetHeader::pos>{}] >> kw("ruleset")) >
                                ruleset_name[set_<&RulesetHeader::name>{}] > title[set_<&RulesetHeader::title>{}];
auto const version_line_def =
    (here[set_<&PVersion::pos>{}] >> kw("version")) > version_text[set_<&PVersion::text>{}];
auto const source_decl_def = (here[set_<&SourceDecl::pos>{}] >> kw("source")) > source_id[set_<&SourceDecl::id>{}] >
                             citation_text[set_<&SourceDecl::citation>{}];
auto const include_decl_def = (here[set_<&IncludeDecl::pos>{}] >> kw("include")) > path[set_<&IncludeDecl::path>{}];

// ---- facts
auto const fact_decl_def =
    (here[set_<&FactDecl::pos>{}] >> kw("fact")) > fact_name[set_<&FactDecl::name>{}] >
    -(punct("(") > param[push_<&FactDecl::params>{}] > *(punct(",") > param[push_<&FactDecl::params>{}]) >
      punct(")")) >
    -(punct(":") > type_spec[set_<&FactDecl::value_type>{}]) > -kw("open")[flag_<&FactDecl::open, true>{}] >
    -title[set_<&FactDecl::description>{}];
auto const param_def = param_name[set_<&Param::name>{}] > punct(":") > type_spec[set_<&Param::type>{}];

auto const type_spec_def =
    here[set_<&TypeSpec::pos>{}] >>
    (kw("bool")[flag_<&TypeSpec::kind, TypeKind::boolean>{}] |
     (kw("number")[flag_<&TypeSpec::kind, TypeKind::number>{}] >
      -(kw("in") > number_range[set_<&TypeSpec::range>{}])) |
     kw("text")[flag_<&TypeSpec::kind, TypeKind::text>{}] | kw("date")[flag_<&TypeSpec::kind, TypeKind::date>{}] |
     (kw("level")[flag_<&TypeSpec::kind, TypeKind::level>{}] > punct("{") > member[push_<&TypeSpec::members>{}] >
      *(punct("<") > member[push_<&TypeSpec::members>{}]) > punct("}")) |
     (kw("one")[flag_<&TypeSpec::kind, TypeKind::choice>{}] > kw("of") > punct("{") >
      member[push_<&TypeSpec::members>{}] > *(punct(",") > member[push_<&TypeSpec::members>{}]) > punct("}")));
auto const number_range_def = (here[set_<&NumberRange::pos>{}] >> signed_number[set_<&NumberRange::lo>{}]) >
                              punct("..") > here[set_<&NumberRange::hi_pos>{}] > signed_number[set_<&NumberRange::hi>{}];

// ---- conditions
auto const set_when = [](auto& ctx) { x3::_val(ctx).when = std::move(x3::_attr(ctx).e); };
auto const condition_decl_def =
    (here[set_<&ConditionDecl::pos>{}] >> kw("condition")) > condition_name[set_<&ConditionDecl::name>{}] >
    -(punct("(") > param_name[push_<&ConditionDecl::params>{}] >
      *(punct(",") > param_name[push_<&ConditionDecl::params>{}]) > punct(")")) >
    -title[set_<&ConditionDecl::description>{}] > kw("when") > cond_expr[set_when] >
    justification[set_<&ConditionDecl::why>{}];
auto const justification_def = -(kw("because") > because_text[set_<&Justification::because>{}]) >>
                               -citation[set_<&Justification::cite>{}];
auto const citation_def = (here[set_<&Citation::pos>{}] >> kw("cite")) > cited_source[set_<&Citation::source>{}] >
                          -title[set_<&Citation::locator>{}];

// ---- phases
auto const set_expr = [](auto& ctx) { x3::_val(ctx).expr = std::move(x3::_attr(ctx).e); };
auto const set_label = [](auto& ctx) { x3::_val(ctx).label = std::move(x3::_attr(ctx)); };
auto const set_for_each_atom = [](auto& ctx) { x3::_val(ctx).atom = std::move(x3::_attr(ctx).atom); };

auto const phase_decl_def =
    (here[set_<&PhaseDecl::pos>{}] >> kw("phase")) > phase_name[set_<&PhaseDecl::name>{}] >
    -(punct("(") > param_name[push_<&PhaseDecl::params>{}] >
      *(punct(",") > param_name[push_<&PhaseDecl::params>{}]) > punct(")")) >
    -title[set_<&PhaseDecl::title>{}];
// A phase's clauses are parsed one by one by the driver (rules.cpp), so that an error in one
// clause does not hide errors in the next ones.
auto const for_each_clause_def =
    (here[set_<&ForEachClause::pos>{}] >> kw("for")) > kw("each") > atom[set_for_each_atom];
auto const after_clause_def = (here[set_<&AfterClause::pos>{}] >> kw("after")) >
                              after_phase[push_<&AfterClause::phases>{}] >
                              *(punct(",") > after_phase[push_<&AfterClause::phases>{}]);
auto const require_clause_def = (here[set_<&RequireClause::pos>{}] >> kw("require")) >
                                -(label >> punct(":"))[set_label] > cond_expr[set_expr] >
                                justification[set_<&RequireClause::why>{}];
auto const block_clause_def = (here[set_<&BlockClause::pos>{}] >> kw("block")) >
                              -(label >> punct(":"))[set_label] > kw("if") > cond_expr[set_expr] >
                              justification[set_<&BlockClause::why>{}];
auto const waive_clause_def = (here[set_<&WaiveClause::pos>{}] >> kw("waive")) > label[set_<&WaiveClause::label>{}] >
                              kw("when") > cond_expr[set_expr] > justification[set_<&WaiveClause::why>{}];

BOOST_SPIRIT_DEFINE(ruleset_name, fact_name, condition_name, phase_name, param_name, label, source_id, cited_source,
                    after_phase, member, title, citation_text, because_text, path, version_text)
BOOST_SPIRIT_DEFINE(ruleset_header, version_line, source_decl, include_decl, fact_decl, param, type_spec,
                    number_range, condition_decl, justification, citation, phase_decl, for_each_clause,
                    after_clause, require_clause, block_clause, waive_clause)

}  // namespace phasegate::grammar::rules
