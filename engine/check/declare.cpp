// Pass 1: the declarations of a ruleset — header, sources, facts and their types, conditions, phases.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "engine/check/context.hpp"

namespace phasegate::engine::check {

namespace {

std::string where(const syntax::Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::optional<Decimal> parse_number(Context& cx, const syntax::NumberLit& n, const syntax::Position& pos) {
  auto d = Decimal::parse(n.text);
  if (!d)
    cx.diags.error(code::bad_number, pos, "number `" + n.text + "` cannot be represented exactly",
                   {"numbers have at most nine digits after the point and must lie within about ±1.7e29"});
  return d;
}

int intern_enum(Context& cx, bool ordered, std::vector<std::string> members) {
  auto& enums = cx.program.enums;
  for (std::size_t i = 0; i < enums.size(); ++i)
    if (enums[i].ordered == ordered && enums[i].members == members) return static_cast<int>(i);
  enums.push_back(Enumeration{ordered, std::move(members)});
  return static_cast<int>(enums.size() - 1);
}

ValueType lower_type(Context& cx, const syntax::TypeSpec& t) {
  ValueType vt;
  switch (t.kind) {
    case syntax::TypeKind::boolean:
      vt.base = BaseType::boolean;
      break;
    case syntax::TypeKind::text:
      vt.base = BaseType::text;
      break;
    case syntax::TypeKind::date:
      vt.base = BaseType::date;
      break;
    case syntax::TypeKind::number: {
      vt.base = BaseType::number;
      if (t.range) {
        auto lo = parse_number(cx, t.range->lo, t.range->pos);
        auto hi = parse_number(cx, t.range->hi, t.range->hi_pos.line ? t.range->hi_pos : t.range->pos);
        if (lo && hi && *hi < *lo) {
          cx.diags.error(
              code::empty_range, t.range->pos,
              "empty range: " + format_number(*lo) + " is greater than " + format_number(*hi),
              {"write the smaller bound first: `in " + format_number(*hi) + ".." + format_number(*lo) + "`"});
        } else if (lo && hi) {
          vt.lo = lo;
          vt.hi = hi;
        }
      }
      break;
    }
    case syntax::TypeKind::level:
    case syntax::TypeKind::choice: {
      bool ordered = t.kind == syntax::TypeKind::level;
      vt.base = ordered ? BaseType::level : BaseType::choice;
      std::vector<std::string> members;
      std::set<std::string> seen;
      for (const auto& m : t.members) {
        if (!seen.insert(m.name).second) {
          cx.diags.error(code::duplicate_member, m.pos,
                         "member `" + m.name + "` appears twice in this " + (ordered ? "level" : "choice"));
          continue;
        }
        members.push_back(m.name);
      }
      vt.enumeration = intern_enum(cx, ordered, std::move(members));
      break;
    }
  }
  return vt;
}

bool claim_name(Context& cx, const syntax::Ident& id, NameEntry entry, const char* what) {
  auto [it, inserted] = cx.names.emplace(id.name, entry);
  if (inserted) return true;
  const char* kinds[] = {"fact", "condition", "phase"};
  cx.diags.error(
      code::duplicate_declaration, id.pos,
      std::string(what) + " `" + id.name + "` is already declared as a " + kinds[static_cast<int>(it->second.kind)],
      {"first declared at " + where(it->second.pos),
       "facts, conditions and phases share one namespace: rename one of them"});
  return false;
}

void check_params(Context& cx, const std::vector<syntax::Ident>& params) {
  std::set<std::string> seen;
  for (const auto& p : params)
    if (!seen.insert(p.name).second)
      cx.diags.error(code::duplicate_parameter, p.pos, "parameter `" + p.name + "` is declared twice",
                     {"give each parameter its own name"});
}

// The files in declaration order. `include` comes before a file's other declarations, so an included
// file's declarations come before its includer's: depth first, each included file (in include order)
// before the file that includes it. The ruleset lists the main file first (that is where its header
// is), so this is not the order of `files`. A file is matched by the path the reader gives it: the
// including file's folder joined with the include's path.
std::vector<std::size_t> declaration_order(const std::vector<syntax::RulesFile>& files) {
  namespace fs = std::filesystem;
  std::vector<std::size_t> order;
  std::vector<bool> seen(files.size(), false);
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    seen[i] = true;
    const std::string dir = fs::path(files[i].path).parent_path().string();
    for (const auto& inc : files[i].includes) {
      const std::string target = (fs::path(dir) / inc.path).lexically_normal().string();
      for (std::size_t j = 0; j < files.size(); ++j)
        if (!seen[j] && files[j].path == target) {
          visit(j);
          break;
        }
    }
    order.push_back(i);
  };
  for (std::size_t i = 0; i < files.size(); ++i)
    if (!seen[i]) visit(i);
  return order;
}

}  // namespace

void declare(Context& cx) {
  auto& prog = cx.program;
  const auto& files = cx.ruleset.files;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    prog.files.push_back(f.path);
    // `ruleset NAME "title"` opens a ruleset (LANGUAGE.md 2.1): a ruleset none of whose files has
    // one is an error (an included file has none, and is checked through the file that includes
    // it). It is still named after the file, so that the rest of it is checked. An included file
    // with a `ruleset` line is the reader's error.
    if (i == 0) {
      if (f.header) {
        prog.name = f.header->name.name;
        prog.title = f.header->title;
        prog.version = f.header->version.value_or("");
      } else {
        std::string stem =
            f.path.substr(f.path.find_last_of('/') == std::string::npos ? 0 : f.path.find_last_of('/') + 1);
        prog.name = stem.substr(0, stem.find('.'));
        if (std::none_of(files.begin(), files.end(),
                         [](const auto& g) { return g.header.has_value() || g.header_failed || g.refused; }))
          cx.diags.error(code::ruleset_header, syntax::Position{f.path, 1, 1, 0},
                         "`" + f.path + "` has no `ruleset` line: a ruleset opens with `ruleset NAME \"title\"`",
                         {"write e.g. `ruleset " + prog.name + " \"...\"` as its first line",
                          "a file meant to be included has none: check the ruleset that includes it"});
      }
    }
    for (const auto& s : f.sources) {
      auto [it, inserted] = cx.sources.emplace(s.id.name, static_cast<int>(prog.sources.size()));
      if (!inserted) {
        const auto& first = prog.sources[static_cast<std::size_t>(it->second)].pos;
        cx.diags.error(code::duplicate_source, s.id.pos, "source `" + s.id.name + "` is already declared",
                       {"first declared at " + first.file + ":" + std::to_string(first.line) + ":" +
                        std::to_string(first.column)});
        continue;
      }
      prog.sources.push_back(SourceRef{s.id.name, s.citation, to_source_pos(s.pos)});
    }
  }
  cx.source_cited.assign(prog.sources.size(), false);

