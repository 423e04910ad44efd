// Migrations on PostgreSQL: recorded with checksums, repeatable, refused when edited or
// unknown, safe when run concurrently; a store refuses to open on an unmigrated database.
#include <doctest/doctest.h>

#include <thread>

#include "schema/migrations.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

Status OpenStatus(const std::string& url) { return PgEventStore::Open(url).status(); }

}  // namespace

TEST_CASE("migrations: applied once, recorded with checksums, repeatable") {
  TestDatabase db;
  db.Migrate();
  db.Migrate();  // nothing pending: nothing done
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  pg::PgResult rows = MustExec(*admin,
                               "SELECT number, name, checksum, applied_at IS NOT NULL FROM "
                               "schema_migrations ORDER BY number");
  std::span<const Migration> known = PostgresMigrations();
  REQUIRE(rows.rows() == static_cast<int>(known.size()));
  for (std::size_t i = 0; i < known.size(); ++i) {
    int row = static_cast<int>(i);
    CHECK(rows.GetInt64(row, 0) == known[i].number);
    CHECK(rows.Get(row, 1) == known[i].name);
    CHECK(rows.Get(row, 2) == known[i].Checksum());
    CHECK(rows.Get(row, 3) == "t");
  }
  CHECK(OpenStatus(db.Url()).ok());
}

TEST_CASE("migrations: events' payload and raw body are compressed with LZ4 where the server has it") {
  TestDatabase db;
  db.Migrate();
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  // A server built without LZ4 refuses the setting; migration 5 then keeps pglz.
  bool has_lz4 = admin->Exec("SET default_toast_compression = lz4").ok();
  pg::PgResult methods = MustExec(*admin,
                                  "SELECT attname, attcompression FROM pg_attribute WHERE "
                                  "attrelid = 'events'::regclass AND attname IN ('payload', "
                                  "'raw_body') ORDER BY attname");
  REQUIRE(methods.rows() == 2);
  for (int i = 0; i < 2; ++i) {
    CAPTURE(methods.Get(i, 0));
    CHECK(methods.Get(i, 1) == (has_lz4 ? "l" : ""));
  }
}

TEST_CASE("migrations: a store on an unmigrated database is refused with what to do") {
  TestDatabase db;
  Status s = OpenStatus(db.Url());
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message().find("ledger migrate") != std::string::npos);

  db.Migrate();
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  MustExec(*admin, "DELETE FROM schema_migrations WHERE number = 1");  // as if 1 were new
  s = OpenStatus(db.Url());
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message().find("ledger migrate") != std::string::npos);
}

TEST_CASE("migrations: an edited applied migration is refused") {
  TestDatabase db;
  db.Migrate();
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  MustExec(*admin, "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE number = 1");
  Status migrate = PgEventStore::Migrate(db.Url());
  CHECK(migrate.code() == StatusCode::kFailedPrecondition);
  CHECK(migrate.message().find("changed") != std::string::npos);
  CHECK(OpenStatus(db.Url()).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("migrations: a migration from a newer ledger is refused") {
  TestDatabase db;
  db.Migrate();
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  MustExec(*admin,
           "INSERT INTO schema_migrations (number, name, checksum) VALUES (9999, 'future', 'x')");
  Status migrate = PgEventStore::Migrate(db.Url());
  CHECK(migrate.code() == StatusCode::kFailedPrecondition);
  CHECK(migrate.message().find("newer") != std::string::npos);
  CHECK(OpenStatus(db.Url()).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("migrations: concurrent runs are serialized and all succeed") {
  TestDatabase db;
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (Status& r : results) threads.emplace_back([&] { r = PgEventStore::Migrate(db.Url()); });
  for (std::thread& t : threads) t.join();
  for (const Status& r : results) CHECK_MESSAGE(r.ok(), r.ToString());
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  CHECK(MustExec(*admin, "SELECT count(*) FROM schema_migrations").GetInt64(0, 0) ==
        static_cast<std::int64_t>(PostgresMigrations().size()));
}

TEST_CASE("migrations: a server that cannot be reached is Unavailable") {
  std::string nowhere = UrlWith(AdminUrl(), {{"host", "127.0.0.1"}, {"port", "1"}});
  CHECK(PgEventStore::Migrate(nowhere).code() == StatusCode::kUnavailable);
  CHECK(OpenStatus(nowhere).code() == StatusCode::kUnavailable);
}

}  // namespace ledger::pgtest
