// Placing the original's comments and blank lines around the formatted lines.
#include "format/layout.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "format/print.hpp"

namespace phasegate::formatting {

namespace {

bool is_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

}  // namespace

SourceText::SourceText(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  const auto n = static_cast<std::uint32_t>(text.size());
  for (std::uint32_t i = 0; i < n; ++i)
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  std::uint32_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
    } else if (c == '#') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '"') {
      std::uint32_t j = i + 1;
      while (j < n && text[j] != '\n') {
        if (text[j] == '\\' && j + 1 < n && text[j + 1] != '\n') {
          j += 2;
        } else if (text[j] == '"') {
          ++j;
          break;
        } else {
          ++j;
        }
      }
      tokens_.push_back({i, j, false});
      i = j;
    } else if (is_word_char(static_cast<unsigned char>(c))) {
      std::uint32_t j = i;
      while (j < n && is_word_char(static_cast<unsigned char>(text[j]))) ++j;
      tokens_.push_back({i, j, true});
      i = j;
    } else {
      tokens_.push_back({i, i + 1, false});
      ++i;
    }
  }
}

std::uint32_t SourceText::line_of(std::uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<std::uint32_t>(it - line_starts_.begin()) - 1;
}

bool SourceText::line_is_blank(std::uint32_t line) const {
  if (line >= line_starts_.size()) return true;
  const std::uint32_t begin = line_starts_[line];
  const std::uint32_t end =
      line + 1 < line_starts_.size() ? line_starts_[line + 1] : static_cast<std::uint32_t>(text_.size());
  for (std::uint32_t i = begin; i < end; ++i)
    if (!is_space(text_[i])) return false;
  return true;
}

std::size_t SourceText::first_at_or_after(std::uint32_t offset) const {
  return static_cast<std::size_t>(std::lower_bound(tokens_.begin(), tokens_.end(), offset,
                                                   [](const Token& t, std::uint32_t o) { return t.begin < o; }) -
                                  tokens_.begin());
}

std::optional<std::uint32_t> SourceText::next_token(std::uint32_t offset) const {
  const std::size_t k = first_at_or_after(offset);
  if (k == tokens_.size()) return std::nullopt;
  return tokens_[k].begin;
}

std::optional<std::uint32_t> SourceText::previous_token_end(std::uint32_t offset) const {
  const std::size_t k = first_at_or_after(offset);
  if (k == 0) return std::nullopt;
  return tokens_[k - 1].end;
}

