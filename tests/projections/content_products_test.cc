// products and review_queue from the real content commands: every step of the lifecycle,
// with the projected status checked against what each command answered.
#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include "projections/content/content_tables.h"
#include "tests/projections/content_projection_support.h"

namespace ledger::projections::testing {
namespace {

using commands::testing::PayloadOf;
using content::ProductsTable;
using content::ReviewQueueTable;

const std::string kDescription(100, 'd');

std::string Screen(const std::string& id, const std::string& name) {
  return R"({"content_id":")" + id + R"(","name":")" + name + R"(","description":"Soft tee"})";
}

std::string Quality(const std::string& id, const std::string& extra = "",
                    std::int64_t price = 2500) {
  return R"({"content_id":")" + id + R"(","description":")" + kDescription +
         R"(","images":[{"width":2400,"height":3200}],"price_minor":)" + std::to_string(price) +
         R"(,"currency":"usd","category":"t-shirt")" + extra + "}";
}

const char* kProviderError =
    R"(,"provider_error":{"provider":"printify","code":"8150","message":"Blueprint unavailable",)"
    R"("product_id":"pf_1"})";

std::string Review(const std::string& id, const std::string& decision, const std::string& reason) {
  return R"({"content_id":")" + id + R"(","decision":")" + decision + R"(","reason":")" + reason +
         "\"}";
}

std::string Publish(const std::string& id) { return R"({"content_id":")" + id + "\"}"; }

// Runs content commands one a minute, projecting after each and checking that the product's
// status is the one the command answered.
class ContentRun {
 public:
  void Command(std::string_view name, const std::string& body,
               const commands::Principal& who = kOperator) {
    f.commands.clock.AdvanceMicros(60'000'000);
    boost::json::object answer = f.commands.Ok(name, body, who);
    f.Project();
    std::string id(answer.at("content_id").as_string());
    std::optional<Row> product = Product(id);
    REQUIRE(product.has_value());
    CHECK(product->Text("status") == answer.at("status").as_string());
    CHECK(product->Int("stream_version") == answer.at("stream_version").as_int64());
  }

  std::optional<Row> Product(const std::string& id) {
    return f.Find(ProductsTable(), Key{"default", id});
  }
  std::vector<Row> Queue() { return f.Rows(ReviewQueueTable()); }
  // The payload of event `version` of content-<id>.
  boost::json::object Payload(const std::string& id, std::size_t version) {
    return PayloadOf(f.commands.Stream("content-" + id).at(version - 1));
  }
  std::string Json(const std::string& id, std::size_t version, const char* field) {
    return boost::json::serialize(Payload(id, version).at(field));
  }

  ProjectedCommands f;
};

TEST_CASE("a clean item is screened, passes quality and is published") {
  ContentRun run;
  run.Command("screen-content", Screen("mug", "Cute cat mug"));
  std::optional<Row> p = run.Product("mug");
  REQUIRE(p.has_value());
  CHECK(p->Text("tenant_id") == "default");
  CHECK(p->Text("name") == "Cute cat mug");
  CHECK(p->Text("status") == "screened");
  CHECK(p->Text("screening_decision") == "pass");
  CHECK(p->IsNull("screening_rule"));  // no rule fired
  CHECK(p->Text("screening_reason") == run.Payload("mug", 1).at("reason").as_string());
  CHECK(p->Text("rule_set_version") == "v1");
  CHECK(p->IsNull("screening_review"));
  CHECK(p->IsNull("quality_verdict"));
  CHECK(p->Int("quality_evaluations") == 0);
  CHECK(p->Time("created_at") == At(60));
  CHECK(p->Time("screened_at") == At(60));
  CHECK(p->Time("updated_at") == At(60));

  run.Command("evaluate-quality", Quality("mug"));
  p = run.Product("mug");
  CHECK(p->Text("status") == "ready");
  CHECK(p->Text("quality_verdict") == "pass");
  CHECK(p->Text("quality_reason") == "every check passed");
  CHECK(p->Int("quality_evaluations") == 1);
  CHECK(p->Time("quality_at") == At(120));
  CHECK(p->IsNull("published_at"));

  run.Command("publish-content", Publish("mug"));
  p = run.Product("mug");
  CHECK(p->Text("status") == "published");
  CHECK(p->Time("published_at") == At(180));
  CHECK(p->Time("updated_at") == At(180));
  CHECK(p->Time("created_at") == At(60));
  CHECK(p->Int("stream_version") == 3);
  for (const char* column :
       {"quality_review", "reviewer", "review_decision", "review_reason", "reviewed_at"}) {
    CHECK_MESSAGE(p->IsNull(column), column);
  }
  CHECK(run.Queue().empty());
}

TEST_CASE("blocked items never enter the queue; a failed verdict can be followed by a pass") {
  ContentRun run;
  run.Command("screen-content", Screen("nike", "Nike air tee"));
  std::optional<Row> blocked = run.Product("nike");
  CHECK(blocked->Text("status") == "blocked");
  CHECK(blocked->Text("screening_decision") == "block");
  CHECK(blocked->Text("screening_rule") == "exact_term");
  CHECK(blocked->Text("screening_reason") == "block: exact_term of sports_brand 'Nike' in name");
  CHECK(run.Queue().empty());

  run.Command("screen-content", Screen("tee", "Minimalist mountain sunrise t-shirt"));
  run.Command("evaluate-quality", Quality("tee", "", 99));
  std::optional<Row> tee = run.Product("tee");
  CHECK(tee->Text("status") == "quality_failed");
  CHECK(tee->Text("quality_verdict") == "fail");
  CHECK(tee->Int("quality_evaluations") == 1);
  run.Command("evaluate-quality", Quality("tee"));
  tee = run.Product("tee");
  CHECK(tee->Text("status") == "ready");
  CHECK(tee->Text("quality_verdict") == "pass");
  CHECK(tee->Int("quality_evaluations") == 2);
  CHECK(tee->Time("quality_at") == At(240));
  CHECK(run.Queue().empty());
}