  for (std::size_t fi : declaration_order(files)) {
    for (const auto& decl : files[fi].decls) {
      if (const auto* fd = std::get_if<syntax::FactDecl>(&decl)) {
        int id = static_cast<int>(prog.relations.size());
        if (!claim_name(cx, fd->name, NameEntry{NameEntry::Kind::fact, id, fd->name.pos}, "fact")) continue;
        Relation r;
        r.name = fd->name.name;
        r.kind = RelationKind::fact;
        r.pos = to_source_pos(fd->name.pos);
        r.description = fd->description.value_or("");
        std::vector<syntax::Ident> pnames;
        for (const auto& p : fd->params) {
          r.param_names.push_back(p.name.name);
          r.param_types.push_back(lower_type(cx, p.type));
          pnames.push_back(p.name);
        }
        check_params(cx, pnames);
        if (fd->value_type) r.value_type = lower_type(cx, *fd->value_type);
        if (fd->params.empty() && !fd->value_type) r.value_type = ValueType{};  // `fact x` alone: a bool
        r.open = fd->open;
        prog.relations.push_back(std::move(r));
        cx.condition_decls.emplace_back();
        cx.param_type_known.emplace_back(prog.relations.back().param_types.size(), true);
      } else if (const auto* cd = std::get_if<syntax::ConditionDecl>(&decl)) {
        auto it = cx.names.find(cd->name.name);
        if (it != cx.names.end() && it->second.kind == NameEntry::Kind::condition) {
          auto& rel = prog.relations[static_cast<std::size_t>(it->second.index)];
          if (rel.param_names.size() != cd->params.size()) {
            cx.diags.error(code::condition_arity_mismatch, cd->name.pos,
                           "condition `" + cd->name.name + "` is already declared with " +
                               std::to_string(rel.param_names.size()) + " parameter(s), here with " +
                               std::to_string(cd->params.size()),
                           {"first declared at " + where(it->second.pos),
                            "alternatives of a condition must have the same parameters"});
            continue;
          }
          check_params(cx, cd->params);
          if (rel.description.empty() && cd->description) rel.description = *cd->description;
          cx.condition_decls[static_cast<std::size_t>(it->second.index)].push_back(cd);
          continue;
        }
        int id = static_cast<int>(prog.relations.size());
        if (!claim_name(cx, cd->name, NameEntry{NameEntry::Kind::condition, id, cd->name.pos}, "condition")) continue;
        check_params(cx, cd->params);
        Relation r;
        r.name = cd->name.name;
        r.kind = RelationKind::condition;
        r.pos = to_source_pos(cd->name.pos);
        r.description = cd->description.value_or("");
        for (const auto& p : cd->params) {
          r.param_names.push_back(p.name);
          r.param_types.push_back(ValueType{BaseType::text, -1, std::nullopt, std::nullopt});
        }
        prog.relations.push_back(std::move(r));
        cx.condition_decls.push_back({cd});
        cx.param_type_known.emplace_back(cd->params.size(), false);
      } else if (const auto* pd = std::get_if<syntax::PhaseDecl>(&decl)) {
        int id = static_cast<int>(prog.phases.size());
        if (!claim_name(cx, pd->name, NameEntry{NameEntry::Kind::phase, id, pd->name.pos}, "phase")) continue;
        check_params(cx, pd->params);
        Phase ph;
        ph.name = pd->name.name;
        ph.title = pd->title.value_or("");
        ph.pos = to_source_pos(pd->name.pos);
        for (const auto& p : pd->params) {
          ph.params.push_back(p.name);
          ph.param_types.push_back(ValueType{BaseType::text, -1, std::nullopt, std::nullopt});
          ph.var_names.push_back(p.name);
        }
        prog.phases.push_back(std::move(ph));
        cx.phase_decls.push_back(pd);
      }
    }
  }
  cx.relation_used.assign(prog.relations.size(), false);
}

}  // namespace phasegate::engine::check
