ledger_test(NAME projection_runtime_tests SOURCES
  batch_writer_test.cc
  counting_projector.cc
  digest_test.cc
  projection_service_test.cc
  rebuild_buffer_test.cc
  runner_test.cc
LIBS ledger::projections)
