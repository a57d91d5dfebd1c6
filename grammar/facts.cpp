// Parses `.facts` and `.scenarios` files line by line, and single `--assume` lines.
#include <algorithm>
#include <cctype>

#include "grammar/facts_def.hpp"
#include "grammar/items.hpp"

namespace phasegate {

using namespace grammar;

namespace {

template <typename Rule, typename Attr>
bool run(const char*& p, const char* end, Rule const& rule, Attr& attr) {
  return x3::phrase_parse(p, end, rule, skipper, attr);
}

bool is_facts_sync(std::string_view w) { return !w.empty() && w != "as" && w != "source"; }
bool is_scenarios_sync(std::string_view w) {
  return w == "scenarios" || w == "scenario" || w == "given" || w == "expect";
}

// `announced = 2026-3-1`: the number 2026 is read as the value and `-3-1` is left over. When what is
// left over at `at` is that (a `-` right after digits, then one or two more groups of digits), the
// whole text of the would-be date; else empty.
std::string_view malformed_date(const char* base, const char* at, const char* end) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (at == end || *at != '-' || at == base || !digit(at[-1])) return {};
  const char* b = at;
  while (b > base && (digit(b[-1]) || b[-1] == '_')) --b;
  const char* e = at;
  int groups = 0;
  while (e + 1 < end && *e == '-' && digit(e[1])) {
    ++e;
    while (e < end && digit(*e)) ++e;
    ++groups;
  }
  if (groups < 1 || groups > 2 || (e < end && (std::isalnum(static_cast<unsigned char>(*e)) || *e == '_'))) return {};
  return {b, static_cast<std::size_t>(e - b)};
}

void report_malformed_date(const ParseState& st, Diagnostics& diags, std::string_view text) {
  diags.error("E0120", st.pos(text.data()), "`" + std::string(text) + "` is not a date",
              {"dates are written YYYY-MM-DD, with a four-digit year and two-digit month and day (`2026-03-01`)"});
}

// Where an item was read: from its first byte to the byte after it (offsets in the file).
struct Span {
  std::size_t begin = 0, end = 0;
};

// An item that was read only in part (`day = 2026-3-1` read as the number 2026, the rest an error;
// `n =` followed by the next line's name read as its value) is not kept: checking what was read of it
// would report a second, misleading error. It is one with an error inside it, or right after it on
// the line where it ends (what is left over of it). The items kept can then be checked even when
// others failed, so that every error of a file is reported at once.
template <class Item>
void drop_items_with_errors(const ParseState& st, std::vector<Item>& items, std::vector<Span>& spans,
                            const std::string& path, const Diagnostics& diags, std::size_t diags_before) {
  std::vector<std::size_t> errors;
  for (std::size_t i = diags_before; i < diags.items().size(); ++i)
    if (diags.items()[i].severity == Severity::error && diags.items()[i].pos.file == path)
      errors.push_back(diags.items()[i].pos.offset);
  if (errors.empty() || spans.size() != items.size()) return;
  std::sort(errors.begin(), errors.end());
  const std::size_t size = static_cast<std::size_t>(st.end - st.base);
  std::size_t kept = 0;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const Span sp = spans[k];
    std::size_t last = sp.end;  // the first byte left over, when it is on the item's last line
    const char* after = skip_space(st.base + std::min(sp.end, size), st.end);
    if (std::find(st.base + std::min(sp.end, size), after, '\n') == after) last = static_cast<std::size_t>(after - st.base);
    auto it = std::lower_bound(errors.begin(), errors.end(), sp.begin);
    if (it != errors.end() && *it <= last) continue;  // dropped
    if (kept != k) {
      items[kept] = std::move(items[k]);
      spans[kept] = sp;
    }
    ++kept;
  }
  items.resize(kept);
  spans.resize(kept);
}

}  // namespace

