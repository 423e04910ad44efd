// PostgreSQL import (adapters/postgres/pg_import.cc) beyond the conformance suite, on both of
// its paths (COPY straight into events for a login that bypasses row-level security, through a
// staging table for one that does not): imports of many chunks (the server inserts one while
// the next is planned), a failure after chunks were inserted, resumed imports (the first
// attempt assumes no event is stored, the second looks the ids up), and 100k events.
#include <doctest/doctest.h>

#include <chrono>

#include "engine/memory_store.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using testing::AsImported;
using testing::MakeAppend;
using testing::ReadLogExpecting;
using testing::UniqueStream;

constexpr Timestamp kT0{1'795'000'000'000'000};

// A log of `streams` x `per_stream` events appended round-robin, as an export lists it.
std::vector<RecordedEvent> MakeLog(int streams, int per_stream) {
  ManualClock clock(kT0);
  MemoryEventStore source(&clock);
  std::vector<std::string> ids;
  for (int s = 0; s < streams; ++s) ids.push_back(UniqueStream("order"));
  for (int round = 0; round < per_stream; ++round) {
    std::vector<AppendRequest> batch;
    for (const std::string& s : ids) batch.push_back(MakeAppend(s, ExpectedVersion::Any(), 1));
    REQUIRE(source.AppendBatch(batch).ok());
    clock.AdvanceMicros(1000);
  }
  std::vector<RecordedEvent> log = ReadLogExpecting(source, streams * per_stream);
  REQUIRE(log.size() == static_cast<std::size_t>(streams * per_stream));
  return log;
}

std::vector<ImportedEvent> AsLines(std::span<const RecordedEvent> log) {
  std::vector<ImportedEvent> lines;
  for (const RecordedEvent& e : log) lines.push_back(AsImported(e));
  return lines;
}

// The logins an import may come with; each takes one of the paths.
enum class Login { kSuperuser, kBypassRls, kUnderRls };

Login PickLogin() {
  Login login = Login::kSuperuser;
  SUBCASE("as a superuser (COPY into events)") { login = Login::kSuperuser; }
  SUBCASE("as a BYPASSRLS login (COPY into events)") { login = Login::kBypassRls; }
  SUBCASE("as a login under row-level security (staged)") { login = Login::kUnderRls; }
  return login;
}

// A fresh migrated database and a store on it, opened with `login` (a member of ledger_writer
// unless a superuser) or with a member of ledger_writer with these role attributes.
class ImportTarget {
 public:
  ImportTarget(Login login, Clock* clock)
      : ImportTarget(clock, login == Login::kSuperuser,
                     login == Login::kBypassRls ? "BYPASSRLS" : "") {}
  ImportTarget(Clock* clock, bool superuser, const std::string& attributes) : t_(clock) {
    if (superuser) return;
    login_ = std::make_unique<TestLogin>(std::vector<std::string>{"ledger_writer"}, attributes);
    PgOptions options;
    options.clock = clock;
    Result<std::unique_ptr<PgEventStore>> opened =
        PgEventStore::Open(login_->Url(t_.db->Url()), options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    login_store_ = std::move(opened).value();
  }

  EventStore& store() { return login_store_ ? *login_store_ : *t_.store; }

  std::int64_t Count(const std::string& table) const {
    auto admin = t_.db->ConnectAdmin();
    return MustExec(*admin, "SELECT count(*) FROM " + table).GetInt64(0, 0);
  }

 private:
  TestStore t_;  // declared first: the login's store and role go before the database
  std::unique_ptr<TestLogin> login_;
  std::unique_ptr<PgEventStore> login_store_;
};

}  // namespace

TEST_CASE("import: a bad event after several inserted chunks leaves nothing behind") {
  std::vector<RecordedEvent> log = MakeLog(60, 200);  // 12,000 events: three chunks and more
  std::vector<ImportedEvent> lines = AsLines(log);
  ManualClock clock(Timestamp(kT0.value() + 1'000'000'000));
  ImportTarget t(PickLogin(), &clock);

  SUBCASE("an altered payload: the chain breaks") {
    lines[11'500].event.payload = R"({"altered":true})";
    Result<ImportResult> r = t.store().Import(lines);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kDataLoss);
    CHECK(r.status().message().starts_with("event 11500: "));
  }
  SUBCASE("the last event is invalid") {
    lines.back().event.payload = "{broken";
    Result<ImportResult> r = t.store().Import(lines);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().starts_with("event 11999: "));
  }
  CHECK(t.Count("events") == 0);
  CHECK(t.Count("streams") == 0);
  // The connection came back clean: the good log imports whole.
  Result<ImportResult> again = t.store().Import(AsLines(log));
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(again->imported == log.size());
  CHECK(ReadLogExpecting(t.store(), log.size()) == log);
}

TEST_CASE("import: a resumed import skips what is stored, whole chunks of it included") {
  std::vector<RecordedEvent> log = MakeLog(40, 300);  // 12,000 events
  ManualClock clock(Timestamp(kT0.value() + 1'000'000'000));
  ImportTarget t(PickLogin(), &clock);
  std::span<const RecordedEvent> all(log);

  Result<ImportResult> first = t.store().Import(AsLines(all.first(7'000)));
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->imported == 7'000);
  Result<ImportResult> resumed = t.store().Import(AsLines(all));
  REQUIRE_MESSAGE(resumed.ok(), resumed.status().ToString());
  CHECK(resumed->imported == 5'000);
  CHECK(resumed->already_present == 7'000);
  CHECK(ReadLogExpecting(t.store(), log.size()) == log);
}

TEST_CASE("import: a resumed import of bare events is decided by the stored ids") {
  // No position, version, time or hash: nothing in a line tells a stored event from a new
  // one but its id, so the attempt that assumes none is stored meets the unique index.
  std::vector<RecordedEvent> log = MakeLog(30, 200);  // 6,000 events
  std::vector<ImportedEvent> lines;
  for (const RecordedEvent& e : log) {
    ImportedEvent bare;
    bare.stream = e.stream_id;
    bare.event = AsImported(e).event;
    lines.push_back(std::move(bare));
  }
  ManualClock clock(Timestamp(kT0.value() + 1'000'000'000));
  ImportTarget t(PickLogin(), &clock);
  std::span<const ImportedEvent> all(lines);

  REQUIRE(t.store().Import(all.first(3'000)).ok());
  Result<ImportResult> resumed = t.store().Import(all);
  REQUIRE_MESSAGE(resumed.ok(), resumed.status().ToString());
  CHECK(resumed->imported == 3'000);
  CHECK(resumed->already_present == 3'000);
  std::vector<RecordedEvent> stored = ReadLogExpecting(t.store(), log.size());
  REQUIRE(stored.size() == log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(stored[i].event_id == log[i].event_id);
    CHECK(stored[i].stream_version == log[i].stream_version);
  }
  std::vector<RecordedEvent> one = testing::ReadWholeStream(t.store(), log[0].stream_id.value());
  CHECK(one.size() == 200);
  CHECK(testing::FirstBrokenLink(one) == one.size());
}

TEST_CASE("import: a BYPASSRLS login that does not inherit INSERT imports through staging") {
  // It may bypass row-level security but not insert into events with its own rights, so
  // COPY straight into events would be refused; the import takes the staged path as
  // ledger_writer instead.
  std::vector<RecordedEvent> log = MakeLog(20, 100);
  ManualClock clock(Timestamp(kT0.value() + 1'000'000'000));
  ImportTarget t(&clock, /*superuser=*/false, "BYPASSRLS NOINHERIT");
  Result<ImportResult> r = t.store().Import(AsLines(log));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->imported == log.size());
  CHECK(ReadLogExpecting(t.store(), log.size()) == log);
}

TEST_CASE("import: large events are split into chunks by size") {
  // 40 events with 1 MiB raw bodies: more than two chunks' worth of bytes in one batch.
  ManualClock source_clock(kT0);
  MemoryEventStore source(&source_clock);
  const std::string stream = UniqueStream("stripe");
  for (int i = 0; i < 40; ++i) {
    NewEvent e = testing::MakeEvent("stripe.event_received", R"({"i":)" + std::to_string(i) + "}");
    e.raw_body = std::string(1 << 20, static_cast<char>('a' + i % 26));
    REQUIRE(source.Append(MakeAppend(stream, ExpectedVersion::Any(), {e})).ok());
  }
  std::vector<RecordedEvent> log = ReadLogExpecting(source, 40);
  ManualClock clock(Timestamp(kT0.value() + 1'000'000'000));
  ImportTarget t(PickLogin(), &clock);
  Result<ImportResult> r = t.store().Import(AsLines(log));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->imported == 40);
  CHECK(ReadLogExpecting(t.store(), log.size()) == log);
}

TEST_CASE("import: an invalid stream id is refused before the server sees it") {
  std::vector<RecordedEvent> log = MakeLog(2, 3);
  std::vector<ImportedEvent> lines = AsLines(log);
  lines[4].stream = StreamId(std::string("bad\0id", 6));
  ManualClock clock(Timestamp(kT0.value() + 1'000'000'000));
  ImportTarget t(PickLogin(), &clock);
  Result<ImportResult> r = t.store().Import(lines);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().starts_with("event 4: "));
  CHECK(t.Count("events") == 0);
}

TEST_CASE("import: 100k events quickly, and appends continue after them") {
  std::vector<RecordedEvent> log = MakeLog(1000, 100);
  ManualClock clock(kT0);
  ImportTarget t(PickLogin(), &clock);
  auto start = std::chrono::steady_clock::now();
  Result<ImportResult> r = t.store().Import(AsLines(log));
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  MESSAGE("imported " << r->imported << " events in "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms");
  CHECK(r->imported == log.size());
  CHECK(took < std::chrono::seconds(60));  // a sanity bound; docs/performance.md has the numbers
  CHECK(ReadLogExpecting(t.store(), log.size()) == log);

  AppendResult next = t.store()
                          .Append(MakeAppend(log[0].stream_id.value(),
                                              ExpectedVersion::Exact(StreamVersion(100)), 1))
                          .value();
  CHECK(next.position > log.back().global_position);
}

}  // namespace ledger::pgtest
