#include "apps/salonsim/serve_command.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "apps/salonsim/cli_support.hpp"
#include "apps/web/demo_server.hpp"

namespace salonsim::cli {

namespace fs = std::filesystem;

namespace {

/// Stops `server` on SIGINT or SIGTERM (and SIGHUP, unless the process ignores it, as under
/// nohup). The signals are blocked in every thread and taken by one thread with sigwait, so
/// stopping runs as ordinary code, not in a signal handler.
class StopOnSignal {
 public:
  explicit StopOnSignal(web::DemoServer& server) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGUSR1);  // sent by the destructor to end the waiting thread
    struct sigaction hup {};
    if (sigaction(SIGHUP, nullptr, &hup) == 0 && hup.sa_handler != SIG_IGN)
      sigaddset(&signals_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    waiter_ = std::thread([this, &server] {
      int signal = 0;
      sigwait(&signals_, &signal);
      if (signal != SIGUSR1) server.stop();
    });
  }
  ~StopOnSignal() {
    pthread_kill(waiter_.native_handle(), SIGUSR1);
    waiter_.join();
  }

 private:
  sigset_t signals_;
  std::thread waiter_;
};

}  // namespace

int serve_command(const ServeOptions& options, const std::string& program) {
  web::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.max_sessions = static_cast<std::size_t>(options.max_sessions);
  server_options.web_root =
      options.web_root.empty() ? web::default_web_root(program) : fs::path(options.web_root);
  if (server_options.web_root.empty()) {
    fmt::print(stderr,
               "error: cannot find the teaching page (web/index.html beside the program or in "
               "the source tree); give --web-root DIR\n");
    return kInvalidInput;
  }
  std::vector<web::Lesson> lessons;
  if (!options.scenario.empty())
    lessons.push_back(web::lesson_for_scenario(options.scenario, options.overrides));
  const fs::path lessons_file = options.lessons.empty() ? server_options.web_root / "lessons.yaml"
                                                        : fs::path(options.lessons);
  std::error_code ec;
  if (!options.lessons.empty() || options.scenario.empty() || fs::exists(lessons_file, ec)) {
    try {
      for (web::Lesson& lesson : web::load_lessons(lessons_file))
        lessons.push_back(std::move(lesson));
    } catch (const params::ScenarioError& e) {
      return report_scenario_error(e, "the lessons file");
    }
  }

  const ThreadLimit threads(options.threads);
  std::unique_ptr<web::DemoServer> server;
  try {
    server = std::make_unique<web::DemoServer>(std::move(lessons), server_options);
    server->bind();
  } catch (const params::ScenarioError& e) {
    return report_scenario_error(e);
  } catch (const web::RequestError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    for (const std::string& problem : e.problems()) fmt::print(stderr, "  {}\n", problem);
    return kInvalidInput;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kInvalidInput;
  }
  if (!web::is_loopback_host(options.host)) {
    fmt::print(stderr,
               "warning: listening on {}: anyone who can reach this machine can use the demo\n",
               options.host);
  }
  {
    StopOnSignal stop(*server);
    fmt::print("salonsim: teaching demo at {} (Ctrl+C stops it)\n", server->url());
    std::fflush(stdout);
    server->serve();
  }
  fmt::print("salonsim: stopped\n");
  return kOk;
}

}  // namespace salonsim::cli
