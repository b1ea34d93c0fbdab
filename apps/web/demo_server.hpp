#pragma once
// The teaching demo's web server: the page (a fixed list of files, nothing else from disk) and a
// JSON API over demo sessions, one per open page, at most `max_sessions` at once (the least
// recently used one goes first), so memory stays bounded however many tabs are open.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apps/web/demo_session.hpp"
#include "apps/web/lessons.hpp"

namespace httplib {
class Server;
}

namespace salonsim::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::size_t max_sessions = 8;
  std::filesystem::path web_root;  // holds index.html, app.js, style.css and node_modules/uplot
};

/// The files of web/ the server hands out (URL, path under the web root, content type).
struct StaticFile {
  std::string url;
  std::string path;
  std::string content_type;
};
const std::vector<StaticFile>& static_files();

/// Whether a host name or address is this machine's loopback (127.0.0.1, localhost, ::1).
bool is_loopback_host(const std::string& host);

/// The web root to use when none is given: web/ beside the build's source tree, or next to the
/// program. Empty if neither holds the page.
std::filesystem::path default_web_root(const std::filesystem::path& program);

class DemoServer {
 public:
  /// Reads the page's files and every lesson's scenario; throws std::runtime_error naming what
  /// is missing, params::ScenarioError or RequestError for a lesson that does not validate.
  DemoServer(std::vector<Lesson> lessons, ServerOptions options);
  ~DemoServer();
  DemoServer(const DemoServer&) = delete;
  DemoServer& operator=(const DemoServer&) = delete;

  /// Binds the address; returns the port. Throws std::runtime_error if it cannot (in use).
  int bind();
  /// Serves until stop() (from any thread).
  void serve();
  void stop();
  std::string url() const;
  std::size_t sessions();

 private:
  void routes();
  std::shared_ptr<DemoSession> create_session(const std::string& lesson_id);
  std::shared_ptr<DemoSession> find_session(const std::string& id);
  void close_session(const std::string& id);

  ServerOptions options_;
  int port_ = 0;
  std::vector<LessonFiles> lessons_;
  std::map<std::string, std::string> files_;  // url -> contents
  std::unique_ptr<httplib::Server> server_;
  std::mutex sessions_mutex_;
  std::map<std::string, std::shared_ptr<DemoSession>> sessions_;
};

}  // namespace salonsim::web
