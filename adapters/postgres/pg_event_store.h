// PgEventStore: the production EventStore on PostgreSQL (DESIGN.md sections 3-4; tables,
// roles and the ordering guarantee in docs/storage.md).
//
//   ledger::PgEventStore::Migrate(owner_url);              // `ledger migrate`
//   auto store = ledger::PgEventStore::Open(url, options);  // then use as any EventStore
//
// Roles: every pooled connection runs SET ROLE options.role (ledger_writer by default), so the
// store appends with the writer's rights (INSERT and SELECT on events, nothing more) whether
// it logs in as the owner or as a login role granted ledger_writer; it also sets
// ledger.tenant = '*' for the session, the row-level-security scope of all tenants.
//
// Log order is commit order, not position order: ReadAll returns only events below the
// oldest transaction still running anywhere in the cluster, so a long write transaction in
// any database of the cluster pauses readers (never breaks them).
//
// Thread safety: all methods may be called concurrently. The store owns a pool of up to
// options.pool_size connections plus, once WaitForEvents is first called, one LISTEN
// connection and its thread.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_EVENT_STORE_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_EVENT_STORE_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger {

namespace pg {
class PgPool;
class Listener;
}  // namespace pg

// SQL access to an append's open transaction, for PgAppendHooks.
class PgTransaction {
 public:
  virtual ~PgTransaction() = default;
  virtual Status Exec(std::string_view sql) = 0;
};

// Fault-injection points inside every append transaction, for tests (tests/postgres): hold
// a transaction open, give it a transaction id early, or make it roll back. Called on the
// appending thread; must not call the store. Not for production use.
class PgAppendHooks {
 public:
  virtual ~PgAppendHooks() = default;
  // After BEGIN, before any stream is locked.
  virtual Status AfterBegin(PgTransaction& /*tx*/) { return Status::Ok(); }
  // After the events are written, just before COMMIT. A non-OK status rolls the
  // transaction back and is returned by Append/AppendBatch.
  virtual Status BeforeCommit(PgTransaction& /*tx*/) { return Status::Ok(); }
};

struct PgOptions {
  Clock* clock = SystemClock::Default();  // recorded_at; must outlive the store
  std::size_t pool_size = 8;              // connections, at most
  // The group role assumed on every connection (SET ROLE); empty: act as the login role.
  std::string role = "ledger_writer";
  // How often a transaction that fails with a deadlock, serialization failure or a
  // concurrent insert of the same event id is run again before Unavailable.
  int max_attempts = 8;
  // How long a call waits for a free pooled connection before Unavailable.
  std::chrono::milliseconds acquire_timeout{30'000};
  PgAppendHooks* hooks = nullptr;  // tests only; must outlive the store
};

class PgEventStore final : public EventStore {
 public:
  // Connects to `url` (a libpq URL or key=value string) and checks the schema.
  // FailedPrecondition "run `ledger migrate`" if migrations are pending (or the store was
  // migrated by a newer ledger, or an applied migration was edited), or if the login role
  // may not SET ROLE options.role; Unavailable if the server cannot be reached.
  static Result<std::unique_ptr<PgEventStore>> Open(const std::string& url,
                                                    const PgOptions& options = {});

  // Applies pending migrations (schema/postgres, each in one transaction) as the login role
  // of `owner_url`, which becomes the owner of the tables and must be allowed to create
  // roles the first time. Safe to run concurrently (an advisory lock serializes runs) and
  // again (nothing pending: nothing done). FailedPrecondition if an applied migration was
  // edited or is unknown to this binary.
  static Status Migrate(const std::string& owner_url);

  ~PgEventStore() override;

  Result<AppendResult> Append(const AppendRequest& request) override;
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override;
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit,
                                             const ReadAllOptions& options) override;
  Result<std::optional<GlobalPosition>> HeadPosition() override;
  Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) override;
  // Polls the cluster's oldest running transaction until it is past every transaction that
  // had committed at the call (pg_read.h SnapshotBounds).
  Result<bool> WaitForCommitted(std::chrono::milliseconds timeout) override;
  Result<ImportResult> Import(std::span<const ImportedEvent> events) override;

 private:
  PgEventStore(const PgOptions& options, std::unique_ptr<pg::PgPool> pool);
  // Runs the normalised requests in one transaction, again while that may help.
  Result<std::vector<Result<AppendResult>>> AppendWithRetries(
      std::span<const AppendRequest> requests);

  const PgOptions options_;
  std::unique_ptr<pg::PgPool> pool_;
  std::unique_ptr<pg::Listener> listener_;
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_EVENT_STORE_H_
