#include "tests/http/admission_checks.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <future>
#include <map>

#include "adapters/http/metrics.h"
#include "tests/support/test_events.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

std::string IdOf(const std::string& body) {
  return std::string(json::parse(body).at("id").as_string());
}

// Checks the log holds exactly one event per id in `first_body` (the body first admitted for
// that id), stored byte-exact.
void CheckStoredLog(EventStore& store, const std::string& provider,
                    const std::map<std::string, std::string>& first_body) {
  std::vector<RecordedEvent> log = ReadLogExpecting(store, first_body.size());
  CHECK(log.size() == first_body.size());
  for (const RecordedEvent& e : log) {
    CAPTURE(e.stream_id.value());
    REQUIRE(e.stream_id.value().starts_with(provider + "-"));
    std::string id = e.stream_id.value().substr(provider.size() + 1);
    REQUIRE(first_body.count(id) == 1);
    CHECK(e.stream_version == StreamVersion(1));
    CHECK(e.event_id == ProviderEventId(provider, id));
    CHECK(e.event_type == provider + ".event_received");
    CHECK(e.tenant == TenantId(kDefaultTenant));
    CHECK(e.raw_body == first_body.at(id));  // byte-exact
    CHECK(e.metadata.actor == provider);
    json::object payload = json::parse(e.payload).as_object();
    CHECK(payload.at("provider_event_id") == json::value(id));
    CHECK(payload.at("body") == json::parse(first_body.at(id)));
  }
}

}  // namespace

SignedEvent SignedStripeEvent(const std::string& id, std::int64_t now) {
  std::string body =
      R"({"id":")" + id + R"(","object":"event","type":"test.happened","created":1})";
  return {body, SignStripe(LoadStripeSignatures().secret, now, body), now};
}

ClientResponse PostSigned(int port, const SignedEvent& event) {
  return Request(port, "POST", "/v1/webhooks/stripe",
                 {{"Content-Type", "application/json"}, {"Stripe-Signature", event.header}},
                 event.body);
}

void CheckEveryStripeFixture(StoreKind kind) {
  TestServer server(kind);
  StripeSignatures signatures = LoadStripeSignatures();
  std::map<std::string, std::string> first_body;
  std::size_t admitted = 0;
  for (const StripeSignedFile& file : signatures.files) {
    CAPTURE(file.file);
    std::string relative = "stripe/" + file.file;
    std::string body = ReadFixture(relative);
    ClientResponse response = server.PostStripe(body, file.header, file.now);
    if (!StripeFixtureIsAdmitted(relative)) {
      CHECK(response.status == 400);
      CHECK(response.body.find("not_a_provider_event") != std::string::npos);
      continue;
    }
    REQUIRE_MESSAGE(response.status == 200, response.body);
    ++admitted;
    std::string id = IdOf(body);
    bool duplicate = !first_body.emplace(id, body).second;
    json::object answer = json::parse(response.body).as_object();
    CHECK(answer.at("duplicate") == duplicate);  // e19 redelivers 05
    CHECK(answer.at("stream") == json::value("stripe-" + id));
  }
  // The captured events were zeroed to two ids: redeliveries of two events. They carry no
  // signature in the fixtures, so they are signed here, at a time of our choosing.
  for (const std::string& relative : ListJsonFixtures("stripe/captured-stripe-ruby-mock")) {
    CAPTURE(relative);
    std::string body = ReadFixture(relative);
    std::int64_t now = 1'700'000'000;
    ClientResponse response =
        server.PostStripe(body, SignStripe(signatures.secret, now - 3, body), now);
    REQUIRE_MESSAGE(response.status == 200, response.body);
    ++admitted;
    first_body.emplace(IdOf(body), body);
  }
  CHECK(first_body.size() == 34 + 2);  // 25 assembled + 9 new edge cases + 2 captured ids
  CheckStoredLog(server.store(), "stripe", first_body);
  const http::Metrics& metrics = server.server().metrics();
  CHECK(metrics.events_stored("stripe") == first_body.size());
  CHECK(metrics.duplicates("stripe") == admitted - first_body.size());
}

