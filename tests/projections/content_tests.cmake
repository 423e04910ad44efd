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
