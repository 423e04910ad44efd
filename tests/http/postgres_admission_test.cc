// The admission scenarios on PostgreSQL (label "postgres": needs LEDGER_TEST_DATABASE_URL,
// fails without it; scripts/test provides a throwaway cluster).
#include <doctest/doctest.h>

#include "tests/http/admission_checks.h"

namespace ledger::testing {
namespace {

TEST_CASE("postgres: every Stripe fixture is admitted or refused, and stored byte-exact") {
  CheckEveryStripeFixture(StoreKind::kPostgres);
}

TEST_CASE("postgres: every Printify fixture is admitted once, and stored byte-exact") {
  CheckEveryPrintifyFixture(StoreKind::kPostgres);
}

TEST_CASE("postgres: 50 concurrent deliveries of one event store it exactly once") {
  CheckConcurrentRedeliveries(StoreKind::kPostgres, 50);
}

TEST_CASE("postgres: bodies jsonb cannot hold are admitted and kept raw") {
  CheckBodiesKeptOnlyRaw(StoreKind::kPostgres);
}

TEST_CASE("postgres: store unavailable is 503 with Retry-After, then recovery") {
  CheckOutageAndRecovery(StoreKind::kPostgres);
}

}  // namespace
}  // namespace ledger::testing
