// Pipeline::Flush (adapters/postgres/pg_connection.h): statements sent before Run() are
// executed while the caller goes on, and Run() still answers every statement in order.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "adapters/postgres/pg_connection.h"
#include "tests/postgres/pg_test_support.h"

namespace ledger::pg {
namespace {

using pgtest::MustExec;
using pgtest::TestDatabase;

constexpr int kLockKey = 731'001;

// Whether some session holds the advisory lock kLockKey, as `observer` sees it.
bool LockHeld(PgConnection& observer) {
  return MustExec(observer, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                            "objid = " + std::to_string(kLockKey) + " AND granted")
             .GetInt64(0, 0) == 1;
}

TEST_CASE("postgres: a flushed statement runs before Run, and Run answers all in order") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  auto observer = db.ConnectAdmin();
  Pipeline p(*conn);
  std::size_t lock = p.Sql("SELECT pg_advisory_lock(" + std::to_string(kLockKey) + ")");
  p.Flush();
  // The server took the lock with no Run(): another session sees it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!LockHeld(*observer) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(LockHeld(*observer));
  std::size_t echo = p.Sql("SELECT $1::text", std::move(Params().Text("after the flush")));
  std::size_t unlock = p.Sql("SELECT pg_advisory_unlock(" + std::to_string(kLockKey) + ")");
  std::vector<Result<PgResult>> results = p.Run();
  REQUIRE(results.size() == 3);
  for (const auto& r : results) REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(results[lock]->rows() == 1);
  CHECK(results[echo]->Get(0, 0) == "after the flush");
  CHECK(results[unlock]->Get(0, 0) == std::string("\x01", 1));  // binary bool true
  CHECK_FALSE(LockHeld(*observer));
  CHECK(conn->idle());
}

TEST_CASE("postgres: after a flushed statement fails, later ones are cancelled and it is the error") {
  TestDatabase db;
  auto conn = db.ConnectAdmin();
  Pipeline p(*conn);
  p.Sql("BEGIN");
  std::size_t bad = p.Sql("SELECT 1 / 0");
  p.Flush();
  std::size_t later = p.Sql("SELECT 1");
  std::vector<Result<PgResult>> results = p.Run();
  REQUIRE(results.size() == 3);
  CHECK(results[0].ok());
  CHECK(results[bad].status().code() == StatusCode::kInvalidArgument);
  CHECK(results[later].status().code() == StatusCode::kCancelled);
  CHECK(conn->last_error().sqlstate == "22012");  // division_by_zero
  MustExec(*conn, "ROLLBACK");
  CHECK(conn->idle());
}

}  // namespace
}  // namespace ledger::pg
