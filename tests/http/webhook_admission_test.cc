// Every fixture posted over real HTTP to a running server, on each embedded store; then the
// stored log is checked against the bytes that were sent (admission_checks.h).
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "tests/http/admission_checks.h"
#include "tests/support/test_events.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

TEST_CASE("every Stripe fixture is admitted or refused over HTTP, and stored byte-exact") {
  for (StoreKind kind : EmbeddedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    CheckEveryStripeFixture(kind);
  }
}

TEST_CASE("every Printify fixture is admitted over HTTP once, and stored byte-exact") {
  for (StoreKind kind : EmbeddedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    CheckEveryPrintifyFixture(kind);
  }
}

TEST_CASE("50 concurrent deliveries of one event store it exactly once") {
  for (StoreKind kind : EmbeddedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    CheckConcurrentRedeliveries(kind, 50);
  }
}

TEST_CASE("bodies only plain JSON parsers accept are admitted and kept raw") {
  for (StoreKind kind : EmbeddedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    CheckBodiesKeptOnlyRaw(kind);
  }
}

TEST_CASE("store unavailable: 503 with Retry-After, nothing stored, recovery on its own") {
  for (StoreKind kind : EmbeddedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    CheckOutageAndRecovery(kind);
  }
}

TEST_CASE("a webhook posted for a named tenant belongs to that tenant") {
  TestServer server(StoreKind::kMemory, [](http::ServerOptions& o) { o.default_tenant = "main"; });
  StripeSignatures signatures = LoadStripeSignatures();
  const StripeSignedFile& first = signatures.files.at(0);
  const StripeSignedFile& second = signatures.files.at(1);
  std::string a = ReadFixture("stripe/" + first.file);
  std::string b = ReadFixture("stripe/" + second.file);
  CHECK(server.PostStripe(a, first.header, first.now, "/v1/webhooks/stripe/acme-eu").status == 200);
  CHECK(server.PostStripe(b, second.header, second.now).status == 200);
  ClientResponse bad = server.PostStripe(b, second.header, second.now, "/v1/webhooks/stripe/a.b");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("invalid_tenant") != std::string::npos);

  std::vector<RecordedEvent> log = ReadWholeLog(server.store());
  REQUIRE(log.size() == 2);
  CHECK(log[0].tenant == TenantId("acme-eu"));
  CHECK(json::parse(log[0].payload).at("tenant") == "acme-eu");
  CHECK(log[1].tenant == TenantId("main"));
  CHECK_FALSE(json::parse(log[1].payload).as_object().contains("tenant"));
}

}  // namespace
}  // namespace ledger::testing
