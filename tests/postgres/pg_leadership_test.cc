// Leadership by advisory lock (adapters/postgres/pg_leadership.h): one leader per name across
// connections, released with the lease, and a lease whose session is gone says so.
#include <doctest/doctest.h>

#include "adapters/postgres/pg_leadership.h"
#include "tests/postgres/pg_test_support.h"

namespace ledger::pgtest {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<Lease> MustTryLead(LeaderElector& elector, const std::string& name) {
  Result<std::unique_ptr<Lease>> lease = elector.TryLead(name);
  REQUIRE_MESSAGE(lease.ok(), lease.status().ToString());
  return std::move(lease).value();
}

// Ends the session of the lease on `name` in the admin connection's database (found by its
// application_name; other tests' databases have leaders of the same name) and waits until it
// has ended.
void TerminateLeader(pg::PgConnection& admin, const std::string& name) {
  pg::PgResult r = MustExec(admin,
                            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM "
                            "pg_stat_activity WHERE datname = current_database() AND "
                            "application_name = 'ledger-leader:" +
                                name + "') t");
  REQUIRE(r.GetInt64(0, 0) == 1);
}

}  // namespace

TEST_CASE("pg leadership: the lock key of a name never changes") {
  // Other processes, other builds and older versions must agree on it.
  CHECK(pg::LeaderLockKey("projector.orders") == 5661737243040267837);
  CHECK(pg::LeaderLockKey("projector.orders") != pg::LeaderLockKey("projector.content"));
}

TEST_CASE("pg leadership: two electors on two connections, one wins until it lets go") {
  TestDatabase db;
  pg::PgLeaderElector one(pg::ConnectSpec{db.Url(), {}}, milliseconds(0));
  pg::PgLeaderElector two(pg::ConnectSpec{db.Url(), {}}, milliseconds(0));

  std::unique_ptr<Lease> first = MustTryLead(one, "projector.orders");
  REQUIRE(first != nullptr);
  CHECK(first->Held());
  CHECK(MustTryLead(two, "projector.orders") == nullptr);
  CHECK(MustTryLead(one, "projector.orders") == nullptr);  // also within one process
  std::unique_ptr<Lease> other = MustTryLead(two, "projector.content");
  CHECK(other != nullptr);

  first.reset();
  std::unique_ptr<Lease> second = MustTryLead(two, "projector.orders");
  REQUIRE(second != nullptr);
  CHECK(second->Held());
  CHECK(MustTryLead(one, "projector.orders") == nullptr);

  // Each lease holds its own session, not a pooled one.
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  CHECK(MustExec(*admin, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                         "granted AND database = (SELECT oid FROM pg_database WHERE datname = "
                         "current_database())")
            .GetInt64(0, 0) == 2);
}

TEST_CASE("pg leadership: a lease whose session was killed is no longer held") {
  TestDatabase db;
  pg::PgLeaderElector one(pg::ConnectSpec{db.Url(), {}}, milliseconds(0));
  pg::PgLeaderElector two(pg::ConnectSpec{db.Url(), {}}, milliseconds(0));
  std::unique_ptr<Lease> lease = MustTryLead(one, "projector.orders");
  REQUIRE(lease != nullptr);
  REQUIRE(lease->Held());

  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  TerminateLeader(*admin, "projector.orders");
  CHECK_FALSE(lease->Held());
  CHECK_FALSE(lease->Held());  // and stays lost

  // The server freed the lock with the session: someone else leads now.
  std::unique_ptr<Lease> successor = MustTryLead(two, "projector.orders");
  CHECK(successor != nullptr);
  lease.reset();  // destroying a lost lease is harmless, and frees nobody else's lock
  CHECK(successor->Held());
  CHECK(MustTryLead(one, "projector.orders") == nullptr);
}

TEST_CASE("pg leadership: Held() checks a quiet session with a round trip only now and then") {
  TestDatabase db;
  pg::PgLeaderElector elector(pg::ConnectSpec{db.Url(), {}}, milliseconds(3'600'000));
  std::unique_ptr<Lease> lease = MustTryLead(elector, "projector.orders");
  REQUIRE(lease != nullptr);
  std::unique_ptr<pg::PgConnection> admin = db.ConnectAdmin();
  auto queries = [&] {
    return MustExec(*admin,
                    "SELECT state || ':' || query FROM pg_stat_activity WHERE datname = "
                    "current_database() AND application_name = 'ledger-leader:projector.orders'")
        .GetOptional(0, 0)
        .value_or("");
  };
  std::string before = queries();
  for (int i = 0; i < 100; ++i) REQUIRE(lease->Held());
  CHECK(queries() == before);  // no statement ran: the interval has not passed
  // A terminated session is noticed without waiting for the interval.
  TerminateLeader(*admin, "projector.orders");
  CHECK_FALSE(lease->Held());
}

TEST_CASE("pg leadership: an unreachable server is Unavailable, not a lost election") {
  std::string nowhere = UrlWith(AdminUrl(), {{"host", "127.0.0.1"}, {"port", "1"}});
  pg::PgLeaderElector elector(pg::ConnectSpec{nowhere, {}}, milliseconds(0));
  Result<std::unique_ptr<Lease>> lease = elector.TryLead("projector.orders");
  CHECK(lease.status().code() == StatusCode::kUnavailable);
}

}  // namespace ledger::pgtest
