// PgSnapshotStore: the SnapshotStore (engine/snapshot_store.h) in the table
// aggregate_snapshots (migration 0003; docs/storage.md) of a ledger's PostgreSQL database.
//
//   auto snapshots = ledger::PgSnapshotStore::Open(url, {});  // after `ledger migrate`
//
// Roles: every pooled connection runs SET ROLE options.role (ledger_writer, which may
// SELECT, INSERT, UPDATE and DELETE snapshots and nothing else of them) and sets
// ledger.tenant = '*' for the session: the row-level-security scope of every tenant, like
// the event store's. Save is one INSERT ... ON CONFLICT DO UPDATE whose WHERE keeps the
// higher stream_version, so racing saves from any number of servers leave the newest.
//
// Thread safety: all methods may be called concurrently. The store owns a pool of up to
// options.pool_size connections of its own.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_SNAPSHOT_STORE_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_SNAPSHOT_STORE_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "engine/snapshot_store.h"

namespace ledger {

namespace pg {
class PgPool;
}  // namespace pg

struct PgSnapshotOptions {
  std::size_t pool_size = 2;  // connections, at most
  // The group role assumed on every connection (SET ROLE); empty: act as the login role.
  std::string role = "ledger_writer";
  // How long a call waits for a free pooled connection before Unavailable.
  std::chrono::milliseconds acquire_timeout{30'000};
};

class PgSnapshotStore final : public SnapshotStore {
 public:
  // Connects to `url` and checks the schema. FailedPrecondition "run `ledger migrate`" if
  // migrations are pending, or if the login role may not SET ROLE options.role; Unavailable
  // if the server cannot be reached.
  static Result<std::unique_ptr<PgSnapshotStore>> Open(const std::string& url,
                                                       const PgSnapshotOptions& options = {});

  ~PgSnapshotStore() override;

  // DataLoss if a stored row does not fit a Snapshot.
  Result<std::optional<Snapshot>> Load(const StreamId& stream,
                                       std::string_view aggregate) override;
  Status Save(const Snapshot& snapshot) override;
  Status Delete(const StreamId& stream, std::string_view aggregate) override;

 private:
  explicit PgSnapshotStore(std::unique_ptr<pg::PgPool> pool);

  std::unique_ptr<pg::PgPool> pool_;
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_SNAPSHOT_STORE_H_
