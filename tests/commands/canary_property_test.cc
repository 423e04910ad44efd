// Property tests of the canary controller: long random sequences of probe results and
// operator actions (seeded, so failures reproduce), with the invariants checked after every
// step, i.e. on every prefix of the history.
#include <doctest/doctest.h>

#include <random>

#include "commands/canary/canary_decider.h"
#include "commands/event_types.h"
#include "tests/commands/command_fixture.h"

namespace ledger::commands {
namespace {

enum class Action { kPass, kFail, kReady, kUnready, kPromote, kRollback, kConfigure };

struct Step {
  Action action;
  int threshold = 0;
  int step = 0;
};

// Mostly probes, sometimes an operator: the mix that exercises caps, rollbacks and ready.
std::vector<Step> RandomSteps(std::uint32_t seed, int count) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<int> threshold(1, 6);
  std::uniform_int_distribution<int> step(1, 40);
  std::vector<Step> steps;
  for (int i = 0; i < count; ++i) {
    int p = pick(rng);
    Action a = p < 55   ? Action::kPass
               : p < 85 ? Action::kFail
               : p < 89 ? Action::kReady
               : p < 93 ? Action::kUnready
               : p < 95 ? Action::kPromote
               : p < 97 ? Action::kRollback
                        : Action::kConfigure;
    steps.push_back(Step{a, threshold(rng), step(rng)});
  }
  return steps;
}

// What the invariants need to remember between steps.
struct Model {
  int failures_in_a_row = 0;  // since the last passing probe or operator promotion
};

void CheckChange(const WeightChanged& e) {
  CHECK(e.before_v2 >= 0);
  CHECK(e.before_v2 <= 100);
  CHECK(e.after_v2 >= 0);
  CHECK(e.after_v2 <= 100);
  CHECK(e.before_v2 != e.after_v2);
  if (e.after_v2 == 100) {  // no automated path to 100
    CHECK(e.trigger == Trigger::kOperator);
    CHECK(e.cause == "promoted");
  }
  if (e.trigger == Trigger::kProbe) CHECK(e.after_v2 <= kMaxAutomatedV2);
  if (e.trigger == Trigger::kRollback) CHECK(e.after_v2 == 0);
}

void CheckState(const CanaryState& s, const Model& m, const Step& step) {
  CHECK(s.v1_weight() + s.v2_weight == 100);
  CHECK(s.v2_weight >= 0);
  CHECK(s.v2_weight <= 100);
  if (!s.v2_ready) CHECK(s.v2_weight <= kMaxV2WithoutReady);
  if (step.action == Action::kFail && m.failures_in_a_row >= s.settings.failure_threshold) {
    CHECK(s.v2_weight == 0);
  }
}

Result<std::vector<CanaryEvent>> Decide(const CanaryState& s, const Step& step, Timestamp now) {
  switch (step.action) {
    case Action::kPass:
      return DecideProbe(s, ProbeResult{"", true, 5}, now);
    case Action::kFail:
      return DecideProbe(s, ProbeResult{"", false, std::nullopt}, now);
    case Action::kReady:
      return DecideSetReady(s, true, false, "ready", now);
    case Action::kUnready:
      return DecideSetReady(s, false, false, "not ready", now);
    case Action::kPromote:  // sets ready if it was not, and promotes
      return DecideSetReady(s, true, true, "promote", now);
    case Action::kRollback:
      return DecideRollback(s, "manual", now);
    case Action::kConfigure:
      return DecideConfigure(s, s.route, step.threshold, step.step, {});
  }
  return std::vector<CanaryEvent>{};
}

void UpdateModel(Model& m, const Step& step, const std::vector<CanaryEvent>& events) {
  if (step.action == Action::kPass) m.failures_in_a_row = 0;
  if (step.action == Action::kFail) ++m.failures_in_a_row;
  for (const CanaryEvent& e : events) {
    const auto* change = std::get_if<WeightChanged>(&e);
    if (change != nullptr && change->cause == "promoted") m.failures_in_a_row = 0;
  }
}

// Runs `steps` from a fresh route; returns every event's type and payload, in order.
std::vector<std::string> RunPure(const std::vector<Step>& steps) {
  CanaryState s;
  s.route = "checkout";
  std::vector<std::string> log;
  Model model;
  std::int64_t now = 0;
  for (const CanaryEvent& e : DecideConfigure(s, "checkout", 3, 10, {}).value()) Apply(s, e);
  for (const Step& step : steps) {
    now += 1'000'000;
    Result<std::vector<CanaryEvent>> events = Decide(s, step, Timestamp(now));
    REQUIRE(events.ok());
    for (const CanaryEvent& e : *events) {
      if (const auto* change = std::get_if<WeightChanged>(&e)) {
        CHECK(change->before_v2 == s.v2_weight);
        CheckChange(*change);
      }
      Apply(s, e);
      log.push_back(std::string(CanaryEventType(e)) + " " + EncodeCanaryEvent(e));
    }
    UpdateModel(model, step, *events);
    CheckState(s, model, step);
  }
  return log;
}

TEST_CASE("invariants hold on every prefix of long random sequences") {
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    std::vector<std::string> log = RunPure(RandomSteps(seed, 5000));
    CHECK(log.size() > 5000);
  }
}

