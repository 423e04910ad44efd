// ledger read and ledger events: JSON lines in stream and log order, paging, limits, as_of,
// and following the log until asked to stop.
#include <doctest/doctest.h>

#include <thread>

#include "engine/clock.h"
#include "engine/event_json.h"
#include "engine/memory_store.h"
#include "engine/time.h"
#include "tests/cli/fake_environment.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

std::vector<std::string> Lines(const std::vector<RecordedEvent>& events) {
  std::vector<std::string> lines;
  lines.reserve(events.size());
  for (const RecordedEvent& e : events) lines.push_back(FormatEventJson(e));
  return lines;
}

void AppendOrFail(EventStore& store, const std::string& stream, int count) {
  Result<AppendResult> r = store.Append(MakeAppend(stream, ExpectedVersion::Any(), count));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
}

TEST_CASE("read prints the stream's events as JSON lines in version order") {
  MemoryEventStore store;
  AppendOrFail(store, "order-1", 3);
  AppendOrFail(store, "order-2", 2);
  AppendOrFail(store, "order-1", 2);
  FakeEnvironment env(&store);
  std::vector<RecordedEvent> stream = ReadWholeStream(store, "order-1");

  CliRun run = env.Run({"read", "--stream", "order-1"});
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  CHECK(run.OutLines() == Lines(stream));

  run = env.Run({"read", "--stream", "order-1", "--from-version", "2", "--limit", "3"});
  CHECK(run.OutLines() == Lines({stream.begin() + 1, stream.begin() + 4}));
  run = env.Run({"read", "--stream", "order-404"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "");
  CHECK(env.Run({"read", "--stream", "order-1", "--limit", "0"}).out == "");
}

TEST_CASE("read --as-of shows the stream as it stood then") {
  ManualClock clock(ParseRfc3339("2026-11-23T08:00:00Z").value());
  MemoryEventStore store(&clock);
  AppendOrFail(store, "order-1", 2);
  clock.Set(ParseRfc3339("2026-11-23T09:00:00Z").value());
  AppendOrFail(store, "order-1", 1);
  FakeEnvironment env(&store);
  CHECK(env.Run({"read", "--stream", "order-1", "--as-of", "2026-11-23T08:30:00Z"})
            .OutLines()
            .size() == 2);
  CHECK(env.Run({"read", "--stream", "order-1", "--as-of", "2026-11-23T10:30:00+01:00"})
            .OutLines()
            .size() == 3);
  CliRun bad = env.Run({"read", "--stream", "order-1", "--as-of", "08:30"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.starts_with("ledger read: --as-of: not an RFC 3339 time"));
}

TEST_CASE("read pages through a stream longer than one page") {
  MemoryEventStore store;
  for (int i = 0; i < 3; ++i) AppendOrFail(store, "order-1", 1000);
  FakeEnvironment env(&store);
  CHECK(env.Run({"read", "--stream", "order-1"}).OutLines() ==
        Lines(ReadWholeStream(store, "order-1")));
  CHECK(env.Run({"read", "--stream", "order-1", "--limit", "1500"}).OutLines().size() == 1500);
}

TEST_CASE("events prints the log in log order, after a position, up to a limit") {
  MemoryEventStore store;
  AppendOrFail(store, "order-1", 2);
  AppendOrFail(store, "content-1", 1500);
  AppendOrFail(store, "order-1", 1);
  std::vector<RecordedEvent> log = ReadWholeLog(store);
  FakeEnvironment env(&store);

  CliRun run = env.Run({"events"});
  CHECK(run.exit_code == 0);
  CHECK(run.OutLines() == Lines(log));
  run = env.Run({"events", "--after", "2", "--limit", "1200"});
  CHECK(run.OutLines() == Lines({log.begin() + 2, log.begin() + 1202}));
  CHECK(env.Run({"events", "--after", std::to_string(log.size())}).out == "");

  CliRun missing = env.Run({"events", "--after", "999999"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.starts_with("ledger events: InvalidArgument: position 999999"));
  CHECK(env.Run({"events", "--after", "x"}).exit_code == 2);
  CHECK(env.Run({"events", "--limit", "-5"}).exit_code == 2);
}

TEST_CASE("events --follow prints new events as they commit and exits 0 when stopped") {
  MemoryEventStore store;
  AppendOrFail(store, "order-1", 2);
  FakeEnvironment env(&store);
  // Stop once all five events are out: two old ones and three appended while following.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);  // never hang
  env.stop_when = [&] {
    std::string out = env.OutSoFar();
    return std::count(out.begin(), out.end(), '\n') >= 5 ||
           std::chrono::steady_clock::now() > deadline;
  };
  std::thread writer([&] {
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      AppendOrFail(store, "order-2", 1);
    }
  });
  CliRun run = env.Run({"events", "--follow"});
  writer.join();
  CHECK(run.exit_code == 0);
  CHECK(env.catching_signals);
  CHECK(run.OutLines() == Lines(ReadWholeLog(store)));
}

TEST_CASE("events --follow with --limit stops after that many events") {
  MemoryEventStore store;
  AppendOrFail(store, "order-1", 5);
  FakeEnvironment env(&store);
  CliRun run = env.Run({"events", "--follow", "--limit", "3", "--after", "1"});
  CHECK(run.exit_code == 0);
  CHECK(run.OutLines().size() == 3);
}

TEST_CASE("events --follow stops at once when a stop is already requested") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  env.stop_when = [] { return true; };
  CliRun run = env.Run({"events", "--follow"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "");
}

}  // namespace
}  // namespace ledger::testing
