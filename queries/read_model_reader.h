// ReadModelReader: how the query API reads read models (DESIGN.md sections 4 and 10).
//
// Implemented for PostgreSQL (adapters/postgres/pg_read_model_reader.h: one read-only
// transaction per call as ledger_reader, the scope set transaction-locally, so row-level
// security does the scoping), SQLite (adapters/sqlite/sqlite_read_model_reader.h: no RLS there,
// the scope becomes WHERE clauses) and memory (memory_read_model_reader.h: the reference). All
// pass tests/conformance/read_model_reader_conformance.h.
//
// Readers read the live tables only (never a rebuild's shadow tables) and never write.
// Thread safety: every method may be called concurrently from any thread.
#ifndef LEDGER_QUERIES_READ_MODEL_READER_H_
#define LEDGER_QUERIES_READ_MODEL_READER_H_

#include <span>
#include <string_view>
#include <vector>

#include "engine/checkpoint_store.h"
#include "engine/result.h"
#include "queries/list_query.h"

namespace ledger::queries {

// What ReadTogether answers: each query's rows, in the order of the queries, and the
// checkpoints when they were asked for (else empty).
struct ReadSet {
  std::vector<std::vector<projections::Row>> lists;
  std::vector<Checkpoint> checkpoints;
};

class ReadModelReader {
 public:
  virtual ~ReadModelReader() = default;

  // The rows of `query`, in its order, at most query.limit, only those `scope` may see: rows
  // of scope.tenant_id and, when scope.customer_id is set and the table is customer-scoped, of
  // that customer. InvalidArgument if CheckListQuery fails; FailedPrecondition if the table
  // does not exist yet (no projector has created it); Unavailable if the store is unreachable.
  virtual Result<std::vector<projections::Row>> List(const Scope& scope,
                                                     const ListQuery& query) = 0;

  // Every checkpoint of projection_checkpoints, ordered by name (a projector's live one under
  // its name, a rebuild's as "<name>#rebuild"): how far each read model has got, for
  // read-your-writes (`min_position`).
  virtual Result<std::vector<Checkpoint>> LoadCheckpoints() = 0;

  // The rows of each of `queries` (as List would answer them) and, if `with_checkpoints`, the
  // checkpoints, all read from one snapshot of the read models: a detail and its embedded rows
  // never mix two projector commits, and the checkpoints say how far exactly these rows have
  // got. The whole read fails if any query would (FailedPrecondition if one table does not
  // exist yet), so that a caller never gets half a snapshot.
  virtual Result<ReadSet> ReadTogether(const Scope& scope, std::span<const ListQuery> queries,
                                       bool with_checkpoints) = 0;
};

}  // namespace ledger::queries

#endif  // LEDGER_QUERIES_READ_MODEL_READER_H_
