// A direct JSON writer for explanations: the same text as explanation_json(...).dump(), without building a
// DOM (advise --explain writes one explanation per binding, and the DOM dominated its cost).
#include <cstdio>

#include "engine/calendar.hpp"
#include "engine/json_string.hpp"
#include "engine/eval/value.hpp"
#include "engine/explain/explain.hpp"

namespace phasegate::engine {

namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void str(const std::string& s) { append_json_string(out_, s); }
  void key(const char* k) {
    sep();
    out_ += '"';
    out_ += k;
    out_ += "\":";
    first_ = true;  // the value follows without a comma
    pending_value_ = true;
  }
  void open(char c) {
    sep();
    out_ += c;
    first_ = true;
  }
  void close(char c) {
    out_ += c;
    first_ = false;
  }
  void raw(const std::string& s) {
    sep();
    out_ += s;
  }
  void s(const std::string& v) {
    sep();
    str(v);
  }
  void b(bool v) { raw(v ? "true" : "false"); }
  void null() { raw("null"); }
  void u(std::uint64_t v) { raw(std::to_string(v)); }
  void i(std::int64_t v) { raw(std::to_string(v)); }
  void s_or_null(const std::string& v) {
    if (v.empty()) null();
    else s(v);
  }

 private:
  void sep() {
    if (pending_value_) {
      pending_value_ = false;
      first_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
  bool pending_value_ = false;
};

void fact(Writer& w, const FactRef& f, const UnknownThatMatters* u) {
  w.open('{');
  if (u) {
    w.key("can_make");
    w.open('[');
    for (const std::string& v : u->can_make) w.s(v);
    w.close(']');
    w.key("decides_alone");
    if (u->tested) w.b(u->decides_alone);
    else w.null();
  }
  w.key("fact");
  w.s(f.tuple);
  w.key("known");
  w.b(f.known);
  w.key("listed");
  w.b(f.listed);
  w.key("origin");
  if (f.origin) {
    const FactOrigin& o = *f.origin;
    w.open('{');
    w.key("as_of");
    if (o.as_of) w.s(format_iso_date(o.as_of->days));
    else w.null();
    w.key("assumption");
    w.b(o.assumption);
    w.key("file");
    w.s(o.file);
    w.key("line");
    w.u(o.line);
    w.key("record_id");
    if (o.record_id) w.i(o.record_id);
    else w.null();
    w.key("recorded_at");
    w.s_or_null(o.recorded_at);
    w.key("recorded_by");
    w.s_or_null(o.recorded_by);
    w.key("source");
    w.s(o.source);
    w.close('}');
  } else {
    w.null();
  }
  w.key("range");
  w.s_or_null(f.range);
  w.key("value");
  w.s(f.value);
  w.close('}');
}

void node(Writer& w, const Explanation& e, int i, bool reason) {
  const ExplainNode& n = e.nodes[static_cast<std::size_t>(i)];
  w.open('{');
  if (!n.because.empty()) {
    w.key("because");
    w.s(n.because);
  }
  w.key("children");
  w.open('[');
  for (std::size_t k = 0; k < n.children.size(); ++k)
    node(w, e, n.children[k], k < n.reason.size() ? bool(n.reason[k]) : true);
  w.close(']');
  if (!n.cite.empty()) {
    w.key("cite");
    w.s(n.cite);
  }
  if (n.condition >= 0) {
    w.key("condition");
    w.s(e.conditions[static_cast<std::size_t>(n.condition)].text);
  }
  if (!n.value.empty()) {
    w.key("current");
    w.s(n.value);
  }
  if (n.cycle) {
    w.key("cycle");
    w.b(true);
  }
  if (!n.facts.empty()) {
    w.key("facts");
    w.open('[');
    for (const FactRef& f : n.facts) fact(w, f, nullptr);
    w.close(']');
  }
  if (!n.pos.file.empty()) {
    w.key("file");
    w.s(n.pos.file);
  }
  w.key("kind");
  w.s(to_string(n.kind));
  if (!n.label.empty()) {
    w.key("label");
    w.s(n.label);
  }
  if (!n.pos.file.empty()) {
    w.key("line");
    w.u(n.pos.line);
  }
  w.key("reason");
  w.b(reason);
  w.key("text");
  w.s(n.text);
  if (n.kind == NodeKind::aggregate) {
    w.key("tuples");
    w.open('[');
    for (const AggregateTuple& a : n.tuples) {
      w.open('{');
      w.key("counted");
      w.s(to_string(a.part));
      w.key("tuple");
      w.s(a.tuple);
      if (!a.value.empty()) {
        w.key("value");
        w.s(a.value);
      }
      w.close('}');
    }
    w.close(']');
    w.key("tuples_omitted");
    w.u(n.tuples_omitted);
  }
  w.key("value");
  w.s(to_string(n.truth));
  w.close('}');
}

}  // namespace

// Defined in render.cpp: the pieces both writers share.
std::string explain_change_text(const Explanation& e, const Change& ch);
std::string explain_change_question(const Explanation& e, const Change& ch);
std::optional<std::string> explain_assume_text(const Model& model, const Explanation& e, const Change& ch);
std::vector<FactRef> explain_assumptions(const Explanation& e);
std::string explain_constant_json(const Program& p, const Constant& c);

namespace {

void sets(Writer& w, const Model& model, const Explanation& e, const std::vector<ChangeSet>& list, bool complete,
          bool applicable) {
  if (!applicable) {
    w.null();
    return;
  }
  w.open('{');
  w.key("complete");
  w.b(e.counterfactuals ? complete : false);
  w.key("computed");
  w.b(e.counterfactuals);
  w.key("sets");
  w.open('[');
  for (const ChangeSet& cs : list) {
    w.open('{');
    w.key("changes");
    w.open('[');
    for (const Change& ch : cs) {
      const AtomicCondition& c = e.conditions[static_cast<std::size_t>(ch.condition)];
      w.open('{');
      auto a = explain_assume_text(model, e, ch);
      w.key("assume");
      if (a) w.s(*a);
      else w.null();
      const std::string& bound = ch.make_true ? c.bound_true : c.bound_false;
      w.key("bound");
      w.s_or_null(bound);
      w.key("change");
      w.s(explain_change_text(e, ch));
      w.key("condition");
      w.s(c.text);
      w.key("current");
      w.s_or_null(c.value);
      w.key("make");
      w.s(ch.make_true ? "true" : "false");
      w.key("now");
      w.s(to_string(c.truth));
      w.key("question");
      w.s(explain_change_question(e, ch));
      w.close('}');
    }
    w.close(']');
    w.key("size");
    w.u(cs.size());
    w.close('}');
  }
  w.close(']');
  w.close('}');
}

}  // namespace

std::string explanation_json_text(const Model& model, const Explanation& e) {
  const Program& p = model.program();
  if (e.phase < 0 || e.root < 0) return "null";
  std::string out;
  out.reserve(1024);
  Writer w(out);
  w.open('{');
  w.key("args");
  w.open('[');
  for (const Constant& c : e.args) w.raw(explain_constant_json(p, c));
  w.close(']');
  w.key("assumptions");
  w.open('[');
  for (const FactRef& f : explain_assumptions(e)) fact(w, f, nullptr);
  w.close(']');
  w.key("budget");
  w.open('{');
  w.key("complete");
  w.b(e.counterfactuals && e.to_go_complete && e.to_stop_complete && e.unknowns_complete);
  w.key("counterfactuals");
  w.b(e.counterfactuals);
  w.key("max_seconds");
  w.raw(nlohmann::json(e.options.max_seconds).dump());
  w.key("max_set_size");
  w.u(e.options.max_set_size);
  w.key("max_sets");
  w.u(e.options.max_sets);
  w.key("note");
  w.s(e.budget_note);
  w.close('}');
  w.key("phase");
  w.s(p.phases[static_cast<std::size_t>(e.phase)].name);
  w.key("title");
  w.s(e.title);
  w.key("tuple");
  w.s(e.phase_tuple);
  w.key("unknowns");
  w.open('[');
  for (const UnknownThatMatters& u : e.unknowns) fact(w, u.fact, &u);
  w.close(']');
  w.key("verdict");
  w.s(to_string(e.verdict));
  w.key("what_could_stop_it");
  sets(w, model, e, e.to_stop, e.to_stop_complete, e.verdict != Verdict::no_go);
  w.key("what_would_it_take");
  sets(w, model, e, e.to_go, e.to_go_complete, e.verdict != Verdict::go);
  w.key("why");
  node(w, e, e.root, true);
  w.close('}');
  return out;
}

std::string explanation_why_json_text(const Model&, const Explanation& e) {
  if (e.root < 0) return "null";
  std::string out;
  out.reserve(1024);
  Writer w(out);
  node(w, e, e.root, true);
  return out;
}

}  // namespace phasegate::engine
