// The printers of an explanation: text (a tree read top-down), JSON (stable), Markdown (an auditor's report), DOT.
#include <algorithm>
#include <cstring>
#include <functional>
#include <sstream>

#include "engine/calendar.hpp"
#include "engine/eval/value.hpp"
#include "engine/explain/explain.hpp"
#include "engine/json_string.hpp"
#include "grammar/quote.hpp"

namespace phasegate::engine {

namespace {

const ExplainNode& node_at(const Explanation& e, int i) { return e.nodes[static_cast<std::size_t>(i)]; }

std::string where(const NodePos& pos) {
  if (pos.file.empty()) return "";
  return printable(pos.file) + ":" + std::to_string(pos.line);
}

// Where an assumption was given: `--assume, line 2` for the second.
std::string assumption_place(const FactOrigin& o) {
  return "--assume" + (o.line ? ", line " + std::to_string(o.line) : std::string());
}

std::string origin_text(const FactOrigin& o) {
  std::string s;
  if (o.assumption) {
    s = "ASSUMED (" + assumption_place(o) + ")";
  } else if (o.file == "store" || o.record_id != 0) {
    s = "store record " + std::to_string(o.record_id);
  } else {
    s = printable(o.file);
    if (o.line) s += ":" + std::to_string(o.line);
  }
  // (quote_string escapes `"`, `\`, line breaks and tabs; printable the other control characters)
  if (!o.source.empty()) s += "; source " + printable(quote_string(o.source));
  if (o.as_of) s += "; as of " + format_iso_date(o.as_of->days);
  if (!o.recorded_by.empty()) s += "; recorded by " + o.recorded_by;
  if (!o.recorded_at.empty()) s += " at " + o.recorded_at;
  return s;
}

std::string fact_line(const FactRef& f) {
  std::string s = f.tuple + " = " + f.value;
  if (!f.range.empty()) s += ", in " + f.range;
  if (f.origin) s += "  (" + origin_text(*f.origin) + ")";
  else if (!f.listed) s += "  (not in the facts)";
  return s;
}

// What a change asks, as a condition: the bound it needs when there is one.
// The bound a change states (`x >= 1_500`), or "" when it states none: no bound was found, or the
// change is shown as written (Change::as_written).
const std::string& change_bound(const Explanation& e, const Change& ch) {
  static const std::string none;
  const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
  if (ch.as_written) return none;
  return ch.make_true ? c.bound_true : c.bound_false;
}

std::string change_text(const Explanation& e, const Change& ch) {
  const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
  if (const std::string& bound = change_bound(e, ch); !bound.empty()) return bound;
  if (ch.make_true) return c.text;
  return c.negated.empty() ? "not " + c.text : c.negated;
}

std::string change_question(const Explanation& e, const Change& ch) {
  const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
  if (ch.as_written) {
    const std::string& q = ch.make_true ? c.written_question_true : c.written_question_false;
    if (!q.empty()) return q;
  }
  return ch.make_true ? c.question_true : c.question_false;
}

// What the change says, as it stands now: `y >= 10 (now false: y = 4)` for a change that makes
// `y < 10` false (the JSON's "now" is the condition's own truth, beside "condition" and "make").
std::string now_text(const AtomicCondition& c, const Change& ch) {
  const Truth t = ch.make_true ? c.truth : truth_not(c.truth);
  std::string s = std::string("now ") + to_string(t);
  if (!c.value.empty() && c.value != to_string(c.truth)) s += ": " + c.value;
  return s;
}

std::optional<std::string> assume_text(const Model& model, const Explanation& e, const Change& ch) {
  const auto& r = realisation(e, ch);
  if (!r) return std::nullopt;
  std::string t = model.format_tuple(r->relation, r->args);
  if (r->remove) return "not " + t;
  if (!r->value) return t;
  return t + " = " + format_constant_text(*r->value, model.program());
}

// A node whose only formula child is an `and`/`or` of the same text lists that child's children itself.
const ExplainNode& listing(const Explanation& e, const ExplainNode& n) {
  int formula = -1, count = 0;
  for (int c : n.children)
    if (!node_at(e, c).evidence) {
      formula = c;
      ++count;
    }
  if (count != 1 || n.condition >= 0) return n;
  const ExplainNode& c = node_at(e, formula);
  if ((c.kind == NodeKind::and_ || c.kind == NodeKind::or_) && c.text == n.text && c.truth == n.truth) return c;
  return n;
}

// The children to print, deciding branch first: reasons (false, then unknown, then true), then the rest.
void ordered_children(const ExplainNode& n, const Explanation& e, std::vector<int>& shown, std::vector<int>& folded) {
  std::vector<std::pair<int, int>> rs;
  for (std::size_t k = 0; k < n.children.size(); ++k) {
    int c = n.children[k];
    bool reason = k < n.reason.size() ? n.reason[k] : true;
    if (!reason) {
      folded.push_back(c);
      continue;
    }
    const ExplainNode& cn = node_at(e, c);
    int rank = cn.evidence ? 3 : (cn.truth == n.truth ? 0 : 1);
    rs.emplace_back(rank, c);
  }
  std::stable_sort(rs.begin(), rs.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [r, c] : rs) shown.push_back(c);
}

std::string short_name(const ExplainNode& n) {
  switch (n.kind) {
    case NodeKind::require:
    case NodeKind::block:
    case NodeKind::waiver:
    case NodeKind::after:
    case NodeKind::condition: return n.label;
    default: return n.text;
  }
}

// One line that says what a node is and what it came to.
std::string headline(const ExplainNode& n) {
  std::string t = to_string(n.truth);
  switch (n.kind) {
    case NodeKind::phase: return n.label + (n.text.empty() ? "" : " \"" + n.text + "\"");
    case NodeKind::binding: return "for each " + n.text + ": " + t;
    case NodeKind::after: return n.text;
    case NodeKind::require:
      return "require " + n.label + ": " + n.text + " — " +
             (n.truth == Truth::true_ ? "met" : n.truth == Truth::false_ ? "not met" : "unknown");
    case NodeKind::block:
      return "block " + n.label + ": if " + n.text + " — " +
             (n.truth == Truth::true_ ? "not triggered" : n.truth == Truth::false_ ? "TRIGGERED" : "may be triggered");
    case NodeKind::waiver:
      return "waive " + n.label + " when " + n.text + " — " +
             (n.truth == Truth::true_ ? "APPLIES" : n.truth == Truth::false_ ? "does not apply" : "may apply");
    case NodeKind::condition:
      return n.label + ": " + t + (n.text.empty() ? "" : " — " + n.text);
    case NodeKind::rule:
    case NodeKind::derivation: return "by the rule " + n.label + " when " + n.text + ": " + t;
    case NodeKind::aggregate: {
      std::size_t counted = 0, maybe = 0;
      for (const AggregateTuple& a : n.tuples) (a.part == Truth::true_ ? counted : maybe)++;
      return n.text + " = " + n.value + " (" + std::to_string(counted) + " counted, " + std::to_string(maybe) +
             " unknown" + (n.tuples_omitted ? ", " + std::to_string(n.tuples_omitted) + " more not examined one by one" : "") + ")";
    }
    default: {
      std::string s = n.text + ": " + t;
      if (n.cycle) s += " (recursive: explained above)";
      if (!n.value.empty() && n.kind == NodeKind::comparison) s += " (" + n.value + ")";
      return s;
    }
  }
}

const char* mark(Truth t) {
  switch (t) {
    case Truth::true_: return "✓";
    case Truth::false_: return "✗";
    default: return "?";
  }
}

const char* color_of(Truth t) {
  switch (t) {
    case Truth::true_: return "\x1b[32m";
    case Truth::false_: return "\x1b[31m";
    default: return "\x1b[33m";
  }
}

// A requirement met only through a waiver that applies (the spec: waivers that applied are shown as
// such, even where the requirement is not a reason).
bool met_by_waiver(const Explanation& e, const ExplainNode& n) {
  if (n.kind != NodeKind::require || n.truth != Truth::true_) return false;
  bool waiver = false, own = false;
  for (int c : n.children) {
    const ExplainNode& cn = node_at(e, c);
    if (cn.kind == NodeKind::waiver) waiver = waiver || cn.truth == Truth::true_;
    else own = own || cn.truth == Truth::true_;
  }
  return waiver && !own;
}

std::string fold_names(const Explanation& e, std::vector<int> nodes, std::size_t max_list, bool marks) {
  // Unknown parts first: they are the ones that may still matter.
  std::stable_sort(nodes.begin(), nodes.end(), [&](int a, int b) {
    auto rank = [](Truth t) { return t == Truth::unknown ? 0 : t == Truth::false_ ? 1 : 2; };
    return rank(node_at(e, a).truth) < rank(node_at(e, b).truth);
  });
  std::string s;
  for (std::size_t k = 0; k < nodes.size() && k < max_list; ++k) {
    const ExplainNode& n = node_at(e, nodes[k]);
    s += (k ? ", " : "") + (marks ? std::string(mark(n.truth)) + " " : std::string()) + short_name(n) +
         (marks ? (met_by_waiver(e, n) ? " (waived)" : "")
                : " (" + std::string(to_string(n.truth)) + (met_by_waiver(e, n) ? ", waived" : "") + ")");
  }
  if (nodes.size() > max_list) s += ", … " + std::to_string(nodes.size() - max_list) + " more";
  return s;
}

void text_node(const Model& model, const Explanation& e, int i, int depth, bool color, std::ostringstream& out,
               bool evidence_parent_fact_dup) {
  (void)model;
  const ExplainNode& n = node_at(e, i);
  std::string ind(static_cast<std::size_t>(depth) * 2, ' ');
  std::string m = mark(n.kind == NodeKind::aggregate ? Truth::unknown : n.truth);
  if (n.kind == NodeKind::aggregate) m = "Σ";
  if (color && n.kind != NodeKind::aggregate) m = std::string(color_of(n.truth)) + m + "\x1b[0m";
  out << ind << m << " " << headline(n);
  if (!n.pos.file.empty() && (n.kind == NodeKind::phase || n.kind == NodeKind::require || n.kind == NodeKind::block ||
                              n.kind == NodeKind::waiver || n.kind == NodeKind::rule || n.kind == NodeKind::derivation))
    out << "  [" << where(n.pos) << "]";
  out << "\n";
  std::string sub = ind + "    ";
  if (!n.because.empty()) out << sub << "because: " << n.because << "\n";
  if (!n.cite.empty()) out << sub << "cite: " << n.cite << "\n";
  if (!evidence_parent_fact_dup)
    for (const FactRef& f : n.facts) {
      bool in_agg = false;
      for (int c : n.children)
        if (node_at(e, c).kind == NodeKind::aggregate) in_agg = true;
      if (in_agg) break;  // the aggregate lists them
      out << sub << "fact: " << fact_line(f) << "\n";
    }
  if (n.kind == NodeKind::aggregate) {
    std::size_t k = 0;
    for (const AggregateTuple& a : n.tuples) {
      if (k++ >= e.options.max_list) break;
      out << sub << (a.part == Truth::true_ ? "counted: " : "unknown whether counted: ") << a.tuple;
      if (!a.value.empty()) out << " = " << a.value;
      if (a.value.find("..") != std::string::npos || a.value.find("unknown") != std::string::npos)
        out << " (value unknown)";
      out << "\n";
    }
    std::size_t more = (n.tuples.size() > e.options.max_list ? n.tuples.size() - e.options.max_list : 0) + n.tuples_omitted;
    if (more) out << sub << "… " << more << " more tuples\n";
    // The facts behind the tuples, folded like the tuples.
    const ExplainNode* parent = nullptr;
    (void)parent;
  }
  std::vector<int> shown, folded;
  ordered_children(listing(e, n), e, shown, folded);
  std::size_t k = 0;
  for (int c : shown) {
    if (k++ >= std::max<std::size_t>(e.options.max_list, 1) && node_at(e, c).kind != NodeKind::aggregate) {
      out << ind << "  … " << (shown.size() - e.options.max_list) << " more\n";
      break;
    }
    text_node(model, e, c, depth + 1, color, out, false);
  }
  if (!folded.empty())
    out << ind << "  (not needed for this verdict: " << fold_names(e, folded, e.options.max_list, true) << ")\n";
  // For aggregates: the facts of the listed tuples, with provenance.
  if (n.kind == NodeKind::comparison || n.kind == NodeKind::atom || n.kind == NodeKind::binding) {
    bool has_agg = false;
    for (int c : n.children) has_agg = has_agg || node_at(e, c).kind == NodeKind::aggregate;
    if (has_agg) {
      std::size_t j = 0;
      for (const FactRef& f : n.facts) {
        if (j++ >= e.options.max_list) {
          out << sub << "… " << (n.facts.size() - e.options.max_list) << " more facts\n";
          break;
        }
        out << sub << "fact: " << fact_line(f) << "\n";
      }
    }
  }
}

void sets_text(const Explanation& e, const std::vector<ChangeSet>& sets, bool complete, const std::string& none,
               std::ostringstream& out) {
  // No set, and the search was complete: there is none (`n > 10` for n in 0..10), not "none found".
  if (sets.empty()) out << "  " << (complete ? "none: no change of the facts can bring it" : none) << "\n";
  std::size_t k = 0;
  for (const ChangeSet& cs : sets) {
    ++k;
    if (cs.size() == 1) {
      const AtomicCondition& c = e.conditions[static_cast<std::size_t>(cs[0].condition)];
      out << "  " << k << ". " << change_text(e, cs[0]) << "  (" << now_text(c, cs[0]) << ")\n";
      out << "       ask: " << change_question(e, cs[0]) << "\n";
    } else {
      out << "  " << k << ". all of:\n";
      for (const Change& ch : cs) {
        const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
        out << "       - " << change_text(e, ch) << "  (" << now_text(c, ch) << ")\n";
        out << "         ask: " << change_question(e, ch) << "\n";
      }
    }
  }
  if (!complete) out << "  (incomplete: " << (e.budget_note.empty() ? "budget reached" : e.budget_note) << ")\n";
  else if (!e.budget_note.empty()) out << "  (note: " << e.budget_note << ")\n";
}

// The same in a document (nlohmann keeps whole numbers of 64 bits exactly, others as doubles).
nlohmann::json constant_json(const Program& p, const Constant& c) { return nlohmann::json::parse(constant_json_text(p, c)); }

nlohmann::json fact_json(const FactRef& f) {
  nlohmann::json j;
  j["fact"] = f.tuple;
  j["value"] = f.value;
  j["range"] = f.range.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.range);
  j["known"] = f.known;
  j["listed"] = f.listed;
  if (f.origin) {
    const FactOrigin& o = *f.origin;
    nlohmann::json oj;
    oj["file"] = o.file;
    oj["line"] = o.line;
    oj["source"] = o.source;
    oj["as_of"] = o.as_of ? nlohmann::json(format_iso_date(o.as_of->days)) : nlohmann::json(nullptr);
    oj["recorded_by"] = o.recorded_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.recorded_by);
    oj["recorded_at"] = o.recorded_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.recorded_at);
    oj["record_id"] = o.record_id ? nlohmann::json(o.record_id) : nlohmann::json(nullptr);
    oj["assumption"] = o.assumption;
    j["origin"] = oj;
  } else {
    j["origin"] = nullptr;
  }
  return j;
}

