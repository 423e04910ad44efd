// ledger import and ledger export: byte-for-byte round trips, resumable imports, bad lines
// reported by number, progress only on a terminal.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/event_json.h"
#include "engine/memory_store.h"
#include "tests/cli/fake_environment.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

namespace fs = std::filesystem;

// A log with several streams, metadata, a raw body and escapes, exported from a store.
std::string ExportedLog(int streams = 3, int per_stream = 4) {
  MemoryEventStore store;
  for (int round = 0; round < per_stream; ++round) {
    for (int s = 0; s < streams; ++s) {
      NewEvent e = MakeEvent("test.happened",
                             R"({"s":"\u00e9\"","n":1.50,"round":)" + std::to_string(round) + "}");
      e.metadata = {"corr-" + std::to_string(s), "", "user:zo\xc3\xab", "tests"};
      if (s == 0) e.raw_body = std::string("raw\0\xff body", 10);
      REQUIRE(
          store.Append(MakeAppend("order-" + std::to_string(s), ExpectedVersion::Any(), {e})).ok());
    }
  }
  FakeEnvironment env(&store);
  CliRun run = env.Run({"export"});
  REQUIRE(run.exit_code == 0);
  return run.out;
}

struct TempDir {
  TempDir() : path(fs::temp_directory_path() / ("ledger-cli-test-" + Uuid::V4().ToString())) {
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string File(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST_CASE("export then import into another store reproduces the log byte for byte") {
  std::string log = ExportedLog();
  CHECK(std::count(log.begin(), log.end(), '\n') == 12);

  MemoryEventStore target;
  FakeEnvironment env(&target);
  CliRun imported = env.Run({"import", "-"}, log);
  CHECK(imported.exit_code == 0);
  CHECK(imported.err == "");  // not a terminal: quiet
  CHECK(imported.out == "{\"imported\":12,\"already_present\":0}\n");
  CHECK(env.Run({"export"}).out == log);

  SUBCASE("importing again is harmless and changes nothing") {
    CliRun again = env.Run({"import", "--batch-size", "5", "-"}, log);
    CHECK(again.exit_code == 0);
    CHECK(again.out == "{\"imported\":0,\"already_present\":12}\n");
    CHECK(env.Run({"export"}).out == log);
  }
}

TEST_CASE("import reads a file, export writes one; both in small batches") {
  TempDir dir;
  std::string log = ExportedLog(5, 7);
  WriteFile(dir.File("in.jsonl"), log);
  MemoryEventStore target;
  FakeEnvironment env(&target);
  CliRun run = env.Run({"import", dir.File("in.jsonl"), "--batch-size", "4"});
  CHECK(run.exit_code == 0);
  CHECK(run.out == "{\"imported\":35,\"already_present\":0}\n");
  CHECK(env.Run({"export", "--output", dir.File("out.jsonl")}).exit_code == 0);
  CHECK(ReadFile(dir.File("out.jsonl")) == log);
  CHECK_FALSE(fs::exists(dir.File("out.jsonl.partial")));

  // --after exports the tail: exactly the lines after that position.
  std::vector<RecordedEvent> all = ReadWholeLog(target);
  std::string tail;
  for (std::size_t i = 10; i < all.size(); ++i) tail += FormatEventJson(all[i]) + "\n";
  CHECK(env.Run({"export", "--after", std::to_string(all[9].global_position.value())}).out == tail);
}

TEST_CASE("the file to import can come from LEDGER_FILE") {
  TempDir dir;
  WriteFile(dir.File("in.jsonl"), ExportedLog(1, 2));
  MemoryEventStore target;
  FakeEnvironment env(&target);
  env.variables["LEDGER_FILE"] = dir.File("in.jsonl");
  CHECK(env.Run({"import"}).exit_code == 0);
  CHECK(ReadWholeLog(target).size() == 2);
}

TEST_CASE("a bad line stops the import with its line number; earlier batches stay") {
  std::vector<std::string> lines;
  std::istringstream in(ExportedLog(2, 3));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 6);
  lines[4] = R"({"stream_id":"order-1","event_id":"x","event_type":"a.b","payload":{}})";
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  text.insert(0, "\n");  // blank lines are skipped but still counted

  MemoryEventStore target;
  FakeEnvironment env(&target);
  CliRun run = env.Run({"import", "--batch-size", "2", "-"}, text);
  CHECK(run.exit_code == 1);
  CHECK(run.out == "");
  CHECK(run.err ==
        "ledger import: InvalidArgument: line 6: field \"event_id\": \"x\" is not a UUID (the 4 "
        "events before line 6 are stored; importing the file again resumes after them)\n");
  CHECK(ReadWholeLog(target).size() == 4);

  SUBCASE("a bad line in the first batch stores nothing") {
    MemoryEventStore fresh;
    FakeEnvironment env2(&fresh);
    CliRun first = env2.Run({"import", "-"}, text);
    CHECK(first.exit_code == 1);
    CHECK(first.err ==
          "ledger import: InvalidArgument: line 6: field \"event_id\": \"x\" is not "
          "a UUID\n");
    CHECK(ReadWholeLog(fresh).empty());
  }
}

TEST_CASE("an error found by the store names the line it came from") {
  std::vector<std::string> lines;
  std::istringstream in(ExportedLog(1, 4));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  SUBCASE("a version gap") {
    lines.erase(lines.begin() + 2);  // order-0 version 3 is missing: line 3 is version 4
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    MemoryEventStore target;
    FakeEnvironment env(&target);
    CliRun run = env.Run({"import", "-"}, text);
    CHECK(run.exit_code == 1);
    CHECK_MESSAGE(run.err.starts_with("ledger import: InvalidArgument: line 3: "), run.err);
  }
  SUBCASE("an altered event") {
    std::size_t at = lines[1].find("\"round\":1");
    REQUIRE(at != std::string::npos);
    lines[1].replace(at, 9, "\"round\":9");
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    MemoryEventStore target;
    FakeEnvironment env(&target);
    CliRun run = env.Run({"import", "-"}, text);
    CHECK(run.exit_code == 1);
    CHECK_MESSAGE(run.err.starts_with("ledger import: DataLoss: line 2: "), run.err);
    CHECK(ReadWholeLog(target).empty());
  }
}

TEST_CASE("import shows progress only when stderr is a terminal") {
  std::string log = ExportedLog(2, 3);
  MemoryEventStore target;
  FakeEnvironment env(&target);
  env.err_is_terminal = true;
  CliRun run = env.Run({"import", "--batch-size", "1", "-"}, log);
  CHECK(run.exit_code == 0);
  // Redraws are rate-limited, so a fast import may draw nothing; if it drew, it ended the line.
  if (!run.err.empty()) {
    CHECK(run.err.find("imported 6 events") != std::string::npos);
    CHECK(run.err.back() == '\n');
  }
}

TEST_CASE("import and export usage and file errors") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CliRun run = env.Run({"import"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("the option '--file' is required") != std::string::npos);
  CHECK(env.Run({"import", "a", "b"}).exit_code == 2);
  CHECK(env.Run({"import", "-", "--batch-size", "0"}).exit_code == 2);
  CHECK(env.Run({"import", "-", "--tenant", "bad tenant"}).exit_code == 2);

  run = env.Run({"import", "/nonexistent/log.jsonl"});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "ledger import: NotFound: cannot open /nonexistent/log.jsonl for reading\n");

  run = env.Run({"export", "--output", "/nonexistent/dir/out.jsonl"});
  CHECK(run.exit_code == 1);
  CHECK(run.err.starts_with("ledger export: FailedPrecondition: cannot open"));
}

TEST_CASE("lines without tenant_id take --tenant") {
  MemoryEventStore target;
  FakeEnvironment env(&target);
  std::string line = R"({"stream_id":"order-1","event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c",)"
                     R"("event_type":"order.placed","payload":{"a":1}})";
  CHECK(env.Run({"import", "--tenant", "shop-7", "-"}, line + "\n").exit_code == 0);
  std::vector<RecordedEvent> log = ReadWholeLog(target);
  REQUIRE(log.size() == 1);
  CHECK(log[0].tenant == TenantId("shop-7"));
  CHECK(log[0].stream_version == StreamVersion(1));
}

}  // namespace
}  // namespace ledger::testing

