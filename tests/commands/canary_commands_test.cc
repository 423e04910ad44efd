// The canary commands through the dispatcher: answers, events, roles and refusals.
#include <doctest/doctest.h>

#include "commands/event_types.h"
#include "tests/commands/command_fixture.h"

namespace ledger::commands::testing {
namespace {

const char* kConfigure = R"({"route":"checkout","failure_threshold":2,"step":30})";

std::string Probe(const char* result, const std::string& id = "") {
  std::string body = R"({"route":"checkout","result":")" + std::string(result) + "\"";
  if (!id.empty()) body += R"(,"probe_id":")" + id + "\"";
  return body + "}";
}

TEST_CASE("configure creates the route at 100/0 and answers its state") {
  CommandFixture f;
  boost::json::object r = f.Ok("configure-canary", kConfigure);
  CHECK(r.at("route") == "checkout");
  CHECK(r.at("v1_weight") == 100);
  CHECK(r.at("v2_weight") == 0);
  CHECK(r.at("v2_ready") == false);
  CHECK(r.at("failure_threshold") == 2);
  CHECK(r.at("step") == 30);
  CHECK(r.at("stream") == "canary-checkout");
  std::vector<RecordedEvent> events = f.Stream("canary-checkout");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event_type == kCanaryConfigured);
  CHECK(events[0].metadata.source == "command.configure-canary");
  boost::json::object p = PayloadOf(events[0]);
  CHECK(p.at("v1_weight") == 100);
  CHECK(p.at("v2_weight") == 0);
  CHECK_FALSE(p.contains("before"));
  CHECK(p.at("reason") == "route created at v1 100 / v2 0: failure_threshold 2, step 30");

  // Same settings again: nothing to record, the same state and position.
  boost::json::object again = f.Ok("configure-canary", kConfigure);
  CHECK(again.at("global_position") == r.at("global_position"));
  CHECK(f.Stream("canary-checkout").size() == 1);
}

TEST_CASE("defaults apply when settings are left out") {
  CommandFixture f;
  boost::json::object r = f.Ok("configure-canary", R"({"route":"search"})");
  CHECK(r.at("failure_threshold") == kDefaultFailureThreshold);
  CHECK(r.at("step") == kDefaultStep);
}

TEST_CASE("probes move the weights and every change is recorded with its trigger and time") {
  CommandFixture f;
  f.Ok("configure-canary", kConfigure, kAdmin);
  f.clock.AdvanceMicros(5'000'000);
  boost::json::object r = f.Ok("record-probe", Probe("pass", "p-1"), kSystem);
  CHECK(r.at("v1_weight") == 70);
  CHECK(r.at("v2_weight") == 30);
  std::vector<RecordedEvent> events = f.Stream("canary-checkout");
  REQUIRE(TypesOf(events) == std::vector<std::string>{std::string(kCanaryConfigured),
                                                      std::string(kCanaryProbeRecorded),
                                                      std::string(kCanaryWeightChanged)});
  boost::json::object probe = PayloadOf(events[1]);
  CHECK(probe.at("result") == "pass");
  CHECK(probe.at("probe_id") == "p-1");
  CHECK(probe.at("consecutive_failures") == 0);
  CHECK(probe.at("reason") == "probe p-1 passed");
  boost::json::object change = PayloadOf(events[2]);
  CHECK(change.at("before") == boost::json::object{{"v1_weight", 100}, {"v2_weight", 0}});
  CHECK(change.at("after") == boost::json::object{{"v1_weight", 70}, {"v2_weight", 30}});
  CHECK(change.at("trigger") == "probe");
  CHECK(change.at("cause") == "probe_passed");
  CHECK(change.at("at") == "2025-11-23T08:00:05.000000Z");
  CHECK(events[2].metadata.actor == "system:prober");

  f.Ok("record-probe", Probe("fail"), kSystem);
  boost::json::object rolled = f.Ok("record-probe", Probe("fail"), kSystem);
  CHECK(rolled.at("v2_weight") == 0);
  boost::json::object rollback = PayloadOf(f.Stream("canary-checkout").back());
  CHECK(rollback.at("trigger") == "rollback");
  CHECK(rollback.at("cause") == "consecutive_failures");
  CHECK(rollback.at("before").at("v2_weight") == 30);
}

TEST_CASE("a redelivered probe is answered without being counted twice") {
  CommandFixture f;
  f.Ok("configure-canary", kConfigure);
  boost::json::object first = f.Ok("record-probe", Probe("pass", "p-1"));
  boost::json::object again = f.Ok("record-probe", Probe("pass", "p-1"));
  CHECK(again.at("v2_weight") == 30);
  CHECK(again.at("global_position") == first.at("global_position"));
}

