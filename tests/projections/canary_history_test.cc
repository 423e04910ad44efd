// The canary read models from the real canary commands: a probe sequence up to 90, the
// operator's ready flag, a promotion to 100, rollbacks by failures and by hand. The
// traffic_split_history it produces is spelled out row by row (issue 6, "done when").
#include <doctest/doctest.h>

#include "commands/canary/canary_state.h"
#include "engine/time.h"
#include "projections/canary/canary_tables.h"
#include "tests/projections/content_projection_support.h"

namespace ledger::projections::testing {
namespace {

using canary::CanaryStateTable;
using canary::TrafficSplitHistoryTable;

// One expected traffic_split_history row.
struct Change {
  std::int64_t change_number;
  std::int64_t stream_version;
  std::int64_t v2_before;
  std::int64_t v2_after;
  const char* trigger_source;
  const char* cause;
  std::string probe_id;  // empty: NULL
  const char* actor;
  std::int64_t second;  // recorded at At(second)
};

// Runs the canary commands for route "checkout", one a minute, projecting after each and
// checking that canary_state agrees with what the command answered.
class CanaryRun {
 public:
  void Command(std::string_view name, const std::string& body, const commands::Principal& who) {
    f.commands.clock.AdvanceMicros(60'000'000);
    boost::json::object answer = f.commands.Ok(name, body, who);
    f.Project();
    std::optional<Row> state = f.Find(CanaryStateTable(), Key{"default", "checkout"});
    REQUIRE(state.has_value());
    CHECK(state->Int("v1_weight") == answer.at("v1_weight").as_int64());
    CHECK(state->Int("v2_weight") == answer.at("v2_weight").as_int64());
    CHECK(state->Bool("v2_api_ready") == answer.at("v2_ready").as_bool());
    CHECK(state->Int("failure_threshold") == answer.at("failure_threshold").as_int64());
    CHECK(state->Int("step") == answer.at("step").as_int64());
    CHECK(state->Int("consecutive_failures") == answer.at("consecutive_failures").as_int64());
    CHECK(state->Int("stream_version") == answer.at("stream_version").as_int64());
    CHECK(state->Int("v1_weight") + state->Int("v2_weight") == 100);
  }
  void Probe(const std::string& id, bool pass) {
    Command("record-probe",
            R"({"route":"checkout","result":")" + std::string(pass ? "pass" : "fail") +
                R"(","probe_id":")" + id + R"("})",
            kSystem);
  }

  ProjectedCommands f;
};

