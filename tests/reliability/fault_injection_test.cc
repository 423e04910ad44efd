// Store faults under the webhook path, injected by FaultInjectionStore between the HTTP
// server and a memory store, driven over real loopback HTTP: a commit whose acknowledgement
// is lost, one failed append inside a group commit, and a slow store (docs/reliability.md,
// "Crash and outage"; docs/webhooks.md says what each answer means).
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/server.h"
#include "engine/memory_store.h"
#include "tests/http/http_client.h"
#include "tests/http/test_server.h"
#include "tests/reliability/fault_injection_store.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A server on a memory store behind the fault injector; signatures are checked against the
// system clock.
class FaultServer {
 public:
  FaultServer() {
    auto started = http::Server::Start(faults_, DefaultTestOptions());
    REQUIRE_MESSAGE(started.ok(), started.status().ToString());
    server_ = std::move(started).value();
  }
  ~FaultServer() {
    faults_.SetAppendDelay(0ms);
    server_->Shutdown();
    CHECK(server_->Wait().ok());
  }

  int port() const { return server_->port(); }
  FaultInjectionStore& faults() { return faults_; }

  // How many events the stream of provider event `id` holds.
  std::size_t Stored(const std::string& id) {
    auto events = memory_.ReadStream(StreamId("stripe-" + id), {});
    REQUIRE_MESSAGE(events.ok(), events.status().ToString());
    return events->size();
  }

 private:
  MemoryEventStore memory_;
  FaultInjectionStore faults_{&memory_};
  std::unique_ptr<http::Server> server_;
};

// The checkout fixture as provider event `id` (the bytes Stripe would send for it).
std::string EventBody(const std::string& id) {
  static const std::string fixture =
      ReadFixture("stripe/assembled/05_checkout.session.completed.json");
  static const std::string original = "evt_1RkT9xLmNp2QxYz4Cs01";
  std::string body = fixture;
  body.replace(body.find(original), original.size(), id);
  return body;
}

Headers StripeHeaders(const std::string& body) {
  return {
      {"Content-Type", "application/json"},
      {"Stripe-Signature", SignStripe(LoadStripeSignatures().secret, std::time(nullptr), body)}};
}

ClientResponse PostEvent(int port, const std::string& id) {
  std::string body = EventBody(id);
  return Request(port, "POST", "/v1/webhooks/stripe", StripeHeaders(body), body);
}

bool Duplicate(const ClientResponse& response) {
  return response.body.find(R"("duplicate":true)") != std::string::npos;
}

// Posts every id at once, each from its own thread; the answers in the order of `ids`.
std::vector<ClientResponse> PostConcurrently(int port, const std::vector<std::string>& ids) {
  std::vector<ClientResponse> answers(ids.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] { answers[i] = PostEvent(port, ids[i]); });
  }
  for (std::thread& t : threads) t.join();
  return answers;
}

TEST_CASE(
    "a commit whose acknowledgement is lost answers 503, and the retry stores nothing twice") {
  FaultServer server;
  server.faults().LoseAcknowledgements(1);
  ClientResponse lost = PostEvent(server.port(), "evt_fi_lost_ack");
  CHECK(lost.status == 503);
  CHECK_FALSE(lost.Header("retry-after").empty());
  CHECK(server.Stored("evt_fi_lost_ack") == 1);  // committed all the same

  // Stripe retries: 200, recognised as a redelivery; still one event.
  ClientResponse retry = PostEvent(server.port(), "evt_fi_lost_ack");
  CHECK(retry.status == 200);
  CHECK(Duplicate(retry));
  CHECK(server.Stored("evt_fi_lost_ack") == 1);
}

TEST_CASE("a lost acknowledgement of a whole group commit: every request in it retries safely") {
  FaultServer server;
  // A slow first commit lets the next requests gather into one batch; that batch's
  // acknowledgement is the one lost.
  server.faults().SetAppendDelay(300ms);
  std::thread first([&] { CHECK(PostEvent(server.port(), "evt_fi_group_0").status == 200); });
  std::this_thread::sleep_for(100ms);
  server.faults().LoseAcknowledgements(1);
  std::vector<std::string> ids;
  for (int i = 1; i <= 6; ++i) ids.push_back("evt_fi_group_" + std::to_string(i));
  std::vector<ClientResponse> answers = PostConcurrently(server.port(), ids);
  first.join();
  server.faults().SetAppendDelay(0ms);

  int refused = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO(ids[i]);
    CHECK((answers[i].status == 200 || answers[i].status == 503));
    if (answers[i].status == 503) ++refused;
    CHECK(server.Stored(ids[i]) == 1);  // stored whatever the answer said
    ClientResponse retry = PostEvent(server.port(), ids[i]);
    CHECK(retry.status == 200);
    CHECK(Duplicate(retry));
    CHECK(server.Stored(ids[i]) == 1);
  }
  CHECK(refused >= 1);
}