TEST_CASE("only an operator sets v2 ready, promotion and revocation") {
  CommandFixture f;
  f.Ok("configure-canary", kConfigure);
  Status admin = f.Fails("set-v2-ready", R"({"route":"checkout","ready":true})", kAdmin);
  CHECK(IsPermissionDenied(admin));
  CHECK(HttpStatusFor(admin) == 403);
  CHECK(admin.message().find("allowed roles: operator") != std::string::npos);

  for (int i = 0; i < 4; ++i) f.Ok("record-probe", Probe("pass"));
  CHECK(f.Ok("record-probe", Probe("pass")).at("v2_weight") == 90);
  boost::json::object ready =
      f.Ok("set-v2-ready", R"({"route":"checkout","ready":true,"reason":"v2 signed off"})");
  CHECK(ready.at("v2_ready") == true);
  CHECK(PayloadOf(f.Stream("canary-checkout").back()).at("reason") == "v2 signed off");
  CHECK(f.Ok("record-probe", Probe("pass")).at("v2_weight") == 99);
  boost::json::object promoted =
      f.Ok("set-v2-ready", R"({"route":"checkout","ready":true,"promote":true})");
  CHECK(promoted.at("v2_weight") == 100);
  CHECK(promoted.at("v1_weight") == 0);
  boost::json::object revoked = f.Ok("set-v2-ready", R"({"route":"checkout","ready":false})");
  CHECK(revoked.at("v2_weight") == 90);
  CHECK(revoked.at("v2_ready") == false);
  boost::json::object clamp = PayloadOf(f.Stream("canary-checkout").back());
  CHECK(clamp.at("trigger") == "operator");
  CHECK(clamp.at("cause") == "v2_ready_revoked");
}

TEST_CASE("manual rollback") {
  CommandFixture f;
  f.Ok("configure-canary", kConfigure);
  f.Ok("record-probe", Probe("pass"));
  boost::json::object r =
      f.Ok("rollback-canary", R"({"route":"checkout","reason":"5xx spike on v2"})");
  CHECK(r.at("v2_weight") == 0);
  boost::json::object change = PayloadOf(f.Stream("canary-checkout").back());
  CHECK(change.at("trigger") == "rollback");
  CHECK(change.at("cause") == "manual_rollback");
  CHECK(change.at("reason") == "5xx spike on v2");
  CHECK(f.Stream("canary-checkout").back().metadata.actor == "user:olivia");
}

TEST_CASE("unknown routes are 404 and bad canary input is 400, neither appends") {
  CommandFixture f;
  for (const char* name : {"record-probe", "set-v2-ready", "rollback-canary"}) {
    std::string body = std::string(name) == "record-probe" ? Probe("pass")
                       : std::string(name) == "set-v2-ready"
                           ? R"({"route":"checkout","ready":true})"
                           : R"({"route":"checkout","reason":"x"})";
    Status s = f.Fails(name, body);
    INFO(name);
    CHECK(s.code() == StatusCode::kNotFound);
    CHECK(HttpStatusFor(s) == 404);
    CHECK(s.message().find("unknown canary route") != std::string::npos);
  }
  f.Ok("configure-canary", kConfigure);
  const std::pair<const char*, const char*> bad[] = {
      {"record-probe", R"({"route":"checkout","result":"ok"})"},
      {"record-probe", R"({"route":"checkout"})"},
      {"record-probe", R"({"route":"checkout","result":"pass","latency_ms":-1})"},
      {"record-probe", R"({"route":"checkout","result":"pass","latency_ms":"fast"})"},
      {"record-probe", R"({"route":"check out","result":"pass"})"},
      {"record-probe", R"({"route":"checkout","result":"pass","weight":100})"},
      {"set-v2-ready", R"({"route":"checkout","ready":"yes"})"},
      {"set-v2-ready", R"({"route":"checkout","ready":false,"promote":true})"},
      {"rollback-canary", R"({"route":"checkout"})"},
      {"configure-canary", R"({"route":"checkout","step":0})"},
      {"configure-canary", R"({"route":"checkout","failure_threshold":101})"},
      {"configure-canary", R"({"route":"checkout","step":10.5})"},
      {"configure-canary", R"({"step":10})"},
  };
  for (const auto& [name, body] : bad) {
    Status s = f.Fails(name, body);
    INFO(name, " ", body, " -> ", s.ToString());
    CHECK(s.code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ledger::commands::testing
