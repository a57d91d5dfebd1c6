// The go/no-go table in its three renderings; all read the same reasons (cli/reasons.hpp).
#include "cli/render_advise.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <sstream>

#include "cli/advice.hpp"
#include "cli/reasons.hpp"

namespace phasegate::cli {

using engine::Truth;
using engine::Verdict;

namespace {

const char* kReset = "\x1b[0m";
const char* kBold = "\x1b[1m";
const char* kDim = "\x1b[2m";

const char* verdict_color(Verdict v) {
  switch (v) {
    case Verdict::go: return "\x1b[32m";
    case Verdict::no_go: return "\x1b[31m";
    case Verdict::undetermined: return "\x1b[33m";
  }
  return "";
}

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? std::string(code) + text + kReset : text;
}

std::string pad(const std::string& s, std::size_t width) {
  // Pads by code points so that UTF-8 names line up.
  std::size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
  return cps >= width ? s : s + std::string(width - cps, ' ');
}

std::string header_line(const AdviseReport& r) {
  const auto& p = *r.program;
  std::string s = p.title.empty() ? p.name : p.title;
  s += " (" + p.name + (p.version.empty() ? "" : " " + p.version) + "), today " + r.today;
  if (r.known_at) s += ", as known at " + *r.known_at;
  return s;
}

std::string truth_word(Truth t) { return engine::to_string(t); }

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '>') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// Text as a Markdown code span that a table cell can hold: fenced with more backticks than it holds
// in a row (spaced when it starts or ends with one), `|` escaped (GitHub's tables split cells on it
// even inside code), line breaks as spaces.
std::string md_code(const std::string& s) {
  std::size_t run = 0, longest = 0;
  std::string body;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '|') body += "\\|";
    else body += c == '\n' ? ' ' : c;
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !s.empty() && (s.front() == '`' || s.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

// What every JSON rendering of an advice starts with: the ruleset, the day, the store moment, the
// decision, in the key order of CLI.md.
nlohmann::ordered_json header_json(const AdviseReport& r) {
  const auto& p = *r.program;
  nlohmann::ordered_json doc;
  doc["ruleset"] = {{"name", p.name}, {"version", p.version}, {"sha256", r.sha256}};
  doc["today"] = r.today;
  doc["known_at"] = r.known_at ? nlohmann::ordered_json(*r.known_at) : nlohmann::ordered_json(nullptr);
  doc["decision_id"] = r.decision_id ? nlohmann::ordered_json(*r.decision_id) : nlohmann::ordered_json(nullptr);
  return doc;
}

std::array<std::size_t, 3> count(const AdviseReport& r) {
  std::array<std::size_t, 3> n{0, 0, 0};
  for (const auto* row : r.rows) ++n[static_cast<std::size_t>(row->verdict)];
  return n;
}

}  // namespace

void write_advise_json(std::ostream& out, const AdviseReport& r) {
  // Tables can be large (a row per binding, an explanation each): written as text as they come, in
  // the layout nlohmann's dump(2) gives the header. Without explanations the whole document is
  // pretty-printed, in the key order of CLI.md; with them each row is one line, its explanation last.
  const auto& p = *r.program;
  const bool explained = !r.explanations.empty() || (r.next_explanation && !r.rows.empty());
  std::string text;
  engine::JsonOut doc(text, 2);
  auto header_member = [&](const char* name, const std::optional<std::string>& v) {
    doc.key(name);
    if (v) doc.string(*v);
    else doc.null();
  };
  std::string row;
  auto phases = [&] {
    doc.key("phases");
    doc.begin_array();
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      if (!explained) {
        doc.begin_object();
        write_verdict_members(doc, p, *r.rows[i]);
        doc.end_object();
      } else {
        row.clear();
        engine::JsonOut line(row);
        line.begin_object();
        write_verdict_members(line, p, *r.rows[i]);
        line.key("explanation");
        if (r.next_explanation) {
          // The row up to its explanation, then the explanation appended in place (it is most of the
          // bytes: not copied through `row`), then the row's closing brace.
          line.raw("");
          doc.raw(row);
          r.next_explanation(text);
          text += '}';
        } else {
          line.raw(i < r.explanations.size() ? r.explanations[i] : std::string("null"));
          line.end_object();
          doc.raw(row);
        }
      }
      if (text.size() > (1u << 20)) {  // written on as it grows: the buffer stays small
        out << text;
        text.clear();
      }
    }
    doc.end_array();
  };
  // In the order of CLI.md's example: ruleset, today, known_at, decision_id, phases.
  doc.begin_object();
  doc.key("ruleset");
  doc.begin_object();
  doc.member("name", p.name);
  doc.member("version", p.version);
  doc.member("sha256", r.sha256);
  doc.end_object();
  doc.member("today", r.today);
  header_member("known_at", r.known_at);
  doc.key("decision_id");
  if (r.decision_id) doc.raw(std::to_string(*r.decision_id));
  else doc.null();
  phases();
  doc.end_object();
  out << text << '\n';
}

