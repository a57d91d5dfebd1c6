// A direct JSON writer for explanations: the same text as explanation_json(...).dump(), without building a
// DOM (advise --explain writes one explanation per binding, and the DOM dominated its cost). The text is
// written compact, punctuation and keys fused into literal pieces (`,"kind":"`): keys and key order are
// fixed here, so no writer state is needed to place commas. The pretty layout (`explain --format json`)
// is the compact text re-indented as nlohmann::json's dump(indent) lays it out.
#include "engine/calendar.hpp"
#include "engine/eval/value.hpp"
#include "engine/explain/explain.hpp"
#include "engine/json_string.hpp"

#include <charconv>

namespace phasegate::engine {

namespace {

// Compact JSON text. `lit` appends JSON text as it is (punctuation, keys, the program's own words that
// need no escaping); `str` appends a string value, escaped.
class Compact {
 public:
  explicit Compact(std::string& out) : out_(out) {}
  void lit(std::string_view s) { out_.append(s); }
  void str(std::string_view s) { append_json_string(out_, s); }
  void str_or_null(std::string_view s) {
    if (s.empty()) lit("null");
    else str(s);
  }
  void boolean(bool v) { lit(v ? "true" : "false"); }
  void integer(std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(r.ptr - buf));
  }
  // `"key":"word"` for a word known to need no escaping (a kind, a truth value).
  void word(std::string_view s) {
    out_ += '"';
    out_.append(s);
    out_ += '"';
  }

 private:
  std::string& out_;
};

void origin(Compact& w, const FactOrigin& o) {
  w.lit("{\"as_of\":");
  if (o.as_of) w.str(format_iso_date(o.as_of->days));
  else w.lit("null");
  w.lit(",\"assumption\":");
  w.boolean(o.assumption);
  w.lit(",\"file\":");
  w.str(o.file);
  w.lit(",\"line\":");
  w.integer(static_cast<std::int64_t>(o.line));
  w.lit(",\"record_id\":");
  if (o.record_id) w.integer(o.record_id);
  else w.lit("null");
  w.lit(",\"recorded_at\":");
  w.str_or_null(o.recorded_at);
  w.lit(",\"recorded_by\":");
  w.str_or_null(o.recorded_by);
  w.lit(",\"source\":");
  w.str(o.source);
  w.lit("}");
}

void fact(Compact& w, const FactRef& f, const UnknownThatMatters* u) {
  w.lit("{");
  if (u) {
    w.lit("\"can_make\":[");
    for (std::size_t k = 0; k < u->can_make.size(); ++k) {
      if (k) w.lit(",");
      w.str(u->can_make[k]);
    }
    w.lit("],\"decides_alone\":");
    if (u->tested) w.boolean(u->decides_alone);
    else w.lit("null");
    w.lit(",");
  }
  w.lit("\"fact\":");
  w.str(f.tuple);
  w.lit(",\"known\":");
  w.boolean(f.known);
  w.lit(",\"listed\":");
  w.boolean(f.listed);
  w.lit(",\"origin\":");
  if (f.origin) origin(w, *f.origin);
  else w.lit("null");
  w.lit(",\"range\":");
  w.str_or_null(f.range);
  w.lit(",\"value\":");
  w.str(f.value);
  w.lit("}");
}

void facts(Compact& w, const std::vector<FactRef>& list) {
  w.lit("[");
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (k) w.lit(",");
    fact(w, list[k], nullptr);
  }
  w.lit("]");
}

