// What the server refuses, and that refusing stores nothing: content type, signature, size,
// headers, routes, malformed HTTP.
#include <doctest/doctest.h>

#include "adapters/http/metrics.h"
#include "tests/http/test_server.h"
#include "tests/support/test_events.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::testing {
namespace {

struct SignedStripe {
  std::string body;
  std::string header;
  std::int64_t now;
};

SignedStripe Fixture05() {
  StripeSignatures signatures = LoadStripeSignatures();
  for (const StripeSignedFile& f : signatures.files) {
    if (f.file == "assembled/05_checkout.session.completed.json") {
      return {ReadFixture("stripe/" + f.file), f.header, f.now};
    }
  }
  FAIL("fixture 05 missing");
  return {};
}

// A Stripe-shaped event of about `size` bytes, signed at `now`.
SignedStripe BigEvent(std::size_t size, std::int64_t now) {
  std::string head = R"({"id":"evt_big)" + std::to_string(size) +
                     R"(","object":"event","type":"test.big","created":1,"pad":")";
  std::string body = head + std::string(size - head.size() - 2, 'x') + "\"}";
  return {body, SignStripe(LoadStripeSignatures().secret, now, body), now};
}

TEST_CASE("webhooks must be application/json (415), a charset parameter is fine") {
  TestServer server;
  SignedStripe e = Fixture05();
  server.clock().Set(Timestamp(e.now * 1'000'000));
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "application/jsonx"}) {
    CAPTURE(type);
    ClientResponse r = Request(server.port(), "POST", "/v1/webhooks/stripe",
                               {{"Content-Type", type}, {"Stripe-Signature", e.header}}, e.body);
    CHECK(r.status == 415);
    CHECK(r.body.find("\"code\":\"unsupported_media_type\"") != std::string::npos);
  }
  ClientResponse none = Request(server.port(), "POST", "/v1/webhooks/stripe",
                                {{"Stripe-Signature", e.header}}, e.body);
  CHECK(none.status == 415);
  CHECK(ReadWholeLog(server.store()).empty());
  ClientResponse ok = Request(
      server.port(), "POST", "/v1/webhooks/stripe",
      {{"Content-Type", "Application/JSON ; charset=UTF-8"}, {"Stripe-Signature", e.header}},
      e.body);
  CHECK(ok.status == 200);
}

TEST_CASE("missing, malformed, stale and wrong signatures are 401 and counted") {
  TestServer server;
  SignedStripe e = Fixture05();
  struct Case {
    std::string header;
    std::int64_t now;
    std::string reason;
  };
  std::string tampered = e.header;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  for (const Case& c : {Case{"", e.now, "missing"}, Case{"garbage", e.now, "malformed"},
                        Case{e.header, e.now + 301, "stale"}, Case{e.header, e.now - 400, "future"},
                        Case{tampered, e.now, "mismatch"}}) {
    CAPTURE(c.reason);
    ClientResponse r = server.PostStripe(e.body, c.header, c.now);
    CHECK(r.status == 401);
    CHECK(r.body.find("\"error\":{\"code\":") != std::string::npos);
    CHECK(server.server().metrics().signature_failures("stripe", c.reason) == 1);
  }
  ClientResponse printify = server.PostPrintify("{}", "sha256=00");
  CHECK(printify.status == 401);
  CHECK(server.server().metrics().signature_failures("printify", "malformed") == 1);
  CHECK(ReadWholeLog(server.store()).empty());
}

TEST_CASE("without configured secrets every webhook is 401") {
  TestServer server(StoreKind::kMemory, [](http::ServerOptions& o) {
    o.stripe_secrets.clear();
    o.printify_secret.clear();
  });
  SignedStripe e = Fixture05();
  CHECK(server.PostStripe(e.body, e.header, e.now).status == 401);
  ClientResponse p = server.PostPrintify("{}", SignPrintify("", "{}"));
  CHECK(p.status == 401);
  CHECK(p.body.find("webhook_not_configured") != std::string::npos);
}

