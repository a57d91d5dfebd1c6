// Canonical layout of `.rules` files.
#include <algorithm>

#include "format/build.hpp"
#include "format/format.hpp"

namespace phasegate {

using namespace formatting;

namespace {

std::uint32_t decl_pos(const syntax::Declaration& d) {
  return std::visit([](const auto& x) { return x.pos.offset; }, d);
}
const char* decl_word(const syntax::Declaration& d) {
  if (std::holds_alternative<syntax::FactDecl>(d)) return "fact";
  if (std::holds_alternative<syntax::ConditionDecl>(d)) return "condition";
  return "phase";
}

std::string names_text(const std::vector<syntax::Ident>& names) {
  if (names.empty()) return "";
  std::string out = "(";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i].name;
  return out + ")";
}

std::uint32_t clause_pos(const syntax::PhaseClause& c) {
  return std::visit([](const auto& x) { return x.pos.offset; }, c);
}
const char* clause_word(const syntax::PhaseClause& c) {
  switch (c.index()) {
    case 0:
      return "for";
    case 1:
      return "after";
    case 2:
      return "require";
    case 3:
      return "block";
    default:
      return "waive";
  }
}

// Printed on one line with its description?
std::string fact_head(const syntax::FactDecl& f) {
  std::string out = "fact " + f.name.name;
  if (!f.params.empty()) {
    out += "(";
    for (std::size_t i = 0; i < f.params.size(); ++i)
      out += (i ? ", " : "") + f.params[i].name.name + ": " + type_text(f.params[i].type);
    out += ")";
  }
  if (f.value_type) out += ": " + type_text(*f.value_type);
  if (f.open) out += " open";
  return out;
}

bool fact_fits_one_line(const syntax::FactDecl& f) {
  return !f.description || width(fact_head(f)) + 1 + width(quote(*f.description)) <= kLineWidth;
}

void add_fact(LineBuilder& b, const syntax::FactDecl& f, std::uint32_t anchor, std::uint32_t limit, Gap gap) {
  std::string head = fact_head(f);
  if (!f.description) {
    b.add(0, head, anchor, gap);
  } else if (fact_fits_one_line(f)) {
    b.add(0, head + " " + quote(*f.description), anchor, gap);
  } else {
    b.add(0, head, anchor, gap);
    auto at = b.source.find_string(anchor, limit);
    b.add(2, quote(*f.description), at ? *at : anchor, Gap::none);
  }
}

std::string condition_head(const syntax::ConditionDecl& c) {
  std::string head = "condition " + c.name.name + names_text(c.params);
  if (c.description) head += " " + quote(*c.description);
  return head;
}

// A condition without `because` or `cite` whose `when` fits on its line: `condition path(x, z) when edge(x, z)`.
std::optional<std::string> condition_one_line(const syntax::ConditionDecl& c) {
  if (c.why.because || c.why.cite || !c.when) return std::nullopt;
  std::string one = condition_head(c) + " when " + expr_text(*c.when);
  if (width(one) > kLineWidth) return std::nullopt;
  return one;
}

void add_condition(LineBuilder& b, const syntax::ConditionDecl& c, std::uint32_t anchor, std::uint32_t limit, Gap gap) {
  if (auto one = condition_one_line(c)) {
    b.add(0, std::move(*one), anchor, gap);
    return;
  }
  b.add(0, condition_head(c), anchor, gap);
  if (c.when) {
    const std::uint32_t at = b.word("when", anchor, limit, start_offset(*c.when));
    b.add_expr(2, "when ", *c.when, at, Gap::none);
  }
  b.add_justification(2, c.why, anchor, limit);
}

std::string label_prefix(const std::optional<syntax::Ident>& label) { return label ? label->name + ": " : ""; }

void add_phase(LineBuilder& b, const syntax::PhaseDecl& p, std::uint32_t anchor, std::uint32_t limit, Gap gap) {
  std::string head = "phase " + p.name.name + names_text(p.params);
  if (p.title) head += " " + quote(*p.title);
  b.add(0, head, anchor, gap);
  std::vector<std::uint32_t> anchors;
  for (const auto& c : p.clauses) anchors.push_back(b.source.back_to_word(clause_pos(c), clause_word(c)));
  for (std::size_t i = 0; i < p.clauses.size(); ++i) {
    const std::uint32_t at = anchors[i];
    const std::uint32_t to = i + 1 < anchors.size() ? anchors[i + 1] : limit;
    const Gap g = i == 0 ? Gap::none : Gap::preserve;
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, syntax::ForEachClause>) {
            b.add(2, "for each " + atom_text(c.atom), at, g);
          } else if constexpr (std::is_same_v<T, syntax::AfterClause>) {
            std::string text = "after ";
            for (std::size_t k = 0; k < c.phases.size(); ++k) text += (k ? ", " : "") + c.phases[k].name;
            b.add(2, text, at, g);
          } else {
            std::string prefix;
            if constexpr (std::is_same_v<T, syntax::RequireClause>) prefix = "require " + label_prefix(c.label);
            if constexpr (std::is_same_v<T, syntax::BlockClause>) prefix = "block " + label_prefix(c.label) + "if ";
            if constexpr (std::is_same_v<T, syntax::WaiveClause>) prefix = "waive " + c.label.name + " when ";
            if (c.expr) {
              b.add_expr(2, prefix, *c.expr, at, g);
            } else {
              b.add(2, prefix, at, g);
            }
            b.add_justification(4, c.why, at, to);
          }
        },
        p.clauses[i]);
  }
}

}  // namespace

