// What every subcommand shares: exit codes, output format, colour, and where results and logs go.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace phasegate::cli {

// Exit codes fixed by the CLI contract (docs/cli.md).
enum Exit : int {
  kOk = 0,
  kNoGo = 1,  // also: a scenario failed, fmt --check would change a file, audit verify found a bad record
  kUndetermined = 2,
  kUsage = 64,
  kBadInput = 65,
  kNoInput = 66,
  kIoError = 74,
};

enum class Format { text, json, markdown, dot };

// Parses "text", "json", ... ; false when the name is unknown.
bool parse_format(const std::string& name, Format& out);

// For CLI11's check(): a number of seconds, positive (`positive`) or at least 0; "" when it is one,
// else the message (`--max-seconds: must be a number of seconds above 0, not -1`).
std::string seconds_check(const std::string& text, bool positive);
// For a name recorded in the store (`--actor`): "" if it is valid UTF-8 without control characters,
// else why not (the store keeps it forever, and its JSON must stay readable).
std::string name_check(const std::string& text);
// For a count or size (`--max-tuples`, `--max-memory`): "" for a whole number (above 0 when
// `positive`), else why not.
std::string count_check(const std::string& text, bool positive);
// For `--today`: "" unless it is empty (an empty date is not the system date; other bad dates are
// reported by the command).
std::string date_check(const std::string& text);
// For `--known-at`, `--from`, `--to`: "" unless empty (which would mean the present, or no bound).
std::string moment_check(const std::string& text);
// For `audit verify --head`: "" for 64 hexadecimal digits (either case).
std::string head_check(const std::string& text);

// ANSI colour for stdout: only on a terminal, never when NO_COLOR is set.
// `j` as JSON text, indented by `indent` (-1: one line); bytes that are not UTF-8 (a file name in
// another encoding) as U+FFFD, so that the output is valid JSON rather than an exception.
std::string json_text(const nlohmann::json& j, int indent = 2);
std::string json_text(const nlohmann::ordered_json& j, int indent = 2);  // keys in the order written

// Flushes standard output; true when what was written did not all reach it (a full disk, a closed
// pipe). errno then says why.
bool stdout_failed();

bool stdout_color();
bool stderr_color();

}  // namespace phasegate::cli