void CheckEveryPrintifyFixture(StoreKind kind) {
  TestServer server(kind);
  PrintifySignatures signatures = LoadPrintifySignatures();
  std::map<std::string, std::string> first_body;
  for (const PrintifySignedFile& file : signatures.files) {
    CAPTURE(file.file);
    std::string body = ReadFixture("printify/" + file.file);
    ClientResponse response = server.PostPrintify(body, file.header);
    REQUIRE_MESSAGE(response.status == 200, response.body);
    first_body.emplace(IdOf(body), body);
    // Printify signs no timestamp: a replay of the same request must store nothing new.
    ClientResponse replay = server.PostPrintify(body, file.header);
    CHECK(replay.status == 200);
    CHECK(json::parse(replay.body).at("duplicate") == true);
  }
  CheckStoredLog(server.store(), "printify", first_body);
  CHECK(server.server().metrics().duplicates("printify") == 12);
}

void CheckConcurrentRedeliveries(StoreKind kind, int count) {
  TestServer server(kind);
  constexpr std::int64_t kNow = 1'800'000'000;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  SignedEvent e = SignedStripeEvent("evt_concurrent", kNow);
  std::vector<std::future<ClientResponse>> answers;
  for (int i = 0; i < count; ++i) {
    answers.push_back(std::async(std::launch::async, [&] { return PostSigned(server.port(), e); }));
  }
  int duplicates = 0;
  for (auto& answer : answers) {
    ClientResponse r = answer.get();
    REQUIRE_MESSAGE(r.status == 200, r.body);
    if (json::parse(r.body).at("duplicate") == true) ++duplicates;
  }
  CHECK(duplicates == count - 1);
  std::vector<RecordedEvent> log = ReadLogExpecting(server.store(), 1);
  REQUIRE(log.size() == 1);
  CHECK(log[0].raw_body == e.body);
  CHECK(server.server().metrics().events_stored("stripe") == 1);
  CHECK(server.server().metrics().duplicates("stripe") == static_cast<std::uint64_t>(count - 1));
}

void CheckBodiesKeptOnlyRaw(StoreKind kind) {
  TestServer server(kind);
  constexpr std::int64_t kNow = 1'800'000'000;
  const std::string secret = LoadStripeSignatures().secret;
  std::map<std::string, std::string> sent;
  const std::pair<std::string, std::string> cases[] = {{"evt_lone_surrogate", R"("\ud800 \udfff")"},
                                                       {"evt_nul", R"("a\u0000b")"},
                                                       {"evt_bad_utf8", "\"\xC3\x28\""}};
  for (const auto& [id, name] : cases) {
    std::string body = R"({"id":")";
    body.append(id).append(R"(","object":"event","type":"customer.updated","name":)");
    body.append(name).append("}");
    ClientResponse r = server.PostStripe(body, SignStripe(secret, kNow, body), kNow);
    CHECK_MESSAGE(r.status == 200, r.body);
    sent[id] = body;
  }
  std::vector<RecordedEvent> log = ReadLogExpecting(server.store(), sent.size());
  REQUIRE(log.size() == sent.size());
  for (const RecordedEvent& e : log) {
    CAPTURE(e.stream_id.value());
    json::object payload = json::parse(e.payload).as_object();
    CHECK(payload.at("body").is_null());
    CHECK(payload.at("parse_error").is_string());
    CHECK(payload.at("type") == "customer.updated");
    CHECK(e.raw_body == sent.at(std::string(payload.at("provider_event_id").as_string())));
  }
}

void CheckOutageAndRecovery(StoreKind kind) {
  TestServer server(kind, [](http::ServerOptions& o) { o.retry_after_seconds = 7; });
  constexpr std::int64_t kNow = 1'800'000'000;
  server.clock().Set(Timestamp(kNow * 1'000'000));
  SignedEvent e = SignedStripeEvent("evt_outage", kNow);
  server.control().SetUnavailable(true);
  ClientResponse refused = PostSigned(server.port(), e);
  CHECK(refused.status == 503);
  CHECK(refused.Header("retry-after") == "7");
  CHECK(refused.body.find("store_unavailable") != std::string::npos);
  ClientResponse not_ready = Request(server.port(), "GET", "/readyz");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.Header("retry-after") == "7");
  CHECK(ReadWholeLog(server.store()).empty());

  server.control().SetUnavailable(false);  // the database is back: the retry succeeds
  CHECK(PostSigned(server.port(), e).status == 200);
  CHECK(Request(server.port(), "GET", "/readyz").status == 200);
  CHECK(ReadLogExpecting(server.store(), 1).size() == 1);
}

}  // namespace ledger::testing
