// Parses `.rules` files declaration by declaration, recovering at the next top-level keyword after an error.
#include "grammar/rules_def.hpp"
#include "grammar/items.hpp"

namespace phasegate {

using namespace grammar;

namespace {

bool is_clause_word(std::string_view w) {
  return w == "require" || w == "block" || w == "waive" || w == "after" || w == "for";
}
bool is_rules_sync(std::string_view w) {
  return w == "ruleset" || w == "version" || w == "source" || w == "include" || w == "fact" || w == "condition" ||
         w == "phase" || is_clause_word(w);
}

// Parses one phase clause starting at p.
template <typename Rule>
bool run_clause(const char*& p, const char* end, Rule const& rule, std::optional<syntax::PhaseClause>& out) {
  typename Rule::attribute_type clause;
  if (!x3::phrase_parse(p, end, rule, skipper, clause)) return false;
  out = std::move(clause);
  return true;
}

template <typename Rule, typename Attr>
bool run(const char*& p, const char* end, Rule const& rule, Attr& attr) {
  return x3::phrase_parse(p, end, rule, skipper, attr);
}

enum class Last { none, header, version, source, include, fact, condition, phase };

// A word that names a fact's type (LANGUAGE 2.1): what follows the `:` of a fact declaration.
bool is_type_word(std::string_view w) {
  return w == "bool" || w == "number" || w == "text" || w == "date" || w == "duration" || w == "level" ||
         w == "one";
}

void report_unexpected(const ParseState& st, Diagnostics& diags, const char* at, Last last,
                       const std::vector<std::string>& keywords, const char* prev_item, std::string_view prev_word) {
  // Something left over on the line of a complete item: most often a missing operator or `:`.
  if (prev_item) {
    if (const char* prev = last_token_before(prev_item, at, st.end)) {
      const char* prev_end = token_end(prev, st.end);
      bool same_line = true;
      for (const char* q = prev_end; q < at; ++q)
        if (*q == '\n') same_line = false;
      if (same_line) {
        std::string note;
        if (static_cast<unsigned char>(*at) >= 0x80)
          note = non_ascii_note();
        else if (prev_word == "condition" || is_clause_word(prev_word))
          note = "the `" + std::string(prev_word) + "` is complete before it: is an operator (`and`, `or`, `=`, "
                 "`+`, ...) or the `:` after a label missing?";
        else if (prev_word == "fact" && is_type_word(scan_word(at, st.end)))  // `fact ready bool "..."`
          note = "is the `:` before the type missing? (`" +
                 (std::string_view(prev, prev_end) == ")" ? std::string("...)") : "fact " + std::string(prev, prev_end)) + ": " +
                 std::string(scan_word(at, st.end)) + (scan_word(at, st.end) == "one" ? " of { ... }" : "") + "`)";
        else
          note = "the `" + std::string(prev_word) + "` line is complete before it";
        diags.error("E0120", st.pos(at),
                    "unexpected " + describe_token_at(at, st.end) + " after " + describe_token_at(prev, st.end),
                    {note});
        return;
      }
    }
  }
  std::vector<std::string> notes = {
      "a ruleset holds `fact`, `condition` and `phase` declarations, after its `ruleset`, `version`, `source` "
      "and `include` lines"};
  std::string_view w = scan_word(at, st.end);
  if (at != st.end && static_cast<unsigned char>(*at) >= 0x80) notes.insert(notes.begin(), non_ascii_note());
  if (!w.empty()) {
    std::string guess = nearest_name(w, keywords);
    if (!guess.empty()) notes.insert(notes.begin(), "did you mean `" + guess + "`?");
    else if (last == Last::phase)
      notes.push_back("to add to the phase above, start the line with `require`, `block`, `waive`, `after` or "
                      "`for each`");
  }
  diags.error("E0120", st.pos(at), "expected a declaration, found " + describe_token_at(at, st.end),
              std::move(notes));
}

}  // namespace

syntax::RulesFile parse_rules_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                   const ParseLimits& limits) {
  syntax::RulesFile file;
  file.path = path;
  file.refused = !parse_file(path, text, limits, diags, file.comments, "rules", [&](const ParseState& st, const char* p) {
    static const std::vector<std::string> keywords = {"ruleset", "version", "source",  "include",
                                                      "fact",    "condition", "phase", "require",
                                                      "block",   "waive",   "after"};
    const char* end = st.end;
    Last last = Last::none;
    bool seen_decl = false;
    bool phase_failed = false;  // the phase above did not parse: its clauses are skipped quietly
    const char* prev_item = nullptr;  // the last item that parsed, and its first word
    std::string_view prev_word;
    auto parse = [&](const char* start, std::string_view w, const char*& q) {
      bool ok = false;
      if (w == "ruleset") {
        syntax::RulesetHeader h;
        ok = run(q, end, rules::ruleset_header, h);
        if (ok) {
          if (file.header)
            diags.error("E0122", h.pos, "a file has only one `ruleset` line",
                        {"the first one is at line " + std::to_string(file.header->pos.line)});
          else if (last != Last::none)
            diags.error("E0122", h.pos, "the `ruleset` line must come first in the file");
          if (!file.header) file.header = std::move(h);
          last = Last::header;
        }
      } else if (w == "version") {
        rules::PVersion v;
        ok = run(q, end, rules::version_line, v);
        if (ok) {
          if (!file.header && file.header_failed && (last == Last::header || last == Last::source))
            ;  // after a `ruleset` line that did not parse (reported): one mistake, one message
          else if (!file.header || (last != Last::header && last != Last::source))
            diags.error("E0123", v.pos, "`version` belongs right after the `ruleset` line");
          else if (file.header->version)
            diags.error("E0123", v.pos, "the ruleset already has a `version`");
          if (file.header && !file.header->version) file.header->version = std::move(v.text);
          last = Last::version;
        }
      } else if (w == "source") {
        syntax::SourceDecl s;
        ok = run(q, end, rules::source_decl, s);
        if (ok) {
          file.sources.push_back(std::move(s));
          last = Last::source;
        }
      } else if (w == "include") {
        syntax::IncludeDecl inc;
        ok = run(q, end, rules::include_decl, inc);
        if (ok) {
          if (seen_decl)
            diags.error("E0124", inc.pos, "`include` lines come before the first declaration",
                        {"move this line up, after the `ruleset`, `version` and `source` lines"});
          file.includes.push_back(std::move(inc));
          last = Last::include;
        }
      } else if (w == "fact") {
        syntax::FactDecl d;
        ok = run(q, end, rules::fact_decl, d);
        if (ok) file.decls.emplace_back(std::move(d)), last = Last::fact, seen_decl = true;
      } else if (w == "condition") {
        syntax::ConditionDecl d;
        ok = run(q, end, rules::condition_decl, d);
        if (ok) file.decls.emplace_back(std::move(d)), last = Last::condition, seen_decl = true;
      } else if (w == "phase") {
        syntax::PhaseDecl d;
        phase_failed = true;
        ok = run(q, end, rules::phase_decl, d);
        if (ok) file.decls.emplace_back(std::move(d)), last = Last::phase, seen_decl = true, phase_failed = false;
      } else if (is_clause_word(w) && (w != "for" || last == Last::phase || scan_word(skip_space(q + 3, end), end) == "each")) {
        std::optional<syntax::PhaseClause> clause;
        if (w == "require") ok = run_clause(q, end, rules::require_clause, clause);
        else if (w == "block") ok = run_clause(q, end, rules::block_clause, clause);
        else if (w == "waive") ok = run_clause(q, end, rules::waive_clause, clause);
        else if (w == "after") ok = run_clause(q, end, rules::after_clause, clause);
        else ok = run_clause(q, end, rules::for_each_clause, clause);
        if (ok) {
          if (last == Last::phase) {
            std::get<syntax::PhaseDecl>(file.decls.back()).clauses.push_back(std::move(*clause));
          } else if (!phase_failed) {
            diags.error("E0133", st.pos(start), "`" + std::string(w) + "` belongs to a phase",
                        {"put it under a `phase NAME \"title\"` line"});
          }
        }
      }
      return ok;
    };
    auto unexpected = [&](const char* start, std::string_view) {
      report_unexpected(st, diags, start, last, keywords, prev_item, prev_word);
      prev_item = nullptr;
    };
    auto failed = [&](const char* start, std::string_view w) {
      if (w == "fact" || w == "condition" || w == "phase") {  // its name, if the line names one
        std::string_view name = scan_word(skip_space(start + w.size(), end), end);
        if (!name.empty()) file.unparsed_names.emplace_back(name);
      }
      if (!is_clause_word(w) && last == Last::phase) last = Last::none;
      if (w == "ruleset" && !file.header) {  // the header lines after it follow it, as far as they can tell
        file.header_failed = true;
        last = Last::header;
      }
      prev_item = nullptr;
    };
    auto parsed = [&](const char* start, std::string_view w) {
      if (!is_clause_word(w) && w != "phase") phase_failed = false;
      prev_item = start;
      prev_word = w;
    };
    parse_items(st, diags, p, is_rules_sync, parse, unexpected, failed, parsed);
  });
  return file;
}

}  // namespace phasegate
