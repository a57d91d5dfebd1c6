// A fast reader for `load` tables: RFC 4180 CSV (with a header row) and TSV (no header, no quoting).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace phasegate::engine::check {

struct TableCell {
  std::string_view text;     // unquoted; points into the file buffer or the row's scratch
  std::uint32_t column = 1;  // 1-based byte column of the cell's first character
  std::uint32_t line = 1;    // its line (a CSV record may span lines, in a quoted cell)
};

// Walks the records of a table held in memory. A record's cells are valid
// until the next call of next().
class TableReader {
 public:
  enum class Format { csv, tsv };
  TableReader(std::string_view text, Format format) : text_(text), format_(format) {}

  // false at the end of the text, or on a malformed record (then error() is set).
  bool next();
  const std::vector<TableCell>& cells() const { return cells_; }
  std::uint32_t line() const { return line_; }  // line where the current record starts
  const std::string& error() const { return error_; }
  std::uint32_t error_column() const { return error_column_; }
  std::uint32_t error_line() const { return error_line_; }  // the line of the error (error_column's)

  // The fast path of a TSV table of numbers. If the next record is `n` cells of 1 to 7 digits each
  // (not a blank line, no `\r`), their values go to `out` and the record's length in bytes is
  // returned, with nothing consumed; else 0 (next() then reads the record as usual).
  std::size_t scan_digits(std::uint32_t* out, std::size_t n) const;
  // Takes the record scan_digits measured as read: line() is its line; cells() is empty.
  void skip_record(std::size_t bytes);

 private:
  bool next_tsv();
  bool next_csv();

  std::string_view text_;
  Format format_;
  std::size_t pos_ = 0;
  std::uint32_t next_line_ = 1;
  std::uint32_t line_ = 0;
  std::vector<TableCell> cells_;
  std::deque<std::string> scratch_;  // stable addresses: cells point into them
  std::size_t scratch_used_ = 0;
  std::string error_;
  std::uint32_t error_column_ = 0;
  std::uint32_t error_line_ = 0;
};

}  // namespace phasegate::engine::check
