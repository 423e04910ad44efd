// ledger command NAME --json BODY: the domain commands from the command line.
#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "tests/cli/fake_environment.h"

namespace ledger::testing {
namespace {

TEST_CASE("ledger command runs a domain command and prints its answer") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CliRun configured = env.Run({"command", "configure-canary", "--json", R"({"route":"checkout"})"});
  REQUIRE_MESSAGE(configured.exit_code == 0, configured.err);
  CliRun probe = env.Run({"command", "record-probe", "--json", R"({"route":"checkout","result":"pass"})",
                          "--actor", "user:alice", "--role", "operator"});
  REQUIRE_MESSAGE(probe.exit_code == 0, probe.err);
  CHECK(probe.out.find("\"v2_weight\":10") != std::string::npos);
  std::vector<RecordedEvent> events = store.ReadStream(StreamId("canary-checkout"), {}).value();
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().metadata.actor == "user:alice");
}

TEST_CASE("ledger command: usage errors exit 2, refused commands exit 1 and append nothing") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CliRun unknown = env.Run({"command", "launch-rockets", "--json", "{}"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown command") != std::string::npos);
  CHECK(env.Run({"command", "record-probe"}).exit_code == 2);  // --json missing

  CliRun refused = env.Run({"command", "record-probe", "--json", R"({"route":"checkout","result":"pass"})"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("ledger command: NotFound") != std::string::npos);
  CliRun bad = env.Run({"command", "configure-canary", "--json", R"({"route":"checkout","step":"ten"})"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("step") != std::string::npos);
  CHECK(store.ReadAll(GlobalPosition(0), kNoLimit).value().empty());
}

}  // namespace
}  // namespace ledger::testing