TEST_CASE("the same sequence always yields the same events") {
  for (std::uint32_t seed : {7u, 99u, 2025u}) {
    std::vector<Step> steps = RandomSteps(seed, 3000);
    CHECK(RunPure(steps) == RunPure(steps));
  }
  CHECK(RunPure(RandomSteps(1, 500)) != RunPure(RandomSteps(2, 500)));
}

// The same property through the dispatcher and the store: commands, retries and folding.
std::string CommandFor(const Step& step, int& probe, std::string& name) {
  const std::string route = R"({"route":"checkout")";
  switch (step.action) {
    case Action::kPass:
    case Action::kFail:
      name = "record-probe";
      return route + R"(,"result":")" + (step.action == Action::kPass ? "pass" : "fail") +
             R"(","probe_id":"p-)" + std::to_string(++probe) + R"(","latency_ms":40})";
    case Action::kReady:
    case Action::kUnready:
      name = "set-v2-ready";
      return route + R"(,"ready":)" + (step.action == Action::kReady ? "true" : "false") + "}";
    case Action::kPromote:
      name = "set-v2-ready";
      return route + R"(,"ready":true,"promote":true})";
    case Action::kRollback:
      name = "rollback-canary";
      return route + R"(,"reason":"manual"})";
    case Action::kConfigure:
      name = "configure-canary";
      return route + R"(,"failure_threshold":)" + std::to_string(step.threshold) + R"(,"step":)" +
             std::to_string(step.step) + "}";
  }
  return "";
}

std::vector<RecordedEvent> RunThroughStore(const std::vector<Step>& steps) {
  CommandDispatcherOptions options;
  options.new_event_id = testing::SeededEventIds("canary-property");
  testing::CommandFixture f(std::move(options));
  f.Ok("configure-canary", R"({"route":"checkout","failure_threshold":3,"step":10})");
  Model model;
  int probe = 0;
  for (const Step& step : steps) {
    f.clock.AdvanceMicros(1'000'000);
    std::string name;
    std::string body = CommandFor(step, probe, name);
    std::size_t before = f.Stream("canary-checkout").size();
    boost::json::object r = f.Ok(name, body);
    std::vector<RecordedEvent> stream = f.Stream("canary-checkout");
    std::vector<CanaryEvent> appended;
    for (std::size_t i = before; i < stream.size(); ++i) {
      if (stream[i].event_type != kCanaryWeightChanged) continue;
      boost::json::object p = testing::PayloadOf(stream[i]);
      CHECK(p.at("before").at("v1_weight").as_int64() + p.at("before").at("v2_weight").as_int64() ==
            100);
      CHECK(p.at("after").at("v1_weight").as_int64() + p.at("after").at("v2_weight").as_int64() ==
            100);
      if (p.at("cause") == "promoted") {
        WeightChanged promoted;
        promoted.cause = "promoted";
        appended.emplace_back(promoted);
      }
    }
    UpdateModel(model, step, appended);
    Result<CanaryState> folded = FoldCanary(stream);
    REQUIRE(folded.ok());
    CHECK(r.at("v2_weight").as_int64() == folded->v2_weight);
    CHECK(r.at("v1_weight").as_int64() == folded->v1_weight());
    CheckState(*folded, model, step);
  }
  return f.Log();
}

TEST_CASE("invariants and determinism hold through the dispatcher and the store") {
  for (std::uint32_t seed : {3u, 11u}) {
    CAPTURE(seed);
    std::vector<Step> steps = RandomSteps(seed, 300);
    std::vector<RecordedEvent> a = RunThroughStore(steps);
    std::vector<RecordedEvent> b = RunThroughStore(steps);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i] == b[i]);  // ids, payloads, times and hash chain alike
    }
  }
}

}  // namespace
}  // namespace ledger::commands
