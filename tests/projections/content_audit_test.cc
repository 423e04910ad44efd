// screening_decisions and quality_verdicts: one row per decision or verdict event, holding
// what the audit needs (rule, evidence, rule set, checks) straight from the payloads.
#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include "projections/content/content_tables.h"
#include "tests/projections/content_projection_support.h"

namespace ledger::projections::testing {
namespace {

using commands::testing::PayloadOf;
using content::QualityVerdictsTable;
using content::ScreeningDecisionsTable;

std::string Body(const std::string& id, const std::string& name) {
  return R"({"content_id":")" + id + R"(","name":")" + name + R"(","description":"Soft tee"})";
}

std::string Quality(const std::string& id, std::int64_t price, const std::string& extra = "") {
  return R"({"content_id":")" + id + R"(","description":")" + std::string(100, 'd') +
         R"(","images":[{"width":2400,"height":3200}],"price_minor":)" + std::to_string(price) +
         R"(,"currency":"eur","category":"t-shirt")" + extra + "}";
}

std::string Canonical(const boost::json::value& v) {
  return CanonicalValue(JsonText{boost::json::serialize(v)});
}

TEST_CASE("every screening decision is a row with its rule, evidence and rule set") {
  ProjectedCommands f;
  f.commands.Ok("screen-content", Body("a", "Nike air tee"));
  f.commands.clock.AdvanceMicros(1'000'000);
  f.commands.Ok("screen-content", Body("b", "Nikey running shorts"), kAdmin);
  f.commands.clock.AdvanceMicros(1'000'000);
  f.commands.Ok("screen-content", Body("c", "Cute cat mug"));
  f.Project();

  std::vector<Row> rows = f.Rows(ScreeningDecisionsTable());
  REQUIRE(rows.size() == 3);
  const char* ids[] = {"a", "b", "c"};
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const Row& row = rows[i];
    const RecordedEvent event = f.commands.Stream(std::string("content-") + ids[i]).at(0);
    boost::json::object p = PayloadOf(event);
    CHECK(row.Text("tenant_id") == "default");
    CHECK(row.Text("content_id") == ids[i]);
    CHECK(row.Int("stream_version") == 1);
    CHECK(row.Int("global_position") == static_cast<std::int64_t>(event.global_position.value()));
    CHECK(row.Text("event_id") == event.event_id.ToString());
    CHECK(row.Text("name") == p.at("item").at("name").as_string());
    CHECK(row.Text("decision") == p.at("decision").as_string());
    CHECK(row.Text("reason") == p.at("reason").as_string());
    CHECK(CanonicalValue(row.Get("rules")) == Canonical(p.at("rules")));
    CHECK(row.Int("rules_total") == p.at("rules_total").as_int64());
    CHECK(row.Text("rule_set_version") == "v1");
    CHECK(row.Text("rule_set_digest") == p.at("rule_set").at("digest").as_string());
    CHECK(row.IsNull("model_status"));  // no model screener configured
    CHECK(row.Text("input_sha256") == p.at("input_sha256").as_string());
    CHECK(row.Time("recorded_at") == event.recorded_at);
  }
  CHECK(rows[0].Text("decision") == "block");
  CHECK(rows[0].Text("deciding_rule") == "exact_term");
  CHECK(rows[0].Text("term") == "Nike");
  CHECK(rows[0].Text("term_category") == "sports_brand");
  CHECK(rows[0].Text("decided_by") == "user:olivia");
  CHECK(rows[0].Time("recorded_at") == At(0));
  CHECK(rows[1].Text("decision") == "escalate");
  CHECK(rows[1].Text("deciding_rule") == "phonetic_match");
  CHECK(rows[1].Text("term") == "Nike");
  CHECK(rows[1].Text("decided_by") == "user:ada");
  CHECK(rows[1].Time("recorded_at") == At(1));
  CHECK(rows[2].Text("decision") == "pass");
  CHECK(rows[2].IsNull("deciding_rule"));
  CHECK(rows[2].IsNull("term"));
  CHECK(rows[2].Int("rules_total") == 0);
  CHECK(rows[2].Text("rules") == "[]");
}

TEST_CASE("every quality verdict is a row with each check and the failed ones named") {
  ProjectedCommands f;
  f.commands.Ok("screen-content", Body("q", "Cute cat mug"));
  f.commands.Ok("evaluate-quality", Quality("q", 99));
  f.commands.clock.AdvanceMicros(5'000'000);
  f.commands.Ok(
      "evaluate-quality",
      Quality("q", 2500, R"(,"provider_error":{"provider":"stripe","message":"rate limited"})"));
  f.commands.clock.AdvanceMicros(5'000'000);
  f.commands.Ok("decide-review", R"({"content_id":"q","decision":"approve","reason":"ok"})",
                kReviewer);
  f.Project();

  std::vector<Row> rows = f.Rows(QualityVerdictsTable());
  REQUIRE(rows.size() == 2);
  std::vector<RecordedEvent> stream = f.commands.Stream("content-q");
  const Row& failed = rows[0];
  CHECK(failed.Text("content_id") == "q");
  CHECK(failed.Int("stream_version") == 2);
  CHECK(failed.Int("global_position") ==
        static_cast<std::int64_t>(stream[1].global_position.value()));
  CHECK(failed.Text("event_id") == stream[1].event_id.ToString());
  CHECK(failed.Text("verdict") == "fail");
  CHECK(failed.Text("reason") == PayloadOf(stream[1]).at("reason").as_string());
  CHECK(CanonicalValue(failed.Get("checks")) == Canonical(PayloadOf(stream[1]).at("checks")));
  CHECK(failed.Text("failed_checks") == R"(["price_range"])");
  CHECK(failed.Text("policy_version") == "quality-v1");
  CHECK(failed.Int("price_minor") == 99);
  CHECK(failed.Text("currency") == "EUR");
  CHECK(failed.Text("category") == "t-shirt");
  CHECK(failed.IsNull("provider_error"));
  CHECK(failed.Text("evaluated_by") == "user:olivia");
  CHECK(failed.Time("recorded_at") == At(0));

  const Row& escalated = rows[1];
  CHECK(escalated.Int("stream_version") == 3);
  CHECK(escalated.Text("verdict") == "escalate");
  CHECK(escalated.Text("failed_checks") == R"(["provider_error"])");
  CHECK(escalated.Int("price_minor") == 2500);
  CHECK(CanonicalValue(escalated.Get("provider_error")) ==
        R"({"code":"","message":"rate limited","product_id":"","provider":"stripe"})");
  CHECK(escalated.Time("recorded_at") == At(5));
}

}  // namespace
}  // namespace ledger::projections::testing