std::string advise_text(const AdviseReport& r, bool color) {
  const auto& p = *r.program;
  std::ostringstream out;
  out << paint(color, kBold, header_line(r)) << "\n\n";
  std::size_t width = 8;
  for (const auto* row : r.rows) width = std::max(width, phase_key(p, *row).size() + 2);
  for (const auto* row : r.rows) {
    out << "  " << pad(phase_key(p, *row), width)
        << paint(color, verdict_color(row->verdict), engine::to_string(row->verdict)) << '\n';
    auto reasons = reasons_for(p, *row);
    auto waived = waivers_applied(p, *row);
    std::size_t lw = 4;
    for (const auto& reason : reasons) lw = std::max(lw, reason.label.size() + 2);
    for (const auto& w : waived) lw = std::max(lw, w.label.size() + 2);
    for (const auto& reason : reasons) {
      const char* mark = reason.value == Truth::unknown ? "?" : "x";
      std::string what;
      if (reason.kind == "after")
        what = "after " + reason.label + ": it is " + (reason.value == Truth::false_ ? "NO-GO" : "UNDETERMINED");
      else if (reason.kind == "block") what = "blocked: " + reason.text + " is " + truth_word(reason.value);
      else if (reason.kind == "for each") what = reason.text + " is unknown";
      else what = reason.text + " is " + truth_word(reason.expr_value);  // its waiver, if any, follows
      out << "      " << paint(color, verdict_color(row->verdict), mark) << ' ' << pad(reason.label, lw) << what
          << '\n';
      std::string indent(8 + lw, ' ');
      if (!reason.waived_by.empty()) out << indent << "unless waived: " << reason.waived_by << " (unknown)\n";
      if (!reason.because.empty())
        out << indent << paint(color, kDim, reason.because + (reason.cite.empty() ? "" : " [" + reason.cite + "]"))
            << '\n';
    }
    for (const auto& w : waived) out << "      ~ " << pad(w.label, lw) << "waived: " << w.text << '\n';
    if (!row->unknowns.empty() && row->verdict != Verdict::go) {
      out << "      " << paint(color, kDim, "unknown: ");
      for (std::size_t i = 0; i < row->unknowns.size(); ++i) {
        if (i == 8) {
          out << ", … " << row->unknowns.size() - 8 << " more";
          break;
        }
        out << (i ? ", " : "") << row->unknowns[i];
      }
      out << '\n';
    }
  }
  auto n = count(r);
  out << '\n'
      << r.rows.size() << (r.rows.size() == 1 ? " phase: " : " phases: ") << n[0] << " GO, " << n[1] << " NO-GO, "
      << n[2] << " UNDETERMINED";
  if (r.decision_id) out << "\nrecorded as decision " << *r.decision_id;
  out << '\n';
  return out.str();
}

