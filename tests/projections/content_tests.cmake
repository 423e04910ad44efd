# The content and canary read models (projections/content, projections/canary), driven by the
# real domain commands on the memory stores. Included by CMakeLists.txt in this folder.
ledger_test(NAME content_projection_tests SOURCES
  ${PROJECT_SOURCE_DIR}/tests/commands/command_fixture.cc
  canary_anomaly_test.cc
  canary_history_test.cc
  content_audit_test.cc
  content_catalog_test.cc
  content_products_test.cc
  content_projection_support.cc
LIBS ledger::projections_content ledger::projections_canary ledger::commands Boost::json)

# The same read models on PostgreSQL: parity with memory, RLS as ledger_reader, and the
# documented example queries (read from docs/). Needs LEDGER_TEST_DATABASE_URL.
ledger_test(NAME content_projection_pg_tests SOURCES
  ${PROJECT_SOURCE_DIR}/tests/commands/command_fixture.cc
  ${PROJECT_SOURCE_DIR}/tests/postgres/pg_read_model_support.cc
  ${PROJECT_SOURCE_DIR}/tests/postgres/pg_test_support.cc
  content_postgres_test.cc
  content_projection_support.cc
LIBS ledger::projections_content ledger::projections_canary ledger::commands ledger::postgres
     Boost::json
LABELS postgres)
target_compile_definitions(content_projection_pg_tests PRIVATE
  LEDGER_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
