#include "apps/web/demo_server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <fstream>
#include <new>
#include <random>
#include <sstream>

namespace salonsim::web {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxRequestBytes = 64 * 1024;

void send_json(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message,
                const std::vector<std::string>& problems = {}) {
  send_json(res, {{"error", message}, {"problems", problems}}, status);
}

/// The request's JSON body ({} when empty); throws RequestError (400) when it is not JSON.
json body_of(const httplib::Request& req) {
  if (req.body.empty()) return json::object();
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw RequestError(400, "the request body is not JSON");
  if (!body.is_object()) throw RequestError(400, "the request body must be a JSON object");
  return body;
}

/// Runs a handler, turning what it throws into a JSON error.
template <class Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const RequestError& e) {
      send_error(res, e.status(), e.what(), e.problems());
    } catch (const params::ScenarioError& e) {
      std::vector<std::string> problems;
      for (const params::Issue& issue : e.diagnostics().issues())
        problems.push_back(params::format_issue(issue));
      send_error(res, 400, "the scenario has problems", problems);
    } catch (const std::bad_alloc&) {
      send_error(res, 503, "the server is out of memory; close other demo tabs and try again");
    } catch (const std::exception& e) {
      send_error(res, 500, std::string("internal error: ") + e.what());
    }
  };
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string new_session_id() {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  std::lock_guard lock(mutex);
  return fmt::format("{:016x}", random());
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

const std::vector<StaticFile>& static_files() {
  static const std::vector<StaticFile> files = {
      {"/", "index.html", "text/html; charset=utf-8"},
      {"/app.js", "app.js", "text/javascript; charset=utf-8"},
      {"/style.css", "style.css", "text/css; charset=utf-8"},
      {"/vendor/uPlot.iife.min.js", "node_modules/uplot/dist/uPlot.iife.min.js",
       "text/javascript; charset=utf-8"},
      {"/vendor/uPlot.min.css", "node_modules/uplot/dist/uPlot.min.css", "text/css; charset=utf-8"},
  };
  return files;
}

fs::path default_web_root(const fs::path& program) {
  std::vector<fs::path> candidates;
#ifdef SALONSIM_SOURCE_DIR
  candidates.push_back(fs::path(SALONSIM_SOURCE_DIR) / "web");
#endif
  std::error_code ec;
  fs::path executable = fs::read_symlink("/proc/self/exe", ec);
  if (ec) executable = fs::weakly_canonical(program, ec);
  const fs::path dir = executable.parent_path();
  candidates.push_back(dir / ".." / "web");
  candidates.push_back(dir / "web");
  for (const fs::path& candidate : candidates) {
    if (fs::is_regular_file(candidate / "index.html", ec)) return candidate.lexically_normal();
  }
  return {};
}

DemoServer::DemoServer(std::vector<Lesson> lessons, ServerOptions options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  std::vector<std::string> missing;
  for (const StaticFile& file : static_files()) {
    const fs::path path = options_.web_root / file.path;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      missing.push_back(path.string());
      continue;
    }
    files_[file.url] = read_file(path);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += "\n  " + m;
    throw std::runtime_error(
        "the teaching page's files are missing:" + list +
        "\nrun scripts/teach.sh (it installs the page's JavaScript libraries with npm), or "
        "`npm ci` in web/, or give --web-root");
  }
  for (const Lesson& lesson : lessons) lessons_.push_back(read_lesson(lesson));
  routes();
}

DemoServer::~DemoServer() = default;

