#include "adapters/http/server_options.h"

#include <doctest/doctest.h>

#include "adapters/http/http_message.h"
#include "adapters/http/metrics.h"

namespace ledger::http {
namespace {

TEST_CASE("ParseListenAddress") {
  Result<ListenAddress> a = ParseListenAddress("127.0.0.1:8080");
  REQUIRE(a.ok());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  CHECK(ParseListenAddress(":0")->host == "0.0.0.0");
  CHECK(ParseListenAddress("[::1]:9000")->host == "::1");
  CHECK(ParseListenAddress("localhost:80")->host == "localhost");
  for (const char* bad : {"", "8080", "host:", "host:x", "host:65536", "::1:80", "[::1:80"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseListenAddress(bad).ok());
  }
}

TEST_CASE("SplitSecrets reads LEDGER_STRIPE_WEBHOOK_SECRETS") {
  CHECK(SplitSecrets("whsec_a,whsec_b") == std::vector<std::string>{"whsec_a", "whsec_b"});
  CHECK(SplitSecrets(" whsec_a , ,whsec_b,") == std::vector<std::string>{"whsec_a", "whsec_b"});
  CHECK(SplitSecrets("").empty());
}

TEST_CASE("ValidateServerOptions") {
  CHECK(ValidateServerOptions(ServerOptions{}).ok());
  ServerOptions o;
  o.default_tenant = "bad tenant";
  CHECK_FALSE(ValidateServerOptions(o).ok());
  o = {};
  o.stripe_tolerance_seconds = 0;
  CHECK_FALSE(ValidateServerOptions(o).ok());
  o = {};
  o.max_body_bytes = 0;
  CHECK_FALSE(ValidateServerOptions(o).ok());
  o = {};
  o.stripe_secrets = {"whsec_a", ""};
  CHECK_FALSE(ValidateServerOptions(o).ok());
}

TEST_CASE("error bodies and content types") {
  HttpResponse e = ErrorResponse(400, "bad", "a \"quoted\" message");
  CHECK(e.body == R"({"error":{"code":"bad","message":"a \"quoted\" message"}})");
  HttpResponse u = StatusResponse(Unavailable("db down"), 3);
  CHECK(u.status == 503);
  REQUIRE(u.headers.size() == 1);
  CHECK(u.headers[0].name == "Retry-After");
  CHECK(u.headers[0].value == "3");
  CHECK(StatusResponse(Conflict("x"), 1).status == 409);
  CHECK(StatusResponse(Internal("x"), 1).status == 500);
  CHECK(IsJsonContentType("application/json"));
  CHECK(IsJsonContentType("application/json; charset=utf-8"));
  CHECK(IsJsonContentType(" APPLICATION/JSON;charset=UTF-8"));
  CHECK_FALSE(IsJsonContentType(std::nullopt));
  CHECK_FALSE(IsJsonContentType("application/jsonp"));
  CHECK_FALSE(IsJsonContentType("text/json"));
}

TEST_CASE("metrics render in the Prometheus text format") {
  Metrics m;
  m.RecordRequest("POST", "/v1/webhooks/stripe", 200, 0.003);
  m.RecordBatch(3, 0.0004, true);
  m.RecordSignatureFailure("stripe", "stale");
  std::string text = m.RenderPrometheus();
  CHECK(text.find("ledger_http_requests_total{method=\"POST\",route=\"/v1/webhooks/stripe\","
                  "status=\"200\"} 1\n") != std::string::npos);
  CHECK(text.find("ledger_append_batch_size_bucket{le=\"2\"} 0\n") != std::string::npos);
  CHECK(text.find("ledger_append_batch_size_bucket{le=\"4\"} 1\n") != std::string::npos);
  CHECK(text.find("ledger_append_batch_size_sum 3\n") != std::string::npos);
  CHECK(text.find(
            "ledger_webhook_signature_failures_total{provider=\"stripe\",reason=\"stale\"} 1") !=
        std::string::npos);
  CHECK(m.requests("POST", "/v1/webhooks/stripe", 200) == 1);
  // Methods are client-chosen text: unknown ones share one label value.
  m.RecordRequest("BREW", "unmatched", 405, 0.001);
  m.RecordRequest("PROPFIND", "unmatched", 405, 0.001);
  CHECK(m.RenderPrometheus().find("{method=\"other\",route=\"unmatched\",status=\"405\"} 2") !=
        std::string::npos);
}

}  // namespace
}  // namespace ledger::http
