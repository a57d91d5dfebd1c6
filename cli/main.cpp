// The phasegate command: global options, subcommands, and the exit-code contract.
#if __has_include(<malloc.h>)
#include <malloc.h>  // mallopt (glibc)
#endif
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/load.hpp"

namespace {

// The results reached standard output, or the exit code says they did not (74): a full disk or a
// closed stdout must not pass for "all GO" or a written backup (`facts export > backup.facts`).
int output_written(int exit_code) {
  errno = 0;
  if (!phasegate::cli::stdout_failed()) return exit_code;
  const int err = errno;
  std::cerr << "phasegate: cannot write the results to standard output" << (err ? std::string(": ") + std::strerror(err) : "")
            << '\n';
  return phasegate::cli::kIoError;
}

int run(int argc, char** argv) {
#ifdef M_MMAP_THRESHOLD
  // Blocks of 1 MiB and more (tables, indexes) come from the system and go back to it when freed.
  // glibc's default raises this threshold at the first such free, after which freed tables stay in
  // the heap while the next ones grow it: readiness 100 000 (`advise --summary`) peaked 5 MB higher.
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
#endif
  using namespace phasegate::cli;
  CLI::App app{"phasegate: GO, NO-GO or UNDETERMINED for the phases of a plan, with the reasons", "phasegate"};
  app.set_version_flag("--version", std::string("phasegate ") + PHASEGATE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More log output on stderr (-vv for debugging)");

  // Bound to the run's limits directly: main-app options are stored before any subcommand runs.
  auto& limits = mutable_parse_limits();
  app.add_option("--max-file-bytes", limits.max_file_bytes, "Refuse input files larger than this (default 64 MiB)")
      ->check([](const std::string& s) { return count_check(s, true); });
  app.add_option("--max-nesting", limits.max_nesting,
                 "Refuse expressions nested deeper than this (default 256, at most " +
                     std::to_string(phasegate::kMaxNestingLimit) + ")")
      ->check(CLI::Range(std::size_t{1}, phasegate::kMaxNestingLimit));

  int exit_code = kOk;
  add_check_command(app, exit_code);
  add_advise_command(app, exit_code);
  add_test_command(app, exit_code);
  add_explain_command(app, exit_code);
  add_diff_command(app, exit_code);
  add_facts_command(app, exit_code);
  add_audit_command(app, exit_code);
  add_fmt_command(app, exit_code);

  auto logger = spdlog::stderr_color_mt("phasegate");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");
  spdlog::set_level(spdlog::level::warn);
  // Logging level is known only after parsing; subcommands run in parse callbacks, so parse flags first.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-v" || a == "--verbose") ++verbosity;
    else if (a == "-vv") verbosity += 2;
  }
  spdlog::set_level(verbosity >= 2 ? spdlog::level::debug : verbosity == 1 ? spdlog::level::info : spdlog::level::warn);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "phasegate: out of memory\n";
    return kIoError;
  } catch (const std::exception& e) {
    std::cerr << "phasegate: internal error: " << e.what() << '\n';
    return 70;
  }
  return output_written(exit_code);
}

// The stack the command runs on. The parser refuses expressions nested deeper than --max-nesting
// (at most kMaxNestingLimit), and the passes after it (checker, evaluator, explainer, formatter)
// recurse over what it accepted, several frames per level, frames that a sanitizer build makes
// several times larger. 512 MiB holds that depth with a wide margin in any build, where the main
// thread's 8 MiB (or a smaller `ulimit -s`) need not (tests/golden/cli/deep-*, cli.deep_*). Only the
// pages used are backed by memory.
constexpr std::size_t kStackBytes = std::size_t{512} << 20;

struct Call {
  int argc;
  char** argv;
  int rc;
};

}  // namespace

int main(int argc, char** argv) {
  Call call{argc, argv, 0};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kStackBytes) == 0 &&
      pthread_create(&thread, &attr, [](void* p) -> void* {
        auto* c = static_cast<Call*>(p);
        c->rc = run(c->argc, c->argv);
        return nullptr;
      }, &call) == 0) {
    pthread_attr_destroy(&attr);
    pthread_join(thread, nullptr);
    return call.rc;
  }
  return run(argc, argv);  // no thread: the main thread's stack (and the default limits) will do
}
