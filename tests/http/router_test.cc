#include "adapters/http/router.h"

#include <doctest/doctest.h>

namespace ledger::http {
namespace {

Handler Named(std::string* called, std::string name) {
  return [called, name](HttpRequest, Responder) { *called = name; };
}

TEST_CASE("Router matches literal segments and parameters") {
  std::string called;
  Router router;
  router.Add("POST", "/v1/webhooks/stripe", Named(&called, "stripe"));
  router.Add("POST", "/v1/webhooks/stripe/{tenant}", Named(&called, "stripe-tenant"));
  router.Add("GET", "/v1/orders/{id}", Named(&called, "order"));
  router.Add("GET", "/v1/orders/export", Named(&called, "export"));

  Router::Match m = router.Find("POST", "/v1/webhooks/stripe");
  REQUIRE(m.handler != nullptr);
  (*m.handler)({}, {});
  CHECK(called == "stripe");
  CHECK(m.pattern == "/v1/webhooks/stripe");
  CHECK(m.params.empty());

  m = router.Find("POST", "/v1/webhooks/stripe/acme%2Deu");
  REQUIRE(m.handler != nullptr);
  CHECK(m.params.at("tenant") == "acme-eu");  // decoded
  CHECK(m.pattern == "/v1/webhooks/stripe/{tenant}");

  m = router.Find("GET", "/v1/orders/export");  // the more literal route wins
  REQUIRE(m.handler != nullptr);
  (*m.handler)({}, {});
  CHECK(called == "export");
}

TEST_CASE("Router answers 404 and 405 with Allow") {
  Router router;
  router.Add("POST", "/v1/webhooks/stripe", [](HttpRequest, Responder) {});
  router.Add("PUT", "/v1/webhooks/stripe", [](HttpRequest, Responder) {});
  CHECK(router.Find("GET", "/nope").status == 404);
  CHECK(router.Find("POST", "/v1/webhooks/stripe/").status == 404);  // empty parameter
  CHECK(router.Find("POST", "/v1/webhooks").status == 404);
  Router::Match m = router.Find("GET", "/v1/webhooks/stripe");
  CHECK(m.handler == nullptr);
  CHECK(m.status == 405);
  CHECK(m.allow == "POST, PUT");
  CHECK(router.RouteLabel("GET", "/random/probe") == "unmatched");
  CHECK(router.RouteLabel("POST", "/v1/webhooks/stripe") == "/v1/webhooks/stripe");
}

TEST_CASE("Router refuses parameters with broken percent-encoding") {
  Router router;
  router.Add("GET", "/a/{x}", [](HttpRequest, Responder) {});
  CHECK(router.Find("GET", "/a/%zz").status == 404);
  CHECK(router.Find("GET", "/a/%2").status == 404);
  CHECK(router.Find("GET", "/a/%41").params.at("x") == "A");
}

}  // namespace
}  // namespace ledger::http
