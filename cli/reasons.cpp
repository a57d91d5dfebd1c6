// Reasons for a verdict, read off the evaluated clauses of one phase binding.
#include "cli/reasons.hpp"
#include "cli/common.hpp"

#include <algorithm>
#include <cctype>

#include "engine/calendar.hpp"

namespace phasegate::cli {

using engine::Truth;
using engine::Verdict;

static Truth verdict_truth(Verdict v) {
  return v == Verdict::go ? Truth::true_ : v == Verdict::no_go ? Truth::false_ : Truth::unknown;
}

static std::string cite_text(const std::optional<std::string>& source, const std::optional<std::string>& locator) {
  if (!source) return {};
  return locator ? *source + ", " + *locator : *source;
}

// The expression text with the phase's parameters replaced by this binding's values
// (`ready_to_hand_over(s)` -> `ready_to_hand_over("Rafah")`); strings are left alone.
static std::string instantiate(const engine::Program& program, const engine::Phase& phase,
                               const engine::PhaseResult& r, const std::string& text) {
  if (r.args.empty() || phase.params.empty()) return text;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"') {
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, text.size());
      out.append(text, i, j - i);
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      std::string word = text.substr(i, j - i);
      bool replaced = false;
      for (std::size_t k = 0; k < phase.params.size() && k < r.args.size(); ++k)
        if (phase.params[k] == word && (j >= text.size() || text[j] != '(')) {
          out += format_arg(program, r.args[k]);
          replaced = true;
          break;
        }
      if (!replaced) out += word;
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::vector<Reason> reasons_for(const engine::Program& program, const engine::PhaseResult& r) {
  std::vector<Reason> out;
  if (r.verdict == Verdict::go) return out;
  const Truth target = verdict_truth(r.verdict);
  const auto& phase = program.phases[static_cast<std::size_t>(r.phase)];
  if (r.binding == Truth::unknown && target == Truth::unknown && phase.for_each_atom != engine::kNoExpr) {
    const auto& atom = program.exprs[static_cast<std::size_t>(phase.for_each_atom)];
    out.push_back({"for each", "for each", Truth::unknown, instantiate(program, phase, r, atom.text), "", "", "", Truth::unknown});
  }
  for (const auto& a : r.after) {
    Truth t = verdict_truth(a.verdict);
    if (t != target) continue;
    const auto& other = program.phases[static_cast<std::size_t>(a.phase)];
    out.push_back({other.name, "after", t, other.name + " is GO", "", "", "", t});
  }
  for (const auto& c : r.clauses) {
    if (c.met != target) continue;
    const auto& clause = phase.clauses[static_cast<std::size_t>(c.clause)];
    Reason reason;
    reason.label = clause.label;
    reason.kind = clause.kind == engine::ClauseKind::require ? "require" : "block";
    reason.value = clause.kind == engine::ClauseKind::require ? c.met : c.expr_value;
    reason.expr_value = c.expr_value;
    reason.text = instantiate(program, phase, r, clause.text);
    reason.because = clause.because;
    reason.cite = cite_text(clause.cite_source, clause.cite_locator);
    // Every waiver that may still meet it (any one of them would): `b or c`.
    for (int w : c.waivers_unknown) {
      if (!reason.waived_by.empty()) reason.waived_by += " or ";
      reason.waived_by += instantiate(program, phase, r, phase.waivers[static_cast<std::size_t>(w)].text);
    }
    out.push_back(std::move(reason));
  }
  return out;
}

std::string reason_label(const Reason& r) { return r.kind == "after" ? "after " + r.label : r.label; }

std::string reason_statement(const Reason& r, const std::function<std::string(const std::string&)>& code) {
  // An `after` phase is not GO: what it is, as advise's table says it.
  if (r.kind == "after") return std::string("it is ") + (r.value == Truth::false_ ? "NO-GO" : "UNDETERMINED");
  std::string s = code(r.text) + " is " + engine::to_string(r.expr_value);
  if (!r.waived_by.empty()) s += ", unless waived: " + code(r.waived_by) + " (unknown)";
  return s;
}

std::string reason_statement(const Reason& r, const std::string& quote) {
  return reason_statement(r, [&](const std::string& text) { return quote + text + quote; });
}

std::vector<AppliedWaiver> waivers_applied(const engine::Program& program, const engine::PhaseResult& r) {
  std::vector<AppliedWaiver> out;
  const auto& phase = program.phases[static_cast<std::size_t>(r.phase)];
  for (const auto& c : r.clauses) {
    if (c.waivers_true.empty() || c.expr_value == Truth::true_) continue;
    const auto& clause = phase.clauses[static_cast<std::size_t>(c.clause)];
    const auto& w = phase.waivers[static_cast<std::size_t>(c.waivers_true.front())];
    out.push_back({clause.label, instantiate(program, phase, r, w.text), w.because});
  }
  return out;
}

static std::string quote(const std::string& s) { return json_text(nlohmann::json(s), -1); }

std::string format_arg(const engine::Program& program, const engine::Constant& c) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, engine::Decimal>) return v.to_string();
        else if constexpr (std::is_same_v<T, std::string>) return quote(v);
        else if constexpr (std::is_same_v<T, engine::Date>) return engine::format_iso_date(v.days);
        else if constexpr (std::is_same_v<T, engine::Duration>) return std::to_string(v.days) + " days";
        else if constexpr (std::is_same_v<T, engine::Member>) {
          if (v.enumeration < 0 || static_cast<std::size_t>(v.enumeration) >= program.enums.size()) return "?";
          return program.enums[static_cast<std::size_t>(v.enumeration)].members[static_cast<std::size_t>(v.index)];
        } else return "unknown";
      },
      c);
}

std::string phase_key(const engine::Program& program, const engine::PhaseResult& r) {
  std::string key = program.phases[static_cast<std::size_t>(r.phase)].name;
  if (r.args.empty()) return key;
  key += '(';
  for (std::size_t i = 0; i < r.args.size(); ++i) {
    if (i) key += ", ";
    key += format_arg(program, r.args[i]);
  }
  return key + ')';
}

}  // namespace phasegate::cli
