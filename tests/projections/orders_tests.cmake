# The order read models (projections/orders) end to end: the assembled Stripe story and the
# Printify fulfilment fixtures admitted as the webhook server admits them, translated
# (commands/intake), projected with ProjectToHead on the memory stores. Included by
# CMakeLists.txt in this folder.
ledger_test(NAME orders_projection_tests SOURCES
  ${PROJECT_SOURCE_DIR}/tests/commands/intake_fixture.cc
  orders_projection_test.cc
  provider_event_fields_test.cc
LIBS ledger::projections_orders ledger::commands ledger::stripe ledger::printify Boost::json
  Threads::Threads)
target_compile_definitions(orders_projection_tests PRIVATE
  LEDGER_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
