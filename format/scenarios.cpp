// Canonical layout of `.scenarios` files.
#include "format/build.hpp"
#include "format/format.hpp"

namespace phasegate {

using namespace formatting;

namespace {

const char* verdict_text(syntax::Verdict v) {
  switch (v) {
    case syntax::Verdict::go:
      return "GO";
    case syntax::Verdict::no_go:
      return "NO-GO";
    case syntax::Verdict::undetermined:
      return "UNDETERMINED";
  }
  return "GO";
}

std::string phase_ref_text(const syntax::PhaseRef& ref) {
  std::string out = ref.name.name;
  if (!ref.args.empty()) {
    out += "(";
    for (std::size_t i = 0; i < ref.args.size(); ++i) out += (i ? ", " : "") + literal_text(ref.args[i]);
    out += ")";
  }
  return out;
}

std::uint32_t item_anchor(const SourceText& source, const syntax::ScenarioItem& item) {
  return std::visit(
      [&](const auto& x) -> std::uint32_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, syntax::GivenFile> || std::is_same_v<T, syntax::FactLine>) {
          return source.back_to_word(x.pos.offset, "given");
        } else {
          return source.back_to_word(x.pos.offset, "expect");
        }
      },
      item);
}

}  // namespace

std::string format_scenarios_file(const syntax::ScenariosFile& file, const std::string& original_text) {
  SourceText source(original_text);
  LineBuilder b{source, {}};

  std::vector<std::uint32_t> scenario_anchors;
  for (const auto& s : file.scenarios) scenario_anchors.push_back(source.back_to_word(s.pos.offset, "scenario"));
  const std::uint32_t body_start = scenario_anchors.empty() ? kEnd : scenario_anchors.front();
  // An empty (or comment-only) file has no `scenarios for` line to write: none is made up.
  if (file.rules_pos.line != 0 || !file.rules_path.empty())
    b.add(0, "scenarios for " + quote(file.rules_path),
          b.word("scenarios", 0, body_start, source.back_to_word(file.rules_pos.offset, "scenarios", 2)), Gap::blank);

  for (std::size_t si = 0; si < file.scenarios.size(); ++si) {
    const auto& s = file.scenarios[si];
    b.add(0, "scenario " + quote(s.title), scenario_anchors[si], Gap::blank);
    const std::uint32_t limit = si + 1 < scenario_anchors.size() ? scenario_anchors[si + 1] : kEnd;
    std::vector<std::uint32_t> anchors;
    for (const auto& item : s.items) anchors.push_back(item_anchor(source, item));
    for (std::size_t i = 0; i < s.items.size(); ++i) {
      const std::uint32_t at = anchors[i];
      const std::uint32_t to = i + 1 < anchors.size() ? anchors[i + 1] : limit;
      const Gap gap = i == 0 ? Gap::none : Gap::preserve;
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, syntax::GivenFile>) {
              b.add(2, "given " + quote(x.path), at, gap);
            } else if constexpr (std::is_same_v<T, syntax::FactLine>) {
              b.add(2, "given " + fact_line_text(x) + provenance_text(x.prov, source, at, to), at, gap);
            } else if constexpr (std::is_same_v<T, syntax::ExpectVerdict>) {
              b.add(2, "expect " + phase_ref_text(x.phase) + " is " + verdict_text(x.verdict), at, gap);
            } else {
              b.add(2, "expect " + phase_ref_text(x.phase) + " because " + x.label.name, at, gap);
            }
          },
          s.items[i]);
    }
  }
  return render(std::move(b.lines), source, file.comments);
}

}  // namespace phasegate
