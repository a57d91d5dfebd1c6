// The table reader: one pass over the bytes, cells as views into the buffer (copies only for `""` escapes).
#include "engine/check/tables.hpp"

#include <cstring>

namespace phasegate::engine::check {

bool TableReader::next() {
  cells_.clear();
  scratch_used_ = 0;
  error_.clear();
  // skip blank lines
  while (pos_ < text_.size()) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++next_line_;
    } else if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++next_line_;
    } else {
      break;
    }
  }
  if (pos_ >= text_.size()) return false;
  line_ = next_line_;
  return format_ == Format::tsv ? next_tsv() : next_csv();
}

bool TableReader::next_tsv() {
  const char* base = text_.data();
  std::size_t end = pos_;
  const void* nl = std::memchr(base + pos_, '\n', text_.size() - pos_);
  end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - base) : text_.size();
  std::size_t stop = end;
  if (stop > pos_ && base[stop - 1] == '\r') --stop;
  std::size_t start = pos_;
  const std::size_t line_start = pos_;
  while (true) {
    const void* tab = std::memchr(base + start, '\t', stop - start);
    std::size_t cell_end = tab ? static_cast<std::size_t>(static_cast<const char*>(tab) - base) : stop;
    cells_.push_back(TableCell{std::string_view(base + start, cell_end - start),
                               static_cast<std::uint32_t>(start - line_start + 1), line_});
    if (!tab) break;
    start = cell_end + 1;
  }
  pos_ = end < text_.size() ? end + 1 : end;
  ++next_line_;
  return true;
}

std::size_t TableReader::scan_digits(std::uint32_t* out, std::size_t n) const {
  if (format_ != Format::tsv || n == 0) return 0;
  const char* p = text_.data() + pos_;
  const char* const end = text_.data() + text_.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::uint32_t v = 0;
    const char* first = p;
    while (p < end && static_cast<unsigned char>(*p - '0') < 10) v = v * 10 + static_cast<std::uint32_t>(*p++ - '0');
    if (p == first || p - first > 7) return 0;
    out[c] = v;
    const bool last = c + 1 == n;
    if (!last && (p == end || *p != '\t')) return 0;
    if (last && p != end && *p != '\n') return 0;
    if (p != end) ++p;
  }
  return static_cast<std::size_t>(p - (text_.data() + pos_));
}

void TableReader::skip_record(std::size_t bytes) {
  cells_.clear();
  error_.clear();
  pos_ += bytes;
  line_ = next_line_++;
}

bool TableReader::next_csv() {
  const char* base = text_.data();
  const std::size_t n = text_.size();
  std::size_t line_start = pos_;
  while (true) {
    auto col = static_cast<std::uint32_t>(pos_ - line_start + 1);
    const std::uint32_t cell_line = next_line_;  // the line this cell starts on
    if (pos_ < n && base[pos_] == '"') {
      std::size_t i = pos_ + 1;
      std::size_t start = i;
      bool copy = false;
      bool closed = false;
      while (i < n) {
        char c = base[i];
        if (c == '"') {
          if (i + 1 < n && base[i + 1] == '"') {
            copy = true;
            i += 2;
            continue;
          }
          closed = true;
          break;
        }
        if (c == '\n') {
          ++next_line_;
          line_start = i + 1;
        }
        ++i;
      }
      if (!closed) {
        error_ = "a quoted cell is not closed";
        error_column_ = col;
        error_line_ = cell_line;
        pos_ = n;
        return false;
      }
      std::string_view raw(base + start, i - start);
      if (copy) {
        if (scratch_used_ == scratch_.size()) scratch_.emplace_back();
        std::string& s = scratch_[scratch_used_++];
        s.clear();
        for (std::size_t k = 0; k < raw.size(); ++k) {
          s += raw[k];
          if (raw[k] == '"') ++k;  // `""` stands for one quote
        }
        cells_.push_back(TableCell{std::string_view(s), col, cell_line});
      } else {
        cells_.push_back(TableCell{raw, col, cell_line});
      }
      pos_ = i + 1;
      if (pos_ < n && base[pos_] != ',' && base[pos_] != '\n' && base[pos_] != '\r') {
        error_ = "unexpected text after a closing quote (write a quote inside a quoted cell as \"\")";
        error_column_ = static_cast<std::uint32_t>(pos_ - line_start + 1);
        error_line_ = next_line_;
        // skip the rest of the record
        while (pos_ < n && base[pos_] != '\n') ++pos_;
        if (pos_ < n) ++pos_;
        ++next_line_;
        return false;
      }
    } else {
      std::size_t i = pos_;
      while (i < n && base[i] != ',' && base[i] != '\n' && base[i] != '\r') ++i;
      cells_.push_back(TableCell{std::string_view(base + pos_, i - pos_), col, cell_line});
      pos_ = i;
    }
    if (pos_ < n && base[pos_] == ',') {
      ++pos_;
      continue;
    }
    // end of record
    if (pos_ < n && base[pos_] == '\r') ++pos_;
    if (pos_ < n && base[pos_] == '\n') ++pos_;
    ++next_line_;
    return true;
  }
}

}  // namespace phasegate::engine::check
