// Immutability in layers (DESIGN.md section 3): the application roles hold no UPDATE, DELETE
// or TRUNCATE on events, and triggers refuse those for everyone else, the owner included.
// Run as real login roles, never as a superuser; only the last case uses the superuser, to
// show what the hash chain is for.
#include <doctest/doctest.h>

#include "engine/canonical.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using testing::MakeAppend;
using testing::UniqueStream;

constexpr const char* kChanges[] = {
    "UPDATE events SET actor = 'mallory'",
    "DELETE FROM events",
    "TRUNCATE events",
};

// Runs `sql` and returns the SQLSTATE it failed with ("" if it succeeded).
std::string FailureOf(pg::PgConnection& conn, const std::string& sql) {
  conn.ClearError();
  Result<pg::PgResult> r = conn.Exec(sql);
  return r.ok() ? "" : conn.last_error().sqlstate;
}

}  // namespace

TEST_CASE("immutability: application roles have no right to change events") {
  TestStore t(SystemClock::Default());
  REQUIRE(t.store->Append(MakeAppend(UniqueStream("order"), ExpectedVersion::Any(), 2)).ok());
  for (const char* role :
       {"ledger_writer", "ledger_projector", "ledger_reader", "ledger_auditor"}) {
    CAPTURE(role);
    TestLogin login({role});
    std::unique_ptr<pg::PgConnection> conn = Connect(login.Url(t.db->Url()));
    MustExec(*conn, "SET ledger.tenant = '*'");
    for (const char* sql : kChanges) {
      CAPTURE(sql);
      CHECK(FailureOf(*conn, sql) == "42501");  // permission denied
    }
  }
  // Only the writer may insert at all.
  TestLogin reader({"ledger_reader"});
  std::unique_ptr<pg::PgConnection> conn = Connect(reader.Url(t.db->Url()));
  CHECK(FailureOf(*conn, "INSERT INTO events (commit_key) VALUES ('1')") == "42501");
  CHECK(t.store->ReadStream(StreamId("order-x"), {}).ok());
}

TEST_CASE("immutability: triggers refuse changes even from the table owner") {
  TestStore roles_exist(SystemClock::Default());  // the group roles are created by a migration
  TestLogin owner({}, "CREATEROLE");
  TestDatabase db(owner.name());
  const std::string owner_url = owner.Url(db.Url());
  Status migrated = PgEventStore::Migrate(owner_url);
  REQUIRE_MESSAGE(migrated.ok(), migrated.ToString());

  // With the owner's URL the store still appends as ledger_writer (SET ROLE).
  Result<std::unique_ptr<PgEventStore>> store = PgEventStore::Open(owner_url);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  REQUIRE((*store)->Append(MakeAppend(UniqueStream("order"), ExpectedVersion::Any(), 2)).ok());

  std::unique_ptr<pg::PgConnection> conn = Connect(owner_url);
  MustExec(*conn, "SET ledger.tenant = '*'");
  for (const char* sql : kChanges) {
    CAPTURE(sql);
    conn->ClearError();
    Result<pg::PgResult> r = conn->Exec(sql);
    REQUIRE_FALSE(r.ok());
    CHECK(conn->last_error().sqlstate == "23001");  // restrict_violation, from the trigger
    CHECK(r.status().message().find("append-only") != std::string::npos);
  }
  CHECK(MustExec(*conn, "SELECT count(*) FROM events").GetInt64(0, 0) == 2);
}

TEST_CASE("immutability: a superuser can bypass both layers, and the hash chain shows it") {
  TestStore t(SystemClock::Default());
  const std::string stream = UniqueStream("order");
  REQUIRE(t.store->Append(MakeAppend(stream, ExpectedVersion::Any(), 3)).ok());
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  MustExec(*admin, "SET session_replication_role = replica");  // triggers off
  MustExec(*admin, "UPDATE events SET payload = '{\"i\":42}' WHERE stream_version = 2");

  std::vector<RecordedEvent> events = testing::ReadWholeStream(*t.store, stream);
  REQUIRE(events.size() == 3);
  CHECK(events[0].stream_hash == ChainStreamHash(kGenesisStreamHash, events[0]));
  CHECK(events[1].stream_hash != ChainStreamHash(events[0].stream_hash, events[1]));  // caught
}

}  // namespace ledger::pgtest
