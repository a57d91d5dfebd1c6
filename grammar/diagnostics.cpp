// Diagnostics: collection, ordering, rendering with the source line and a caret, and name suggestions.
#include "grammar/diagnostics.hpp"

#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace phasegate {

bool no_color_requested() {
  const char* v = std::getenv("NO_COLOR");
  return v != nullptr && *v != '\0';
}

const std::string& SourceMap::add(const std::string& path, std::string text) {
  auto& slot = files_[path];
  slot = std::make_unique<File>();
  slot->text = std::move(text);
  return slot->text;
}

const std::string* SourceMap::text(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second->text;
}

std::string_view SourceMap::line(const std::string& path, std::uint32_t line) const {
  auto it = files_.find(path);
  if (it == files_.end() || line == 0) return {};
  const File& f = *it->second;
  std::call_once(f.indexed, [&f] {
    f.starts.push_back(0);
    for (std::size_t nl = f.text.find('\n'); nl != std::string::npos; nl = f.text.find('\n', nl + 1))
      f.starts.push_back(nl + 1);
  });
  if (line > f.starts.size()) return {};
  const std::size_t start = f.starts[line - 1];
  std::size_t stop = line < f.starts.size() ? f.starts[line] - 1 : f.text.size();
  if (stop > start && f.text[stop - 1] == '\r') --stop;
  return std::string_view(f.text).substr(start, stop - start);
}

void Diagnostics::error(std::string code, syntax::Position pos, std::string message, std::vector<std::string> notes) {
  add(Diagnostic{Severity::error, std::move(code), std::move(message), std::move(pos), std::move(notes)});
}

void Diagnostics::warning(std::string code, syntax::Position pos, std::string message,
                          std::vector<std::string> notes) {
  add(Diagnostic{Severity::warning, std::move(code), std::move(message), std::move(pos), std::move(notes)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

std::size_t Diagnostics::warning_count() const { return items_.size() - error_count(); }

void Diagnostics::sort_and_dedupe() {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.pos.file, d.pos.line, d.pos.column, d.severity, d.code, d.message, d.notes);
  };
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) < std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
  std::vector<Diagnostic> out;
  out.reserve(items_.size());
  for (auto& d : items_) {
    bool dup = false;
    for (auto it = out.rbegin(); it != out.rend(); ++it) {
      if (std::tie(it->pos.file, it->pos.line, it->pos.column) != std::tie(d.pos.file, d.pos.line, d.pos.column))
        break;
      if (key(*it) == key(d)) {
        dup = true;
        break;
      }
    }
    if (!dup) out.push_back(std::move(d));
  }
  items_ = std::move(out);
}

