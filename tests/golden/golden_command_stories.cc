#include <doctest/doctest.h>

#include "tests/commands/command_fixture.h"
#include "tests/golden/golden_stories.h"

namespace ledger::golden {
namespace {

using commands::testing::CommandFixture;
namespace story = commands::testing;

// Event ids from a counter seeded with `seed`: the same commands append the same ids.
std::unique_ptr<CommandFixture> Commands(const std::string& seed) {
  commands::CommandDispatcherOptions options;
  options.new_event_id = story::SeededEventIds(seed);
  return std::make_unique<CommandFixture>(std::move(options));
}

std::string Screen(const std::string& id, const std::string& name) {
  return R"({"content_id":")" + id + R"(","name":")" + name + R"(","description":"Soft tee"})";
}

std::string Quality(const std::string& id, std::int64_t price = 2500) {
  return R"({"content_id":")" + id + R"(","description":")" + std::string(100, 'd') +
         R"(","images":[{"width":2400,"height":3200}],"price_minor":)" + std::to_string(price) +
         R"(,"currency":"usd","category":"t-shirt"})";
}

std::string Review(const std::string& id, const std::string& decision, const std::string& reason) {
  return R"({"content_id":")" + id + R"(","decision":")" + decision + R"(","reason":")" + reason +
         "\"}";
}

std::string Publish(const std::string& id) { return R"({"content_id":")" + id + "\"}"; }

std::string Probe(const std::string& route, const char* result, int id) {
  return R"({"route":")" + route + R"(","result":")" + result + R"(","probe_id":"p-)" +
         std::to_string(id) + "\"}";
}

// Configures `route` (threshold 2, step 30) and runs `passes` passing probes, one a second.
void ProbeUp(CommandFixture& c, const std::string& route, int passes, int& probe_id) {
  c.clock.AdvanceMicros(1'000'000);
  c.Ok("configure-canary", R"({"route":")" + route + R"(","failure_threshold":2,"step":30})",
       story::kAdmin);
  for (int i = 0; i < passes; ++i) {
    c.clock.AdvanceMicros(1'000'000);
    c.Ok("record-probe", Probe(route, "pass", ++probe_id), story::kSystem);
  }
}

}  // namespace

std::vector<RecordedEvent> ContentReview() {
  auto c = Commands("golden-content");
  auto run = [&c](const std::string& command, const std::string& body,
                  const commands::Principal& who = story::kOperator) {
    c->clock.AdvanceMicros(60'000'000);
    c->Ok(command, body, who);
  };
  // Passes screening and quality, published.
  run("screen-content", Screen("mug", "Cute cat mug"));
  run("evaluate-quality", Quality("mug"));
  run("publish-content", Publish("mug"));
  // Escalated (sounds like a brand), approved by a reviewer, then quality and publication.
  run("screen-content", Screen("shorts", "Nikey running shorts"));
  run("decide-review", Review("shorts", "approve", "not the brand"), story::kReviewer);
  run("evaluate-quality", Quality("shorts"));
  run("publish-content", Publish("shorts"));
  // Blocked outright by screening.
  run("screen-content", Screen("tee", "Pikachu tee"));
  // Escalated and rejected.
  run("screen-content", Screen("joggers", "Addidas joggers"));
  run("decide-review", Review("joggers", "reject", "obvious knock-off"), story::kReviewer);
  // Fails quality (price too low), then passes once fixed; not published.
  run("screen-content", Screen("poster", "Cute cat poster"));
  run("evaluate-quality", Quality("poster", 99));
  run("evaluate-quality", Quality("poster"));
  // Escalated and still waiting for a reviewer.
  run("screen-content", Screen("hoodie", "Nikey hoodie"));
  return c->Log();
}

// 30, 60, 90, and a fourth pass that stays at 90 (the cap until v2 is declared ready).
std::vector<RecordedEvent> CanaryTo90() {
  auto c = Commands("golden-canary-90");
  int probe_id = 0;
  ProbeUp(*c, "checkout", 4, probe_id);
  return c->Log();
}

// To 90, an operator declares v2 ready, a probe takes it to 99, the operator promotes: 100.
std::vector<RecordedEvent> CanaryTo100() {
  auto c = Commands("golden-canary-100");
  int probe_id = 0;
  ProbeUp(*c, "checkout", 3, probe_id);
  c->clock.AdvanceMicros(1'000'000);
  c->Ok("set-v2-ready", R"({"route":"checkout","ready":true,"reason":"v2 signed off"})");
  c->clock.AdvanceMicros(1'000'000);
  c->Ok("record-probe", Probe("checkout", "pass", ++probe_id), story::kSystem);
  c->clock.AdvanceMicros(1'000'000);
  c->Ok("set-v2-ready", R"({"route":"checkout","ready":true,"promote":true})");
  return c->Log();
}

// checkout: to 60, then two failed probes roll it back to 0 on their own; search: one pass,
// then an operator rolls it back by hand.
std::vector<RecordedEvent> CanaryRollback() {
  auto c = Commands("golden-canary-rollback");
  int probe_id = 0;
  ProbeUp(*c, "checkout", 2, probe_id);
  for (int i = 0; i < 2; ++i) {
    c->clock.AdvanceMicros(1'000'000);
    c->Ok("record-probe", Probe("checkout", "fail", ++probe_id), story::kSystem);
  }
  ProbeUp(*c, "search", 1, probe_id);
  c->clock.AdvanceMicros(1'000'000);
  c->Ok("rollback-canary", R"({"route":"search","reason":"5xx spike on v2"})");
  return c->Log();
}

}  // namespace ledger::golden
