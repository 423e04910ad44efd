// A ReadModelReader over a MemoryReadModelStore: the reference the conformance suite checks
// the SQLite and PostgreSQL readers against, and the reader of in-process tests (folds
// `as_of`, route tests). Scans the whole table per call: for tests, not for load.
#ifndef LEDGER_QUERIES_MEMORY_READ_MODEL_READER_H_
#define LEDGER_QUERIES_MEMORY_READ_MODEL_READER_H_

#include "projections/read_model_store.h"
#include "queries/read_model_reader.h"

namespace ledger::queries {

class MemoryReadModelReader final : public ReadModelReader {
 public:
  // `store` (any ReadModelStore; its Scan is all this uses) must outlive the reader.
  explicit MemoryReadModelReader(projections::ReadModelStore& store) : store_(store) {}

  Result<std::vector<projections::Row>> List(const Scope& scope, const ListQuery& query) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override;
  // One List per query, then the checkpoints: one snapshot only if nothing writes the store
  // meanwhile (a memory store has no snapshots; tests write before they read).
  Result<ReadSet> ReadTogether(const Scope& scope, std::span<const ListQuery> queries,
                               bool with_checkpoints) override;

 private:
  projections::ReadModelStore& store_;
};

// Whether `row` is visible to `scope` and passes every filter of `query`.
bool RowMatches(const Scope& scope, const ListQuery& query, const projections::Row& row);

}  // namespace ledger::queries

#endif  // LEDGER_QUERIES_MEMORY_READ_MODEL_READER_H_
