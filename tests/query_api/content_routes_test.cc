// The content and canary routes over real HTTP, on read models the real commands and projectors
// made (RunStory: items a, b, c screened, one escalated and approved, one waiting for review,
// a canary route raised by probes): each route's happy path, order and filters.
#include <doctest/doctest.h>

#include "tests/projections/content_projection_support.h"
#include "tests/query_api/query_server.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;
using Ids = std::vector<std::string>;

// Tokens of the tenant the command fixture writes to.
constexpr const char* kTenant = "default";

class ContentServer : public QueryServer {
 public:
  ContentServer() {
    projections::testing::RunStory(commands);
    Project();
  }
  json::object Page(const std::string& target, const std::string& role = "admin") {
    return GetObject(target, Token(role, kTenant));
  }
};

TEST_CASE("products: list, detail, status and updated_at filters") {
  ContentServer q;
  json::object page = q.Page("/v1/products", "reviewer");
  CHECK(Column(page, "content_id") == Ids{"a", "b", "c"});
  CHECK(page.at("position").to_number<std::uint64_t>() ==
        q.commands.Log().back().global_position.value());
  const json::object& a = page.at("items").as_array()[0].as_object();
  CHECK(a.at("status") == "published");
  CHECK(a.at("quality_evaluations") == 1);
  CHECK(!a.contains("tenant_id"));
  CHECK(a.at("published_at").is_string());

  json::object detail = q.Page("/v1/products/c", "auditor");
  CHECK(detail.at("content_id") == "c");
  CHECK(detail.at("status") == "in_review");
  CHECK(q.Page("/v1/products/b") == page.at("items").as_array()[1].as_object());

  CHECK(Column(q.Page("/v1/products?status=in_review"), "content_id") == Ids{"c"});
  CHECK(Column(q.Page("/v1/products?status=published"), "content_id") == Ids{"a"});
  // The story's last changes share a time; one more item, later, to draw a line.
  q.commands.clock.AdvanceMicros(10'000'000);
  q.commands.Ok("screen-content", R"({"content_id":"d","name":"Plain mug","description":"x"})");
  q.Project();
  std::string updated_d = std::string(q.Page("/v1/products/d").at("updated_at").as_string());
  CHECK(Column(q.Page("/v1/products?updated_from=" + updated_d), "content_id") == Ids{"d"});
  CHECK(Column(q.Page("/v1/products?updated_to=" + updated_d), "content_id") == Ids{"a", "b", "c"});
  // Another tenant's admin sees none of it.
  CHECK(q.GetObject("/v1/products", q.Token("admin", "shop_b")).at("items").as_array().empty());
  CHECK(q.Get("/v1/products/a", q.Token("admin", "shop_b")).status == 404);
}

TEST_CASE("review-queue: what waits for a reviewer, oldest request first, JSON inline") {
  ContentServer q;
  q.commands.clock.AdvanceMicros(5'000'000);
  q.commands.Ok("screen-content", R"({"content_id":"d","name":"Nikey socks","description":""})");
  q.Project();
  json::object page = q.Page("/v1/review-queue", "reviewer");
  CHECK(Column(page, "content_id") == Ids{"c", "d"});
  const json::object& c = page.at("items").as_array()[0].as_object();
  CHECK(c.at("origin") == "screening");
  CHECK(c.at("rules").is_array());  // a JSON column, inline
  json::object second =
      q.Page("/v1/review-queue?limit=1&cursor=" +
             std::string(q.Page("/v1/review-queue?limit=1").at("next_cursor").as_string()));
  CHECK(Column(second, "content_id") == Ids{"d"});
}

TEST_CASE("screening-decisions: in recorded order; content_id, decision and time filters") {
  ContentServer q;
  json::object page = q.Page("/v1/screening-decisions", "auditor");
  CHECK(Column(page, "content_id") == Ids{"a", "b", "c"});
  CHECK(Column(page, "decision") == Ids{"pass", "escalate", "escalate"});
  CHECK(Column(q.Page("/v1/screening-decisions?decision=escalate"), "content_id") == Ids{"b", "c"});
  CHECK(Column(q.Page("/v1/screening-decisions?content_id=b"), "content_id") == Ids{"b"});
  std::string c_at = std::string(page.at("items").as_array()[2].at("recorded_at").as_string());
  CHECK(Column(q.Page("/v1/screening-decisions?recorded_from=" + c_at), "content_id") == Ids{"c"});
  CHECK(Column(q.Page("/v1/screening-decisions?recorded_to=" + c_at), "content_id") ==
        Ids{"a", "b"});
}

TEST_CASE("quality-verdicts: verdict, content_id and time filters") {
  ContentServer q;
  json::object page = q.Page("/v1/quality-verdicts", "reviewer");
  CHECK(Column(page, "content_id") == Ids{"a"});
  CHECK(Column(page, "verdict") == Ids{"pass"});
  CHECK(page.at("items").as_array()[0].at("checks").is_array());
  CHECK(q.Page("/v1/quality-verdicts?verdict=fail").at("items").as_array().empty());
  CHECK(Column(q.Page("/v1/quality-verdicts?content_id=a&verdict=pass"), "content_id") == Ids{"a"});
  CHECK(q.Page("/v1/quality-verdicts?recorded_from=2030-01-01T00:00:00Z")
            .at("items")
            .as_array()
            .empty());
}

TEST_CASE("canary: every route's state; history in chart order with route and time filters") {
  ContentServer q;
  q.commands.Ok("configure-canary", R"({"route":"checkout"})", commands::testing::kAdmin);
  q.Project();
  json::object state = q.Page("/v1/canary", "operator");
  CHECK(Column(state, "route") == Ids{"checkout", "search"});
  const json::object& search = state.at("items").as_array()[1].as_object();
  CHECK(search.at("v2_weight").as_int64() > 0);
  CHECK(search.at("v2_api_ready").is_bool());

  json::object history = q.Page("/v1/canary/history", "auditor");
  const json::array& changes = history.at("items").as_array();
  REQUIRE(!changes.empty());
  for (std::size_t i = 1; i < changes.size(); ++i) {
    CHECK(changes[i - 1].at("recorded_at").as_string() <= changes[i].at("recorded_at").as_string());
  }
  CHECK(Column(q.Page("/v1/canary/history?route=search"), "route").size() == changes.size());
  CHECK(q.Page("/v1/canary/history?route=checkout").at("items").as_array().empty());
  std::string last_at = std::string(changes.back().at("recorded_at").as_string());
  CHECK(Column(q.Page("/v1/canary/history?recorded_from=" + last_at), "route").size() >= 1);
  CHECK(Column(q.Page("/v1/canary/history?recorded_to=" + last_at), "route").size() <
        changes.size());
  // Paging through the history one by one gives the same rows.
  std::vector<json::object> paged =
      ReadAllPages(q, "/v1/canary/history?limit=1", q.Token("admin", kTenant));
  REQUIRE(paged.size() == changes.size());
  for (std::size_t i = 0; i < paged.size(); ++i) CHECK(paged[i] == changes[i].as_object());
}

}  // namespace
}  // namespace ledger::testing
