// ReadModelStore: where projectors' rows live (DESIGN.md section 7). Implemented for
// PostgreSQL (adapters/postgres/pg_read_model_store.h), SQLite
// (adapters/sqlite/sqlite_read_model_store.h) and memory (memory_read_model_store.h); all pass
// tests/conformance/read_model_store_conformance.h.
//
// Projectors never call this directly: the runtime (runner.h) buffers a batch of their row
// changes (batch_writer.h) and commits them here together with the checkpoint, in one
// transaction, so every event takes effect exactly once, also across crashes.
//
// Tables come in two sets. kLive is what queries read. kShadow is a rebuild in progress
// (a projector's version changed, or `ledger rebuild`): the same tables under other names,
// filled from position 0 and swapped in by PromoteShadow when caught up, so queries never see a
// half-built model.
//
// Thread safety: every method may be called concurrently from any thread.
#ifndef LEDGER_PROJECTIONS_READ_MODEL_STORE_H_
#define LEDGER_PROJECTIONS_READ_MODEL_STORE_H_

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/checkpoint_store.h"
#include "engine/leadership.h"
#include "engine/result.h"
#include "projections/read_model.h"

namespace ledger::projections {

enum class TableSet { kLive, kShadow };

// The physical name of `table` in `set`: the live name, or "<name>__shadow".
std::string PhysicalTableName(const TableSpec& table, TableSet set);

// One change of a batch: the row to store under `key` (insert or replace every column), or
// nullopt to delete it (deleting an absent row is not an error).
struct RowChange {
  const TableSpec* table = nullptr;
  Key key;
  std::optional<Row> row;
};

// The checks every backend makes of a change before writing anything (InvalidArgument):
// a table is named; the key has one non-NULL value of the right type per primary-key column;
// a row belongs to the table, fits every column's type, has no NULL where the table forbids
// one, and carries the change's key.
Status CheckRowChange(const RowChange& change);

struct CommitRequest {
  TableSet set = TableSet::kLive;
  std::vector<RowChange> changes;  // applied in order
  // Checkpoints moved in the same transaction. If any move's expectation fails, nothing of the
  // request is applied and Commit returns Conflict.
  std::vector<CheckpointMove> checkpoints;
  // A hint for CommitBulk, empty or one per change: true where the change is a row whose key
  // the store is known not to hold (the runtime knows it of shadow tables it created empty
  // and never wrote that key to), so that a backend may insert it without looking for it.
  // A wrong hint must not corrupt anything: a backend that trusts it fails on the duplicate
  // key and applies nothing, as any failed flush (the runtime rewinds, forgetting what it
  // knew). PostgreSQL COPYs hinted rows straight into the table; the memory store refuses a
  // request with a wrong hint (AlreadyExists), so that tests catch one; SQLite ignores them.
  std::vector<bool> new_rows;
};

// The check every backend makes of request.new_rows (InvalidArgument): empty, or one per
// change.
Status CheckNewRowsShape(const CommitRequest& request);

class ReadModelStore : public CheckpointStore {
 public:
  // Creates the tables of `set` that do not exist yet, with their indexes and, on
  // PostgreSQL, their row-level security policies and grants. Existing tables are left as
  // they are (a changed declaration comes with a new projector version, hence a rebuild).
  virtual Status CreateTables(std::span<const TableSpec> tables, TableSet set) = 0;

  // Drops the tables of `set` that exist (a discarded or restarted rebuild).
  virtual Status DropTables(std::span<const TableSpec> tables, TableSet set) = 0;

  // The rows stored under `keys` in `set`, in the same order; nullopt where there is none.
  virtual Result<std::vector<std::optional<Row>>> Fetch(const TableSpec& table, TableSet set,
                                                        std::span<const Key> keys) = 0;

  // Applies request.changes and request.checkpoints atomically, or nothing (see
  // CommitRequest). InvalidArgument if a row does not match its TableSpec.
  virtual Status Commit(const CommitRequest& request) = 0;

  // Commit, for a request of many rows into kShadow tables (a rebuild's write-back buffer,
  // runner.h): the same contract (atomic with the checkpoints, the same checks, the last
  // change to a key wins), but a backend may load the rows another way. PostgreSQL streams
  // them with binary COPY; a kLive request is always committed as Commit commits it, since
  // queries read those tables. The default is Commit.
  virtual Status CommitBulk(const CommitRequest& request) { return Commit(request); }

  // In one transaction: drops the live tables, renames the shadow ones to the live names, and
  // replaces the checkpoint `live_checkpoint` with the checkpoint `shadow_checkpoint` (renamed),
  // which must be at `expected` (else Conflict and nothing changes). A backend may prepare the
  // shadow tables for their new role first, in a transaction of its own (PostgreSQL builds
  // their secondary indexes and statistics: pg_read_model_store.h).
  virtual Status PromoteShadow(std::span<const TableSpec> tables,
                               std::string_view live_checkpoint,
                               std::string_view shadow_checkpoint, GlobalPosition expected) = 0;

  // Deletes the checkpoint `name` if it is at `expected` (else Conflict).
  virtual Status DeleteCheckpoint(std::string_view name, GlobalPosition expected) = 0;

  // Every checkpoint, ordered by name.
  virtual Result<std::vector<Checkpoint>> LoadCheckpoints() = 0;

  // Every row of a live table in primary-key order (text compared bytewise, so every backend
  // yields the same order), each handed to `visit`; stops at the first error `visit` returns.
  // Rows are streamed, never all held in memory.
  virtual Status Scan(const TableSpec& table,
                      const std::function<Status(const Row&)>& visit) = 0;

  // Leadership of a projector across processes (engine/leadership.h).
  virtual LeaderElector& leadership() = 0;
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_READ_MODEL_STORE_H_
