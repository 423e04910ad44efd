// Test fixtures for the PostgreSQL store: a fresh database per test case and login roles,
// made from LEDGER_TEST_DATABASE_URL (an owner or superuser URL; scripts/pg-test-cluster
// starts a throwaway cluster and writes it). Without that variable every test fails, with a
// message saying how to get one: a missing database never passes silently.
#ifndef LEDGER_TESTS_POSTGRES_PG_TEST_SUPPORT_H_
#define LEDGER_TESTS_POSTGRES_PG_TEST_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/postgres/pg_event_store.h"
#include "engine/event_store.h"

namespace ledger::pgtest {

// LEDGER_TEST_DATABASE_URL; fails the test when it is not set.
std::string AdminUrl();

// `url` with other keywords (dbname, user, password); fails the test on a bad URL.
std::string UrlWith(const std::string& url,
                    const std::vector<std::pair<std::string, std::string>>& overrides);

// Connects; fails the test if it cannot.
std::unique_ptr<pg::PgConnection> Connect(const std::string& url);
// Runs SQL; fails the test (with the server's message) if it fails.
pg::PgResult MustExec(pg::PgConnection& conn, const std::string& sql);

// A LOGIN role with a random name and password, member of `member_of`; dropped at the end.
class TestLogin {
 public:
  explicit TestLogin(const std::vector<std::string>& member_of, const std::string& attributes = "");
  ~TestLogin();
  TestLogin(const TestLogin&) = delete;
  TestLogin& operator=(const TestLogin&) = delete;
  const std::string& name() const { return name_; }
  // `url` logged in as this role.
  std::string Url(const std::string& url) const;

 private:
  std::string name_;
  std::string password_;
};

// A new, empty database (UTF8) with a random name, owned by `owner` if given; dropped,
// connections and all, at the end.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& owner = "");
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // The admin URL pointed at this database.
  std::string Url() const;
  // Applies the migrations as the admin (superuser) URL; fails the test on error.
  void Migrate() const;
  std::unique_ptr<pg::PgConnection> ConnectAdmin() const { return Connect(Url()); }

 private:
  std::string name_;
};

// A migrated test database and a store on it, dropped together.
struct TestStore {
  explicit TestStore(Clock* clock, PgOptions options = {});
  std::unique_ptr<TestDatabase> db;
  std::unique_ptr<PgEventStore> store;
};

// For the conformance suite: a fresh, empty, migrated store per call.
struct PgFactory {
  static std::unique_ptr<EventStore> Open(Clock* clock);
};

}  // namespace ledger::pgtest

#endif  // LEDGER_TESTS_POSTGRES_PG_TEST_SUPPORT_H_
