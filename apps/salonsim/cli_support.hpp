#pragma once
// What the subcommands share: exit codes, reporting scenario problems, and removing a partial
// output file when the process is interrupted.
#include <filesystem>
#include <string>
#include <string_view>

#include "sim/params/diagnostics.hpp"

namespace salonsim::cli {

// Exit codes.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;        // the run or its output failed
inline constexpr int kInvalidInput = 2;  // bad flags or scenario; nothing was run

/// Prints every problem of a scenario (or, with `what` = "the sweep file", a sweep file);
/// returns kInvalidInput.
int report_scenario_error(const params::ScenarioError& e, std::string_view what = "the scenario");

/// On SIGINT, SIGTERM or SIGHUP, removes `temporary` before the process ends, so no partial file
/// is left behind. One file at a time; an empty path stops removing.
void remove_on_interrupt(const std::filesystem::path& temporary);

/// The command line as typed, for /meta.
std::string command_line(int argc, char** argv);

}  // namespace salonsim::cli