nlohmann::json node_json(const Explanation& e, int i, bool reason) {
  const ExplainNode& n = node_at(e, i);
  nlohmann::json j;
  j["kind"] = to_string(n.kind);
  j["value"] = to_string(n.truth);
  j["reason"] = reason;
  if (!n.label.empty()) j["label"] = n.label;
  j["text"] = n.text;
  if (!n.value.empty()) j["current"] = n.value;
  if (!n.because.empty()) j["because"] = n.because;
  if (!n.cite.empty()) j["cite"] = n.cite;
  if (!n.pos.file.empty()) {
    j["file"] = n.pos.file;
    j["line"] = n.pos.line;
  }
  if (n.cycle) j["cycle"] = true;
  if (n.condition >= 0) j["condition"] = e.conditions[static_cast<std::size_t>(n.condition)].text;
  if (!n.facts.empty()) {
    nlohmann::json fs = nlohmann::json::array();
    for (const FactRef& f : n.facts) fs.push_back(fact_json(f));
    j["facts"] = fs;
  }
  if (n.kind == NodeKind::aggregate) {
    nlohmann::json ts = nlohmann::json::array();
    for (const AggregateTuple& a : n.tuples) {
      nlohmann::json t;
      t["tuple"] = a.tuple;
      t["counted"] = to_string(a.part);
      if (!a.value.empty()) t["value"] = a.value;
      ts.push_back(t);
    }
    j["tuples"] = ts;
    j["tuples_omitted"] = n.tuples_omitted;
  }
  nlohmann::json ch = nlohmann::json::array();
  for (std::size_t k = 0; k < n.children.size(); ++k)
    ch.push_back(node_json(e, n.children[k], k < n.reason.size() ? bool(n.reason[k]) : true));
  j["children"] = ch;
  return j;
}

