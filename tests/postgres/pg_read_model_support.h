// Fixtures for the PostgreSQL read-model store tests: a fresh migrated database per store,
// dropped with it, and helpers to look at read-model rows as the real roles do.
#ifndef LEDGER_TESTS_POSTGRES_PG_READ_MODEL_SUPPORT_H_
#define LEDGER_TESTS_POSTGRES_PG_READ_MODEL_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "adapters/postgres/pg_read_model_store.h"
#include "tests/postgres/pg_test_support.h"

namespace ledger::pgtest {

// A migrated test database and a read-model store on it (acting as ledger_projector through
// the admin login), dropped together.
struct TestReadModelStore {
  explicit TestReadModelStore(PgReadModelOptions options = {});
  std::unique_ptr<TestDatabase> db;
  std::unique_ptr<PgReadModelStore> store;
};

// For the conformance suite: a fresh, empty store that drops its database when destroyed.
std::unique_ptr<projections::ReadModelStore> OpenTestReadModelStore();

// Runs `sql` in one transaction as `role` (SET LOCAL ROLE), with ledger.tenant and
// ledger.customer set transaction-locally unless empty; the rows of the last statement as
// text, each row's fields joined by '|'. Fails the test if a statement fails.
std::vector<std::string> RowsAs(pg::PgConnection& conn, const std::string& role,
                                const std::string& tenant, const std::string& customer,
                                const std::string& sql);

// Like RowsAs, but returns the SQLSTATE of the statement that failed ("" if none failed).
std::string SqlStateAs(pg::PgConnection& conn, const std::string& role, const std::string& tenant,
                       const std::string& sql);

}  // namespace ledger::pgtest

#endif  // LEDGER_TESTS_POSTGRES_PG_READ_MODEL_SUPPORT_H_
