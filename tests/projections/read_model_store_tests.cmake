# The ReadModelStore conformance suite (tests/conformance/read_model_store_conformance.h) on
# the memory store; the SQLite and PostgreSQL stores run it in tests/sqlite and tests/postgres.
ledger_test(NAME read_model_store_tests
  SOURCES
    memory_read_model_store_test.cc
  LIBS ledger::projections
)
