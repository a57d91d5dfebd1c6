// JsonOut: nlohmann::json's dump() layout, written directly.
#include "engine/json_out.hpp"

#include "engine/json_string.hpp"

namespace phasegate::engine {

void JsonOut::newline() {
  if (indent_ == 0) return;
  out_ += '\n';
  out_.append(static_cast<std::size_t>(level_ * indent_), ' ');
}

void JsonOut::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;  // the top-level value
  if (!empty_.back()) out_ += ',';
  empty_.back() = 0;
  newline();
}

void JsonOut::open(char c) {
  before_value();
  out_ += c;
  empty_.push_back(1);
  ++level_;
}

void JsonOut::close(char c) {
  --level_;
  const bool was_empty = empty_.back() != 0;
  empty_.pop_back();
  if (!was_empty) newline();
  out_ += c;
}

void JsonOut::key(std::string_view k) {
  before_value();
  after_key_ = true;
  // Keys are the program's own words (`because`, `children`): plain ASCII, written in one append.
  // Anything else is escaped as a string is.
  bool plain = k.size() <= 32;
  for (std::size_t i = 0; plain && i < k.size(); ++i) {
    const auto c = static_cast<unsigned char>(k[i]);
    plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }
  if (plain) {
    char buf[40];
    std::size_t n = 0;
    buf[n++] = '"';
    for (char c : k) buf[n++] = c;
    buf[n++] = '"';
    buf[n++] = ':';
    if (indent_) buf[n++] = ' ';
    out_.append(buf, n);
    return;
  }
  quoted(k);
  out_ += indent_ ? ": " : ":";
}

void JsonOut::string(std::string_view s) {
  before_value();
  quoted(s);
}

void JsonOut::integer(std::int64_t v) {
  before_value();
  out_ += std::to_string(v);
}

void JsonOut::boolean(bool v) {
  before_value();
  out_ += v ? "true" : "false";
}

void JsonOut::null() {
  before_value();
  out_ += "null";
}

void JsonOut::raw(std::string_view json) {
  before_value();
  out_ += json;
}

void JsonOut::quoted(std::string_view s) { append_json_string(out_, s); }

}  // namespace phasegate::engine
