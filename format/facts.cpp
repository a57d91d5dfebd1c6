// Canonical layout of `.facts` files.
#include "format/build.hpp"
#include "format/format.hpp"

namespace phasegate {

using namespace formatting;

namespace {

std::uint32_t item_pos(const syntax::FactsItem& item) {
  if (const auto* l = std::get_if<syntax::LoadLine>(&item)) return l->pos.offset;
  return std::get<syntax::FactLine>(item).pos.offset;
}

}  // namespace

std::string format_facts_file(const syntax::FactsFile& file, const std::string& original_text) {
  SourceText source(original_text);
  LineBuilder b{source, {}};

  std::vector<std::uint32_t> anchors;
  for (const auto& item : file.items) {
    const std::uint32_t p = item_pos(item);
    anchors.push_back(std::holds_alternative<syntax::LoadLine>(item) ? source.back_to_word(p, "load") : p);
  }
  const std::uint32_t body_start = anchors.empty() ? kEnd : anchors.front();

  const bool header = file.title || file.defaults.as_of || file.defaults.source;
  if (header) {
    const std::uint32_t at = b.word("facts", 0, body_start, 0);
    b.add(0, file.title ? "facts " + quote(*file.title) : std::string("facts"), at, Gap::blank);
    std::vector<Line> sub;
    if (file.defaults.as_of)
      sub.push_back({2, "as of " + date_text(*file.defaults.as_of), b.word("as", at, body_start, at), Gap::none});
    if (file.defaults.source)
      sub.push_back({2, "source " + quote(*file.defaults.source), b.word("source", at, body_start, at), Gap::none});
    // In the order the author wrote them.
    if (sub.size() == 2 && sub[1].anchor < sub[0].anchor) std::swap(sub[0], sub[1]);
    for (auto& l : sub) b.lines.push_back(std::move(l));
  }
  for (std::size_t i = 0; i < file.items.size(); ++i) {
    const std::uint32_t at = anchors[i];
    const std::uint32_t to = i + 1 < anchors.size() ? anchors[i + 1] : kEnd;
    const Gap gap = i == 0 ? Gap::blank : Gap::preserve;
    if (const auto* l = std::get_if<syntax::LoadLine>(&file.items[i])) {
      b.add(0, "load " + l->relation.name + " from " + quote(l->path) + provenance_text(l->prov, source, at, to), at,
            gap);
    } else {
      const auto& f = std::get<syntax::FactLine>(file.items[i]);
      b.add(0, fact_line_text(f) + provenance_text(f.prov, source, at, to), at, gap);
    }
  }
  return render(std::move(b.lines), source, file.comments);
}

}  // namespace phasegate