TEST_CASE("escalations wait in the review queue until a reviewer decides them") {
  ContentRun run;
  run.Command("screen-content", Screen("shorts", "Nikey running shorts"));  // 60 s
  run.Command("screen-content", Screen("joggers", "Addidas joggers"));      // 120 s
  std::vector<Row> queue = run.Queue();
  REQUIRE(queue.size() == 2);  // in key order: joggers, shorts
  const Row& q = queue[1];
  CHECK(q.Text("tenant_id") == "default");
  CHECK(q.Text("content_id") == "shorts");
  CHECK(q.Text("name") == "Nikey running shorts");
  CHECK(q.Text("origin") == "screening");
  CHECK(q.Text("reason") == run.Payload("shorts", 2).at("reason").as_string());
  CHECK(q.Text("deciding_rule") == "phonetic_match");
  CHECK(CanonicalValue(q.Get("rules")) == CanonicalValue(JsonText{run.Json("shorts", 1, "rules")}));
  CHECK(CanonicalValue(q.Get("item")) == CanonicalValue(JsonText{run.Json("shorts", 1, "item")}));
  CHECK(q.IsNull("checks"));
  CHECK(q.IsNull("provider_error"));
  CHECK(q.Int("request_version") == 2);
  CHECK(q.Text("request_event_id") ==
        run.f.commands.Stream("content-shorts")[1].event_id.ToString());
  CHECK(q.Text("requested_by") == "user:olivia");
  CHECK(q.Time("requested_at") == At(60));
  CHECK(queue[0].Text("content_id") == "joggers");
  std::optional<Row> p = run.Product("shorts");
  CHECK(p->Text("status") == "in_review");
  CHECK(p->Text("screening_decision") == "escalate");
  CHECK(p->Text("screening_rule") == "phonetic_match");
  CHECK(p->Text("screening_review") == "pending");

  run.Command("decide-review", Review("shorts", "approve", "running gear, not the brand"),
              kReviewer);  // 180 s
  queue = run.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].Text("content_id") == "joggers");
  p = run.Product("shorts");
  CHECK(p->Text("status") == "screened");
  CHECK(p->Text("screening_review") == "approved");
  CHECK(p->Text("reviewer") == "user:rita");
  CHECK(p->Text("review_decision") == "approve");
  CHECK(p->Text("review_reason") == "running gear, not the brand");
  CHECK(p->Time("reviewed_at") == At(180));

  run.Command("decide-review", Review("joggers", "reject", "knock-off"), kAdmin);  // 240 s
  CHECK(run.Queue().empty());
  std::optional<Row> joggers = run.Product("joggers");
  CHECK(joggers->Text("status") == "rejected");
  CHECK(joggers->Text("screening_review") == "rejected");
  CHECK(joggers->Text("reviewer") == "user:ada");
  CHECK(joggers->Text("review_decision") == "reject");

  // A provider error escalates the quality gate: the item queues again, now for quality.
  run.Command("evaluate-quality", Quality("shorts", kProviderError));  // 300 s
  queue = run.Queue();
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].Text("content_id") == "shorts");
  CHECK(queue[0].Text("name") == "Nikey running shorts");
  CHECK(queue[0].Text("origin") == "quality");
  CHECK(queue[0].Text("deciding_rule") == "provider_error");
  CHECK(queue[0].IsNull("rules"));
  CHECK(queue[0].IsNull("item"));
  CHECK(CanonicalValue(queue[0].Get("checks")) ==
        CanonicalValue(JsonText{run.Json("shorts", 4, "checks")}));
  CHECK(CanonicalValue(queue[0].Get("provider_error")) ==
        R"({"code":"8150","message":"Blueprint unavailable","product_id":"pf_1",)"
        R"("provider":"printify"})");
  CHECK(queue[0].Int("request_version") == 5);
  CHECK(queue[0].Time("requested_at") == At(300));
  p = run.Product("shorts");
  CHECK(p->Text("status") == "in_review");
  CHECK(p->Text("quality_verdict") == "escalate");
  CHECK(p->Text("quality_review") == "pending");
  CHECK(p->Text("screening_review") == "approved");

  run.Command("decide-review", Review("shorts", "approve", "retried by hand"), kReviewer);
  CHECK(run.Queue().empty());
  p = run.Product("shorts");
  CHECK(p->Text("status") == "ready");
  CHECK(p->Text("quality_review") == "approved");
  CHECK(p->Text("review_reason") == "retried by hand");
  CHECK(p->Time("reviewed_at") == At(360));

  run.Command("publish-content", Publish("shorts"));
  p = run.Product("shorts");
  CHECK(p->Text("status") == "published");
  CHECK(p->Time("published_at") == At(420));
  CHECK(p->Time("created_at") == At(60));
}

TEST_CASE("a quality escalation rejected in review is final") {
  ContentRun run;
  run.Command("screen-content", Screen("x", "Cute cat mug"));
  run.Command("evaluate-quality", Quality("x", kProviderError));
  CHECK(run.Queue().size() == 1);
  run.Command("decide-review", Review("x", "reject", "provider keeps failing"), kReviewer);
  CHECK(run.Queue().empty());
  std::optional<Row> p = run.Product("x");
  CHECK(p->Text("status") == "rejected");
  CHECK(p->Text("quality_review") == "rejected");
  CHECK(p->IsNull("screening_review"));
}

}  // namespace
}  // namespace ledger::projections::testing
