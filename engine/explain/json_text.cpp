// A direct JSON writer for explanations: the same text as explanation_json(...).dump(), without building a
// DOM (advise --explain writes one explanation per binding, and the DOM dominated its cost).
#include "engine/calendar.hpp"
#include "engine/eval/value.hpp"
#include "engine/explain/explain.hpp"
#include "engine/json_out.hpp"

namespace phasegate::engine {

namespace {

void fact(JsonOut& w, const FactRef& f, const UnknownThatMatters* u) {
  w.begin_object();
  if (u) {
    w.key("can_make");
    w.begin_array();
    for (const std::string& v : u->can_make) w.string(v);
    w.end_array();
    w.key("decides_alone");
    if (u->tested) w.boolean(u->decides_alone);
    else w.null();
  }
  w.member("fact", f.tuple);
  w.key("known");
  w.boolean(f.known);
  w.key("listed");
  w.boolean(f.listed);
  w.key("origin");
  if (f.origin) {
    const FactOrigin& o = *f.origin;
    w.begin_object();
    w.key("as_of");
    if (o.as_of) w.string(format_iso_date(o.as_of->days));
    else w.null();
    w.key("assumption");
    w.boolean(o.assumption);
    w.member("file", o.file);
    w.key("line");
    w.integer(static_cast<std::int64_t>(o.line));
    w.key("record_id");
    if (o.record_id) w.integer(o.record_id);
    else w.null();
    w.key("recorded_at");
    w.string_or_null(o.recorded_at);
    w.key("recorded_by");
    w.string_or_null(o.recorded_by);
    w.member("source", o.source);
    w.end_object();
  } else {
    w.null();
  }
  w.key("range");
  w.string_or_null(f.range);
  w.member("value", f.value);
  w.end_object();
}

void node(JsonOut& w, const Explanation& e, int i, bool reason) {
  const ExplainNode& n = e.nodes[static_cast<std::size_t>(i)];
  w.begin_object();
  if (!n.because.empty()) {
    w.member("because", n.because);
  }
  w.key("children");
  w.begin_array();
  for (std::size_t k = 0; k < n.children.size(); ++k)
    node(w, e, n.children[k], k < n.reason.size() ? bool(n.reason[k]) : true);
  w.end_array();
  if (!n.cite.empty()) {
    w.member("cite", n.cite);
  }
  if (n.condition >= 0) {
    w.member("condition", e.conditions[static_cast<std::size_t>(n.condition)].text);
  }
  if (!n.value.empty()) {
    w.member("current", n.value);
  }
  if (n.cycle) {
    w.key("cycle");
    w.boolean(true);
  }
  if (!n.facts.empty()) {
    w.key("facts");
    w.begin_array();
    for (const FactRef& f : n.facts) fact(w, f, nullptr);
    w.end_array();
  }
  if (!n.pos.file.empty()) {
    w.member("file", n.pos.file);
  }
  w.member("kind", to_string(n.kind));
  if (!n.label.empty()) {
    w.member("label", n.label);
  }
  if (!n.pos.file.empty()) {
    w.key("line");
    w.integer(static_cast<std::int64_t>(n.pos.line));
  }
  w.key("reason");
  w.boolean(reason);
  w.member("text", n.text);
  if (n.kind == NodeKind::aggregate) {
    w.key("tuples");
    w.begin_array();
    for (const AggregateTuple& a : n.tuples) {
      w.begin_object();
      w.member("counted", to_string(a.part));
      w.member("tuple", a.tuple);
      if (!a.value.empty()) {
        w.member("value", a.value);
      }
      w.end_object();
    }
    w.end_array();
    w.key("tuples_omitted");
    w.integer(static_cast<std::int64_t>(n.tuples_omitted));
  }
  w.member("value", to_string(n.truth));
  w.end_object();
}

}  // namespace

// Defined in render.cpp: the pieces both writers share.
std::string explain_change_text(const Explanation& e, const Change& ch);
std::string explain_change_question(const Explanation& e, const Change& ch);
std::optional<std::string> explain_assume_text(const Model& model, const Explanation& e, const Change& ch);
std::vector<FactRef> explain_assumptions(const Explanation& e);

namespace {

void sets(JsonOut& w, const Model& model, const Explanation& e, const std::vector<ChangeSet>& list, bool complete,
          bool applicable) {
  if (!applicable) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("complete");
  w.boolean(e.counterfactuals ? complete : false);
  w.key("computed");
  w.boolean(e.counterfactuals);
  w.key("sets");
  w.begin_array();
  for (const ChangeSet& cs : list) {
    w.begin_object();
    w.key("changes");
    w.begin_array();
    for (const Change& ch : cs) {
      const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
      w.begin_object();
      auto a = explain_assume_text(model, e, ch);
      w.key("assume");
      if (a) w.string(*a);
      else w.null();
      const std::string& bound = ch.make_true ? c.bound_true : c.bound_false;
      w.key("bound");
      w.string_or_null(bound);
      w.member("change", explain_change_text(e, ch));
      w.member("condition", c.text);
      w.key("current");
      w.string_or_null(c.value);
      w.member("make", ch.make_true ? "true" : "false");
      w.member("now", to_string(c.truth));
      w.member("question", explain_change_question(e, ch));
      w.end_object();
    }
    w.end_array();
    w.key("size");
    w.integer(static_cast<std::int64_t>(cs.size()));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

std::string explanation_json_text(const Model& model, const Explanation& e, int indent, int level) {
  const Program& p = model.program();
  if (e.phase < 0 || e.root < 0) return "null";
  std::string out;
  out.reserve(1024);
  JsonOut w(out, indent, level);
  w.begin_object();
  w.key("args");
  w.begin_array();
  for (const Constant& c : e.args) w.raw(constant_json_text(p, c));
  w.end_array();
  w.key("assumptions");
  w.begin_array();
  for (const FactRef& f : explain_assumptions(e)) fact(w, f, nullptr);
  w.end_array();
  w.key("budget");
  w.begin_object();
  w.key("complete");
  w.boolean(e.counterfactuals && e.to_go_complete && e.to_stop_complete && e.unknowns_complete);
  w.key("counterfactuals");
  w.boolean(e.counterfactuals);
  w.key("max_seconds");
  w.raw(nlohmann::json(e.options.max_seconds).dump());
  w.key("max_set_size");
  w.integer(static_cast<std::int64_t>(e.options.max_set_size));
  w.key("max_sets");
  w.integer(static_cast<std::int64_t>(e.options.max_sets));
  w.member("note", e.budget_note);
  w.end_object();
  w.member("phase", p.phases[static_cast<std::size_t>(e.phase)].name);
  w.member("title", e.title);
  w.member("tuple", e.phase_tuple);
  w.key("unknowns");
  w.begin_array();
  for (const UnknownThatMatters& u : e.unknowns) fact(w, u.fact, &u);
  w.end_array();
  w.member("verdict", to_string(e.verdict));
  w.key("what_could_stop_it");
  sets(w, model, e, e.to_stop, e.to_stop_complete, e.verdict != Verdict::no_go);
  w.key("what_would_it_take");
  sets(w, model, e, e.to_go, e.to_go_complete, e.verdict != Verdict::go);
  w.key("why");
  node(w, e, e.root, true);
  w.end_object();
  return out;
}

std::string explanation_why_json_text(const Model&, const Explanation& e) {
  if (e.root < 0) return "null";
  std::string out;
  out.reserve(1024);
  JsonOut w(out);
  node(w, e, e.root, true);
  return out;
}

}  // namespace phasegate::engine
