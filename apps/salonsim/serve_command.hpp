#pragma once
// `salonsim serve [SCENARIO] [--port 8080]`: the teaching demo (apps/web) on a local web
// server, until Ctrl+C.
#include <string>
#include <vector>

namespace salonsim::cli {

struct ServeOptions {
  std::string scenario;  // optional: shown first, before the lessons
  std::vector<std::string> overrides;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string lessons;   // default: lessons.yaml in the web root
  std::string web_root;  // default: web/ of the source tree or beside the program
  int max_sessions = 8;
  int threads = 0;
};

int serve_command(const ServeOptions& options, const std::string& program);

}  // namespace salonsim::cli