nlohmann::json sets_json(const Model& model, const Explanation& e, const std::vector<ChangeSet>& sets, bool complete,
                         bool applicable) {
  if (!applicable) return nullptr;
  nlohmann::json j;
  j["computed"] = e.counterfactuals;
  j["complete"] = e.counterfactuals ? complete : false;
  nlohmann::json arr = nlohmann::json::array();
  for (const ChangeSet& cs : sets) {
    nlohmann::json changes = nlohmann::json::array();
    for (const Change& ch : cs) {
      const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
      nlohmann::json x;
      x["condition"] = c.text;
      x["make"] = ch.make_true ? "true" : "false";
      x["change"] = change_text(e, ch);
      x["now"] = to_string(c.truth);
      x["current"] = c.value.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.value);
      const std::string& bound = change_bound(e, ch);
      x["bound"] = bound.empty() ? nlohmann::json(nullptr) : nlohmann::json(bound);
      x["question"] = change_question(e, ch);
      auto a = assume_text(model, e, ch);
      x["assume"] = a ? nlohmann::json(*a) : nlohmann::json(nullptr);
      changes.push_back(x);
    }
    nlohmann::json s;
    s["size"] = cs.size();
    s["changes"] = changes;
    arr.push_back(s);
  }
  j["sets"] = arr;
  return j;
}