void DemoServer::routes() {
  httplib::Server& s = *server_;
  s.set_payload_max_length(kMaxRequestBytes);
  s.set_keep_alive_timeout(1);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second server binds a
  // port already in use and the two share its requests.
  s.set_socket_options([](socket_t socket) {
    const int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });  // so that stop() is not held up by an idle browser connection
  // A page on another site must not drive the demo through this browser (DNS rebinding): on a
  // loopback address only requests addressed to a loopback name are served.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!is_loopback_host(options_.host)) return httplib::Server::HandlerResponse::Unhandled;
    std::string host = req.get_header_value("Host");
    if (!host.empty() && host.front() == '[') {
      host = host.substr(1, host.find(']') - 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
      host = host.substr(0, colon);
    }
    if (is_loopback_host(host)) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, 403, "this server answers only requests addressed to 127.0.0.1 or localhost");
    return httplib::Server::HandlerResponse::Handled;
  });
  for (const StaticFile& file : static_files()) {
    s.Get(file.url, [this, file](const httplib::Request&, httplib::Response& res) {
      res.set_content(files_.at(file.url), file.content_type.c_str());
    });
  }
  s.Get("/api/lessons", guarded([this](const httplib::Request&, httplib::Response& res) {
          json list = json::array();
          for (const LessonFiles& l : lessons_) {
            list.push_back(
                {{"id", l.lesson.id}, {"title", l.lesson.title}, {"summary", l.lesson.summary}});
          }
          send_json(res, {{"lessons", list}, {"default", lessons_.front().lesson.id}});
        }));
  s.Post("/api/sessions", guarded([this](const httplib::Request& req, httplib::Response& res) {
           const json body = body_of(req);
           std::string lesson = lessons_.front().lesson.id;
           if (body.contains("lesson")) {
             if (!body["lesson"].is_string()) throw RequestError(400, "lesson must be a lesson id");
             lesson = body["lesson"].get<std::string>();
           }
           send_json(res, create_session(lesson)->state(), 201);
         }));
  const std::string session = R"(/api/sessions/([A-Za-z0-9_-]{1,64}))";
  s.Get(session, guarded([this](const httplib::Request& req, httplib::Response& res) {
          send_json(res, find_session(req.matches[1])->state());
        }));
  s.Post(session + "/step", guarded([this](const httplib::Request& req, httplib::Response& res) {
           const json body = body_of(req);
           int weeks = 1;
           if (body.contains("weeks")) {
             const json& w = body["weeks"];
             if (!w.is_number_integer() || w.get<std::int64_t>() < 1 || w.get<std::int64_t>() > 52)
               throw RequestError(400,
                                  "weeks must be a whole number from 1 to 52, got " + w.dump());
             weeks = w.get<int>();
           }
           send_json(res, find_session(req.matches[1])->step(weeks));
         }));
  s.Post(session + "/reset", guarded([this](const httplib::Request& req, httplib::Response& res) {
           send_json(res, find_session(req.matches[1])->reset());
         }));
  s.Post(session + "/settings",
         guarded([this](const httplib::Request& req, httplib::Response& res) {
           const json body = body_of(req);
           if (!body.contains("values"))
             throw RequestError(400, "expected {\"values\": {lever id: value, ...}}");
           send_json(res, find_session(req.matches[1])->apply(body["values"]));
         }));
  s.Post(session + "/close", guarded([this](const httplib::Request& req, httplib::Response& res) {
           close_session(req.matches[1]);
           res.status = 204;
         }));
  s.Get(session + R"(/residents/(\d{1,10}))",
        guarded([this](const httplib::Request& req, httplib::Response& res) {
          int arm = 1;
          if (req.has_param("arm")) {
            const std::string text = req.get_param_value("arm");
            if (text != "0" && text != "1")
              throw RequestError(400, "arm must be 0 (without) or 1 (with), got '" + text + "'");
            arm = text == "0" ? 0 : 1;
          }
          send_json(res, find_session(req.matches[1])->story(arm, std::stoll(req.matches[2])));
        }));
  // What no handler answered (no such path, a body too large): JSON under /api, text elsewhere.
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = fmt::format("error {}", res.status);
    if (res.status == 404) message = "no such request: " + req.method + " " + req.path;
    if (res.status == 400 && req.method == "POST" && !req.has_header("Content-Length"))
      message = "a POST needs a Content-Length header (send a body, even an empty one)";
    if (res.status == 413)
      message = fmt::format("the request is larger than {} kB", kMaxRequestBytes / 1024);
    if (req.path.rfind("/api/", 0) == 0)
      send_error(res, res.status, message);
    else
      res.set_content(message + "\n", "text/plain");
  });
}

std::shared_ptr<DemoSession> DemoServer::create_session(const std::string& lesson_id) {
  const LessonFiles* lesson = nullptr;
  std::vector<std::string> ids;
  for (const LessonFiles& l : lessons_) {
    ids.push_back(l.lesson.id);
    if (l.lesson.id == lesson_id) lesson = &l;
  }
  if (!lesson) {
    const std::string nearest = params::nearest_key(lesson_id, ids);
    throw RequestError(400, "no lesson '" + lesson_id + "'" +
                                (nearest.empty() ? "" : "; did you mean '" + nearest + "'?"));
  }
  // Built outside the lock: other pages keep running meanwhile.
  auto created = std::make_shared<DemoSession>(new_session_id(), *lesson);
  std::lock_guard lock(sessions_mutex_);
  while (sessions_.size() >= options_.max_sessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second->last_used() < oldest->second->last_used()) oldest = it;
    }
    sessions_.erase(oldest);  // a request still using it keeps it alive until it ends
  }
  sessions_.emplace(created->id(), created);
  return created;
}

std::shared_ptr<DemoSession> DemoServer::find_session(const std::string& id) {
  std::lock_guard lock(sessions_mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    throw RequestError(
        404, "no session '" + id + "': it was closed, or the server made room for newer ones");
  }
  return it->second;
}

void DemoServer::close_session(const std::string& id) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(id);
}

std::size_t DemoServer::sessions() {
  std::lock_guard lock(sessions_mutex_);
  return sessions_.size();
}

int DemoServer::bind() {
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ < 0) port_ = 0;
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  }
  if (port_ <= 0) {
    throw std::runtime_error(fmt::format(
        "cannot listen on {}:{}: the port is in use or not allowed (choose another with --port, "
        "or --port 0 for any free port)",
        options_.host, options_.port));
  }
  return port_;
}

void DemoServer::serve() {
  server_->listen_after_bind();
}

void DemoServer::stop() {
  server_->stop();
}

std::string DemoServer::url() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}/", v6 ? "[" : "", options_.host, v6 ? "]" : "", port_);
}

}  // namespace salonsim::web
