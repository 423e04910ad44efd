// SqliteReadModelStore: the ReadModelStore (projections/read_model_store.h) in the SQLite file
// of a SqliteEventStore, so that a single-machine ledger keeps its log and its read models in
// one file (and one backup).
//
//   auto store = ledger::SqliteReadModelStore::Open("ledger.db");   // after `ledger migrate`
//
// Tables: each TableSpec becomes a STRICT, WITHOUT ROWID table keyed by its primary key, with
// its declared indexes (projections/read_model.h gives the column types: timestamps are
// INTEGER microseconds, booleans INTEGER 0/1, JSON the TEXT given). Text keys use SQLite's
// BINARY collation, so Scan's order is bytewise, as on every backend. Checkpoints live in
// projection_checkpoints (migration 0002). Names of the store's own tables (events, streams,
// ...) are refused as read-model names.
//
// Transactions: every write (Commit, CreateTables, DropTables, PromoteShadow, SaveCheckpoint,
// DeleteCheckpoint) is one BEGIN IMMEDIATE transaction on the store's writer connection, so it
// also serialises with the event store's appends on the same file; a write waits up to
// options.busy_timeout for the file's write lock, then fails Unavailable, having changed
// nothing. A Commit prepares each table's INSERT OR REPLACE and DELETE once per connection
// (the connection caches them).
//
// Leadership: a lock file beside the database, "<path>.lead-<name>", held with flock(2) for
// the Lease's life (the kernel releases it if the process dies). A ":memory:" store elects
// within the process (engine/leadership.h LocalLeaderElector). Lease names are
// [A-Za-z0-9._-]{1,100}.
//
// Thread safety: every method may be called concurrently from any thread. Writes are
// serialised; on a file, reads (Fetch, Scan, LoadCheckpoint(s)) run on pooled reader
// connections in parallel with the writer and see the last commit. A ":memory:" database
// exists only in its one connection, so there reads share the writer's connection and Scan
// holds it for the whole scan: a Scan visitor must not call the store.
#ifndef LEDGER_ADAPTERS_SQLITE_SQLITE_READ_MODEL_STORE_H_
#define LEDGER_ADAPTERS_SQLITE_SQLITE_READ_MODEL_STORE_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_event_store.h"
#include "projections/read_model_store.h"

namespace ledger {

namespace sqlite {
class Connection;
class ReaderPool;
}  // namespace sqlite

class SqliteReadModelStore final : public projections::ReadModelStore {
 public:
  // Opens the read models in the ledger file at `path` (or a private, empty ":memory:"
  // database, which needs options.migrate). With options.migrate the file is created and
  // migrated if needed (options.clock stamps the migrations); without it, a file that lacks
  // a migration is refused. Errors as SqliteEventStore::Open.
  [[nodiscard]] static Result<std::unique_ptr<SqliteReadModelStore>> Open(
      const std::string& path, const SqliteOptions& options = {});

  ~SqliteReadModelStore() override;
  SqliteReadModelStore(const SqliteReadModelStore&) = delete;
  SqliteReadModelStore& operator=(const SqliteReadModelStore&) = delete;

  // Positions and event counts above 2^63-1 do not fit SQLite's INTEGER: InvalidArgument.
  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) override;
  Status SaveCheckpoint(const CheckpointMove& move) override;

  Status CreateTables(std::span<const projections::TableSpec> tables,
                      projections::TableSet set) override;
  Status DropTables(std::span<const projections::TableSpec> tables,
                    projections::TableSet set) override;
  // FailedPrecondition if the table does not exist (also for Commit and Scan).
  Result<std::vector<std::optional<projections::Row>>> Fetch(
      const projections::TableSpec& table, projections::TableSet set,
      std::span<const projections::Key> keys) override;
  Status Commit(const projections::CommitRequest& request) override;
  // Commit, with a kShadow request's rows written table by table in primary-key order (the
  // outcome is Commit's: one change per row stands, the last; see read_model_store.h).
  Status CommitBulk(const projections::CommitRequest& request) override;
  Status PromoteShadow(std::span<const projections::TableSpec> tables,
                       std::string_view live_checkpoint, std::string_view shadow_checkpoint,
                       GlobalPosition expected) override;
  // Deleting an absent checkpoint is not an error.
  Status DeleteCheckpoint(std::string_view name, GlobalPosition expected) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override;
  Status Scan(const projections::TableSpec& table,
              const std::function<Status(const projections::Row&)>& visit) override;
  LeaderElector& leadership() override { return *elector_; }

 private:
  SqliteReadModelStore(std::unique_ptr<sqlite::Connection> writer,
                       std::chrono::milliseconds busy_timeout);

  // Commit's work: checks, then `changes` (pointers into request.changes) in that order and
  // the checkpoint moves, in one write transaction.
  Status Apply(const projections::CommitRequest& request,
               std::span<const projections::RowChange* const> changes);

  std::mutex write_mu_;
  const std::unique_ptr<sqlite::Connection> writer_;  // guarded by write_mu_
  std::unique_ptr<sqlite::ReaderPool> readers_;
  std::unique_ptr<LeaderElector> elector_;
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_SQLITE_SQLITE_READ_MODEL_STORE_H_
