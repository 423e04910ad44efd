// ledger append: output, idempotency, exit codes and the one-line errors.
#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "tests/cli/fake_environment.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

constexpr const char* kId = "6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c";

std::vector<std::string> Append(std::string stream, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"append",       "--stream", std::move(stream),   "--type",
                                   "order.placed", "--data",   R"({"total": 1200})"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

TEST_CASE("append prints the position as JSON and stores the event") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CliRun run = env.Run(Append("order-1", {"--correlation-id", "corr-9", "--causation-id", "cause-9",
                                          "--actor", "user:alice"}));
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  CHECK(run.out == "{\"global_position\":1,\"stream_version\":1,\"deduplicated\":false}\n");

  std::vector<RecordedEvent> events = ReadWholeStream(store, "order-1");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event_type == "order.placed");
  CHECK(events[0].payload == R"({"total":1200})");
  CHECK(events[0].tenant == TenantId("default"));
  CHECK(events[0].metadata == Metadata{"corr-9", "cause-9", "user:alice", "cli"});
  CHECK(env.opened_urls == std::vector<std::string>{"sqlite:ledger.db"});
}

TEST_CASE("appending the same --event-id twice returns the same position, deduplicated") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CHECK(env.Run(Append("order-2")).exit_code == 0);
  CliRun first = env.Run(Append("order-1", {"--event-id", kId}));
  CliRun again = env.Run(Append("order-1", {"--event-id", kId}));
  CHECK(first.out == "{\"global_position\":2,\"stream_version\":1,\"deduplicated\":false}\n");
  CHECK(again.exit_code == 0);
  CHECK(again.out == "{\"global_position\":2,\"stream_version\":1,\"deduplicated\":true}\n");
  CHECK(ReadWholeLog(store).size() == 2);
}

TEST_CASE("a wrong expected version exits 3 with one line naming the versions") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  for (int i = 0; i < 3; ++i) REQUIRE(env.Run(Append("order-1")).exit_code == 0);
  CliRun run = env.Run(Append("order-1", {"--expected-version", "2"}));
  CHECK(run.exit_code == 3);
  CHECK(run.out == "");
  CHECK(run.err == "ledger append: Conflict: stream order-1 is at version 3, expected version 2\n");
  CHECK(env.Run(Append("order-1", {"--expected-version", "no_stream"})).exit_code == 3);
  CHECK(env.Run(Append("order-9", {"--expected-version", "stream_exists"})).exit_code == 3);
  CHECK(env.Run(Append("order-1", {"--expected-version", "3"})).exit_code == 0);
  CHECK(env.Run(Append("order-1", {"--expected-version=stream_exists"})).exit_code == 0);
  CHECK(env.Run(Append("order-8", {"--expected-version", "no_stream"})).exit_code == 0);
  CHECK(env.Run(Append("order-8", {"--expected-version", "any"})).exit_code == 0);
  CHECK(ReadWholeStream(store, "order-1").size() == 5);
}

TEST_CASE("command-line mistakes exit 2 with one line and change nothing") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"append", "--type", "a.b", "--data", "{}"}, "the option '--stream' is required"},
      {{"append", "--stream", "order-1", "--data", "{}"}, "the option '--type' is required"},
      {{"append", "--stream", "order-1", "--type", "a.b"}, "the option '--data' is required"},
      {Append("order-1", {"--colour", "red"}), "unrecognised option '--colour'"},
      {Append("order-1", {"--stream", "order-2"}), "cannot be specified more than once"},
      {Append("order-1", {"--expected-version", "two"}), "expected version must be any"},
      {Append("order-1", {"--expected-version", "-1"}), "expected version must be any"},
      {Append("order-1", {"--event-id", "123"}), "--event-id:"},
      {Append("order-1", {"--tenant", "a b"}), "tenant id \"a b\""},
      {Append("order-1", {"--actor", "a\nb"}), "metadata actor contains a control character"},
      {Append("order-1", {"--expected"}), "unrecognised option '--expected'"},
      {Append("order-1", {"stray"}), "too many positional options"},
      {Append("order"), "is not <category>-<id>"},
      {{"append", "--stream", "order-1", "--type", "Placed", "--data", "{}"}, "event type"},
      {{"append", "--stream", "order-1", "--type", "a.b", "--data", "[1]"},
       "payload must be a JSON object"},
      {{"append", "--stream", "order-1", "--type", "a.b", "--data", "{\"a\":}"},
       "payload is not valid JSON"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.message);
    CliRun run = env.Run(c.args);
    CHECK(run.exit_code == 2);
    CHECK(run.out == "");
    CHECK_MESSAGE(run.err.starts_with("ledger append: "), run.err);
    CHECK_MESSAGE(run.err.find(c.message) != std::string::npos, run.err);
    CHECK(run.err.find("(see 'ledger append --help')\n") != std::string::npos);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
  CHECK(ReadWholeLog(store).empty());
  CHECK(env.opened_urls.empty());  // nothing was wrong with the store, so it was not opened
}

TEST_CASE("--data - reads the payload from standard input") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CliRun run = env.Run({"append", "--stream", "order-1", "--type", "a.b", "--data", "-"},
                       "{\n  \"from\": \"stdin\"\n}\n");
  CHECK(run.exit_code == 0);
  CHECK(ReadWholeStream(store, "order-1").at(0).payload == R"({"from":"stdin"})");
}

TEST_CASE("a database URL of an unknown form is a usage error") {
  FakeEnvironment env;  // real stores
  CliRun run = env.Run(Append("order-1", {"--database-url", "mysql://user:secret@host/db"}));
  CHECK(run.exit_code == 2);
  CHECK(run.err.starts_with("ledger append: --database-url: unsupported database URL \"mysql"));
  CHECK(run.err.find("secret") == std::string::npos);  // URLs may carry passwords
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

TEST_CASE("a store that cannot be opened exits 1 with the store's reason") {
  FakeEnvironment env;  // real stores
  CliRun run = env.Run(Append("order-1", {"--database-url", "sqlite:/nonexistent/dir/x.db"}));
  CHECK(run.exit_code == 1);
  CHECK_MESSAGE(run.err.starts_with("ledger append: FailedPrecondition: "), run.err);
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

}  // namespace
}  // namespace ledger::testing
