// `phasegate fmt`: rewrite rules, facts and scenarios files in their canonical layout (comments kept).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"
#include "format/format.hpp"
#include "grammar/diagnostics.hpp"

namespace fs = std::filesystem;

namespace phasegate::cli {

namespace {

struct FmtOptions {
  std::vector<std::string> files;
  bool check = false;
};

// Writes beside the file and renames over it, so a crash never leaves half a file. A symbolic link
// is followed (the file it names is rewritten; the link stays a link), the file keeps its
// permissions, and the new text is on disk before it replaces the old.
bool write_atomically(const std::string& path, const std::string& text) {
  std::error_code ec;
  const fs::path target = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : fs::path(path);
  if (ec) return false;
  const fs::perms mode = fs::status(target, ec).permissions();
  if (ec) return false;
  // A name of its own: an unrelated `X.fmt-tmp` beside the file is never overwritten.
  std::string tmp_name = (target.parent_path() / ("." + target.filename().string() + ".fmt-XXXXXX")).string();
  const int fd = ::mkstemp(tmp_name.data());
  if (fd < 0) return false;
  bool ok = true;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fchmod(fd, static_cast<mode_t>(mode & fs::perms::mask)) == 0;
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (ok) fs::rename(tmp_name, target, ec);
  if (!ok || ec) {
    fs::remove(tmp_name, ec);
    return false;
  }
  return true;
}

// The files named, a folder's rules, facts and scenarios files in place of the folder; a folder with
// none of them is named in `empty` (nothing to format there is a mistake, as for check and test).
std::vector<std::string> expand(const std::vector<std::string>& paths, std::vector<std::string>& empty) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p != "-" && fs::is_directory(p, ec)) {
      auto found = files_in_folder(p, [](const fs::path& f) { return file_kind_from_path(f.string()).has_value(); });
      if (found.empty()) empty.push_back(p);
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

int run_fmt(const FmtOptions& o) {
  SourceMap sources;
  Diagnostics diags;
  int code = kOk;
  std::vector<std::string> would_change;
  std::vector<std::string> empty_folders;
  const std::vector<std::string> files = expand(o.files, empty_folders);
  for (const auto& folder : empty_folders) {
    std::cerr << "phasegate fmt: no `*.rules`, `*.facts` or `*.scenarios` file in `" << folder << "`\n";
    code = std::max(code, int(kNoInput));
  }
  for (const auto& path : files) {
    std::string text, why;
    bool too_big = false;
    std::string name = path == "-" ? "<stdin>" : path;
    if (!read_input(path, text, why, parse_limits().max_file_bytes, too_big)) {
      if (!too_big) {
        std::cerr << "phasegate fmt: cannot open `" << path << "`: " << why << "\n";
        code = std::max(code, int(kNoInput));
        continue;
      }
      // Refused before it is read whole (a file of 10 GB would be read into memory first).
      diags.error("E0002", syntax::Position{name, 0, 0, 0}, "`" + name + "` is too large to parse (" + why + ")",
                  {"the limit is " + std::to_string(parse_limits().max_file_bytes) +
                   " bytes (the parse limit `max_file_bytes`)"});
      code = std::max(code, int(kBadInput));
      if (path == "-" && !o.check) {  // never lose the input of a pipe
        std::cout << text;
        // (Streaming an exhausted buffer inserts nothing, which marks std::cout failed: exit 74.)
        if (std::cin.rdbuf()->sgetc() != std::char_traits<char>::eof()) std::cout << std::cin.rdbuf();
      }
      continue;
    }
    const std::string& stored = sources.add(name, text);
    Diagnostics file_diags;
    auto formatted = format_text(name, stored, file_diags, parse_limits());
    diags.append(file_diags);
    if (!formatted) {
      code = std::max(code, int(kBadInput));
      if (path == "-" && !o.check) std::cout << text;  // never lose the input of a pipe (--check writes no text)
      continue;
    }
    if (path == "-") {
      if (!o.check) std::cout << *formatted;  // --check changes nothing and writes no text
      else if (*formatted != text) would_change.push_back(name);
      continue;
    }
    if (*formatted == text) continue;
    if (o.check) {
      would_change.push_back(path);
    } else if (!write_atomically(path, *formatted)) {
      std::cerr << "phasegate fmt: cannot write `" << path << "`\n";
      code = std::max(code, int(kIoError));
    }
  }
  if (!diags.items().empty()) {
    diags.sort_and_dedupe();
    std::cerr << render_text(diags, sources, stderr_color());
  }
  for (const auto& f : would_change) std::cout << "would reformat " << f << '\n';  // the result of --check
  if (code != kOk) return code;
  return would_change.empty() ? int(kOk) : int(kNoGo);
}

}  // namespace

void add_fmt_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<FmtOptions>();
  auto* cmd = app.add_subcommand("fmt", "Rewrite rules, facts and scenarios files in their canonical layout");
  cmd->add_option("files", o->files, "Files or folders; `-` reads standard input and writes standard output")
      ->required();
  cmd->add_flag("--check", o->check, "Change nothing; exit 1 and list the files that would change");
  cmd->callback([o, &exit_code] { exit_code = run_fmt(*o); });
}

}  // namespace phasegate::cli