// Text in a table cell: `|` escaped, a line break (a source's `\n`) as <br> so the row stays one line.
std::string md_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '|') o += "\\|";
    else if (c == '\n') o += "<br>";
    else if (c == '\r') continue;
    else o += c;
  }
  return o;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Prose from the rules (a title, a `because`, a citation) in Markdown: the characters Markdown reads
// as markup (`*`, `_`, `<b>`, a backtick, `[`...) escaped with a backslash, and a line break as <br>,
// so that the text reads as written and a list item stays one item.
std::string md_prose(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n') {
      o += "<br>";
      continue;
    }
    if (std::strchr("\\`*_[]<>|~&", c)) o += '\\';  // inline markup, entities (the text never starts a line)
    o += c;
  }
  return o;
}

// A code span (CommonMark): fenced with more backticks than the longest run inside it, padded with a
// space when it starts or ends with one (`sector("R`x")` stays one span); line breaks become spaces.
std::string md_code(const std::string& s) {
  std::size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  std::string body = s;
  std::replace(body.begin(), body.end(), '\n', ' ');
  const bool pad = longest > 0;  // (one space each side is stripped again when read)
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

void md_node(const Explanation& e, int i, int depth, std::ostringstream& out, std::vector<FactRef>& facts) {
  const ExplainNode& n = node_at(e, i);
  std::string ind(static_cast<std::size_t>(depth) * 2, ' ');
  std::string t = n.kind == NodeKind::aggregate ? std::string("tuples") : std::string(to_string(n.truth));
  out << ind << "- **" << t << "** ";
  switch (n.kind) {
    case NodeKind::phase: out << "phase " << md_code(n.label) << (n.text.empty() ? "" : " — " + md_prose(n.text)); break;
    case NodeKind::require: out << "requirement " << md_code(n.label) << ": " << md_code(n.text); break;
    case NodeKind::block: out << "block " << md_code(n.label) << ": if " << md_code(n.text); break;
    case NodeKind::waiver: out << "waiver of " << md_code(n.label) << " when " << md_code(n.text); break;
    case NodeKind::after: out << n.text; break;
    case NodeKind::condition: out << "condition " << md_code(n.label) << (n.text.empty() ? "" : " — " + md_prose(n.text)); break;
    case NodeKind::rule:
    case NodeKind::derivation: out << "rule " << md_code(n.label) << " when " << md_code(n.text); break;
    case NodeKind::aggregate: out << md_code(n.text) << " = " << md_code(n.value); break;
    default:
      out << md_code(n.text);
      if (!n.value.empty() && n.kind == NodeKind::comparison) out << " (" << md_code(n.value) << ")";
      if (n.cycle) out << " (recursive: explained above)";
  }
  if (!n.pos.file.empty() && n.kind != NodeKind::comparison && n.kind != NodeKind::atom) out << " — " << where(n.pos);
  out << "\n";
  if (!n.because.empty()) out << ind << "  - because: " << md_prose(n.because) << "\n";
  if (!n.cite.empty()) out << ind << "  - cite: " << md_prose(n.cite) << "\n";
  for (const FactRef& f : n.facts) {
    bool dup = false;
    for (const FactRef& g : facts) dup = dup || (g.relation == f.relation && g.args == f.args && g.tuple == f.tuple);
    if (!dup) facts.push_back(f);
  }
  if (n.kind == NodeKind::aggregate) {
    std::size_t k = 0;
    for (const AggregateTuple& a : n.tuples) {
      if (k++ >= e.options.max_list) break;
      out << ind << "  - " << (a.part == Truth::true_ ? "counted: " : "unknown whether counted: ") << md_code(a.tuple)
          << (a.value.empty() ? "" : " = " + md_code(a.value))
          << (a.value.find("..") != std::string::npos || a.value.find("unknown") != std::string::npos ? " (value unknown)"
                                                                                                   : "")
          << "\n";
    }
    std::size_t more = (n.tuples.size() > e.options.max_list ? n.tuples.size() - e.options.max_list : 0) + n.tuples_omitted;
    if (more) out << ind << "  - … " << more << " more tuples\n";
  }
  std::vector<int> shown, folded;
  ordered_children(listing(e, n), e, shown, folded);
  for (int c : shown) md_node(e, c, depth + 1, out, facts);
  if (!folded.empty())
    out << ind << "  - *(not needed for this verdict: " << fold_names(e, folded, e.options.max_list, false) << ")*\n";
}

void md_sets(const Model& model, const Explanation& e, const std::vector<ChangeSet>& sets, bool complete,
             std::ostringstream& out) {
  if (sets.empty() && complete) {
    out << "None: no change of the facts can bring it.\n\n";
  } else if (sets.empty()) {
    out << "No set of at most " << e.options.max_set_size << " changes was found.\n\n";
  } else {
    out << "| # | change | now | question | as an assumption |\n|---|---|---|---|---|\n";
    std::size_t k = 0;
    for (const ChangeSet& cs : sets) {
      ++k;
      for (std::size_t j = 0; j < cs.size(); ++j) {
        const AtomicCondition& c = e.conditions[static_cast<std::size_t>(cs[j].condition)];
        auto a = assume_text(model, e, cs[j]);
        out << "| " << (j == 0 ? std::to_string(k) : "") << " | " << md_escape(md_code(change_text(e, cs[j]))) << " | "
            << md_escape(now_text(c, cs[j])) << " | " << md_escape(change_question(e, cs[j])) << " | "
            << (a ? md_escape(md_code(*a)) : "") << " |\n";
      }
    }
    out << "\n";
  }
  if (!complete) out << "*Incomplete: " << (e.budget_note.empty() ? "budget reached" : e.budget_note) << ".*\n\n";
  else if (!e.budget_note.empty()) out << "*Note: " << e.budget_note << ".*\n\n";
}

std::string dot_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o += c;
  }
  return o;
}