void node(Compact& w, const Explanation& e, int i, bool reason) {
  const ExplainNode& n = e.nodes[static_cast<std::size_t>(i)];
  w.lit("{");
  if (!n.because.empty()) {
    w.lit("\"because\":");
    w.str(n.because);
    w.lit(",");
  }
  w.lit("\"children\":[");
  for (std::size_t k = 0; k < n.children.size(); ++k) {
    if (k) w.lit(",");
    node(w, e, n.children[k], k < n.reason.size() ? bool(n.reason[k]) : true);
  }
  w.lit("]");
  if (!n.cite.empty()) {
    w.lit(",\"cite\":");
    w.str(n.cite);
  }
  if (n.condition >= 0) {
    w.lit(",\"condition\":");
    w.str(e.conditions[static_cast<std::size_t>(n.condition)].text);
  }
  if (!n.value.empty()) {
    w.lit(",\"current\":");
    w.str(n.value);
  }
  if (n.cycle) w.lit(",\"cycle\":true");
  if (!n.facts.empty()) {
    w.lit(",\"facts\":");
    facts(w, n.facts);
  }
  if (!n.pos.file.empty()) {
    w.lit(",\"file\":");
    w.str(n.pos.file);
  }
  w.lit(",\"kind\":");
  w.word(to_string(n.kind));
  if (!n.label.empty()) {
    w.lit(",\"label\":");
    w.str(n.label);
  }
  if (!n.pos.file.empty()) {
    w.lit(",\"line\":");
    w.integer(static_cast<std::int64_t>(n.pos.line));
  }
  w.lit(reason ? ",\"reason\":true,\"text\":" : ",\"reason\":false,\"text\":");
  w.str(n.text);
  if (n.kind == NodeKind::aggregate) {
    w.lit(",\"tuples\":[");
    for (std::size_t k = 0; k < n.tuples.size(); ++k) {
      const AggregateTuple& a = n.tuples[k];
      if (k) w.lit(",");
      w.lit("{\"counted\":");
      w.word(to_string(a.part));
      w.lit(",\"tuple\":");
      w.str(a.tuple);
      if (!a.value.empty()) {
        w.lit(",\"value\":");
        w.str(a.value);
      }
      w.lit("}");
    }
    w.lit("],\"tuples_omitted\":");
    w.integer(static_cast<std::int64_t>(n.tuples_omitted));
  }
  w.lit(",\"value\":");
  w.word(to_string(n.truth));
  w.lit("}");
}

}  // namespace

// Defined in render.cpp: the pieces both writers share.
std::string explain_change_text(const Explanation& e, const Change& ch);
std::string explain_change_question(const Explanation& e, const Change& ch);
const std::string& explain_change_bound(const Explanation& e, const Change& ch);
std::optional<std::string> explain_assume_text(const Model& model, const Explanation& e, const Change& ch);
std::vector<FactRef> explain_assumptions(const Explanation& e);

