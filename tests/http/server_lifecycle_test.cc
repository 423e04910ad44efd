// Concurrency, group commit, store outages, keep-alive, readiness, metrics and shutdown.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <future>
#include <set>
#include <thread>

#include "adapters/http/metrics.h"
#include "engine/memory_store.h"
#include "tests/http/admission_checks.h"
#include "tests/http/test_server.h"
#include "tests/support/test_events.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::testing {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

SignedEvent StripeEvent(const std::string& id) { return SignedStripeEvent(id, kNow); }

ClientResponse Post(int port, const SignedEvent& e) { return PostSigned(port, e); }

TEST_CASE("concurrent admissions are group-committed, each answered with its own outcome") {
  TestServer server;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  server.control().SetAppendDelay(std::chrono::milliseconds(50));
  constexpr int kCount = 24;
  std::vector<std::future<ClientResponse>> answers;
  for (int i = 0; i < kCount; ++i) {
    answers.push_back(std::async(std::launch::async, [&, i] {
      return Post(server.port(), StripeEvent("evt_group" + std::to_string(i)));
    }));
  }
  std::set<std::uint64_t> positions;
  for (auto& answer : answers) {
    ClientResponse r = answer.get();
    REQUIRE(r.status == 200);
    positions.insert(boost::json::parse(r.body).at("global_position").as_int64());
  }
  CHECK(positions.size() == kCount);  // every request got its own event's position
  CHECK(ReadWholeLog(server.store()).size() == kCount);
  CHECK(server.control().batches() < kCount);
  CHECK(server.control().largest_batch() > 1);
}

TEST_CASE("keep-alive connections carry several requests") {
  TestServer server;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  HttpConnection connection(server.port());
  for (int i = 0; i < 3; ++i) {
    SignedEvent e = StripeEvent("evt_keepalive" + std::to_string(i));
    REQUIRE(connection.Send(
        BuildRequest("POST", "/v1/webhooks/stripe",
                     {{"Content-Type", "application/json"}, {"Stripe-Signature", e.header}}, e.body,
                     /*keep_alive=*/true)));
    ClientResponse r = connection.Read();
    CHECK(r.status == 200);
    CHECK(r.Header("connection") != "close");
  }
  // Other routes share the connection too.
  REQUIRE(connection.Send(BuildRequest("GET", "/healthz", {}, "", true)));
  CHECK(connection.Read().status == 200);
  CHECK(ReadWholeLog(server.store()).size() == 3);
}

TEST_CASE("Expect: 100-continue is honoured") {
  TestServer server;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  SignedEvent e = StripeEvent("evt_continue");
  HttpConnection connection(server.port());
  std::string request = BuildRequest("POST", "/v1/webhooks/stripe",
                                     {{"Content-Type", "application/json"},
                                      {"Stripe-Signature", e.header},
                                      {"Expect", "100-continue"}},
                                     "");
  request.replace(request.find("Content-Length: 0"), 17,
                  "Content-Length: " + std::to_string(e.body.size()));
  REQUIRE(connection.Send(request));
  CHECK(connection.Read().status == 100);
  REQUIRE(connection.Send(e.body));
  CHECK(connection.Read().status == 200);
}

TEST_CASE("healthz, readyz and metrics") {
  TestServer server;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  CHECK(Request(server.port(), "GET", "/healthz").status == 200);
  CHECK(Request(server.port(), "GET", "/readyz").status == 200);
  CHECK(Post(server.port(), StripeEvent("evt_metrics")).status == 200);
  CHECK(Post(server.port(), StripeEvent("evt_metrics")).status == 200);
  ClientResponse metrics = Request(server.port(), "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.Header("content-type").starts_with("text/plain; version=0.0.4"));
  for (const char* line :
       {"{method=\"POST\",route=\"/v1/webhooks/stripe\",status=\"200\"} 2",
        "ledger_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1",
        "ledger_webhook_events_stored_total{provider=\"stripe\"} 1",
        "ledger_webhook_duplicates_total{provider=\"stripe\"} 1",
        "ledger_append_batch_size_count 2", "ledger_append_latency_seconds_bucket{le=\"+Inf\"} 2",
        "# TYPE ledger_http_request_duration_seconds histogram"}) {
    CAPTURE(line);
    CHECK(metrics.body.find(line) != std::string::npos);
  }
  // Secrets never appear anywhere the server shows.
  CHECK(metrics.body.find("whsec_") == std::string::npos);
}

TEST_CASE("graceful shutdown: stop accepting, finish the request in flight, then stop") {
  TestServer server;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  SignedEvent e = StripeEvent("evt_inflight");
  server.control().Hold();
  auto in_flight = std::async(std::launch::async, [&] { return Post(server.port(), e); });
  REQUIRE(server.control().WaitForBatches(1, std::chrono::seconds(10)));

  server.server().Shutdown();
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    refused = ConnectionRefused(server.port());
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(refused);
  CHECK(in_flight.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);

  server.control().Release();  // the commit completes: the request is answered
  ClientResponse r = in_flight.get();
  CHECK(r.status == 200);
  CHECK(r.Header("connection") == "close");
  CHECK(server.server().Wait().ok());
  CHECK(ReadWholeLog(server.store()).size() == 1);
}

TEST_CASE("graceful shutdown closes idle keep-alive connections at once") {
  TestServer server;
  HttpConnection idle(server.port());
  REQUIRE(idle.Send(BuildRequest("GET", "/healthz", {}, "", /*keep_alive=*/true)));
  REQUIRE(idle.Read().status == 200);
  auto start = std::chrono::steady_clock::now();
  server.server().Shutdown();
  CHECK(server.server().Wait().ok());
  // Well within shutdown_timeout (5 s): an idle connection is not waited for.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(idle.ClosedByPeer());
  CHECK(Request(server.port(), "GET", "/healthz").status == 0);
}

TEST_CASE("RunServer stops gracefully on SIGTERM and returns OK") {
  MemoryEventStore store;
  ManualClock clock(Timestamp(kNow * 1'000'000));
  std::promise<int> port;
  std::future<Status> run = std::async(std::launch::async, [&] {
    return http::RunServer(store, DefaultTestOptions(), &clock, [&](int p) { port.set_value(p); });
  });
  int listening = port.get_future().get();
  CHECK(Post(listening, StripeEvent("evt_signal")).status == 200);
  REQUIRE(::kill(::getpid(), SIGTERM) == 0);
  REQUIRE(run.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  Status status = run.get();
  CHECK_MESSAGE(status.ok(), status.ToString());
  CHECK(ConnectionRefused(listening));
  CHECK(ReadWholeLog(store).size() == 1);
}

TEST_CASE("Start refuses bad options and busy ports") {
  MemoryEventStore store;
  http::ServerOptions options = DefaultTestOptions();
  options.max_body_bytes = (4u << 20) + 1;  // beyond what the store keeps
  CHECK(http::Server::Start(store, options).status().code() == StatusCode::kInvalidArgument);

  auto first = http::Server::Start(store, DefaultTestOptions());
  REQUIRE(first.ok());
  http::ServerOptions same_port = DefaultTestOptions();
  same_port.listen = "127.0.0.1:" + std::to_string((*first)->port());
  CHECK(http::Server::Start(store, same_port).status().code() == StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ledger::testing
