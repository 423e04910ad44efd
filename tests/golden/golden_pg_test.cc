// The golden fixtures (README.md in this folder) replayed on PostgreSQL (label "postgres"):
// each log imported into a fresh migrated database, projected into the same database's read
// models, to the committed digest and rows; then rebuilt from scratch at batch size 1.
#include <doctest/doctest.h>

#include "adapters/postgres/pg_event_store.h"
#include "adapters/postgres/pg_read_model_store.h"
#include "tests/golden/golden_check.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::golden {
namespace {

TEST_CASE("every golden log replays on PostgreSQL to its digest, and again when rebuilt") {
  for (const GoldenFixture& fixture : GoldenFixtures()) {
    INFO("fixture " << fixture.name);
    Committed golden(fixture);
    pgtest::TestDatabase db;
    db.Migrate();
    Result<std::unique_ptr<PgEventStore>> events = PgEventStore::Open(db.Url());
    REQUIRE_MESSAGE(events.ok(), events.status().ToString());
    Result<std::unique_ptr<PgReadModelStore>> rows = PgReadModelStore::Open(db.Url());
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    Status imported = ImportLog(**events, golden.log);
    REQUIRE_MESSAGE(imported.ok(), imported.ToString());
    // PostgreSQL shows a commit only once every older transaction in the cluster has ended;
    // the runtime stops at the first empty read, so wait until the whole log is readable.
    REQUIRE(ledger::testing::ReadLogExpecting(**events, golden.log.size()).size() ==
            golden.log.size());

    ProjectAndCheck(golden, **events, **rows, "PostgreSQL", ProjectOptions{.batch_size = 1000});
    ProjectAndCheck(golden, **events, **rows, "PostgreSQL",
                    ProjectOptions{.batch_size = 1, .force_rebuild = true});
  }
}

}  // namespace
}  // namespace ledger::golden