std::string format_rules_file(const syntax::RulesFile& file, const std::string& original_text) {
  SourceText source(original_text);
  LineBuilder b{source, {}};

  std::vector<std::uint32_t> decl_anchors;
  for (const auto& d : file.decls) decl_anchors.push_back(source.back_to_word(decl_pos(d), decl_word(d)));
  std::uint32_t body_start = decl_anchors.empty() ? kEnd : decl_anchors.front();
  if (!file.includes.empty())
    body_start = std::min(body_start, source.back_to_word(file.includes.front().pos.offset, "include"));

  int header_indent = 0;
  if (file.header) {
    const auto& h = *file.header;
    const std::uint32_t at = source.back_to_word(h.pos.offset, "ruleset");
    b.add(0, "ruleset " + h.name.name + " " + quote(h.title), at, Gap::blank);
    if (h.version) {
      std::uint32_t to =
          file.sources.empty() ? body_start : source.back_to_word(file.sources.front().pos.offset, "source");
      b.add(2, "version " + quote(*h.version), b.word("version", at, to, at), Gap::none);
    }
    header_indent = 2;
  }
  std::size_t id_width = 0;
  for (const auto& s : file.sources) id_width = std::max(id_width, s.id.name.size());
  for (std::size_t i = 0; i < file.sources.size(); ++i) {
    const auto& s = file.sources[i];
    std::string id = s.id.name;
    id.resize(id_width, ' ');
    const Gap g = file.header ? Gap::none : (i == 0 ? Gap::blank : Gap::preserve);
    b.add(header_indent, "source " + id + " " + quote(s.citation), source.back_to_word(s.pos.offset, "source"), g);
  }
  for (std::size_t i = 0; i < file.includes.size(); ++i) {
    const auto& inc = file.includes[i];
    b.add(0, "include " + quote(inc.path), source.back_to_word(inc.pos.offset, "include"),
          i == 0 ? Gap::blank : Gap::preserve);
  }
  for (std::size_t i = 0; i < file.decls.size(); ++i) {
    const auto& d = file.decls[i];
    const std::uint32_t at = decl_anchors[i];
    const std::uint32_t limit = i + 1 < decl_anchors.size() ? decl_anchors[i + 1] : kEnd;
    // Consecutive facts, and consecutive one-line conditions, keep the author's
    // grouping; everything else is set apart by a blank line.
    bool grouped = false;
    if (i > 0) {
      const auto& prev = file.decls[i - 1];
      grouped =
          (std::holds_alternative<syntax::FactDecl>(d) && std::holds_alternative<syntax::FactDecl>(prev)) ||
          (std::holds_alternative<syntax::ConditionDecl>(d) && std::holds_alternative<syntax::ConditionDecl>(prev) &&
           condition_one_line(std::get<syntax::ConditionDecl>(d)) &&
           condition_one_line(std::get<syntax::ConditionDecl>(prev)));
    }
    const Gap gap = grouped ? Gap::preserve : Gap::blank;
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, syntax::FactDecl>) add_fact(b, x, at, limit, gap);
          if constexpr (std::is_same_v<T, syntax::ConditionDecl>) add_condition(b, x, at, limit, gap);
          if constexpr (std::is_same_v<T, syntax::PhaseDecl>) add_phase(b, x, at, limit, gap);
        },
        d);
  }
  return render(std::move(b.lines), source, file.comments);
}

}  // namespace phasegate
