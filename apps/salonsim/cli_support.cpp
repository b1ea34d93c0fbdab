#include "apps/salonsim/cli_support.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace salonsim::cli {

namespace {
// The file to remove if the process is interrupted (Ctrl-C, kill): the final name never holds a
// partial file, and no hidden partial file is left behind either.
char interrupted_output[4096] = {0};

extern "C" void remove_interrupted_output(int signal_number) {
  if (interrupted_output[0] != '\0') ::unlink(interrupted_output);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}
}  // namespace

int report_scenario_error(const params::ScenarioError& e, std::string_view what) {
  const auto& issues = e.diagnostics().issues();
  fmt::print(stderr, "error: {} has {} problem{}:\n", what, issues.size(),
             issues.size() == 1 ? "" : "s");
  for (const auto& issue : issues) fmt::print(stderr, "  {}\n", params::format_issue(issue));
  return kInvalidInput;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw std::runtime_error("cannot write '" + temporary.string() + "'");
    }
  }
  std::filesystem::rename(temporary, path);
}

void remove_on_interrupt(const std::filesystem::path& temporary) {
  const std::string text = temporary.string();
  if (text.size() >= sizeof(interrupted_output)) return;
  std::memcpy(interrupted_output, text.c_str(), text.size() + 1);
  std::signal(SIGINT, remove_interrupted_output);
  std::signal(SIGTERM, remove_interrupted_output);
  std::signal(SIGHUP, remove_interrupted_output);
}

std::string command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) text += ' ';
    text += argv[i];
  }
  return text;
}

}  // namespace salonsim::cli