// Every assumption (`--assume`) the tree reads, wherever it is: shown apart from given facts.
std::vector<FactRef> assumptions(const Explanation& e) {
  std::vector<FactRef> out;
  auto add = [&](const FactRef& f) {
    if (!f.origin || !f.origin->assumption) return;
    for (const FactRef& g : out)
      if (g.tuple == f.tuple) return;
    out.push_back(f);
  };
  for (const ExplainNode& n : e.nodes)
    for (const FactRef& f : n.facts) add(f);
  for (const FactRef& f : e.assumed) add(f);  // those the tree does not read too
  std::sort(out.begin(), out.end(), [](const FactRef& a, const FactRef& b) { return a.tuple < b.tuple; });
  return out;
}

}  // namespace

// Shared with json_text.cpp.
std::string explain_change_text(const Explanation& e, const Change& ch) { return change_text(e, ch); }
std::string explain_change_question(const Explanation& e, const Change& ch) { return change_question(e, ch); }
const std::string& explain_change_bound(const Explanation& e, const Change& ch) { return change_bound(e, ch); }
std::optional<std::string> explain_assume_text(const Model& model, const Explanation& e, const Change& ch) {
  return assume_text(model, e, ch);
}
std::vector<FactRef> explain_assumptions(const Explanation& e) { return assumptions(e); }

