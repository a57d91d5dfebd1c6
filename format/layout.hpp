// Laying out formatted lines: where comments and blank lines of the original go.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/syntax.hpp"

namespace phasegate::formatting {

// A light scan of the original text (strings and comments only) that tells the
// layout which lines hold code and where keywords the syntax tree does not
// locate (`when`, `because`, `version`, ...) begin.
class SourceText {
 public:
  explicit SourceText(std::string_view text);

  bool empty() const { return tokens_.empty(); }
  // 0-based line of a byte offset.
  std::uint32_t line_of(std::uint32_t offset) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  bool line_is_blank(std::uint32_t line) const;
  // Offset of the first token starting at or after `offset`, if any.
  std::optional<std::uint32_t> next_token(std::uint32_t offset) const;
  // End offset of the last token that starts before `offset`, if any.
  std::optional<std::uint32_t> previous_token_end(std::uint32_t offset) const;
  // The first word token `word` starting in [from, to).
  std::optional<std::uint32_t> find_word(std::string_view word, std::uint32_t from, std::uint32_t to) const;
  // The first string token starting in [from, to).
  std::optional<std::uint32_t> find_string(std::uint32_t from, std::uint32_t to) const;
  // `offset` moved back to the word `word` if it is among the `max_back` tokens before it.
  std::uint32_t back_to_word(std::uint32_t offset, std::string_view word, int max_back = 4) const;
  // Whether the token before the one at `offset` ends on the same line.
  bool follows_on_same_line(std::uint32_t offset) const;

 private:
  struct Token {
    std::uint32_t begin, end;
    bool word;
  };
  std::size_t first_at_or_after(std::uint32_t offset) const;
  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<std::uint32_t> line_starts_;
};

// How the line relates to the one before it, when the author left blank lines between them.
enum class Gap {
  none,      // never a blank line (continuations, header lines, the first clause)
  preserve,  // one blank line if the author had any
  blank,     // always one blank line (between declarations)
};

// One output line. `anchor` is the offset in the original of the code it
// stands for; comments are placed by comparing their offsets with anchors.
struct Line {
  int indent = 0;
  std::string text;
  std::uint32_t anchor = 0;
  Gap gap = Gap::none;
};

// Joins `lines` into the final text, putting back every comment of the
// original: full-line comments before the line whose code they preceded (at
// its indentation), trailing comments at the end of the line holding the code
// they followed, and single blank lines where `gap` allows.
std::string render(std::vector<Line> lines, const SourceText& source, const std::vector<syntax::Comment>& comments);

}  // namespace phasegate::formatting
