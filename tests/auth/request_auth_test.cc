// AuthenticateRequest and BearerToken without sockets: the 401 and 403 answers query routes
// will give.
#include "adapters/auth/request_auth.h"

#include <doctest/doctest.h>

#include "adapters/auth/token_minter.h"
#include "tests/auth/test_tokens.h"

namespace ledger::testing {
namespace {

http::HttpRequest WithAuthorization(std::string value) {
  http::HttpRequest request;
  request.method = "GET";
  request.path = "/v1/events";
  request.headers.push_back({"authorization", std::move(value)});
  return request;
}

std::string Challenge(const http::HttpResponse& response) {
  for (const http::HeaderField& h : response.headers) {
    if (h.name == "WWW-Authenticate") return h.value;
  }
  return "";
}

TEST_CASE("BearerToken takes the token of a Bearer Authorization header only") {
  CHECK(auth::BearerToken(WithAuthorization("Bearer abc.def.ghi")) == "abc.def.ghi");
  CHECK(auth::BearerToken(WithAuthorization("bearer   abc  ")) == "abc");
  CHECK(auth::BearerToken(WithAuthorization("BEARER\tabc")) == "abc");
  CHECK(auth::BearerToken(WithAuthorization("Basic dXNlcjpwYXNz")).empty());
  CHECK(auth::BearerToken(WithAuthorization("Bearer")).empty());
  CHECK(auth::BearerToken(WithAuthorization("Bearerabc")).empty());
  CHECK(auth::BearerToken(http::HttpRequest{}).empty());
}

TEST_CASE("AuthenticateRequest: claims, 401 with a Bearer challenge, or 403 for the role") {
  ManualClock clock{AtUnix(kNow)};
  auto verifier = auth::TokenVerifier::Create(Hs256Options(&clock)).value();
  auto minter =
      auth::TokenMinter::Create(
          {auth::SigningAlgorithm::kHs256, auth::KeyRole::kSign, std::string(kTestSecret)}, &clock)
          .value();
  auth::Claims auditor = AdminClaims();
  auditor.role = "auditor";
  std::string auditor_token = minter.Mint(auditor, std::chrono::minutes(5)).value();

  auth::Authentication ok = auth::AuthenticateRequest(
      *verifier, WithAuthorization("Bearer " + auditor_token), {"admin", "auditor"});
  REQUIRE(std::holds_alternative<auth::Claims>(ok));
  CHECK(std::get<auth::Claims>(ok).subject == "user:alice");

  auth::Authentication missing = auth::AuthenticateRequest(*verifier, http::HttpRequest{});
  REQUIRE(std::holds_alternative<http::HttpResponse>(missing));
  const auto& m = std::get<http::HttpResponse>(missing);
  CHECK(m.status == 401);
  CHECK(Challenge(m) == "Bearer realm=\"ledger\"");
  CHECK(m.body.find(R"("code":"unauthenticated")") != std::string::npos);
  CHECK(m.body.find("missing_token") != std::string::npos);

  clock.Set(AtUnix(kNow + 3600));
  auth::Authentication expired =
      auth::AuthenticateRequest(*verifier, WithAuthorization("Bearer " + auditor_token));
  REQUIRE(std::holds_alternative<http::HttpResponse>(expired));
  const auto& e = std::get<http::HttpResponse>(expired);
  CHECK(e.status == 401);
  CHECK(Challenge(e) ==
        R"(Bearer realm="ledger", error="invalid_token", error_description="expired")");
  CHECK(e.body.find(R"("message":"expired: )") != std::string::npos);

  clock.Set(AtUnix(kNow));
  auth::Authentication forbidden =
      auth::AuthenticateRequest(*verifier, WithAuthorization("Bearer " + auditor_token), {"admin"});
  REQUIRE(std::holds_alternative<http::HttpResponse>(forbidden));
  const auto& f = std::get<http::HttpResponse>(forbidden);
  CHECK(f.status == 403);
  CHECK(Challenge(f).empty());
  CHECK(
      f.body ==
      R"({"error":{"code":"permission_denied","message":"role 'auditor' may not use this route; allowed roles: admin"}})");
}

}  // namespace
}  // namespace ledger::testing
