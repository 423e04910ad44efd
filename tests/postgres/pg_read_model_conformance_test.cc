// The ReadModelStore conformance suite (tests/conformance) on PostgreSQL: every case on a
// fresh, migrated database, the store acting as ledger_projector.
#include "tests/conformance/read_model_store_conformance.h"
#include "tests/postgres/pg_read_model_support.h"

LEDGER_READ_MODEL_STORE_CONFORMANCE(PgReadModelStoreFactory,
                                    ledger::pgtest::OpenTestReadModelStore())
