// What every query route refuses, over real HTTP: 401 without a good token, 403 for each role
// a route does not admit, 400 for a bad parameter (named), and the reader's errors; and
// min_position: already reached, reached while waiting, never reached (503 not_caught_up).
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "tests/query_api/query_server.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

std::string ErrorCode(const ClientResponse& r) {
  return std::string(json::parse(r.body).at("error").at("code").as_string());
}
std::string ErrorMessage(const ClientResponse& r) {
  return std::string(json::parse(r.body).at("error").at("message").as_string());
}

// Route -> the roles that may read it (docs/api.md, "Queries").
const std::map<std::string, std::set<std::string>>& RolesByRoute() {
  static const auto* const roles = new std::map<std::string, std::set<std::string>>{
      {"/v1/orders", {"admin", "operator", "auditor", "customer"}},
      {"/v1/orders/ord_1", {"admin", "operator", "auditor", "customer"}},
      {"/v1/products", {"admin", "operator", "reviewer", "auditor"}},
      {"/v1/products/a", {"admin", "operator", "reviewer", "auditor"}},
      {"/v1/review-queue", {"admin", "operator", "reviewer"}},
      {"/v1/screening-decisions", {"admin", "operator", "reviewer", "auditor"}},
      {"/v1/quality-verdicts", {"admin", "operator", "reviewer", "auditor"}},
      {"/v1/canary", {"admin", "operator", "auditor"}},
      {"/v1/canary/history", {"admin", "operator", "auditor"}},
  };
  return *roles;
}

TEST_CASE("each route admits exactly its roles; the others are 403 permission_denied") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord_1"});
  q.Project();
  for (const auto& entry : RolesByRoute()) {
    const std::string& route = entry.first;
    const std::set<std::string>& allowed = entry.second;
    for (std::string_view role : auth::kTokenRoles) {
      CAPTURE(route);
      CAPTURE(role);
      ClientResponse r = q.Get(route, q.Token(std::string(role)));
      if (allowed.count(std::string(role))) {
        // Details of rows that do not exist (products/a before RunStory) are 404, not 403.
        CHECK((r.status == 200 || r.status == 404));
      } else {
        CHECK(r.status == 403);
        CHECK(ErrorCode(r) == "permission_denied");
        CHECK(ErrorMessage(r).find("role '" + std::string(role) + "'") != std::string::npos);
      }
    }
  }
}

TEST_CASE("no token, a bad token, an expired or forged one: 401 with a challenge") {
  QueryServer q;
  std::string good = q.Token("admin");
  std::string forged = good;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (const std::optional<std::string>& token :
       {std::optional<std::string>(), std::optional<std::string>("not-a-token"),
        std::optional<std::string>(forged), std::optional<std::string>(AdminPayload()),
        std::optional<std::string>(
            SignHs256(R"({"alg":"HS256","typ":"JWT"})", AdminPayload(kNow - 3600)))}) {
    for (std::string route : {"/v1/orders", "/v1/orders/ord_1", "/v1/canary/history"}) {
      ClientResponse r = q.Get(route, token);
      CHECK(r.status == 401);
      CHECK(ErrorCode(r) == "unauthenticated");
      CHECK(r.Header("www-authenticate").rfind("Bearer", 0) == 0);
    }
  }
  CHECK(q.Get("/v1/orders", good).status == 200);
}

TEST_CASE("bad parameters are 400 invalid_argument naming the parameter") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord_1"});
  q.Project();
  std::string token = q.Token("admin");
  struct Case {
    std::string target, names;
  };
  for (const Case& c : std::vector<Case>{
           {"/v1/orders?limit=0", "limit"},
           {"/v1/orders?limit=501", "limit"},
           {"/v1/orders?limit=ten", "limit"},
           {"/v1/orders?limit=-1", "limit"},
           {"/v1/orders?limit", "limit"},
           {"/v1/orders?limit=5&limit=6", "limit"},
           {"/v1/orders?stauts=paid", "stauts"},
           {"/v1/orders?route=checkout", "route"},  // a filter of another resource
           {"/v1/orders?status=", "status"},
           {"/v1/orders?status=paid&status=new", "status"},
           {"/v1/orders?created_from=yesterday", "created_from"},
           {"/v1/orders?created_to=2026-13-01T00:00:00Z", "created_to"},
           {"/v1/orders?min_position=-3", "min_position"},
           {"/v1/orders?min_position=x", "min_position"},
           {"/v1/orders?cursor=%%%", "query string"},
           {"/v1/orders?cursor=!!", "cursor"},
           {"/v1/orders?cursor=", "cursor"},
           {"/v1/orders/ord_1?limit=5", "limit"},  // details take no paging
           {"/v1/orders/ord_1?min_position=x", "min_position"},
           {"/v1/canary/history?recorded_from=2026", "recorded_from"},
           {"/v1/products/a?as_of=2026-01-01T00:00:00Z", "as_of"},
       }) {
    CAPTURE(c.target);
    ClientResponse r = q.Get(c.target, token);
    CHECK(r.status == 400);
    if (r.status != 400) continue;
    CHECK(ErrorCode(r) == "invalid_argument");
    CHECK(ErrorMessage(r).find(c.names) != std::string::npos);
  }
  CHECK(q.Get("/v1/orders?limit=500", token).status == 200);
  CHECK(q.Get("/v1/orders?limit=1", token).status == 200);
}