std::string constant_json_text(const Program& p, const Constant& c) {
  std::string out;
  switch (c.index()) {
    case 0: return std::get<bool>(c) ? "true" : "false";
    case 1: return std::get<Decimal>(c).to_string();  // a valid JSON number, every digit kept
    case 2: append_json_string(out, std::get<std::string>(c)); return out;
    case 3: append_json_string(out, format_iso_date(std::get<Date>(c).days)); return out;
    default:
      if (std::holds_alternative<Unknown>(c)) return "null";
      append_json_string(out, format_constant_text(c, p));
      return out;
  }
}

nlohmann::json explanation_json(const Model& model, const Explanation& e) {
  const Program& p = model.program();
  nlohmann::json j;
  if (e.phase < 0 || e.root < 0) return j;
  j["phase"] = p.phases[static_cast<std::size_t>(e.phase)].name;
  nlohmann::json args = nlohmann::json::array();
  for (const Constant& c : e.args) args.push_back(constant_json(p, c));
  j["args"] = args;
  j["tuple"] = e.phase_tuple;
  j["title"] = e.title;
  j["verdict"] = to_string(e.verdict);
  j["why"] = node_json(e, e.root, true);
  j["what_would_it_take"] = sets_json(model, e, e.to_go, e.to_go_complete, e.verdict != Verdict::go);
  j["what_could_stop_it"] = sets_json(model, e, e.to_stop, e.to_stop_complete, e.verdict != Verdict::no_go);
  nlohmann::json us = nlohmann::json::array();
  for (const UnknownThatMatters& u : e.unknowns) {
    nlohmann::json x = fact_json(u.fact);
    x["decides_alone"] = u.tested ? nlohmann::json(u.decides_alone) : nlohmann::json(nullptr);
    x["can_make"] = u.can_make;
    us.push_back(x);
  }
  j["unknowns"] = us;
  nlohmann::json as = nlohmann::json::array();
  for (const FactRef& f : assumptions(e)) as.push_back(fact_json(f));
  j["assumptions"] = as;
  nlohmann::json b;
  b["counterfactuals"] = e.counterfactuals;
  b["complete"] = e.counterfactuals && e.to_go_complete && e.to_stop_complete && e.unknowns_complete;
  b["note"] = e.budget_note;
  b["max_sets"] = e.options.max_sets;
  b["max_set_size"] = e.options.max_set_size;
  b["max_seconds"] = e.options.max_seconds;
  j["budget"] = b;
  return j;
}

