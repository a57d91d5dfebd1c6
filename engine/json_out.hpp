// A JSON text writer that produces exactly what nlohmann::json's dump() (compact) or dump(2) (pretty)
// prints for the same document, without building the document: large advice tables are written as
// they are computed. Keys are written in the order given, so callers give them sorted, as the DOM would.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace phasegate::engine {

class JsonOut {
 public:
  // indent 0: compact; otherwise spaces per level. `level`: the depth of the first value written
  // (to continue a document whose outer levels are already written).
  explicit JsonOut(std::string& out, int indent = 0, int level = 0) : out_(out), indent_(indent), level_(level) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k);
  void string(std::string_view s);
  void integer(std::int64_t v);
  void boolean(bool v);
  void null();
  // A value already written as JSON text (one line: an explanation, a number as nlohmann prints it).
  void raw(std::string_view json);
  void member(std::string_view k, std::string_view v) {  // "k": "v"
    key(k);
    string(v);
  }
  void string_or_null(std::string_view s) {  // "" as null
    if (s.empty()) null();
    else string(s);
  }

 private:
  void open(char c);
  void close(char c);
  void before_value();
  void newline();
  void quoted(std::string_view s);

  std::string& out_;
  int indent_ = 0, level_ = 0;
  std::vector<char> empty_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace phasegate::engine
