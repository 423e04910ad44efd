// The ReadModelReader conformance suite on the memory reader, the reference itself: the
// suite's hand-written expectations check the reference, and every other backend is compared
// with it.
#include "projections/memory_read_model_store.h"
#include "queries/memory_read_model_reader.h"
#include "tests/conformance/read_model_reader_conformance.h"

namespace {

ledger::reader_conformance::ReaderBackend MakeMemoryBackend() {
  auto store = std::make_unique<ledger::projections::MemoryReadModelStore>();
  auto reader = std::make_unique<ledger::queries::MemoryReadModelReader>(*store);
  return {nullptr, std::move(store), std::move(reader)};
}

}  // namespace

LEDGER_READ_MODEL_READER_CONFORMANCE(MemoryReader, MakeMemoryBackend())