std::string advise_markdown(const AdviseReport& r) {
  const auto& p = *r.program;
  std::ostringstream out;
  out << "# " << md_escape(p.title.empty() ? p.name : p.title) << "\n\n";
  out << "Ruleset `" << p.name << "`" << (p.version.empty() ? "" : " version " + md_escape(p.version)) << " (sha256 `"
      << r.sha256.substr(0, 16) << "…`), today " << r.today;
  if (r.known_at) out << ", as known at " << *r.known_at;
  if (r.decision_id) out << ", decision " << *r.decision_id;
  out << ".\n\n| Phase | Verdict | Reasons | Unknowns |\n|---|---|---|---|\n";
  for (const auto* row : r.rows) {
    out << "| " << md_escape(phase_key(p, *row)) << " | **" << engine::to_string(row->verdict) << "** | ";
    bool first = true;
    for (const auto& reason : reasons_for(p, *row)) {
      if (!first) out << "<br>";
      first = false;
      out << md_escape(reason_label(reason)) << ": " << reason_statement(reason, md_code);
      if (!reason.because.empty()) out << " — " << md_escape(reason.because);
    }
    for (const auto& w : waivers_applied(p, *row)) {
      if (!first) out << "<br>";
      first = false;
      out << md_escape(w.label) << " waived: " << md_code(w.text);
    }
    out << " | ";
    for (std::size_t i = 0; i < row->unknowns.size(); ++i) out << (i ? ", " : "") << md_code(row->unknowns[i]);
    out << " |\n";
  }
  auto n = count(r);
  out << "\n" << n[0] << " GO, " << n[1] << " NO-GO, " << n[2] << " UNDETERMINED.\n";
  return out.str();
}

namespace {
struct Tally {
  std::string phase;
  std::array<std::size_t, 3> n{0, 0, 0};
};
std::vector<Tally> tally(const AdviseReport& r) {
  std::vector<Tally> out;
  for (const auto& c : r.counts)
    out.push_back({r.program->phases[static_cast<std::size_t>(c.phase)].name, {c.go, c.no_go, c.undetermined}});
  if (!r.counts.empty()) return out;
  std::map<int, std::size_t> at;
  for (int pid : r.summary_phases) {
    at.emplace(pid, out.size());
    out.push_back({r.program->phases[static_cast<std::size_t>(pid)].name, {0, 0, 0}});
  }
  for (const auto* row : r.rows) {
    auto [it, fresh] = at.emplace(row->phase, out.size());
    if (fresh) out.push_back({r.program->phases[static_cast<std::size_t>(row->phase)].name, {0, 0, 0}});
    ++out[it->second].n[static_cast<std::size_t>(row->verdict)];
  }
  return out;
}
}  // namespace

nlohmann::ordered_json summary_json(const AdviseReport& r) {
  nlohmann::ordered_json doc = header_json(r);
  auto rows = nlohmann::ordered_json::array();
  for (const auto& t : tally(r)) rows.push_back({{"phase", t.phase}, {"GO", t.n[0]}, {"NO-GO", t.n[1]}, {"UNDETERMINED", t.n[2]}});
  doc["summary"] = rows;
  return doc;
}

std::string summary_text(const AdviseReport& r, bool color) {
  std::ostringstream out;
  out << paint(color, kBold, header_line(r)) << "\n\n";
  std::size_t width = 7;
  auto rows = tally(r);
  for (const auto& t : rows) width = std::max(width, t.phase.size() + 2);
  out << "  " << pad("PHASE", width) << pad("GO", 10) << pad("NO-GO", 10) << "UNDETERMINED\n";
  for (const auto& t : rows)
    out << "  " << pad(t.phase, width) << pad(std::to_string(t.n[0]), 10) << pad(std::to_string(t.n[1]), 10)
        << t.n[2] << '\n';
  if (r.decision_id) out << "\nrecorded as decision " << *r.decision_id << '\n';
  return out.str();
}

std::string summary_markdown(const AdviseReport& r) {
  std::ostringstream out;
  out << "| Phase | GO | NO-GO | UNDETERMINED |\n|---|---:|---:|---:|\n";
  for (const auto& t : tally(r))
    out << "| " << md_escape(t.phase) << " | " << t.n[0] << " | " << t.n[1] << " | " << t.n[2] << " |\n";
  if (r.decision_id) out << "\nRecorded as decision " << *r.decision_id << ".\n";
  return out.str();
}

}  // namespace phasegate::cli
