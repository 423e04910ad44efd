// SqliteSnapshotStore: the SnapshotStore (engine/snapshot_store.h) in the table
// aggregate_snapshots (migration 0003) of a ledger's SQLite file, beside its events.
//
//   auto snapshots = ledger::SqliteSnapshotStore::Open("ledger.db");  // after `ledger migrate`
//
// Every call is one statement on the store's own connection (autocommit), so a Save is one
// short write transaction that waits up to options.busy_timeout for the file's write lock,
// like an append, then fails Unavailable. Save is a single upsert whose WHERE clause keeps the
// higher stream_version, so racing saves (in this process or others) leave the newest.
//
// A ":memory:" store is a private database of its own (opened with options.migrate), not the
// in-memory event store's: fine for a cache.
//
// Thread safety: every method may be called concurrently; calls are serialised on the one
// connection (snapshots are read once per command and written once per N events).
#ifndef LEDGER_ADAPTERS_SQLITE_SQLITE_SNAPSHOT_STORE_H_
#define LEDGER_ADAPTERS_SQLITE_SQLITE_SNAPSHOT_STORE_H_

#include <memory>
#include <mutex>
#include <string>

#include "adapters/sqlite/sqlite_event_store.h"
#include "engine/snapshot_store.h"

namespace ledger {

namespace sqlite {
class Connection;
}  // namespace sqlite

class SqliteSnapshotStore final : public SnapshotStore {
 public:
  // Opens the snapshots of the ledger file at `path`. With options.migrate the file is
  // created and migrated if needed; without it, a file that lacks a migration is refused.
  // Errors as SqliteEventStore::Open.
  [[nodiscard]] static Result<std::unique_ptr<SqliteSnapshotStore>> Open(
      const std::string& path, const SqliteOptions& options = {});

  ~SqliteSnapshotStore() override;
  SqliteSnapshotStore(const SqliteSnapshotStore&) = delete;
  SqliteSnapshotStore& operator=(const SqliteSnapshotStore&) = delete;

  // DataLoss if a stored row does not fit a Snapshot (a negative version, say).
  Result<std::optional<Snapshot>> Load(const StreamId& stream,
                                       std::string_view aggregate) override;
  Status Save(const Snapshot& snapshot) override;
  Status Delete(const StreamId& stream, std::string_view aggregate) override;

 private:
  explicit SqliteSnapshotStore(std::unique_ptr<sqlite::Connection> db);

  std::mutex mu_;
  const std::unique_ptr<sqlite::Connection> db_;  // guarded by mu_
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_SQLITE_SQLITE_SNAPSHOT_STORE_H_
