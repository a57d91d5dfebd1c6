// The subcommands: each adds itself to the application and sets the exit code when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace phasegate::cli {

void add_check_command(CLI::App& app, int& exit_code);
void add_advise_command(CLI::App& app, int& exit_code);
void add_test_command(CLI::App& app, int& exit_code);
void add_diff_command(CLI::App& app, int& exit_code);
void add_explain_command(CLI::App& app, int& exit_code);
void add_facts_command(CLI::App& app, int& exit_code);
void add_audit_command(CLI::App& app, int& exit_code);
void add_fmt_command(CLI::App& app, int& exit_code);

}  // namespace phasegate::cli
