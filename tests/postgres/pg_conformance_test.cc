// The EventStore conformance suite (tests/conformance) on PostgreSQL: every case on a fresh,
// migrated database.
#include "tests/conformance/event_store_conformance.h"
#include "tests/postgres/pg_test_support.h"

LEDGER_EVENT_STORE_CONFORMANCE(ledger::pgtest::PgFactory);