void Diagnostics::promote_warnings() {
  for (auto& d : items_) d.severity = Severity::error;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

namespace {

// The length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0; its code point in `cp`.
std::size_t utf8_sequence(std::string_view s, std::size_t i, std::size_t to, char32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : (c & 0xF0) == 0xE0 ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > to) return 0;
  cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

// Whether a terminal gives the character two columns (East Asian wide and fullwidth, emoji).
bool wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

// Makes a source line safe to print and finds where the caret goes. Long lines are cut
// to a window around the column; control bytes and invalid UTF-8 show as `?`.
void excerpt(std::string_view line, std::uint32_t column, std::string& shown, std::string& pad) {
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // a file's byte order mark: columns count after it
  std::size_t col = column == 0 ? 0 : column - 1;
  if (col > line.size()) col = line.size();
  std::size_t from = 0, to = line.size();
  const std::size_t window = 100;
  bool cut_left = false, cut_right = false;
  if (line.size() > 2 * window) {
    from = col > window / 2 ? col - window / 2 : 0;
    to = std::min(line.size(), from + window);
    while (from > 0 && from < line.size() && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80) --from;
    while (to < line.size() && (static_cast<unsigned char>(line[to]) & 0xC0) == 0x80) ++to;
    cut_left = from > 0;
    cut_right = to < line.size();
  }
  if (cut_left) {
    shown += "...";
    pad += "   ";
  }
  for (std::size_t i = from; i < to; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool before = i < col;
    if (c == '\t') {
      shown += '\t';
      if (before) pad += '\t';
    } else if (c < 0x20 || c == 0x7f) {
      shown += '?';
      if (before) pad += ' ';
    } else if (c >= 0x80) {
      // Copy a whole well-formed UTF-8 sequence (a wide character takes two columns of the caret
      // line), or `?` for a byte that is not part of one.
      char32_t cp = 0;
      const std::size_t n = utf8_sequence(line, i, to, cp);
      if (n > 0) {
        shown.append(line.substr(i, n));
        if (before) pad += wide(cp) ? "  " : " ";
        i += n - 1;
      } else {
        shown += '?';
        if (before) pad += ' ';
      }
    } else {
      shown += static_cast<char>(c);
      if (before) pad += ' ';
    }
  }
  if (cut_right) shown += "...";
}

}  // namespace

std::string render_text(const Diagnostic& d, const SourceMap& sources, bool color) {
  if (color && no_color_requested()) color = false;
  const char* bold = color ? "\x1b[1m" : "";
  const char* red = color ? "\x1b[1;31m" : "";
  const char* yellow = color ? "\x1b[1;33m" : "";
  const char* blue = color ? "\x1b[1;34m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  std::string out;
  out += bold;
  out += d.pos.file.empty() ? "phasegate" : d.pos.file;  // not about a place in a file (a time limit)
  if (d.pos.line > 0 && !d.pos.file.empty()) {
    out += ':';
    out += std::to_string(d.pos.line);
    out += ':';
    out += std::to_string(d.pos.column);
  }
  out += ": ";
  out += reset;
  out += d.severity == Severity::error ? red : yellow;
  out += d.severity == Severity::error ? "error" : "warning";
  out += "[" + d.code + "]";
  out += reset;
  out += bold;
  out += ": ";
  out += d.message;
  out += reset;
  out += "\n";
  if (d.pos.line > 0 && sources.text(d.pos.file)) {
    std::string_view line = sources.line(d.pos.file, d.pos.line);
    std::string num = std::to_string(d.pos.line);
    std::string gutter(num.size(), ' ');
    std::string shown, pad;
    excerpt(line, d.pos.column, shown, pad);
    out += blue + gutter + " |" + reset + "\n";
    out += blue + num + " |" + reset + " " + shown + "\n";
    out += blue + gutter + " |" + reset + " " + pad + (d.severity == Severity::error ? red : yellow) + "^" + reset +
           "\n";
  }
  for (const auto& n : d.notes) out += "  = note: " + n + "\n";
  return out;
}

std::string render_text(const Diagnostics& ds, const SourceMap& sources, bool color) {
  std::string out;
  // Per file, the first kShown errors and the first kShown warnings, then how many more: a facts file
  // with 40 000 bad values gives a readable report (E0014, the parser giving up, is always shown).
  constexpr std::size_t kShown = 100;
  const std::string* file = nullptr;
  std::size_t shown[2] = {0, 0}, hidden[2] = {0, 0};
  auto fold = [&] {
    if (!file || hidden[0] + hidden[1] == 0) return;
    std::string what;
    if (hidden[0]) what = std::to_string(hidden[0]) + " more error(s)";
    if (hidden[1]) what += (what.empty() ? "" : " and ") + std::to_string(hidden[1]) + " more warning(s)";
    out += *file + ": " + what + " not shown (the first " + std::to_string(kShown) + " of each are)\n";
  };
  for (const auto& d : ds.items()) {
    if (!file || d.pos.file != *file) {
      fold();
      file = &d.pos.file;
      shown[0] = shown[1] = hidden[0] = hidden[1] = 0;
    }
    const int k = d.severity == Severity::error ? 0 : 1;
    if (shown[k] >= kShown && d.code != "E0014") {
      ++hidden[k];
      continue;
    }
    ++shown[k];
    out += render_text(d, sources, color);
  }
  fold();
  return out;
}

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  if (name.empty() || name.size() > 256) return "";
  std::string best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  std::vector<std::size_t> prev, cur;
  for (const auto& c : candidates) {
    if (c == name || c.size() > 256) continue;
    std::size_t diff = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
    if (diff > best_d) continue;
    // Levenshtein distance, case differences counting half (rounded down: `Foo` vs `foo` is 0 + 1 tie-break).
    prev.assign(c.size() + 1, 0);
    cur.assign(c.size() + 1, 0);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        std::size_t sub = name[i - 1] == c[j - 1] ? 0 : lower(name[i - 1]) == lower(c[j - 1]) ? 0 : 1;
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub});
      }
      std::swap(prev, cur);
    }
    std::size_t dist = prev[c.size()];
    if (dist < best_d || (dist == best_d && c < best)) {
      best_d = dist;
      best = c;
    }
  }
  std::size_t len = name.size();
  std::size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  if (best.empty() || best_d > limit) return "";
  return best;
}

}  // namespace phasegate