namespace ledger::testing {
namespace {

// A PostgreSQL export is in commit order, so its positions can go down: here the second and
// third lines swap positions, as two concurrent appends committing out of order would.
TEST_CASE("--renumber imports a log whose positions are out of order") {
  std::vector<std::string> lines;
  std::istringstream in(ExportedLog(2, 2));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 4);
  auto position_field = [](const std::string& line) {
    return line.substr(0, line.find(','));
  };
  std::string p1 = position_field(lines[1]), p2 = position_field(lines[2]);
  lines[1].replace(0, p1.size(), p2);
  lines[2].replace(0, p2.size(), p1);
  std::string log;
  for (const std::string& line : lines) log += line + "\n";

  MemoryEventStore target;
  FakeEnvironment env(&target);
  CliRun refused = env.Run({"import", "-"}, log);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("--renumber") == std::string::npos);  // the store's own message
  CHECK(target.ReadAll(GlobalPosition(0), kNoLimit).value().empty());

  CliRun renumbered = env.Run({"import", "-", "--renumber"}, log);
  REQUIRE_MESSAGE(renumbered.exit_code == 0, renumbered.err);
  std::vector<RecordedEvent> events = target.ReadAll(GlobalPosition(0), kNoLimit).value();
  REQUIRE(events.size() == 4);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].global_position == GlobalPosition(i + 1));  // assigned afresh, in file order
  }
}

}  // namespace
}  // namespace ledger::testing