TEST_CASE("a body over the limit is 413 and stores nothing, however it is sent") {
  TestServer server(StoreKind::kMemory,
                    [](http::ServerOptions& o) { o.max_body_bytes = 1u << 20; });
  StripeSignatures signatures = LoadStripeSignatures();
  const StripeSignedFile* huge = nullptr;
  for (const StripeSignedFile& f : signatures.files) {
    if (f.file == "edge-cases/e09_huge_2MB.json") huge = &f;
  }
  REQUIRE(huge != nullptr);
  std::string body = ReadFixture("stripe/" + huge->file);
  server.clock().Set(Timestamp(huge->now * 1'000'000));
  Headers headers = {{"Content-Type", "application/json"}, {"Stripe-Signature", huge->header}};

  SUBCASE("announced by Content-Length") {
    ClientResponse r = server.PostStripe(body, huge->header, huge->now);
    CHECK(r.status == 413);
    CHECK(r.body.find("payload_too_large") != std::string::npos);
  }
  SUBCASE("chunked, found while reading") {
    HttpConnection connection(server.port());
    connection.Send(BuildRequest("POST", "/v1/webhooks/stripe", headers, body, false, true));
    CHECK(connection.Read().status == 413);
  }
  CHECK(ReadWholeLog(server.store()).empty());
  CHECK(server.server().metrics().requests("POST", "/v1/webhooks/stripe", 413) == 1);
}

TEST_CASE("the default limit is 4 MiB: a 2 MB event passes, 4 MiB + 1 does not") {
  TestServer server;
  std::int64_t now = 1'800'000'000;
  SignedStripe fits = BigEvent(4u << 20, now);
  SignedStripe over = BigEvent((4u << 20) + 1, now);
  CHECK(server.PostStripe(over.body, over.header, now).status == 413);
  ClientResponse r = server.PostStripe(fits.body, fits.header, now);
  CHECK(r.status == 200);
  std::vector<RecordedEvent> log = ReadWholeLog(server.store());
  REQUIRE(log.size() == 1);
  CHECK(log[0].raw_body->size() == (4u << 20));
  // With the event's fields around it the body no longer fits a payload: kept raw only.
  CHECK(log[0].payload.find(R"("body":null)") != std::string::npos);
}

TEST_CASE("oversized headers are 431") {
  TestServer server;
  ClientResponse r =
      Request(server.port(), "GET", "/healthz", {{"X-Padding", std::string(32 * 1024, 'a')}});
  CHECK(r.status == 431);
}

TEST_CASE("unknown paths are 404, wrong methods 405 with Allow") {
  TestServer server;
  ClientResponse missing = Request(server.port(), "GET", "/nope");
  CHECK(missing.status == 404);
  CHECK(missing.body.find("\"code\":\"not_found\"") != std::string::npos);
  ClientResponse wrong = Request(server.port(), "GET", "/v1/webhooks/stripe");
  CHECK(wrong.status == 405);
  CHECK(wrong.Header("allow") == "POST");
  CHECK(server.server().metrics().requests("GET", "unmatched", 404) == 1);
}

TEST_CASE("a request that is not HTTP is 400 and the connection closes") {
  TestServer server;
  HttpConnection connection(server.port());
  connection.Send("NOT HTTP AT ALL\r\n\r\n");
  CHECK(connection.Read().status == 400);
  CHECK(connection.ClosedByPeer());
}

TEST_CASE("a not-event body with a valid signature is 400 and stores nothing") {
  TestServer server;
  std::int64_t now = 1'800'000'000;
  std::string body = R"({"id":"cus_1","object":"customer"})";
  ClientResponse r =
      server.PostStripe(body, SignStripe(LoadStripeSignatures().secret, now, body), now);
  CHECK(r.status == 400);
  CHECK(r.body.find("not_a_provider_event") != std::string::npos);
  CHECK(ReadWholeLog(server.store()).empty());
}

}  // namespace
}  // namespace ledger::testing