syntax::FactsFile parse_facts_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                   const ParseLimits& limits) {
  syntax::FactsFile file;
  file.path = path;
  const std::size_t diags_before = diags.items().size();
  parse_file(path, text, limits, diags, file.comments, "facts", [&](const ParseState& st, const char* p) {
    const char* end = st.end;
    bool first = true;
    std::vector<Span> spans;  // one per item of file.items
    auto parse_item = [&](std::string_view w, const char*& q) {
      if (w == "facts") {
        facts::PFactsHeader h;
        if (!run(q, end, facts::facts_header, h)) return false;
        if (!first || file.title)
          diags.error("E0128", h.pos, "the `facts \"title\"` line must come first, and only once");
        else {
          file.title = std::move(h.title);
          file.defaults = std::move(h.prov);
        }
        return true;
      }
      if (w == "load") {
        syntax::LoadLine l;
        if (!run(q, end, facts::load_line, l)) return false;
        file.items.emplace_back(std::move(l));
        return true;
      }
      if (w.empty() || is_reserved(w)) return false;
      syntax::FactLine l;
      if (!run(q, end, facts::fact_line, l)) return false;
      file.items.emplace_back(std::move(l));
      return true;
    };
    auto parse = [&](const char* start, std::string_view w, const char*& q) {
      const std::size_t items_before = file.items.size();
      const bool ok = parse_item(w, q);
      if (ok && file.items.size() > items_before) spans.push_back({st.offset(start), st.offset(q)});
      return ok;
    };
    auto unexpected = [&](const char* start, std::string_view w) {
      if (auto date = malformed_date(st.base, start, end); !date.empty()) return report_malformed_date(st, diags, date);
      std::vector<std::string> notes = {
          "a facts line is `fact = value`, `relation(args)`, `relation(args) = value` or "
          "`load relation from \"file.csv\"`"};
      std::string message = "expected a facts line, found " + describe_token_at(start, end);
      if (static_cast<unsigned char>(*start) >= 0x80) notes.insert(notes.begin(), non_ascii_note());
      if (is_reserved(w)) {
        message = "expected a fact name, found the reserved word `" + std::string(w) + "`";
        notes.insert(notes.begin(), "reserved words cannot be used as names");
      }
      diags.error("E0120", st.pos(start), std::move(message), std::move(notes));
    };
    auto item_done = [&](auto&&...) { first = false; };
    parse_items(st, diags, p, is_facts_sync, parse, unexpected, item_done, item_done);
    drop_items_with_errors(st, file.items, spans, path, diags, diags_before);
  });
  return file;
}