namespace {

void sets(Compact& w, const Model& model, const Explanation& e, const std::vector<ChangeSet>& list, bool complete,
          bool applicable) {
  if (!applicable) {
    w.lit("null");
    return;
  }
  w.lit("{\"complete\":");
  w.boolean(e.counterfactuals ? complete : false);
  w.lit(",\"computed\":");
  w.boolean(e.counterfactuals);
  w.lit(",\"sets\":[");
  for (std::size_t s = 0; s < list.size(); ++s) {
    const ChangeSet& cs = list[s];
    if (s) w.lit(",");
    w.lit("{\"changes\":[");
    for (std::size_t k = 0; k < cs.size(); ++k) {
      const Change& ch = cs[k];
      const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
      if (k) w.lit(",");
      w.lit("{\"assume\":");
      auto a = explain_assume_text(model, e, ch);
      if (a) w.str(*a);
      else w.lit("null");
      w.lit(",\"bound\":");
      w.str_or_null(explain_change_bound(e, ch));
      w.lit(",\"change\":");
      w.str(explain_change_text(e, ch));
      w.lit(",\"condition\":");
      w.str(c.text);
      w.lit(",\"current\":");
      w.str_or_null(c.value);
      w.lit(",\"make\":");
      w.word(ch.make_true ? "true" : "false");
      w.lit(",\"now\":");
      w.word(to_string(c.truth));
      w.lit(",\"question\":");
      w.str(explain_change_question(e, ch));
      w.lit("}");
    }
    w.lit("],\"size\":");
    w.integer(static_cast<std::int64_t>(cs.size()));
    w.lit("}");
  }
  w.lit("]}");
}

std::string compact_json(const Model& model, const Explanation& e) {
  const Program& p = model.program();
  if (e.phase < 0 || e.root < 0) return "null";
  std::string out;
  out.reserve(2048);
  Compact w(out);
  w.lit("{\"args\":[");
  for (std::size_t k = 0; k < e.args.size(); ++k) {
    if (k) w.lit(",");
    w.lit(constant_json_text(p, e.args[k]));
  }
  w.lit("],\"assumptions\":");
  facts(w, explain_assumptions(e));
  w.lit(",\"budget\":{\"complete\":");
  w.boolean(e.counterfactuals && e.to_go_complete && e.to_stop_complete && e.unknowns_complete);
  w.lit(",\"counterfactuals\":");
  w.boolean(e.counterfactuals);
  w.lit(",\"max_seconds\":");
  w.lit(nlohmann::json(e.options.max_seconds).dump());
  w.lit(",\"max_set_size\":");
  w.integer(static_cast<std::int64_t>(e.options.max_set_size));
  w.lit(",\"max_sets\":");
  w.integer(static_cast<std::int64_t>(e.options.max_sets));
  w.lit(",\"note\":");
  w.str(e.budget_note);
  w.lit("},\"phase\":");
  w.str(p.phases[static_cast<std::size_t>(e.phase)].name);
  w.lit(",\"title\":");
  w.str(e.title);
  w.lit(",\"tuple\":");
  w.str(e.phase_tuple);
  w.lit(",\"unknowns\":[");
  for (std::size_t k = 0; k < e.unknowns.size(); ++k) {
    if (k) w.lit(",");
    fact(w, e.unknowns[k].fact, &e.unknowns[k]);
  }
  w.lit("],\"verdict\":");
  w.word(to_string(e.verdict));
  w.lit(",\"what_could_stop_it\":");
  sets(w, model, e, e.to_stop, e.to_stop_complete, e.verdict != Verdict::no_go);
  w.lit(",\"what_would_it_take\":");
  sets(w, model, e, e.to_go, e.to_go_complete, e.verdict != Verdict::go);
  w.lit(",\"why\":");
  node(w, e, e.root, true);
  w.lit("}");
  return out;
}

// Compact JSON text laid out as nlohmann::json's dump(indent) lays it out, the first value at depth `level`.
std::string reindent_json(std::string_view compact, int indent, int level) {
  std::string out;
  out.reserve(compact.size() + compact.size() / 2);
  auto newline = [&] {
    out += '\n';
    out.append(static_cast<std::size_t>(level * indent), ' ');
  };
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    switch (c) {
      case '"': {  // a string, copied as it is up to its closing quote
        std::size_t j = i + 1;
        while (j < compact.size() && compact[j] != '"') j += compact[j] == '\\' ? 2 : 1;
        out.append(compact.substr(i, j + 1 - i));
        i = j;
        break;
      }
      case '{':
      case '[':
        out += c;
        if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
          out += compact[++i];  // empty: `{}`, `[]`
        } else {
          ++level;
          newline();
        }
        break;
      case '}':
      case ']':
        --level;
        newline();
        out += c;
        break;
      case ',':
        out += ',';
        newline();
        break;
      case ':': out += ": "; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string explanation_json_text(const Model& model, const Explanation& e, int indent, int level) {
  std::string compact = compact_json(model, e);
  return indent == 0 ? compact : reindent_json(compact, indent, level);
}

std::string explanation_why_json_text(const Model&, const Explanation& e) {
  if (e.root < 0) return "null";
  std::string out;
  out.reserve(1024);
  Compact w(out);
  node(w, e, e.root, true);
  return out;
}

}  // namespace phasegate::engine