TEST_CASE("the n-th append fails: only its request fails, its group commit neighbours succeed") {
  FaultServer server;
  // The first request commits alone, slowly; six more gather meanwhile into the next batch,
  // whose third append (the 4th from now) is made to fail.
  server.faults().SetAppendDelay(600ms);
  server.faults().FailNthAppend(4, Unavailable("fault injection: this append's statement failed"));
  std::thread first([&] { CHECK(PostEvent(server.port(), "evt_fi_nth_0").status == 200); });
  std::this_thread::sleep_for(100ms);
  std::vector<std::string> ids;
  for (int i = 1; i <= 6; ++i) ids.push_back("evt_fi_nth_" + std::to_string(i));
  std::vector<ClientResponse> answers = PostConcurrently(server.port(), ids);
  first.join();
  server.faults().SetAppendDelay(0ms);

  std::vector<std::string> failed = server.faults().failed_streams();
  REQUIRE(failed.size() == 1);
  REQUIRE(server.faults().failed_batch_sizes()[0] > 1);  // it failed inside a group commit
  int refused = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO(ids[i]);
    if ("stripe-" + ids[i] == failed[0]) {
      ++refused;
      CHECK(answers[i].status == 503);
      CHECK_FALSE(answers[i].Header("retry-after").empty());
      CHECK(server.Stored(ids[i]) == 0);
      // Stripe's retry is an ordinary first delivery.
      ClientResponse retry = PostEvent(server.port(), ids[i]);
      CHECK(retry.status == 200);
      CHECK_FALSE(Duplicate(retry));
    } else {
      CHECK(answers[i].status == 200);
      CHECK_FALSE(Duplicate(answers[i]));
    }
    CHECK(server.Stored(ids[i]) == 1);
  }
  CHECK(refused == 1);
}

TEST_CASE("a slow store: webhooks wait for their commit, the server stays responsive") {
  FaultServer server;
  const auto delay = 1500ms;
  server.faults().SetAppendDelay(delay);
  std::vector<std::string> ids = {"evt_fi_slow_1", "evt_fi_slow_2", "evt_fi_slow_3",
                                  "evt_fi_slow_4"};
  std::vector<ClientResponse> answers;
  auto posted = Clock::now();
  std::thread posts([&] { answers = PostConcurrently(server.port(), ids); });

  // A client that gives up before the slow commit answers (as Stripe does after its own
  // timeout): the server has no commit deadline of its own, so the append still lands.
  std::this_thread::sleep_for(100ms);
  {
    HttpConnection impatient(server.port());
    REQUIRE(impatient.connected());
    std::string body = EventBody("evt_fi_slow_gave_up");
    REQUIRE(impatient.Send(BuildRequest("POST", "/v1/webhooks/stripe", StripeHeaders(body), body)));
  }  // closed without reading an answer

  // Meanwhile health, readiness and metrics answer at once: they never wait for a commit.
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/healthz"}) {
    auto start = Clock::now();
    ClientResponse answer = Request(server.port(), "GET", path);
    INFO(path);
    CHECK(answer.status == 200);
    CHECK(Clock::now() - start < 500ms);
  }
  posts.join();
  auto waited = Clock::now() - posted;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO(ids[i]);
    CHECK(answers[i].status == 200);
    CHECK(server.Stored(ids[i]) == 1);
  }
  CHECK(waited >= delay);

  // The abandoned request's append committed; Stripe's retry finds it.
  server.faults().SetAppendDelay(0ms);
  for (int i = 0; i < 100 && server.Stored("evt_fi_slow_gave_up") == 0; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  CHECK(server.Stored("evt_fi_slow_gave_up") == 1);
  ClientResponse retry = PostEvent(server.port(), "evt_fi_slow_gave_up");
  CHECK(retry.status == 200);
  CHECK(Duplicate(retry));
  CHECK(server.Stored("evt_fi_slow_gave_up") == 1);
}

}  // namespace
}  // namespace ledger::testing
