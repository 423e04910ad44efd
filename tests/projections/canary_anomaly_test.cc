// The canary projector checks every weight change against the split it has projected:
// changes that break the controller's invariants are recorded with the finding, counted in
// canary_state, and never dropped (the log is the truth; the anomaly is for a human).
#include <doctest/doctest.h>

#include "projections/canary/canary_tables.h"
#include "tests/projections/content_projection_support.h"

namespace ledger::projections::testing {
namespace {

using canary::CanaryStateTable;
using canary::TrafficSplitHistoryTable;
using ledger::testing::MakeAppend;
using ledger::testing::MakeEvent;

void Append(ProjectedCommands& f, const std::string& type, const std::string& payload) {
  REQUIRE(
      f.commands.store
          .Append(MakeAppend("canary-ghost", ExpectedVersion::Any(), {MakeEvent(type, payload)}))
          .ok());
}

TEST_CASE("weight changes that break the invariants are recorded with what is wrong") {
  ProjectedCommands f;
  // Out of order (no canary.configured first) and the after split sums to 110.
  Append(f, "canary.weight_changed",
         R"({"route":"ghost","before":{"v1_weight":100,"v2_weight":0},)"
         R"("after":{"v1_weight":80,"v2_weight":30},"trigger":"probe","cause":"probe_passed",)"
         R"("at":"not a time"})");
  // Not continuous with the split before it.
  Append(f, "canary.weight_changed",
         R"({"route":"ghost","before":{"v1_weight":50,"v2_weight":50},)"
         R"("after":{"v1_weight":60,"v2_weight":40},"trigger":"operator","cause":"promoted",)"
         R"("at":"2025-11-23T08:00:09.000000Z"})");
  // No weights at all.
  Append(f, "canary.weight_changed", R"({"route":"ghost","trigger":"rollback"})");
  // A probe without its failure count: counted from the state.
  Append(f, "canary.probe_recorded", R"({"route":"ghost","result":"fail"})");
  f.Project();

  std::vector<Row> history = f.Rows(TrafficSplitHistoryTable());
  REQUIRE(history.size() == 3);
  CHECK(history[0].Text("anomaly") == "after 80/30 sums to 110, not 100");
  CHECK(history[0].IsNull("decided_at"));
  CHECK(history[0].Int("change_number") == 1);
  CHECK(history[1].Text("anomaly") == "before 50/50 but the route was at 80/30");
  CHECK(history[1].Time("decided_at") == At(9));
  CHECK(history[2].Text("anomaly") == "before or after weights missing");
  CHECK(history[2].IsNull("v1_before"));
  CHECK(history[2].IsNull("v2_after"));
  CHECK(history[2].Text("trigger_source") == "rollback");
  CHECK(history[2].Text("actor") == "test");  // MakeEvent's metadata.actor

  std::optional<Row> state = f.Find(CanaryStateTable(), Key{"default", "ghost"});
  REQUIRE(state.has_value());
  CHECK(state->Int("anomalies") == 4);   // out of order + three bad changes
  CHECK(state->Int("v1_weight") == 60);  // the last change that named its split
  CHECK(state->Int("v2_weight") == 40);
  CHECK(state->Int("weight_changes") == 3);
  CHECK(state->Int("consecutive_failures") == 1);
  CHECK(state->Int("probes_failed") == 1);
  CHECK(state->IsNull("configured_at"));
  CHECK(state->IsNull("failure_threshold"));
  CHECK(state->Int("stream_version") == 4);
}

TEST_CASE("a well-formed configure after the fact is not an anomaly of its own") {
  ProjectedCommands f;
  f.commands.Ok("configure-canary", R"({"route":"ghost"})", kAdmin);
  Append(f, "canary.v2_ready_set", R"({"route":"ghost","ready":true})");
  f.Project();
  std::optional<Row> state = f.Find(CanaryStateTable(), Key{"default", "ghost"});
  REQUIRE(state.has_value());
  CHECK(state->Int("anomalies") == 0);
  CHECK(state->Bool("v2_api_ready"));
  CHECK(f.Rows(TrafficSplitHistoryTable()).empty());
}

}  // namespace
}  // namespace ledger::projections::testing
