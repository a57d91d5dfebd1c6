// Position-free dumps of syntax trees, for the round-trip check and its tests.
#include "format/dump.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "format/print.hpp"

namespace phasegate::formatting {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

class Dumper {
 public:
  std::string str() const { return out_.str(); }

  void line(int depth, const std::string& text) {
    out_ << std::string(static_cast<std::size_t>(depth) * 2, ' ') << text << '\n';
  }

  // Literals and numbers are dumped raw (not through the printer) so that a printer bug shows.
  static std::string lit(const syntax::Literal& l) {
    return std::visit(
        Overloaded{
            [](const syntax::NumberLit& n) { return "num " + n.text; },
            [](const syntax::StringLit& s) { return "str [" + s.value + "]"; },
            [](const syntax::DateLit& d) {
              return "date " + std::to_string(d.year) + "/" + std::to_string(d.month) + "/" + std::to_string(d.day);
            },
            [](const syntax::DurationLit& d) {
              return "dur " + std::to_string(d.amount) + (d.unit == syntax::DurationUnit::weeks ? "w" : "d");
            },
            [](const syntax::BoolLit& b) { return std::string(b.value ? "true" : "false"); },
            [](const syntax::UnknownLit&) { return std::string("unknown"); },
            [](const syntax::MemberLit& m) { return "member " + m.name; },
        },
        l);
  }

  void expr(int d, const syntax::ExprPtr& e, const char* role) {
    if (!e) {
      line(d, std::string(role) + " null");
      return;
    }
    expr(d, *e, role);
  }
  void expr(int d, const syntax::Expr& e, const char* role) {
    const std::string r = role;
    std::visit(Overloaded{
                   [&](const syntax::NumberLit& n) { line(d, r + " num " + n.text); },
                   [&](const syntax::StringLit& s) { line(d, r + " str [" + s.value + "]"); },
                   [&](const syntax::DateLit& x) { line(d, r + " " + lit(syntax::Literal{x})); },
                   [&](const syntax::DurationLit& x) { line(d, r + " " + lit(syntax::Literal{x})); },
                   [&](const syntax::BoolLit& b) { line(d, r + (b.value ? " true" : " false")); },
                   [&](const syntax::UnknownLit&) { line(d, r + " unknown"); },
                   [&](const syntax::TodayLit&) { line(d, r + " today"); },
                   [&](const syntax::NameRef& n) { line(d, r + " name " + n.name); },
                   [&](const syntax::Atom& a) {
                     line(d, r + " atom " + a.name.name + "/" + std::to_string(a.args.size()));
                     for (const auto& arg : a.args) expr(d + 1, arg, "arg");
                   },
                   [&](const syntax::Aggregate& a) {
                     line(d, r + " aggregate " + std::to_string(static_cast<int>(a.kind)));
                     expr(d + 1, a.body, "body");
                     if (a.where) expr(d + 1, a.where, "where");
                   },
                   [&](const syntax::Unary& u) {
                     line(d, r + (u.op == syntax::UnaryOp::not_ ? " not" : " negate"));
                     expr(d + 1, u.operand, "operand");
                   },
                   [&](const syntax::Binary& b) {
                     line(d, r + " " + syntax::spelling(b.op));
                     expr(d + 1, b.lhs, "lhs");
                     expr(d + 1, b.rhs, "rhs");
                   },
               },
               e.node);
  }

  static std::string opt(const std::optional<std::string>& s) { return s ? "[" + *s + "]" : "-"; }

  void why(int d, const syntax::Justification& j) {
    if (j.because) line(d, "because [" + *j.because + "]");
    if (j.cite) line(d, "cite " + j.cite->source.name + " " + opt(j.cite->locator));
  }

  void type(int d, const syntax::TypeSpec& t, const std::string& role) {
    std::string s = role + " type " + std::to_string(static_cast<int>(t.kind));
    if (t.range) s += " range " + t.range->lo.text + ".." + t.range->hi.text;
    for (const auto& m : t.members) s += " " + m.name;
    line(d, s);
  }

  void comments(const std::vector<syntax::Comment>& cs) {
    std::vector<std::string> texts;
    for (const auto& c : cs) texts.push_back(c.text);
    std::sort(texts.begin(), texts.end());
    for (const auto& t : texts) line(0, "comment [" + t + "]");
  }

  void prov(int d, const syntax::Provenance& p) {
    if (p.as_of) line(d, "as of " + lit(syntax::Literal{*p.as_of}));
    if (p.source) line(d, "source [" + *p.source + "]");
  }

  void fact_line(int d, const syntax::FactLine& f) {
    std::string s = "factline " + f.name.name;
    if (f.args) {
      s += " args(";
      for (const auto& a : *f.args) s += lit(a) + ";";
      s += ")";
    }
    if (f.value) s += " = " + lit(*f.value);
    line(d, s);
    prov(d + 1, f.prov);
  }

