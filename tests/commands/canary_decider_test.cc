#include "commands/canary/canary_decider.h"

#include <doctest/doctest.h>

namespace ledger::commands {
namespace {

const Timestamp kNow(1'000'000);

CanaryState Configured(int threshold = 3, int step = 10) {
  CanaryState s;
  s.route = "checkout";
  for (const CanaryEvent& e :
       DecideConfigure(s, "checkout", threshold, step, CanarySettings{}).value()) {
    Apply(s, e);
  }
  return s;
}

// Applies `events` to `s` and returns them.
std::vector<CanaryEvent> Run(CanaryState& s, Result<std::vector<CanaryEvent>> events) {
  REQUIRE_MESSAGE(events.ok(), events.status().ToString());
  for (const CanaryEvent& e : *events) Apply(s, e);
  return std::move(events).value();
}

ProbeResult Pass(std::string id = "") { return ProbeResult{std::move(id), true, 12}; }
ProbeResult Fail(std::string id = "") { return ProbeResult{std::move(id), false, std::nullopt}; }

TEST_CASE("a new route starts at v1 100 / v2 0 with default settings") {
  CanaryState s;
  std::vector<CanaryEvent> events =
      Run(s, DecideConfigure(s, "checkout", std::nullopt, std::nullopt, CanarySettings{}));
  REQUIRE(events.size() == 1);
  const auto& configured = std::get<CanaryConfigured>(events[0]);
  CHECK(configured.settings.failure_threshold == 3);
  CHECK(configured.settings.step == 10);
  CHECK_FALSE(configured.before.has_value());
  CHECK(s.exists);
  CHECK(s.v1_weight() == 100);
  CHECK(s.v2_weight == 0);
}

TEST_CASE("each pass raises v2 by the step, capped at 90 until ready") {
  CanaryState s = Configured();
  for (int i = 1; i <= 9; ++i) {
    std::vector<CanaryEvent> events = Run(s, DecideProbe(s, Pass(), kNow));
    REQUIRE(events.size() == 2);
    const auto& change = std::get<WeightChanged>(events[1]);
    CHECK(change.before_v2 == (i - 1) * 10);
    CHECK(change.after_v2 == i * 10);
    CHECK(change.trigger == Trigger::kProbe);
    CHECK(change.cause == "probe_passed");
    CHECK(change.at == kNow);
  }
  CHECK(s.v2_weight == 90);
  std::vector<CanaryEvent> capped = Run(s, DecideProbe(s, Pass(), kNow));
  CHECK(capped.size() == 1);  // recorded, no weight change
  CHECK(s.v2_weight == 90);
}

TEST_CASE("once ready, probes may go above 90 but never to 100, an operator promotes") {
  CanaryState s = Configured(3, 25);
  for (int i = 0; i < 4; ++i) Run(s, DecideProbe(s, Pass(), kNow));
  CHECK(s.v2_weight == 90);
  Run(s, DecideSetReady(s, true, false, "v2 load-tested", kNow));
  CHECK(s.v2_ready);
  for (int i = 0; i < 5; ++i) Run(s, DecideProbe(s, Pass(), kNow));
  CHECK(s.v2_weight == kMaxAutomatedV2);
  std::vector<CanaryEvent> promoted = Run(s, DecideSetReady(s, true, true, "go", kNow));
  REQUIRE(promoted.size() == 1);
  CHECK(std::get<WeightChanged>(promoted[0]).trigger == Trigger::kOperator);
  CHECK(std::get<WeightChanged>(promoted[0]).cause == "promoted");
  CHECK(s.v2_weight == 100);
  CHECK(s.v1_weight() == 0);
}

TEST_CASE("revoking ready brings v2 back to 90 in the same command") {
  CanaryState s = Configured(3, 50);
  Run(s, DecideSetReady(s, true, true, "", kNow));
  CHECK(s.v2_weight == 100);
  CHECK(std::get<V2ReadySet>(DecideSetReady(s, false, false, "", kNow)->front()).reason ==
        "v2 marked not ready");
  std::vector<CanaryEvent> events = Run(s, DecideSetReady(s, false, false, "regression", kNow));
  REQUIRE(events.size() == 2);
  CHECK(std::get<V2ReadySet>(events[0]).ready == false);
  CHECK(std::get<WeightChanged>(events[1]).after_v2 == 90);
  CHECK(std::get<WeightChanged>(events[1]).cause == "v2_ready_revoked");
  CHECK(Run(s, DecideSetReady(s, false, false, "", kNow)).empty());  // already so
  CHECK(DecideSetReady(s, false, true, "", kNow).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("the configured number of consecutive failures rolls v2 back to 0 in one event") {
  CanaryState s = Configured(3, 10);
  for (int i = 0; i < 5; ++i) Run(s, DecideProbe(s, Pass(), kNow));
  Run(s, DecideProbe(s, Fail(), kNow));
  Run(s, DecideProbe(s, Fail(), kNow));
  CHECK(s.v2_weight == 50);
  CHECK(s.consecutive_failures == 2);
  std::vector<CanaryEvent> events = Run(s, DecideProbe(s, Fail("p-9"), kNow));
  REQUIRE(events.size() == 2);
  const auto& rollback = std::get<WeightChanged>(events[1]);
  CHECK(rollback.before_v2 == 50);
  CHECK(rollback.after_v2 == 0);
  CHECK(rollback.trigger == Trigger::kRollback);
  CHECK(rollback.cause == "consecutive_failures");
  CHECK(rollback.probe_id == "p-9");
  CHECK(rollback.reason == "3 consecutive probe failures (threshold 3)");
  CHECK(s.v2_weight == 0);
  CHECK(s.consecutive_failures == 0);
}

TEST_CASE("a pass between failures resets the count") {
  CanaryState s = Configured(2, 10);
  Run(s, DecideProbe(s, Pass(), kNow));
  Run(s, DecideProbe(s, Fail(), kNow));
  Run(s, DecideProbe(s, Pass(), kNow));
  Run(s, DecideProbe(s, Fail(), kNow));
  CHECK(s.v2_weight == 20);
  CHECK(s.consecutive_failures == 1);
}

TEST_CASE("manual rollback, and nothing to do at 0") {
  CanaryState s = Configured();
  Run(s, DecideProbe(s, Pass(), kNow));
  std::vector<CanaryEvent> events = Run(s, DecideRollback(s, "error budget burnt", kNow));
  REQUIRE(events.size() == 1);
  CHECK(std::get<WeightChanged>(events[0]).cause == "manual_rollback");
  CHECK(std::get<WeightChanged>(events[0]).reason == "error budget burnt");
  CHECK(s.v2_weight == 0);
  CHECK(Run(s, DecideRollback(s, "again", kNow)).empty());
}

TEST_CASE("a redelivered probe id changes nothing") {
  CanaryState s = Configured();
  Run(s, DecideProbe(s, Pass("p-1"), kNow));
  CHECK(Run(s, DecideProbe(s, Pass("p-1"), kNow)).empty());
  CHECK(s.v2_weight == 10);
}

TEST_CASE("reconfiguring records before and after, the same settings change nothing") {
  CanaryState s = Configured();
  std::vector<CanaryEvent> events = Run(s, DecideConfigure(s, "checkout", 5, std::nullopt, {}));
  REQUIRE(events.size() == 1);
  const auto& e = std::get<CanaryConfigured>(events[0]);
  CHECK(e.before->failure_threshold == 3);
  CHECK(e.settings.failure_threshold == 5);
  CHECK(e.settings.step == 10);
  CHECK(e.reason == "settings changed: failure_threshold 3 -> 5, step 10 -> 10");
  CHECK(Run(s, DecideConfigure(s, "checkout", 5, 10, {})).empty());
}

TEST_CASE("unknown routes are NotFound") {
  CanaryState s;
  CHECK(DecideProbe(s, Pass(), kNow).status().code() == StatusCode::kNotFound);
  CHECK(DecideSetReady(s, true, false, "", kNow).status().code() == StatusCode::kNotFound);
  CHECK(DecideRollback(s, "", kNow).status().code() == StatusCode::kNotFound);
}

TEST_CASE("events round-trip through their payloads") {
  CanaryState s = Configured(4, 20);
  std::vector<RecordedEvent> history;
  auto record = [&](const std::vector<CanaryEvent>& events) {
    for (const CanaryEvent& e : events) {
      RecordedEvent r;
      r.stream_id = StreamId("canary-checkout");
      r.stream_version = StreamVersion(history.size() + 1);
      r.event_type = std::string(CanaryEventType(e));
      r.payload = EncodeCanaryEvent(e);
      history.push_back(std::move(r));
    }
  };
  CanaryState live;
  live.route = "checkout";
  record(Run(live, DecideConfigure(live, "checkout", 4, 20, {})));
  record(Run(live, DecideProbe(live, Pass("a"), kNow)));
  record(Run(live, DecideProbe(live, Fail("b"), kNow)));
  record(Run(live, DecideSetReady(live, true, false, "ok", kNow)));
  Result<CanaryState> folded = FoldCanary(history);
  REQUIRE(folded.ok());
  CHECK(folded->v2_weight == live.v2_weight);
  CHECK(folded->v2_ready == live.v2_ready);
  CHECK(folded->settings == live.settings);
  CHECK(folded->consecutive_failures == live.consecutive_failures);
  CHECK(folded->recent_probe_ids == live.recent_probe_ids);
  CHECK(EncodeCanaryEvent(DecideProbe(live, Fail("c"), kNow)->front())
            .find(R"("reason":"probe c failed: 2 in a row, threshold 4")") != std::string::npos);
  history[1].payload = R"({"route":"checkout"})";
  CHECK(FoldCanary(history).status().code() == StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ledger::commands