TEST_CASE("a cursor of another resource, or a damaged one, is 400 naming the cursor") {
  QueryServer q;
  // The command fixture writes to the default tenant; the orders go there too.
  for (std::string id : {"ord_1", "ord_2"}) q.PlaceOrder({.tenant = "default", .order_id = id});
  commands::testing::CommandFixture& c = q.commands;
  c.Ok("configure-canary", R"({"route":"search"})", commands::testing::kAdmin);
  c.Ok("configure-canary", R"({"route":"checkout"})", commands::testing::kAdmin);
  q.Project();
  std::string token = q.Token("admin", "default");
  std::string orders_cursor =
      std::string(q.GetObject("/v1/orders?limit=1", token).at("next_cursor").as_string());
  std::string canary_cursor =
      std::string(q.GetObject("/v1/canary?limit=1", token).at("next_cursor").as_string());

  ClientResponse crossed = q.Get("/v1/canary?cursor=" + orders_cursor, token);
  CHECK(crossed.status == 400);
  CHECK(ErrorMessage(crossed).rfind("cursor: ", 0) == 0);
  CHECK(q.Get("/v1/orders?cursor=" + canary_cursor, token).status == 400);
  std::string truncated = orders_cursor.substr(0, orders_cursor.size() - 3);
  CHECK(q.Get("/v1/orders?cursor=" + truncated, token).status == 400);
  CHECK(q.Get("/v1/orders?cursor=" + orders_cursor, token).status == 200);
}

// A reader that answers every call with a fixed error: the logic above the interface.
class FailingReader final : public queries::ReadModelReader {
 public:
  explicit FailingReader(Status status) : status_(std::move(status)) {}
  Result<std::vector<projections::Row>> List(const queries::Scope&,
                                             const queries::ListQuery&) override {
    return status_;
  }
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return std::vector<Checkpoint>(); }
  Result<queries::ReadSet> ReadTogether(const queries::Scope&, std::span<const queries::ListQuery>,
                                        bool) override {
    return status_;
  }

 private:
  Status status_;
};

TEST_CASE("reader errors: Unavailable is 503 with Retry-After, InvalidArgument 400") {
  {
    QueryServer q({}, std::make_shared<FailingReader>(Unavailable("the database went away")));
    ClientResponse r = q.Get("/v1/orders", q.Token("admin"));
    CHECK(r.status == 503);
    CHECK(!r.Header("retry-after").empty());
    CHECK(q.Get("/v1/orders/ord_1", q.Token("admin")).status == 503);
  }
  {
    QueryServer q({}, std::make_shared<FailingReader>(InvalidArgument("bad query")));
    CHECK(q.Get("/v1/products", q.Token("admin")).status == 400);
  }
  {
    QueryServer q({}, std::make_shared<FailingReader>(FailedPrecondition("no table products")));
    json::object page = q.GetObject("/v1/products", q.Token("admin"));
    CHECK(page.at("items").as_array().empty());
  }
}

TEST_CASE("min_position already reached answers at once") {
  QueryServer q;
  GlobalPosition placed = q.PlaceOrder({.order_id = "ord_1"});
  q.Project();
  std::string token = q.Token("admin");
  auto started = std::chrono::steady_clock::now();
  json::object page =
      q.GetObject("/v1/orders?min_position=" + std::to_string(placed.value()), token);
  CHECK(std::chrono::steady_clock::now() - started < milliseconds(400));
  CHECK(page.at("position").to_number<std::uint64_t>() >= placed.value());
  CHECK(Column(page, "order_id") == std::vector<std::string>{"ord_1"});
  CHECK(q.GetObject("/v1/orders/ord_1?min_position=0", token).at("order_id") == "ord_1");
}

TEST_CASE("min_position reached while waiting: the write is in the answer") {
  QueryServer q([](query::QueryRouteOptions& options) { options.max_wait = milliseconds(5000); });
  q.PlaceOrder({.order_id = "ord_1"});
  q.Project();
  GlobalPosition written = q.PlaceOrder({.order_id = "ord_2"});  // not projected yet
  std::string token = q.Token("admin");
  auto projector = std::async(std::launch::async, [&q] {
    std::this_thread::sleep_for(milliseconds(200));
    q.Project();
  });
  auto started = std::chrono::steady_clock::now();
  ClientResponse r =
      q.Get("/v1/orders/ord_2?min_position=" + std::to_string(written.value()), token);
  auto waited = std::chrono::steady_clock::now() - started;
  projector.get();
  CHECK(r.status == 200);
  CHECK(waited >= milliseconds(150));
  json::object page =
      q.GetObject("/v1/orders?min_position=" + std::to_string(written.value()), token);
  CHECK(Column(page, "order_id") == std::vector<std::string>{"ord_1", "ord_2"});
  CHECK(page.at("position").to_number<std::uint64_t>() == written.value());
}

TEST_CASE("min_position never reached: 503 not_caught_up with Retry-After 1 after max_wait") {
  QueryServer q([](query::QueryRouteOptions& options) { options.max_wait = milliseconds(300); });
  GlobalPosition placed = q.PlaceOrder({.order_id = "ord_1"});
  q.Project();
  std::string token = q.Token("customer");
  auto started = std::chrono::steady_clock::now();
  ClientResponse r = q.Get("/v1/orders?min_position=" + std::to_string(placed.value() + 1), token);
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(r.status == 503);
  CHECK(ErrorCode(r) == "not_caught_up");
  CHECK(r.Header("retry-after") == "1");
  CHECK(waited >= milliseconds(300));
  CHECK(waited < milliseconds(3000));
  CHECK(q.Get("/v1/orders/ord_1?min_position=999999", token).status == 503);
}

}  // namespace
}  // namespace ledger::testing