  static std::string phase_ref(const syntax::PhaseRef& r) {
    std::string s = r.name.name + "(";
    for (const auto& a : r.args) s += lit(a) + ";";
    return s + ")";
  }

 private:
  std::ostringstream out_;
};

}  // namespace

std::string dump(const syntax::Expr& e) {
  Dumper d;
  d.expr(0, e, "expr");
  return d.str();
}

std::string dump(const syntax::RulesFile& file, bool with_comments) {
  Dumper d;
  if (file.header) {
    d.line(0, "ruleset " + file.header->name.name + " [" + file.header->title + "] version " +
                  Dumper::opt(file.header->version));
  }
  for (const auto& s : file.sources) d.line(0, "source " + s.id.name + " [" + s.citation + "]");
  for (const auto& i : file.includes) d.line(0, "include [" + i.path + "]");
  for (const auto& decl : file.decls) {
    std::visit(Overloaded{
                   [&](const syntax::FactDecl& f) {
                     d.line(0, "fact " + f.name.name + (f.open ? " open " : " closed ") + Dumper::opt(f.description));
                     for (const auto& p : f.params) d.type(1, p.type, "param " + p.name.name);
                     if (f.value_type) d.type(1, *f.value_type, "value");
                   },
                   [&](const syntax::ConditionDecl& c) {
                     std::string s = "condition " + c.name.name + "(";
                     for (const auto& p : c.params) s += p.name + ";";
                     d.line(0, s + ") " + Dumper::opt(c.description));
                     d.expr(1, c.when, "when");
                     d.why(1, c.why);
                   },
                   [&](const syntax::PhaseDecl& p) {
                     std::string s = "phase " + p.name.name + "(";
                     for (const auto& x : p.params) s += x.name + ";";
                     d.line(0, s + ") " + Dumper::opt(p.title));
                     for (const auto& clause : p.clauses) {
                       std::visit(Overloaded{
                                      [&](const syntax::ForEachClause& c) {
                                        d.line(1, "for each");
                                        d.expr(2, syntax::Expr{{}, c.atom}, "atom");
                                      },
                                      [&](const syntax::AfterClause& c) {
                                        std::string a = "after";
                                        for (const auto& x : c.phases) a += " " + x.name;
                                        d.line(1, a);
                                      },
                                      [&](const syntax::RequireClause& c) {
                                        d.line(1, "require " + (c.label ? c.label->name : std::string("-")));
                                        d.expr(2, c.expr, "expr");
                                        d.why(2, c.why);
                                      },
                                      [&](const syntax::BlockClause& c) {
                                        d.line(1, "block " + (c.label ? c.label->name : std::string("-")));
                                        d.expr(2, c.expr, "expr");
                                        d.why(2, c.why);
                                      },
                                      [&](const syntax::WaiveClause& c) {
                                        d.line(1, "waive " + c.label.name);
                                        d.expr(2, c.expr, "expr");
                                        d.why(2, c.why);
                                      },
                                  },
                                  clause);
                     }
                   },
               },
               decl);
  }
  if (with_comments) d.comments(file.comments);
  return d.str();
}

std::string dump(const syntax::FactsFile& file, bool with_comments) {
  Dumper d;
  d.line(0, "facts " + Dumper::opt(file.title));
  d.prov(1, file.defaults);
  for (const auto& item : file.items) {
    if (const auto* l = std::get_if<syntax::LoadLine>(&item)) {
      d.line(0, "load " + l->relation.name + " [" + l->path + "]");
      d.prov(1, l->prov);
    } else {
      d.fact_line(0, std::get<syntax::FactLine>(item));
    }
  }
  if (with_comments) d.comments(file.comments);
  return d.str();
}

std::string dump(const syntax::ScenariosFile& file, bool with_comments) {
  Dumper d;
  d.line(0, "scenarios for [" + file.rules_path + "]");
  for (const auto& s : file.scenarios) {
    d.line(0, "scenario [" + s.title + "]");
    for (const auto& item : s.items) {
      std::visit(Overloaded{
                     [&](const syntax::GivenFile& g) { d.line(1, "given [" + g.path + "]"); },
                     [&](const syntax::FactLine& f) { d.fact_line(1, f); },
                     [&](const syntax::ExpectVerdict& e) {
                       d.line(1, "expect " + Dumper::phase_ref(e.phase) + " is " +
                                     std::to_string(static_cast<int>(e.verdict)));
                     },
                     [&](const syntax::ExpectBecause& e) {
                       d.line(1, "expect " + Dumper::phase_ref(e.phase) + " because " + e.label.name);
                     },
                 },
                 item);
    }
  }
  if (with_comments) d.comments(file.comments);
  return d.str();
}

}  // namespace phasegate::formatting
