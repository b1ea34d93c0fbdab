#include "apps/web/demo_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "tests/apps/web/web_fixtures.hpp"
#include "tests/support/temp_dir.hpp"

namespace salonsim::web {
namespace {

using nlohmann::json;

/// A demo server on a free port of 127.0.0.1, serving in a thread of its own.
class RunningServer {
 public:
  explicit RunningServer(std::size_t max_sessions = 8) {
    testing::write_web_root(root_.path());
    server_ = std::make_unique<DemoServer>(
        std::vector<Lesson>{testing::small_salon_lesson(), testing::small_shuttle_lesson()},
        ServerOptions{.host = "127.0.0.1",
                      .port = 0,
                      .max_sessions = max_sessions,
                      .web_root = root_.path()});
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~RunningServer() {
    server_->stop();
    thread_.join();
  }
  /// A client that waits long enough for a session under a sanitizer (httplib's default: 5 s).
  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(120, 0);
    return client;
  }
  int port() const { return port_; }
  DemoServer& server() { return *server_; }

 private:
  testing::TempDir root_;
  std::unique_ptr<DemoServer> server_;
  int port_ = 0;
  std::thread thread_;
};

json post(httplib::Client& client, const std::string& path, const json& body, int expected) {
  const auto res = client.Post(path.c_str(), body.dump(), "application/json");
  EXPECT_TRUE(res) << path;
  if (!res) return {};
  EXPECT_EQ(res->status, expected) << path << ": " << res->body;
  return res->body.empty() ? json() : json::parse(res->body);
}

json get(httplib::Client& client, const std::string& path, int expected) {
  const auto res = client.Get(path.c_str());
  EXPECT_TRUE(res) << path;
  if (!res) return {};
  EXPECT_EQ(res->status, expected) << path << ": " << res->body;
  return json::parse(res->body, nullptr, false);
}

TEST(DemoServer, ServesThePagesFilesAndNothingElse) {
  RunningServer running;
  httplib::Client client = running.client();
  for (const StaticFile& file : static_files()) {
    const auto res = client.Get(file.url.c_str());
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << file.url;
    EXPECT_EQ(res->body, "stand-in for " + file.url + "\n");
    EXPECT_EQ(res->get_header_value("Content-Type"), file.content_type);
  }
  for (const char* path :
       {"/index.html", "/lessons.yaml", "/../CMakeLists.txt", "/%2e%2e/README.md",
        "/node_modules/uplot/package.json", "/etc/passwd"}) {
    const auto res = client.Get(path);
    ASSERT_TRUE(res);
    EXPECT_GE(res->status, 400) << path;
    EXPECT_EQ(res->body.find("stand-in"), std::string::npos) << path;
  }
}

TEST(DemoServer, ListsLessonsAndOpensSessions) {
  RunningServer running;
  httplib::Client client = running.client();
  const json lessons = get(client, "/api/lessons", 200);
  EXPECT_EQ(lessons["default"], "salons");
  ASSERT_EQ(lessons["lessons"].size(), 2u);
  EXPECT_EQ(lessons["lessons"][1]["id"], "shuttle");

  const json state = post(client, "/api/sessions", json::object(), 201);
  EXPECT_EQ(state["lesson"]["id"], "salons");
  const json shuttle = post(client, "/api/sessions", {{"lesson", "shuttle"}}, 201);
  EXPECT_EQ(shuttle["arms"][1]["label"], "With salons and shuttle");
  EXPECT_EQ(running.server().sessions(), 2u);

  const json unknown = post(client, "/api/sessions", {{"lesson", "shutle"}}, 400);
  EXPECT_EQ(unknown["error"], "no lesson 'shutle'; did you mean 'shuttle'?");
}

TEST(DemoServer, StepsSettingsStoriesAndClosing) {
  RunningServer running;
  httplib::Client client = running.client();
  const std::string session =
      "/api/sessions/" +
      post(client, "/api/sessions", json::object(), 201)["session"].get<std::string>();
  EXPECT_EQ(post(client, session + "/step", json::object(), 200)["week"], 1);
  EXPECT_EQ(post(client, session + "/step", {{"weeks", 3}}, 200)["week"], 4);
  EXPECT_EQ(get(client, session, 200)["week"], 4);

  const json applied = post(client, session + "/settings",
                            {{"values", {{"interventions[0].placement.count", 4}}}}, 200);
  EXPECT_EQ(applied["week"], 0);
  const json refused = post(client, session + "/settings",
                            {{"values", {{"interventions[0].placement.count", -5}}}}, 400);
  EXPECT_EQ(refused["problems"],
            json({"interventions[0].placement.count: the demo allows 1 to 60, got -5"}));

  const json story = get(client, session + "/residents/3?arm=0", 200);
  EXPECT_EQ(story["arm"], 0);
  EXPECT_EQ(story["id"], 3);
  EXPECT_EQ(post(client, session + "/reset", json::object(), 200)["week"], 0);

  const auto closed = client.Post((session + "/close").c_str(), "", "application/json");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->status, 204);
  EXPECT_EQ(get(client, session, 404)["error"].get<std::string>().rfind("no session", 0), 0u);
}

TEST(DemoServer, BadRequestsGetAMessageNeverACrash) {
  RunningServer running;
  httplib::Client client = running.client();
  const std::string session =
      "/api/sessions/" +
      post(client, "/api/sessions", json::object(), 201)["session"].get<std::string>();
  const auto raw = [&](const std::string& path, const std::string& body) {
    const auto res = client.Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(res);
    return res ? std::make_pair(res->status, json::parse(res->body, nullptr, false))
               : std::make_pair(0, json());
  };
  EXPECT_EQ(raw(session + "/step", "{not json").first, 400);
  EXPECT_EQ(raw(session + "/step", "[1, 2]").second["error"],
            "the request body must be a JSON object");
  for (const char* weeks : {"0", "53", "2.5", "\"1\"", "-1", "1e9", "null"}) {
    const auto [status, body] = raw(session + "/step", std::string("{\"weeks\": ") + weeks + "}");
    EXPECT_EQ(status, 400) << weeks;
    EXPECT_EQ(
        body["error"].get<std::string>().rfind("weeks must be a whole number from 1 to 52", 0), 0u)
        << weeks;
  }
  EXPECT_EQ(raw(session + "/settings", "{}").second["error"],
            "expected {\"values\": {lever id: value, ...}}");
  EXPECT_EQ(raw(session + "/settings", R"({"values": {"town.population": "many"}})").first, 400);
  EXPECT_EQ(raw(session + "/settings", R"({"values": [1]})").first, 400);
  const auto big = raw(session + "/settings", std::string(100 * 1024, ' '));
  EXPECT_EQ(big.first, 413);
  EXPECT_EQ(big.second["error"], "the request is larger than 64 kB");
  EXPECT_EQ(get(client, session + "/residents/99999", 404)["error"],
            "no resident 99999: residents are numbered 0 to " +
                std::to_string(get(client, session, 200)["population"].get<int>() - 1));
  EXPECT_EQ(get(client, session + "/residents/1?arm=x", 400)["error"],
            "arm must be 0 (without) or 1 (with), got 'x'");
  EXPECT_EQ(get(client, "/api/sessions/feed/step", 404)["error"],
            "no such request: GET /api/sessions/feed/step");
  EXPECT_EQ(post(client, "/api/sessions/feed/step", json::object(), 404)["error"]
                .get<std::string>()
                .rfind("no session 'feed'", 0),
            0u);
  // Still serving.
  EXPECT_EQ(post(client, session + "/step", json::object(), 200)["week"], 1);
}

TEST(DemoServer, AnswersOnlyRequestsAddressedToThisMachine) {
  RunningServer running;
  httplib::Client client = running.client();
  const auto res = client.Get("/api/lessons", {{"Host", "attacker.example:8080"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  const auto local = client.Get("/api/lessons", {{"Host", "localhost:8080"}});
  ASSERT_TRUE(local);
  EXPECT_EQ(local->status, 200);
}

TEST(DemoServer, TwoClientsAtOnceEachGetTheirOwnRun) {
  RunningServer running;
  std::array<json, 2> frames;
  std::array<std::thread, 2> clients;
  for (std::size_t c = 0; c < 2; ++c) {
    clients[c] = std::thread([&, c] {
      httplib::Client client = running.client();
      const std::string session =
          "/api/sessions/" +
          post(client, "/api/sessions", json::object(), 201)["session"].get<std::string>();
      for (int k = 0; k < 12; ++k) frames[c] = post(client, session + "/step", {{"weeks", 1}}, 200);
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(frames[0]["week"], 12);
  EXPECT_EQ(frames[1]["week"], 12);
  // The same lesson and seed: the same town, whatever else the server was doing.
  EXPECT_EQ(frames[0]["arms"], frames[1]["arms"]);
}

TEST(DemoServer, KeepsAtMostItsSessionsDroppingTheLeastRecentlyUsed) {
  RunningServer running(2);
  httplib::Client client = running.client();
  std::vector<std::string> sessions;
  for (int k = 0; k < 2; ++k)
    sessions.push_back(
        "/api/sessions/" +
        post(client, "/api/sessions", json::object(), 201)["session"].get<std::string>());
  post(client, sessions[0] + "/step", json::object(), 200);  // the first is now the more recent
  sessions.push_back(
      "/api/sessions/" +
      post(client, "/api/sessions", json::object(), 201)["session"].get<std::string>());
  EXPECT_EQ(running.server().sessions(), 2u);
  get(client, sessions[0], 200);
  get(client, sessions[1], 404);
  get(client, sessions[2], 200);
}

TEST(DemoServer, APortInUseIsRefusedClearly) {
  RunningServer running;
  testing::TempDir root;
  testing::write_web_root(root.path());
  // Bind the first server's port again.
  const int port = running.port();
  DemoServer second({testing::small_salon_lesson()},
                    ServerOptions{.host = "127.0.0.1", .port = port, .web_root = root.path()});
  try {
    second.bind();
    FAIL() << "bound a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(fmt::format("cannot listen on 127.0.0.1:{}", port)),
              std::string::npos);
  }
}

TEST(DemoServer, MissingPageFilesAreNamed) {
  testing::TempDir root;
  try {
    DemoServer server({testing::small_salon_lesson()},
                      ServerOptions{.host = "127.0.0.1", .port = 0, .web_root = root.path()});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("uPlot.iife.min.js"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("scripts/teach.sh"), std::string::npos);
  }
}

}  // namespace
}  // namespace salonsim::web