syntax::ScenariosFile parse_scenarios_text(const std::string& path, const std::string& text, Diagnostics& diags,
                                           const ParseLimits& limits) {
  syntax::ScenariosFile file;
  file.path = path;
  const std::size_t diags_before = diags.items().size();
  parse_file(path, text, limits, diags, file.comments, "scenarios", [&](const ParseState& st, const char* p) {
    const char* end = st.end;
    bool have_header = false;
    bool first = true;
    bool reported_orphan = false;
    std::vector<std::vector<Span>> spans;  // per scenario, one per item
    bool item_added = false;
    auto parse_item = [&](std::string_view w, const char*& q) {
      if (w == "scenarios") {
        facts::PScenariosHeader h;
        if (!run(q, end, facts::scenarios_header, h)) return false;
        if (have_header || !first)
          diags.error("E0131", h.pos, "the `scenarios for \"file.rules\"` line must come first, and only once");
        else {
          file.rules_path = std::move(h.path);
          file.rules_pos = h.pos;
          have_header = true;
        }
        return true;
      }
      if (w == "scenario") {
        syntax::Scenario s;
        if (!run(q, end, facts::scenario_start, s)) return false;
        file.scenarios.push_back(std::move(s));
        return true;
      }
      if (w != "given" && w != "expect") return false;
      syntax::ScenarioItem item;
      syntax::Position pos;
      if (w == "given") {
        facts::PGiven g;
        if (!run(q, end, facts::given, g)) return false;
        pos = g.pos;
        if (g.is_file)
          item = syntax::GivenFile{g.pos, std::move(g.path)};
        else
          item = std::move(g.fact);
      } else {
        facts::PExpect x;
        if (!run(q, end, facts::expect, x)) return false;
        pos = x.pos;
        if (x.is_verdict)
          item = syntax::ExpectVerdict{x.pos, std::move(x.phase), x.verdict};
        else
          item = syntax::ExpectBecause{x.pos, std::move(x.phase), std::move(x.label)};
      }
      if (!file.scenarios.empty()) {
        file.scenarios.back().items.push_back(std::move(item));
        item_added = true;
      } else if (!reported_orphan) {
        diags.error("E0127", pos, "`" + std::string(w) + "` belongs inside a scenario",
                    {"start one with `scenario \"title\"`"});
        reported_orphan = true;
      }
      return true;
    };
    auto parse = [&](const char* start, std::string_view w, const char*& q) {
      item_added = false;
      const bool ok = parse_item(w, q);
      if (ok && item_added) {
        spans.resize(file.scenarios.size());
        spans.back().push_back({st.offset(start), st.offset(q)});
      }
      return ok;
    };
    auto unexpected = [&](const char* start, std::string_view w) {
      // `given day = 2026-3-1`: the number 2026 was read as the value
      if (auto date = malformed_date(st.base, start, end); !date.empty()) return report_malformed_date(st, diags, date);
      std::vector<std::string> notes = {"expected one of: `scenarios for`, `scenario`, `given`, `expect`"};
      if (!w.empty()) {
        std::string guess = nearest_name(w, {"scenarios", "scenario", "given", "expect"});
        if (!guess.empty()) notes.insert(notes.begin(), "did you mean `" + guess + "`?");
      }
      diags.error("E0120", st.pos(start), "expected a scenario line, found " + describe_token_at(start, end),
                  std::move(notes));
    };
    auto item_done = [&](auto&&...) { first = false; };
    parse_items(st, diags, p, is_scenarios_sync, parse, unexpected, item_done, item_done);
    if (!have_header && !file.scenarios.empty())
      diags.error("E0131", file.scenarios.front().pos, "a scenarios file starts with `scenarios for \"file.rules\"`",
                  {"name the ruleset these scenarios test"});
    spans.resize(file.scenarios.size());
    for (std::size_t k = 0; k < file.scenarios.size(); ++k)
      drop_items_with_errors(st, file.scenarios[k].items, spans[k], path, diags, diags_before);
  });
  return file;
}

std::optional<syntax::FactLine> parse_fact_line(const std::string& path, const std::string& text,
                                                Diagnostics& diags) {
  ParseState st;
  StateScope scope(st);
  std::vector<syntax::Comment> comments;
  try {
    if (!prepare(st, path, text, ParseLimits{}, diags, comments)) return std::nullopt;
    const char* end = st.end;
    const char* p = start_of_text(st);
    const char* start = p;
    if (p == end) {
      diags.error("E0120", st.pos(p), "expected a facts line, found nothing",
                  {"for example `--assume 'troops_committed(\"Egypt\") = 2_000'`"});
      return std::nullopt;
    }
    try {
      syntax::FactLine line;
      std::string_view w = scan_word(p, end);
      if (w.empty() || is_reserved(w) || !run(p, end, facts::fact_line, line)) {
        diags.error("E0120", st.pos(start), "expected a facts line, found " + describe_token_at(start, end),
                    {"a facts line is `fact = value`, `relation(args)` or `relation(args) = value`"});
        return std::nullopt;
      }
      p = skip_space(p, end);
      if (auto date = malformed_date(st.base, p, end); !date.empty()) {  // `--assume 'day = 2026-3-1'`
        report_malformed_date(st, diags, date);
        return std::nullopt;
      }
      if (p != end) {
        diags.error("E0132", st.pos(p), "unexpected " + describe_token_at(p, end) + " after the facts line",
                    {"give one fact per `--assume`"});
        return std::nullopt;
      }
      return line;
    } catch (const x3::expectation_failure<const char*>& e) {
      report_expected(st, diags, start, e.where(), e.which());
    } catch (const SyntaxError& e) {
      report_syntax_error(st, diags, e);
    }
  } catch (const std::exception& e) {
    diags.error("E0099", syntax::Position{path, 1, 1, 0}, std::string("internal parser error: ") + e.what());
  }
  return std::nullopt;
}

}  // namespace phasegate
