// Pipeline::SqlCached (adapters/postgres/pg_connection.h): a statement built at run time is
// prepared on its connection the first time and run by name after that; what happens when the
// prepare fails, the transaction rolls back, the server forgets it, or the cache is full.
#include <doctest/doctest.h>

#include <string>

#include "adapters/postgres/pg_connection.h"
#include "tests/postgres/pg_test_support.h"

namespace ledger::pg {
namespace {

using pgtest::MustExec;
using pgtest::TestDatabase;

// Runs `sql` (with `$1` = `value`) through a one-statement pipeline; its first cell, or the error.
Result<std::string> RunCached(PgConnection& conn, const std::string& sql, const std::string& value) {
  Pipeline p(conn);
  p.SqlCached(sql, std::move(Params().Text(value)));
  std::vector<Result<PgResult>> results = p.Run();
  REQUIRE(results.size() == 1);
  if (!results[0].ok()) return results[0].status();
  REQUIRE(results[0]->rows() == 1);
  return std::string(results[0]->Get(0, 0));
}

// The names prepared on the server for this session.
int ServerPrepared(PgConnection& conn) {
  Result<PgResult> r = conn.Query("SELECT count(*)::int8 FROM pg_prepared_statements");
  REQUIRE(r.ok());
  return static_cast<int>(r->GetInt64(0, 0));
}

TEST_CASE("postgres: SqlCached prepares once per connection and runs by name after") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  const std::string sql = "SELECT $1::text || '!'";
  CHECK(conn->cached_statements() == 0);
  for (const char* value : {"a", "b", "c"}) {
    Result<std::string> got = RunCached(*conn, sql, value);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(*got == std::string(value) + "!");
  }
  CHECK(conn->cached_statements() == 1);
  CHECK(ServerPrepared(*conn) == 1);
  // Twice the same new text in one pipeline: prepared once.
  Pipeline p(*conn);
  p.SqlCached("SELECT $1::text || '?'", std::move(Params().Text("x")));
  p.SqlCached("SELECT $1::text || '?'", std::move(Params().Text("y")));
  std::vector<Result<PgResult>> both = p.Run();
  REQUIRE(both[0].ok());
  REQUIRE(both[1].ok());
  CHECK(both[0]->Get(0, 0) == "x?");
  CHECK(both[1]->Get(0, 0) == "y?");
  CHECK(conn->cached_statements() == 2);
  CHECK(ServerPrepared(*conn) == 2);
}

TEST_CASE("postgres: a failed prepare is not cached and reports the statement's own error") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  const std::string sql = "SELECT x::text FROM later WHERE x::text <> $1";
  Result<std::string> missing = RunCached(*conn, sql, "v");
  CHECK_FALSE(missing.ok());
  CHECK(conn->last_error().sqlstate == "42P01");
  CHECK(conn->cached_statements() == 0);
  MustExec(*conn, "CREATE TABLE later (x int); INSERT INTO later VALUES (7)");
  Result<std::string> found = RunCached(*conn, sql, "v");
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  CHECK(*found == "7");
  CHECK(conn->cached_statements() == 1);
}

TEST_CASE("postgres: a statement prepared in a transaction that rolls back stays usable") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  const std::string sql = "SELECT $1::text || 'r'";
  Pipeline p(*conn);
  p.Sql("BEGIN");
  p.SqlCached(sql, std::move(Params().Text("q")));
  p.Sql("SELECT 1/0");
  p.Sql("COMMIT");
  std::vector<Result<PgResult>> results = p.Run();
  CHECK(results[1].ok());
  CHECK_FALSE(results[2].ok());
  MustExec(*conn, "ROLLBACK");
  CHECK(conn->cached_statements() == 1);
  Result<std::string> again = RunCached(*conn, sql, "s");
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(*again == "sr");
}

TEST_CASE("postgres: a cached statement the server forgot fails once, then is prepared again") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  const std::string sql = "SELECT $1::text || 'd'";
  REQUIRE(RunCached(*conn, sql, "a").ok());
  MustExec(*conn, "DEALLOCATE ALL");
  Result<std::string> forgotten = RunCached(*conn, sql, "b");
  CHECK_FALSE(forgotten.ok());
  CHECK(conn->last_error().sqlstate == "26000");
  CHECK(conn->cached_statements() == 0);
  Result<std::string> again = RunCached(*conn, sql, "c");
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(*again == "cd");
}

TEST_CASE("postgres: a table replaced under a cached statement is re-planned, not stale") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  MustExec(*conn, "CREATE TABLE t (v text); INSERT INTO t VALUES ('old')");
  const std::string sql = "SELECT v FROM t WHERE v <> $1";
  for (int i = 0; i < 7; ++i) REQUIRE(*RunCached(*conn, sql, "-") == "old");  // a generic plan
  // What a projector's shadow promotion does: another table takes the name.
  MustExec(*conn,
           "CREATE TABLE t2 (v text); INSERT INTO t2 VALUES ('new'); "
           "ALTER TABLE t RENAME TO t_old; ALTER TABLE t2 RENAME TO t; DROP TABLE t_old");
  Result<std::string> after = RunCached(*conn, sql, "-");
  REQUIRE_MESSAGE(after.ok(), after.status().ToString());
  CHECK(*after == "new");
}

TEST_CASE("postgres: past kMaxCachedStatements a statement runs unnamed") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  const std::size_t cap = PgConnection::kMaxCachedStatements;
  for (std::size_t i = 0; i <= cap + 3; ++i) {
    std::string sql = "SELECT $1::text || '" + std::to_string(i) + "'";
    Result<std::string> got = RunCached(*conn, sql, "n");
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(*got == "n" + std::to_string(i));
  }
  CHECK(conn->cached_statements() == cap);
  CHECK(ServerPrepared(*conn) == static_cast<int>(cap));
}

}  // namespace
}  // namespace ledger::pg