std::string explanation_text(const Model& model, const Explanation& e, bool color) {
  std::ostringstream out;
  if (e.root < 0) return "";
  std::string verdict = to_string(e.verdict);
  if (color) {
    Truth t = e.verdict == Verdict::go ? Truth::true_ : e.verdict == Verdict::no_go ? Truth::false_ : Truth::unknown;
    verdict = std::string(color_of(t)) + "\x1b[1m" + verdict + "\x1b[0m";
  }
  out << e.phase_tuple << ": " << verdict << (e.title.empty() ? "" : " — " + e.title) << "\n\n";
  auto assumed = assumptions(e);
  if (!assumed.empty()) {
    out << "Assumptions (from --assume, not given facts)\n";
    for (const FactRef& f : assumed) out << "  " << f.tuple << " = " << f.value << "\n";
    out << "\n";
  }
  out << "Why\n";
  text_node(model, e, e.root, 1, color, out, false);
  if (e.verdict != Verdict::go) {
    out << "\nWhat would it take (smallest sets of changes that make it GO)\n";
    if (!e.counterfactuals) out << "  (not computed)\n";
    else sets_text(e, e.to_go, e.to_go_complete, "nothing within the search limits", out);
  }
  if (e.verdict != Verdict::no_go) {
    out << "\nWhat could stop it (smallest sets of changes that make it NO-GO)\n";
    if (!e.counterfactuals) out << "  (not computed)\n";
    else sets_text(e, e.to_stop, e.to_stop_complete, "nothing within the search limits", out);
  }
  if (e.verdict == Verdict::undetermined && e.counterfactuals) {
    out << "\nUnknowns that matter\n";
    if (e.unknowns.empty()) out << "  none found\n";
    std::size_t k = 0;
    for (const UnknownThatMatters& u : e.unknowns) {
      if (k++ >= e.options.max_list) {
        out << "  … " << (e.unknowns.size() - e.options.max_list) << " more\n";
        break;
      }
      out << "  " << u.fact.tuple << " = " << u.fact.value;
      if (!u.fact.range.empty()) out << ", in " << u.fact.range;
      if (u.wildcard) out << " — the unlisted tuples of an open relation: not tried alone";
      else if (!u.tested) out << " — not tried (budget)";
      else if (u.decides_alone) {
        out << " — alone it can make the phase ";
        for (std::size_t j = 0; j < u.can_make.size(); ++j) out << (j ? " or " : "") << u.can_make[j];
      } else {
        out << " — does not decide it alone";
      }
      out << "\n";
    }
  }
  return out.str();
}

std::string explanation_markdown(const Model& model, const Explanation& e) {
  std::ostringstream out;
  if (e.root < 0) return "";
  const Program& p = model.program();
  out << "# " << e.phase_tuple << ": " << to_string(e.verdict) << "\n\n";
  if (std::string_view title = trimmed(e.title); !title.empty()) out << "**" << md_prose(title) << "**\n\n";
  out << "Ruleset " << md_code(p.name) << (p.version.empty() ? "" : " version " + md_code(p.version)) << ".\n\n";
  auto assumed = assumptions(e);
  if (!assumed.empty()) {
    out << "## Assumptions\n\nThese values come from `--assume`, not from the facts files or the store.\n\n";
    for (const FactRef& f : assumed) out << "- **assumption** " << md_code(f.tuple + " = " + f.value) << "\n";
    out << "\n";
  }
  out << "## Why\n\n";
  std::vector<FactRef> facts;
  md_node(e, e.root, 0, out, facts);
  out << "\n";
  if (e.verdict != Verdict::go) {
    out << "## What would it take\n\nSmallest sets of changes that would make the phase GO, smallest first.\n\n";
    if (!e.counterfactuals) out << "*Not computed.*\n\n";
    else md_sets(model, e, e.to_go, e.to_go_complete, out);
  }
  if (e.verdict != Verdict::no_go) {
    out << "## What could stop it\n\nSmallest sets of changes that would make the phase NO-GO, smallest first.\n\n";
    if (!e.counterfactuals) out << "*Not computed.*\n\n";
    else md_sets(model, e, e.to_stop, e.to_stop_complete, out);
  }
  if (e.verdict == Verdict::undetermined && e.counterfactuals) {
    out << "## Unknowns that matter\n\n";
    if (e.unknowns.empty()) {
      out << "None found.\n\n";
    } else {
      out << "| fact | value | may be | alone decides | can make |\n|---|---|---|---|---|\n";
      for (const UnknownThatMatters& u : e.unknowns)
        out << "| " << md_escape(md_code(u.fact.tuple)) << " | " << u.fact.value << " | " << md_escape(u.fact.range)
            << " | " << (u.wildcard ? "not tried alone" : !u.tested ? "not tried" : u.decides_alone ? "yes" : "no") << " | "
            << [&] {
                 std::string s;
                 for (std::size_t j = 0; j < u.can_make.size(); ++j) s += (j ? ", " : "") + u.can_make[j];
                 return s;
               }()
            << " |\n";
      out << "\n";
    }
  }
  out << "## Facts relied on\n\n";
  if (facts.empty()) {
    out << "None.\n";
  } else {
    std::sort(facts.begin(), facts.end(), [](const FactRef& a, const FactRef& b) { return a.tuple < b.tuple; });
    out << "| fact | value | given in | source | as of | recorded | kind |\n|---|---|---|---|---|---|---|\n";
    for (const FactRef& f : facts) {
      std::string given, source, as_of, recorded, kind = "given";
      if (f.origin) {
        const FactOrigin& o = *f.origin;
        given = o.assumption ? assumption_place(o)
                             : (o.record_id ? "store record " + std::to_string(o.record_id)
                                                          : o.file + (o.line ? ":" + std::to_string(o.line) : ""));
        source = o.source;
        if (o.as_of) as_of = format_iso_date(o.as_of->days);
        recorded = o.recorded_by + (o.recorded_at.empty() ? "" : " " + o.recorded_at);
        if (o.assumption) kind = "**assumption**";
      } else {
        kind = "not in the facts";
      }
      std::string value = f.value + (f.range.empty() ? "" : " (" + f.range + ")");
      out << "| " << md_escape(md_code(f.tuple)) << " | " << md_escape(value) << " | " << md_escape(given) << " | "
          << md_escape(source) << " | " << as_of << " | " << md_escape(recorded) << " | " << kind << " |\n";
    }
  }
  if (e.counterfactuals && !e.budget_note.empty()) out << "\n*Search budget: " << e.budget_note << ".*\n";
  return out.str();
}

