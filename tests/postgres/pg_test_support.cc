#include "tests/postgres/pg_test_support.h"

#include <cstdlib>

#include "engine/event_store_wrapper.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

std::string RandomSuffix() { return Uuid::V4().ToString().substr(0, 8); }

// Forwards to a store and drops its database after it.
class OwningStore final : public EventStoreWrapper {
 public:
  OwningStore(std::unique_ptr<TestDatabase> db, std::unique_ptr<PgEventStore> store)
      : EventStoreWrapper(store.get()), db_(std::move(db)), store_(std::move(store)) {}

 private:
  std::unique_ptr<TestDatabase> db_;  // declared first: destroyed after the store
  std::unique_ptr<PgEventStore> store_;
};

}  // namespace

std::string AdminUrl() {
  const char* url = std::getenv("LEDGER_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    FAIL(
        "LEDGER_TEST_DATABASE_URL is not set. The PostgreSQL tests need a server: run "
        "scripts/test, or `scripts/pg-test-cluster start /tmp/pg.env && set -a && . /tmp/pg.env`, "
        "or point it at an owner/superuser URL of an existing server.");
  }
  return url;
}

std::string UrlWith(const std::string& url,
                    const std::vector<std::pair<std::string, std::string>>& overrides) {
  Result<std::string> out = pg::RewriteConninfo(url, overrides);
  REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  return *out;
}

std::unique_ptr<pg::PgConnection> Connect(const std::string& url) {
  Result<std::unique_ptr<pg::PgConnection>> conn = pg::PgConnection::Open(pg::ConnectSpec{url, {}});
  REQUIRE_MESSAGE(conn.ok(), conn.status().ToString());
  return std::move(conn).value();
}

pg::PgResult MustExec(pg::PgConnection& conn, const std::string& sql) {
  Result<pg::PgResult> r = conn.Exec(sql);
  REQUIRE_MESSAGE(r.ok(), sql << ": " << r.status().ToString());
  return std::move(r).value();
}

TestLogin::TestLogin(const std::vector<std::string>& member_of, const std::string& attributes)
    : name_("ledger_test_login_" + RandomSuffix()), password_(RandomSuffix() + RandomSuffix()) {
  std::unique_ptr<pg::PgConnection> admin = Connect(AdminUrl());
  std::string sql =
      "CREATE ROLE " + name_ + " LOGIN " + attributes + " PASSWORD '" + password_ + "'";
  if (!member_of.empty()) {
    sql += " IN ROLE ";
    for (std::size_t i = 0; i < member_of.size(); ++i) sql += (i ? ", " : "") + member_of[i];
  }
  MustExec(*admin, sql);
}

TestLogin::~TestLogin() {
  Result<std::unique_ptr<pg::PgConnection>> admin =
      pg::PgConnection::Open(pg::ConnectSpec{std::getenv("LEDGER_TEST_DATABASE_URL"), {}});
  if (admin.ok()) (*admin)->Exec("DROP ROLE IF EXISTS " + name_).status().IgnoreError();
}

std::string TestLogin::Url(const std::string& url) const {
  return UrlWith(url, {{"user", name_}, {"password", password_}});
}

TestDatabase::TestDatabase(const std::string& owner) : name_("ledger_test_" + RandomSuffix()) {
  std::unique_ptr<pg::PgConnection> admin = Connect(AdminUrl());
  MustExec(*admin, "CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0" +
                       (owner.empty() ? "" : " OWNER " + owner));
}

TestDatabase::~TestDatabase() {
  const char* url = std::getenv("LEDGER_TEST_DATABASE_URL");
  if (url == nullptr) return;
  Result<std::unique_ptr<pg::PgConnection>> admin =
      pg::PgConnection::Open(pg::ConnectSpec{url, {}});
  if (admin.ok()) {
    (*admin)->Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").status().IgnoreError();
  }
}

std::string TestDatabase::Url() const { return UrlWith(AdminUrl(), {{"dbname", name_}}); }

void TestDatabase::Migrate() const {
  Status s = PgEventStore::Migrate(Url());
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

TestStore::TestStore(Clock* clock, PgOptions options) : db(std::make_unique<TestDatabase>()) {
  db->Migrate();
  options.clock = clock;
  Result<std::unique_ptr<PgEventStore>> opened = PgEventStore::Open(db->Url(), options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  store = std::move(opened).value();
}

std::unique_ptr<EventStore> PgFactory::Open(Clock* clock) {
  TestStore t(clock);
  return std::make_unique<OwningStore>(std::move(t.db), std::move(t.store));
}

}  // namespace ledger::pgtest
