// Reads rules, facts and scenarios files from disk and follows `include` lines.
#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "grammar/parse.hpp"

namespace phasegate {

namespace fs = std::filesystem;

namespace {

// Appends what `in` holds until its end, refusing more than `max_bytes`: a device or pipe may never end.
bool read_blocks(std::istream& in, std::string& data, std::string& why, std::size_t max_bytes, bool& too_big) {
  char block[1 << 16];
  while (in) {
    in.read(block, sizeof block);
    data.append(block, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      too_big = true;
      why = "more than " + std::to_string(max_bytes) + " bytes";
      return false;
    }
  }
  if (in.bad()) {
    why = "read error";
    return false;
  }
  return true;
}

std::string errno_text(int e) {
  std::string why = std::strerror(e);
  for (auto& c : why) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return why;
}

// Reads a whole file; on failure returns false and sets `why`. Refuses files over the size limit
// before reading them, and a pipe or device as soon as it passes the limit.
bool read_file(const std::string& path, std::string& text, std::string& why, std::size_t max_bytes, bool& too_big) {
  too_big = false;
  // Opened without blocking: a FIFO nobody writes to would otherwise hang the open forever (it then
  // reads as empty). Reads block again, so a pipe that is being written (`<(...)`) is read whole.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    why = errno_text(errno);
    return false;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    why = errno_text(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    why = "it is a folder";
    return false;
  }
  const bool regular = S_ISREG(st.st_mode);
  if (regular && static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    too_big = true;
    why = std::to_string(st.st_size) + " bytes";
    return false;
  }
  if (int flags = ::fcntl(fd, F_GETFL); flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    why = errno_text(errno);
    return false;
  }
  std::string data;
  if (regular && st.st_size > 0) data.reserve(static_cast<std::size_t>(st.st_size));
  char block[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, block, sizeof block);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = "read error: " + errno_text(errno);
      return false;
    }
    if (n == 0) break;
    data.append(block, static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {  // a file that grew, a pipe, a device such as /dev/zero
      too_big = true;
      why = "more than " + std::to_string(max_bytes) + " bytes";
      return false;
    }
  }
  text = std::move(data);
  return true;
}

bool load(const std::string& path, SourceMap& sources, Diagnostics& diags, ReadResult* result,
          const ParseLimits& limits, const std::string*& text) {
  std::string content, why;
  bool too_big = false;
  if (!read_file(path, content, why, limits.max_file_bytes, too_big)) {
    if (too_big) {
      diags.error("E0002", syntax::Position{path, 0, 0, 0}, "`" + path + "` is too large to parse (" + why + ")",
                  {"the limit is " + std::to_string(limits.max_file_bytes) +
                   " bytes (the parse limit `max_file_bytes`)"});
    } else {
      diags.error("E0001", syntax::Position{path, 0, 0, 0}, "cannot read `" + path + "`: " + why);
      if (result) result->io_error = true;
    }
    return false;
  }
  text = &sources.add(path, std::move(content));
  return true;
}

std::string key_of(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(path, ec);
  return ec ? fs::path(path).lexically_normal().string() : p.string();
}

struct IncludeWalk {
  SourceMap& sources;
  Diagnostics& diags;
  const ParseLimits& limits;
  syntax::Ruleset& out;
  std::vector<std::string> stack;        // canonical paths being read
  std::vector<std::string> stack_names;  // as named, for messages
  std::vector<std::string> done;         // canonical paths already read

  void visit(syntax::RulesFile file) {
    std::string key = key_of(file.path);
    stack.push_back(key);
    stack_names.push_back(file.path);
    done.push_back(key);
    std::vector<syntax::IncludeDecl> includes = file.includes;
    std::string dir = fs::path(file.path).parent_path().string();
    out.files.push_back(std::move(file));
    for (const auto& inc : includes) {
      std::string target = (fs::path(dir) / inc.path).lexically_normal().string();
      std::string tkey = key_of(target);
      auto on_stack = std::find(stack.begin(), stack.end(), tkey);
      if (on_stack != stack.end()) {
        std::string cycle;
        for (auto it = on_stack; it != stack.end(); ++it)
          cycle += "`" + stack_names[static_cast<std::size_t>(it - stack.begin())] + "` includes ";
        cycle += "`" + target + "`";
        diags.error("E0125", inc.pos, "this `include` makes a cycle", {cycle});
        continue;
      }
      if (std::find(done.begin(), done.end(), tkey) != done.end()) continue;  // already part of the ruleset
      if (stack.size() >= limits.max_include_depth) {
        diags.error("E0013", inc.pos, "includes are nested too deeply (more than " +
                                          std::to_string(limits.max_include_depth) + " levels)",
                    {"the limit is the parse limit `max_include_depth`"});
        continue;
      }
      std::string content, why;
      bool too_big = false;
      if (!read_file(target, content, why, limits.max_file_bytes, too_big)) {
        if (too_big)
          diags.error("E0002", inc.pos, "the included file `" + target + "` is too large to parse (" + why + ")",
                      {"the limit is " + std::to_string(limits.max_file_bytes) + " bytes"});
        else
          diags.error("E0126", inc.pos, "cannot read the included file `" + target + "`: " + why,
                      {"the path is relative to the including file's folder"});
        continue;
      }
      const std::string& text = sources.add(target, std::move(content));
      syntax::RulesFile child = parse_rules_text(target, text, diags, limits);
      if (child.header)
        diags.error("E0130", child.header->pos, "an included file must not have its own `ruleset` line",
                    {"it is included from `" + file_name_at(inc) + "`"});
      visit(std::move(child));
    }
    stack.pop_back();
    stack_names.pop_back();
  }

  static std::string file_name_at(const syntax::IncludeDecl& inc) {
    return inc.pos.file + ":" + std::to_string(inc.pos.line);
  }
};

}  // namespace

syntax::Ruleset read_ruleset(const std::string& path, SourceMap& sources, Diagnostics& diags, ReadResult* result,
                             const ParseLimits& limits) {
  syntax::Ruleset rs;
  const std::string* text = nullptr;
  if (!load(path, sources, diags, result, limits, text)) return rs;
  IncludeWalk walk{sources, diags, limits, rs, {}, {}, {}};
  walk.visit(parse_rules_text(path, *text, diags, limits));
  return rs;
}

syntax::FactsFile read_facts(const std::string& path, SourceMap& sources, Diagnostics& diags, ReadResult* result,
                             const ParseLimits& limits) {
  const std::string* text = nullptr;
  if (!load(path, sources, diags, result, limits, text)) {
    syntax::FactsFile f;
    f.path = path;
    return f;
  }
  return parse_facts_text(path, *text, diags, limits);
}

syntax::ScenariosFile read_scenarios(const std::string& path, SourceMap& sources, Diagnostics& diags,
                                     ReadResult* result, const ParseLimits& limits) {
  const std::string* text = nullptr;
  if (!load(path, sources, diags, result, limits, text)) {
    syntax::ScenariosFile f;
    f.path = path;
    return f;
  }
  return parse_scenarios_text(path, *text, diags, limits);
}

bool read_input(const std::string& path, std::string& text, std::string& why, std::size_t max_bytes, bool& too_big) {
  if (path != "-") return read_file(path, text, why, max_bytes, too_big);
  too_big = false;
  text.clear();
  return read_blocks(std::cin, text, why, max_bytes, too_big);  // on failure, what was read (see parse.hpp)
}

}  // namespace phasegate