TEST_CASE("a probe sequence produces the expected traffic_split_history") {
  CanaryRun run;
  // Stream versions in brackets; command n runs at minute n.
  // [1] created at 100/0
  run.Command("configure-canary", R"({"route":"checkout","failure_threshold":2,"step":10})",
              kAdmin);
  // [2..19] nine passes, each a probe_recorded and a weight_changed: v2 0 -> 90
  for (int i = 1; i <= 9; ++i) run.Probe("p-" + std::to_string(i), true);
  // [20] at the cap of 90 without ready: the probe is recorded, the split stays
  run.Probe("p-10", true);
  // [21] the operator marks v2 ready
  run.Command("set-v2-ready", R"({"route":"checkout","ready":true})", kOperator);
  // [22, 23] 90 -> 99: the automated cap once ready
  run.Probe("p-11", true);
  // [24, 25] readiness revoked: back to 90
  run.Command("set-v2-ready", R"({"route":"checkout","ready":false})", kOperator);
  // [26, 27] ready again and promoted: 90 -> 100, the only way there
  run.Command("set-v2-ready", R"({"route":"checkout","ready":true,"promote":true})", kOperator);
  // [28] [29, 30] the second failure in a row rolls v2 back to 0
  run.Probe("p-12", false);
  run.Probe("p-13", false);
  // [31, 32] a pass raises it again; [33] the operator rolls it back by hand
  run.Probe("p-14", true);
  run.Command("rollback-canary", R"({"route":"checkout","reason":"error budget spent"})",
              kOperator);

  std::vector<Change> expected;
  for (int i = 1; i <= 9; ++i) {
    // Probe i is command i + 1, at minute i + 1; its change follows its probe_recorded.
    expected.push_back(Change{i, 2 * i + 1, 10 * (i - 1), 10 * i, "probe", "probe_passed",
                              "p-" + std::to_string(i), "system:prober", 60 * (i + 1)});
  }
  expected.push_back(Change{10, 23, 90, 99, "probe", "probe_passed", "p-11", "system:prober", 780});
  expected.push_back(
      Change{11, 25, 99, 90, "operator", "v2_ready_revoked", "", "user:olivia", 840});
  expected.push_back(Change{12, 27, 90, 100, "operator", "promoted", "", "user:olivia", 900});
  expected.push_back(
      Change{13, 30, 100, 0, "rollback", "consecutive_failures", "p-13", "system:prober", 1020});
  expected.push_back(Change{14, 32, 0, 10, "probe", "probe_passed", "p-14", "system:prober", 1080});
  expected.push_back(Change{15, 33, 10, 0, "rollback", "manual_rollback", "", "user:olivia", 1140});

  std::vector<Row> history = run.f.Rows(TrafficSplitHistoryTable());
  REQUIRE(history.size() == expected.size());
  std::vector<RecordedEvent> log = run.f.commands.Stream("canary-checkout");
  REQUIRE(log.size() == 33);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Change& want = expected[i];
    const Row& row = history[i];
    CAPTURE(i);
    CHECK(row.Text("tenant_id") == "default");
    CHECK(row.Text("route") == "checkout");
    CHECK(row.Int("change_number") == want.change_number);
    CHECK(row.Int("stream_version") == want.stream_version);
    const RecordedEvent& event = log[static_cast<std::size_t>(want.stream_version) - 1];
    CHECK(event.event_type == "canary.weight_changed");
    CHECK(row.Int("global_position") == static_cast<std::int64_t>(event.global_position.value()));
    CHECK(row.Text("event_id") == event.event_id.ToString());
    CHECK(row.Int("v1_before") == 100 - want.v2_before);
    CHECK(row.Int("v2_before") == want.v2_before);
    CHECK(row.Int("v1_after") == 100 - want.v2_after);
    CHECK(row.Int("v2_after") == want.v2_after);
    CHECK(row.Int("v1_before") + row.Int("v2_before") == 100);
    CHECK(row.Int("v1_after") + row.Int("v2_after") == 100);
    CHECK(row.Text("trigger_source") == want.trigger_source);
    CHECK(row.Text("cause") == want.cause);
    if (want.probe_id.empty()) {
      CHECK(row.IsNull("probe_id"));
    } else {
      CHECK(row.Text("probe_id") == want.probe_id);
    }
    CHECK(row.Text("actor") == want.actor);
    CHECK(row.Time("recorded_at") == At(want.second));
    CHECK(row.Time("decided_at") == At(want.second));
    CHECK(row.IsNull("anomaly"));
    CHECK_FALSE(row.IsNull("reason"));
  }
  CHECK(history[14].Text("reason") == "error budget spent");
  CHECK(history[12].Text("reason") == "2 consecutive probe failures (threshold 2)");

  std::optional<Row> state = run.f.Find(CanaryStateTable(), Key{"default", "checkout"});
  REQUIRE(state.has_value());
  CHECK(state->Int("v1_weight") == 100);
  CHECK(state->Int("v2_weight") == 0);
  CHECK(state->Bool("v2_api_ready"));
  CHECK(state->Int("failure_threshold") == 2);
  CHECK(state->Int("step") == 10);
  CHECK(state->Int("consecutive_failures") == 0);
  CHECK(state->Int("probes_passed") == 12);
  CHECK(state->Int("probes_failed") == 2);
  CHECK(state->Text("last_probe_result") == "pass");
  CHECK(state->Time("last_probe_at") == At(1080));
  CHECK(state->Int("weight_changes") == 15);
  CHECK(state->Text("last_trigger_source") == "rollback");
  CHECK(state->Text("last_cause") == "manual_rollback");
  CHECK(state->Time("last_change_at") == At(1140));
  CHECK(state->Int("anomalies") == 0);
  CHECK(state->Time("configured_at") == At(60));
  CHECK(state->Time("updated_at") == At(1140));
  CHECK(state->Int("stream_version") == 33);
}

TEST_CASE("settings changes and consecutive failures are tracked per route") {
  CanaryRun run;
  run.Command("configure-canary", R"({"route":"checkout"})", kAdmin);
  std::optional<Row> state = run.f.Find(CanaryStateTable(), Key{"default", "checkout"});
  REQUIRE(state.has_value());
  CHECK(state->Int("failure_threshold") == commands::kDefaultFailureThreshold);
  CHECK(state->Int("step") == commands::kDefaultStep);
  run.Probe("a", true);
  run.Probe("b", false);
  run.Probe("c", false);  // 2 of 3: no rollback yet
  state = run.f.Find(CanaryStateTable(), Key{"default", "checkout"});
  CHECK(state->Int("consecutive_failures") == 2);
  CHECK(state->Int("v2_weight") == 10);
  CHECK(state->Text("last_probe_result") == "fail");
  run.Command("configure-canary", R"({"route":"checkout","failure_threshold":5,"step":25})",
              kAdmin);
  state = run.f.Find(CanaryStateTable(), Key{"default", "checkout"});
  CHECK(state->Int("failure_threshold") == 5);
  CHECK(state->Int("step") == 25);
  CHECK(state->Int("v2_weight") == 10);
  CHECK(state->Time("configured_at") == At(60));  // when the route was created
  run.Probe("d", true);
  CHECK(run.f.Rows(TrafficSplitHistoryTable()).back().Int("v2_after") == 35);
  CHECK(run.f.Find(CanaryStateTable(), Key{"default", "checkout"})->Int("anomalies") == 0);
}

}  // namespace
}  // namespace ledger::projections::testing
