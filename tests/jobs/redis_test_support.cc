#include "tests/jobs/redis_test_support.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "engine/uuid.h"
#include "tests/support/test_events.h"

namespace ledger::jobs::testing {
namespace {

// A loopback port nothing listens on right now (the kernel's choice for port 0).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

redis::RedisEndpoint TestRedis() {
  const char* url = std::getenv("LEDGER_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') {
    FAIL(
        "LEDGER_TEST_REDIS_URL is not set. The Redis tests need a server: run scripts/test, or "
        "`scripts/redis-test-server start /tmp/redis.env && set -a && . /tmp/redis.env`.");
  }
  Result<redis::RedisEndpoint> endpoint = redis::ParseRedisUrl(url);
  REQUIRE_MESSAGE(endpoint.ok(), endpoint.status().ToString());
  return *endpoint;
}

std::unique_ptr<redis::RedisJobQueue> FreshQueue(const redis::RedisEndpoint& endpoint,
                                                 Clock* clock) {
  redis::RedisJobQueueOptions options;
  options.key_prefix = "test:" + Uuid::V4().ToString();
  options.clock = clock;
  options.connection.connect_timeout = std::chrono::milliseconds(500);
  options.connection.command_timeout = std::chrono::milliseconds(2000);
  return std::make_unique<redis::RedisJobQueue>(endpoint, options);
}

Job MakeJob(const std::string& kind, const std::string& payload) {
  Job job;
  job.cause_event_id = Uuid::V4().ToString();
  job.job_id = JobIdFor(kind, job.cause_event_id);
  job.kind = kind;
  job.tenant_id = "shop1";
  job.payload = payload;
  return job;
}

OwnRedisServer::OwnRedisServer() {
  dir_ = std::filesystem::temp_directory_path() / ("ledger-jobs-redis-" + Uuid::V4().ToString());
  std::filesystem::create_directories(dir_);
  port_ = FreePort();
  Start();
}

OwnRedisServer::~OwnRedisServer() {
  if (running_) Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool OwnRedisServer::Ping() const {
  redis::RedisConnection connection(endpoint(), redis::RedisOptions{});
  return connection.Command({"PING"}).ok();
}

void OwnRedisServer::Start() {
  // With an append-only file, unlike the shared test server (--save '' --appendonly no): a
  // restart must keep what was queued, as a production Redis for jobs is configured to.
  std::string command = "redis-server --bind 127.0.0.1 --port " + std::to_string(port_) +
                        " --save '' --appendonly yes --appendfsync always --dir " + dir_ +
                        " --daemonize yes --pidfile " + dir_ + "/redis.pid --logfile " + dir_ +
                        "/redis.log";
  REQUIRE(std::system(command.c_str()) == 0);
  for (int i = 0; i < 100 && !Ping(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE_MESSAGE(Ping(), "own redis-server did not start; see " << dir_ << "/redis.log");
  running_ = true;
}

void OwnRedisServer::Stop() {
  std::string command = "redis-cli -p " + std::to_string(port_) + " shutdown >/dev/null 2>&1";
  CHECK(std::system(command.c_str()) == 0);
  for (int i = 0; i < 100 && Ping(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE_FALSE(Ping());
  running_ = false;
}

JobResult ScriptedHandler::Run(const Job& job) {
  std::lock_guard<std::mutex> lock(mu_);
  ++runs_[job.job_id];
  std::deque<Outcome>& script = scripts_[job.job_id];
  Outcome outcome = Outcome::kSucceeded;
  if (!script.empty()) {
    outcome = script.front();
    script.pop_front();
  }
  std::string detail = outcome == Outcome::kSucceeded ? "ok"
                       : outcome == Outcome::kRetry   ? "503 from the far side"
                                                      : "400 invalid payload";
  return JobResult{outcome, detail, R"({"attempt":)" + std::to_string(job.attempt) + "}"};
}

void ScriptedHandler::Script(const std::string& job_id, std::vector<Outcome> outcomes) {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_[job_id] = std::deque<Outcome>(outcomes.begin(), outcomes.end());
}

int ScriptedHandler::Runs(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_[job_id];
}

int ScriptedHandler::TotalRuns() {
  std::lock_guard<std::mutex> lock(mu_);
  int total = 0;
  for (const auto& [id, runs] : runs_) total += runs;
  return total;
}

std::vector<std::string> JobEventTypesOf(EventStore& store, const std::string& job_id) {
  std::vector<std::string> types;
  for (const RecordedEvent& event : ledger::testing::ReadWholeStream(store, "job-" + job_id)) {
    types.push_back(event.event_type);
  }
  return types;
}

}  // namespace ledger::jobs::testing