std::optional<std::uint32_t> SourceText::find_word(std::string_view word, std::uint32_t from, std::uint32_t to) const {
  for (std::size_t k = first_at_or_after(from); k < tokens_.size() && tokens_[k].begin < to; ++k) {
    const Token& t = tokens_[k];
    if (t.word && text_.substr(t.begin, t.end - t.begin) == word) return t.begin;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> SourceText::find_string(std::uint32_t from, std::uint32_t to) const {
  for (std::size_t k = first_at_or_after(from); k < tokens_.size() && tokens_[k].begin < to; ++k)
    if (text_[tokens_[k].begin] == '"') return tokens_[k].begin;
  return std::nullopt;
}

std::uint32_t SourceText::back_to_word(std::uint32_t offset, std::string_view word, int max_back) const {
  const std::size_t k = first_at_or_after(offset);
  auto is = [&](std::size_t j) {
    const Token& t = tokens_[j];
    return t.word && text_.substr(t.begin, t.end - t.begin) == word;
  };
  if (k < tokens_.size() && tokens_[k].begin == offset && is(k)) return offset;
  for (int back = 1; back <= max_back && static_cast<std::size_t>(back) <= k; ++back)
    if (is(k - static_cast<std::size_t>(back))) return tokens_[k - static_cast<std::size_t>(back)].begin;
  return offset;
}

bool SourceText::follows_on_same_line(std::uint32_t offset) const {
  const std::size_t k = first_at_or_after(offset);
  if (k == 0 || k > tokens_.size()) return false;
  return line_of(tokens_[k - 1].end - 1) == line_of(offset);
}

namespace {

struct Part {
  bool blank = false;
  const syntax::Comment* comment = nullptr;
};

}  // namespace

std::string render(std::vector<Line> lines, const SourceText& source, const std::vector<syntax::Comment>& comments) {
  const std::size_t n = lines.size();
  std::vector<std::uint32_t> anchors(n);
  for (std::size_t i = 0; i < n; ++i) {
    anchors[i] = i == 0 ? lines[i].anchor : std::max(lines[i].anchor, anchors[i - 1]);
  }

  std::vector<const syntax::Comment*> sorted;
  for (const auto& c : comments) sorted.push_back(&c);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const syntax::Comment* a, const syntax::Comment* b) { return a->pos.offset < b->pos.offset; });

  // Index n stands for the end of the file.
  std::vector<const syntax::Comment*> trailing(n, nullptr);
  std::vector<std::vector<const syntax::Comment*>> overflow(n + 1), trivia(n + 1), inner(n + 1);
  for (const syntax::Comment* c : sorted) {
    const std::uint32_t o = c->pos.offset;
    const std::size_t next =
        static_cast<std::size_t>(std::upper_bound(anchors.begin(), anchors.end(), o) - anchors.begin());
    if (c->trailing && next > 0) {
      // After code: at the end of the line holding that code; a second one on the
      // same output line moves to the next line, before whatever follows.
      const std::size_t at = next - 1;
      if (!trailing[at]) {
        trailing[at] = c;
      } else {
        overflow[at + 1].push_back(c);
      }
      continue;
    }
    const auto following = source.next_token(o);
    if (next < n) {
      if (!following || *following >= anchors[next]) {
        trivia[next].push_back(c);  // between the previous line's code and this line's
      } else {
        inner[next > 0 ? next - 1 : 0].push_back(c);  // inside the code of the previous line
      }
    } else if (!following || n == 0) {
      trivia[n].push_back(c);
    } else {
      inner[n - 1].push_back(c);
    }
  }

  // Output rows first, so that trailing comments of consecutive lines can be aligned.
  struct Row {
    std::string text;
    const syntax::Comment* comment = nullptr;
  };
  std::vector<Row> rows;
  bool emitted = false;
  auto blank = [&] { rows.push_back({}); };
  auto emit_parts = [&](std::size_t idx, int indent, Gap gap) {
    std::vector<Part> parts;
    for (const auto* c : overflow[idx]) parts.push_back({false, c});
    // A trailing comment pushed off its line stays under it, apart from the next declaration.
    if (gap == Gap::blank && !overflow[idx].empty()) parts.push_back({true, nullptr});
    // The original lines between the previous code and this line's code: comments and blanks.
    const std::uint32_t anchor = idx < n ? anchors[idx] : std::numeric_limits<std::uint32_t>::max();
    const std::uint32_t anchor_line = idx < n ? source.line_of(anchor) : source.line_count();
    const auto prev_end = source.previous_token_end(anchor);
    const std::uint32_t first_line = prev_end ? source.line_of(*prev_end - 1) + 1 : 0;
    std::multimap<std::uint32_t, const syntax::Comment*> by_line;
    for (const auto* c : trivia[idx]) by_line.emplace(source.line_of(c->pos.offset), c);
    for (std::uint32_t l = first_line; l < anchor_line; ++l) {
      auto [lo, hi] = by_line.equal_range(l);
      if (lo != hi) {
        for (auto it = lo; it != hi; ++it) parts.push_back({false, it->second});
        by_line.erase(lo, hi);
      } else if (source.line_is_blank(l)) {
        parts.push_back({true, nullptr});
      }
    }
    for (const auto& [line, c] : by_line) parts.push_back({false, c});
    for (const auto* c : inner[idx]) parts.push_back({false, c});

    std::size_t s = 0, e = parts.size();
    bool lead_blank = false, trail_blank = false;
    while (s < e && parts[s].blank) lead_blank = true, ++s;
    while (e > s && parts[e - 1].blank) trail_blank = true, --e;
    const bool has_comments = s < e;
    if (idx == n && !has_comments) return;
    // Between declarations there is always a blank line: before the comments when
    // the author left none among them, else where the author left it (comments
    // written right under a declaration, then a blank line, stay under it).
    bool blank_among = false;
    for (std::size_t k = s; k < parts.size(); ++k) blank_among = blank_among || parts[k].blank;
    const bool separate = gap == Gap::blank ? lead_blank || !blank_among : gap == Gap::preserve && lead_blank;
    if (separate && emitted) blank();
    bool last_blank = false;
    for (std::size_t k = s; k < e; ++k) {
      if (parts[k].blank) {
        if (gap != Gap::none && !last_blank) blank();
        last_blank = true;
        continue;
      }
      last_blank = false;
      rows.push_back({std::string(static_cast<std::size_t>(indent), ' ') + "#" + parts[k].comment->text, nullptr});
      emitted = true;
    }
    if (has_comments && trail_blank && gap != Gap::none && idx < n) blank();
  };

  for (std::size_t i = 0; i < n; ++i) {
    emit_parts(i, lines[i].indent, lines[i].gap);
    rows.push_back({std::string(static_cast<std::size_t>(lines[i].indent), ' ') + lines[i].text, trailing[i]});
    emitted = true;
  }
  emit_parts(n, 0, Gap::preserve);

  // Trailing comments on consecutive lines start in one column, two spaces after the longest code.
  std::string out;
  for (std::size_t i = 0; i < rows.size();) {
    if (!rows[i].comment) {
      out += rows[i].text;
      out += '\n';
      ++i;
      continue;
    }
    std::size_t j = i, column = 0;
    for (; j < rows.size() && rows[j].comment; ++j) column = std::max(column, width(rows[j].text));
    for (; i < j; ++i) {
      out += rows[i].text;
      out.append(column - width(rows[i].text) + 2, ' ');
      out += '#';
      out += rows[i].comment->text;
      out += '\n';
    }
  }
  return out;
}

}  // namespace phasegate::formatting
