// `salonsim serve` as a teacher starts it: it prints its address, stops cleanly on Ctrl+C (also
// with a browser connected), and refuses bad flags, a port in use, a missing page and bad
// lessons before serving. Requests themselves are tested in tests/apps/web.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

/// A stand-in web root with every file the server hands out.
void write_web_root(const fs::path& root) {
  for (const char* file :
       {"index.html", "app.js", "style.css", "node_modules/uplot/dist/uPlot.iife.min.js",
        "node_modules/uplot/dist/uPlot.min.css"}) {
    fs::create_directories((root / file).parent_path());
    std::ofstream(root / file) << "stand-in\n";
  }
}

const std::string kLessons = SALONSIM_SOURCE_DIR "/web/lessons.yaml";

/// Starts `salonsim serve ARGS` in the background (job control on, so that SIGINT reaches it as
/// Ctrl+C would), waits for its address, runs `then` (bash, with $port and $pid), sends SIGINT
/// and prints the server's output and "exit=<code>".
testing::CommandResult serve_then_interrupt(const std::string& args, const std::string& then) {
  const std::string script = fmt::format(
      R"(set -m; out=$(mktemp); '{}' serve {} >"$out" 2>&1 & pid=$!
for i in $(seq 300); do grep -q 'http://' "$out" && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$out" | head -1 | cut -d: -f2)
{}
kill -INT $pid; for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && {{ echo "still running 10 s after SIGINT"; kill -KILL $pid; }}
wait $pid; code=$?; cat "$out"; rm -f "$out"; echo "exit=$code")",
      SALONSIM_BINARY, args, then);
  return testing::run_command("bash -c '" + [&] {
    std::string quoted;
    for (const char c : script) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted;
  }() + "'");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Serve, PrintsItsAddressAndStopsOnCtrlC) {
  TempDir dir;
  write_web_root(dir.path());
  const auto r = serve_then_interrupt(
      fmt::format("--port 0 --web-root '{}' --lessons '{}'", dir.path().string(), kLessons), "");
  EXPECT_TRUE(contains(r.output, "salonsim: teaching demo at http://127.0.0.1:")) << r.output;
  EXPECT_TRUE(contains(r.output, "salonsim: stopped")) << r.output;
  EXPECT_TRUE(contains(r.output, "exit=0")) << r.output;
}

TEST(Serve, StopsOnCtrlCWithABrowserConnected) {
  TempDir dir;
  write_web_root(dir.path());
  // A kept-alive connection that has made a request, as a browser's would be.
  const auto r = serve_then_interrupt(
      fmt::format("--port 0 --web-root '{}' --lessons '{}'", dir.path().string(), kLessons),
      R"(exec 3<>/dev/tcp/127.0.0.1/$port
printf 'GET /api/lessons HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n' >&3
read -t 5 status <&3; echo "answer: $status")");
  EXPECT_TRUE(contains(r.output, "answer: HTTP/1.1 200 OK")) << r.output;
  EXPECT_TRUE(contains(r.output, "exit=0")) << r.output;
  EXPECT_FALSE(contains(r.output, "still running")) << r.output;
}

TEST(Serve, RefusesAPortInUse) {
  TempDir dir;
  write_web_root(dir.path());
  const auto r = serve_then_interrupt(
      fmt::format("--port 0 --web-root '{}' --lessons '{}'", dir.path().string(), kLessons),
      fmt::format("'{}' serve --port $port --web-root '{}' --lessons '{}'; echo \"second=$?\"",
                  SALONSIM_BINARY, dir.path().string(), kLessons));
  EXPECT_TRUE(contains(r.output, "error: cannot listen on 127.0.0.1:")) << r.output;
  EXPECT_TRUE(contains(r.output, "the port is in use")) << r.output;
  EXPECT_TRUE(contains(r.output, "second=2")) << r.output;
  EXPECT_TRUE(contains(r.output, "exit=0")) << r.output;  // the first one served on
}

TEST(Serve, RefusesBadFlagsAndInputsBeforeServing) {
  TempDir dir;
  write_web_root(dir.path());
  const std::string bin = SALONSIM_BINARY;
  const std::string root = "--web-root '" + dir.path().string() + "'";

  auto r = testing::run_command(bin + " serve --port 70000");
  EXPECT_EQ(r.exit_code, 2) << r.output;

  r = testing::run_command(bin + " serve --port 0 --web-root '" + (dir.path() / "none").string() +
                           "' --lessons '" + kLessons + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "the teaching page's files are missing")) << r.output;

  std::ofstream(dir.path() / "lessons.yaml")
      << "lessons:\n  - id: a\n    title: A\n    scenaro: x.yaml\n";
  r = testing::run_command(bin + " serve --port 0 " + root);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "lessons.yaml:4:5")) << r.output;
  EXPECT_TRUE(contains(r.output, "did you mean 'scenario'")) << r.output;
  fs::remove(dir.path() / "lessons.yaml");

  r = testing::run_command(bin + " serve --port 0 " + root + " '" + SALONSIM_SOURCE_DIR +
                           "/scenarios/taketoyo.yaml' --set town.population=30000");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "town.population: the teaching demo runs towns of at most 20000"))
      << r.output;

  r = testing::run_command(bin + " serve --port 0 " + root + " '" + SALONSIM_SOURCE_DIR +
                           "/scenarios/japan-national-sample.yaml'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(contains(r.output, "the teaching demo shows one town")) << r.output;
}

TEST(Serve, TheShippedLessonsAndAScenarioOfOneTownServe) {
  TempDir dir;
  write_web_root(dir.path());
  const auto r =
      serve_then_interrupt(fmt::format("--port 0 --web-root '{}' '{}'", dir.path().string(),
                                       SALONSIM_SOURCE_DIR "/scenarios/rural-mobile-shop.yaml"),
                           R"(exec 3<>/dev/tcp/127.0.0.1/$port
printf 'GET /api/lessons HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
cat <&3 | tail -1; echo)");
  // The scenario first, then the lessons of lessons.yaml in the web root (none in this one).
  EXPECT_TRUE(contains(r.output, R"("default":"scenario")")) << r.output;
  EXPECT_TRUE(contains(r.output, "rural-mobile-shop.yaml")) << r.output;
  EXPECT_TRUE(contains(r.output, "exit=0")) << r.output;
}

}  // namespace
}  // namespace salonsim