namespace {

// The nodes and edges of one tree, their ids prefixed (`n3`, or `b2n3` for the third binding's).
void dot_body(const Explanation& e, const std::string& prefix, std::ostringstream& out) {
  auto fill = [](Truth t) {
    return t == Truth::true_ ? "#d9ead3" : t == Truth::false_ ? "#f4cccc" : "#fff2cc";
  };
  int fact_id = 0;
  std::function<void(int)> emit = [&](int i) {
    const ExplainNode& n = node_at(e, i);
    std::string label = n.kind == NodeKind::phase ? n.label + "\\n" + to_string(e.verdict) : dot_escape(headline(n));
    if (n.kind == NodeKind::phase) label = dot_escape(n.label) + "\\n" + (i == e.root ? to_string(e.verdict) : to_string(n.truth));
    out << "  " << prefix << "n" << i << " [label=\"" << label << "\", fillcolor=\""
        << (n.kind == NodeKind::aggregate ? "#eeeeee" : fill(n.truth)) << "\"];\n";
    for (const FactRef& f : n.facts) {
      int fid = fact_id++;
      std::string fl = f.tuple + " = " + f.value + (f.range.empty() ? "" : "\n" + f.range);
      if (f.origin) fl += "\n" + origin_text(*f.origin);
      out << "  " << prefix << "f" << fid << " [shape=note, style=filled, fillcolor=\"" << (f.known ? "#ffffff" : "#fff2cc")
          << "\", label=\"" << dot_escape(fl) << "\"];\n";
      out << "  " << prefix << "n" << i << " -> " << prefix << "f" << fid << " [arrowhead=none, color=\"#888888\"];\n";
    }
    for (std::size_t k = 0; k < n.children.size(); ++k) {
      bool reason = k < n.reason.size() ? n.reason[k] : true;
      int c = n.children[k];
      emit(c);
      out << "  " << prefix << "n" << i << " -> " << prefix << "n" << c
          << (reason ? "" : " [style=dashed, color=\"#aaaaaa\"]") << ";\n";
    }
  };
  if (e.root >= 0) emit(e.root);
}

const char* const kDotHeader =
    "digraph explanation {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n";

}  // namespace

std::string explanation_dot(const Model& model, const Explanation& e) {
  (void)model;
  std::ostringstream out;
  out << kDotHeader;
  dot_body(e, "", out);
  out << "}\n";
  return out.str();
}

std::string explanations_dot(const Model& model, const std::vector<Explanation>& es) {
  if (es.size() == 1) return explanation_dot(model, es.front());
  // Several bindings: one graph (what `dot -Tsvg` reads as one picture), a cluster per binding.
  std::ostringstream out;
  out << kDotHeader;
  for (std::size_t k = 0; k < es.size(); ++k) {
    out << "  subgraph cluster_" << k << " {\n  label=\"" << dot_escape(es[k].phase_tuple) << "\";\n";
    dot_body(es[k], "b" + std::to_string(k) + "_", out);
    out << "  }\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace phasegate::engine
