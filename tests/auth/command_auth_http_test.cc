// Bearer tokens on POST /v1/commands/{name} over real HTTP: 401 without a good token, 403 for
// a role the dispatcher's permission table refuses, and the token's subject and tenant on
// every event a permitted command appends.
#include <doctest/doctest.h>

#include "adapters/auth/request_auth.h"
#include "adapters/auth/token_minter.h"
#include "adapters/http/service_context.h"
#include "commands/dispatcher.h"
#include "tests/auth/test_tokens.h"
#include "tests/http/test_server.h"

namespace ledger::testing {
namespace {

// A test server whose command routes resolve callers from bearer tokens. Tokens are minted and
// checked at kNow on their own clock, apart from the server's (which stamps events).
class TokenServer {
 public:
  TokenServer()
      : server_(StoreKind::kMemory, [this](http::ServerOptions& options) {
          options.extra_routes.push_back(
              [this](http::Router& router, const http::ServiceContext& context) {
                dispatcher_ =
                    commands::CommandDispatcher::Create(context.store, context.clock, {}).value();
                http::PrincipalResolver resolver =
                    auth::MakeTokenResolver(Hs256Options(&token_clock_)).value();
                http::CommandRoutes(dispatcher_.get(), std::move(resolver))(router, context);
              });
        }) {}

  std::string Token(const std::string& role, const std::string& tenant = "shop_a",
                    std::optional<std::string> customer = std::nullopt) {
    auth::Claims claims;
    claims.subject = "user:" + role + "-1";
    claims.role = role;
    claims.tenant = TenantId(tenant);
    claims.customer_id = std::move(customer);
    return minter_.Mint(claims, std::chrono::minutes(10)).value();
  }

  ClientResponse Post(const std::string& name, const std::string& body,
                      std::optional<std::string> authorization) {
    Headers headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "req-9"}};
    if (authorization) headers.emplace_back("Authorization", *authorization);
    return Request(server_.port(), "POST", "/v1/commands/" + name, headers, body);
  }
  ClientResponse PostAs(const std::string& token, const std::string& name,
                        const std::string& body) {
    return Post(name, body, "Bearer " + token);
  }

  std::vector<RecordedEvent> AllEvents() {
    return server_.store().ReadAll(GlobalPosition(0), kNoLimit).value();
  }
  ManualClock& token_clock() { return token_clock_; }

 private:
  ManualClock token_clock_{AtUnix(kNow)};
  auth::TokenMinter minter_ =
      auth::TokenMinter::Create(
          {auth::SigningAlgorithm::kHs256, auth::KeyRole::kSign, std::string(kTestSecret)},
          &token_clock_)
          .value();
  std::unique_ptr<commands::CommandDispatcher> dispatcher_;
  TestServer server_;
};

constexpr const char* kConfigure = R"({"route":"checkout","failure_threshold":3,"step":10})";

void CheckUnauthenticated(const ClientResponse& response, std::string_view reason) {
  CHECK(response.status == 401);
  CHECK(response.Header("www-authenticate").starts_with("Bearer"));
  CHECK(response.body.find(R"("code":"unauthenticated")") != std::string::npos);
  CHECK_MESSAGE(response.body.find(std::string(reason) + ": ") != std::string::npos, response.body);
}

TEST_CASE("a command without a good token is 401 with a Bearer challenge and appends nothing") {
  TokenServer s;
  CheckUnauthenticated(s.Post("configure-canary", kConfigure, std::nullopt), "missing_token");
  CheckUnauthenticated(s.Post("configure-canary", kConfigure, "Basic dXNlcjpwYXNz"),
                       "missing_token");
  CheckUnauthenticated(s.PostAs("garbage", "configure-canary", kConfigure), "malformed_token");
  CheckUnauthenticated(s.PostAs(SignHs256(R"({"alg":"HS256"})", AdminPayload(), kOtherSecret),
                                "configure-canary", kConfigure),
                       "bad_signature");
  CheckUnauthenticated(
      s.PostAs(Unsigned(R"({"alg":"none"})", AdminPayload()), "configure-canary", kConfigure),
      "alg_none");
  std::string admin = s.Token("admin");
  s.token_clock().Set(AtUnix(kNow + 3600));
  ClientResponse expired = s.PostAs(admin, "configure-canary", kConfigure);
  CheckUnauthenticated(expired, "expired");
  CHECK(expired.Header("www-authenticate").find(R"(error="invalid_token")") != std::string::npos);
  CHECK(s.AllEvents().empty());
}

TEST_CASE("roles follow the dispatcher's permission table: 403 for a role it refuses") {
  TokenServer s;
  for (const auto& [role, customer] :
       {std::pair<std::string, std::optional<std::string>>{"customer", "cus_1"},
        {"auditor", std::nullopt}}) {
    ClientResponse refused =
        s.PostAs(s.Token(role, "shop_a", customer), "configure-canary", kConfigure);
    CHECK(refused.status == 403);
    CHECK(refused.body.find(R"("code":"permission_denied")") != std::string::npos);
    CHECK(s.PostAs(s.Token(role, "shop_a", customer), "screen-content",
                   R"({"content_id":"a","name":"Mug","description":""})")
              .status == 403);
  }
  std::string reviewer = s.Token("reviewer");
  CHECK(s.PostAs(reviewer, "configure-canary", kConfigure).status == 403);
  // set-v2-ready is for operators only, not even admins.
  std::string admin = s.Token("admin");
  REQUIRE(s.PostAs(admin, "configure-canary", kConfigure).status == 200);
  CHECK(s.PostAs(admin, "set-v2-ready", R"({"route":"checkout","ready":true})").status == 403);
  CHECK(s.PostAs(s.Token("operator"), "set-v2-ready", R"({"route":"checkout","ready":true})")
            .status == 200);

  // A reviewer may decide a review: screening escalates a brand-like name to review.
  ClientResponse screened = s.PostAs(admin, "screen-content",
                                     R"({"content_id":"a","name":"Nikey tee","description":""})");
  REQUIRE_MESSAGE(screened.status == 200, screened.body);
  ClientResponse decided = s.PostAs(reviewer, "decide-review",
                                    R"({"content_id":"a","decision":"approve","reason":"ok"})");
  CHECK_MESSAGE(decided.status == 200, decided.body);
}

TEST_CASE("the token's subject is the actor and its tenant the tenant of appended events") {
  TokenServer s;
  ClientResponse a = s.PostAs(s.Token("admin", "shop_a"), "configure-canary", kConfigure);
  REQUIRE_MESSAGE(a.status == 200, a.body);
  ClientResponse b =
      s.PostAs(s.Token("operator", "shop_b"), "configure-canary", R"({"route":"search"})");
  REQUIRE_MESSAGE(b.status == 200, b.body);

  std::vector<RecordedEvent> events = s.AllEvents();
  REQUIRE(events.size() >= 2);
  int in_a = 0;
  int in_b = 0;
  for (const RecordedEvent& e : events) {
    CHECK(e.metadata.correlation_id == "req-9");
    if (e.stream_id == StreamId("canary-checkout")) {
      ++in_a;
      CHECK(e.tenant == TenantId("shop_a"));
      CHECK(e.metadata.actor == "user:admin-1");
    } else {
      ++in_b;
      CHECK(e.tenant == TenantId("shop_b"));
      CHECK(e.metadata.actor == "user:operator-1");
    }
  }
  CHECK(in_a > 0);
  CHECK(in_b > 0);
}

}  // namespace
}  // namespace ledger::testing
