// PgReadModelStore: the ReadModelStore on PostgreSQL (projections/read_model_store.h; the
// tables, roles and policies are in docs/read-models.md).
//
//   auto store = ledger::PgReadModelStore::Open("postgresql://.../ledger", {});
//   auto replay = ledger::PgReadModelStore::Open("postgresql://.../ledger?schema=replay_1", {});
//
// Roles: every pooled connection runs SET ROLE options.role (ledger_projector), so the store
// writes with the projector's rights whatever login it uses. The projector creates, and so
// owns, the read-model tables. Each table gets FORCE ROW LEVEL SECURITY and these policies
// (none of them name a table, so a shadow table's policies need no renaming):
//
//   reader_tenant     SELECT  ledger_reader     tenant_id = ledger.tenant, and on
//                                               customer_scoped tables customer_id =
//                                               ledger.customer unless that is unset or ''
//   auditor_read      SELECT  ledger_auditor    ledger.tenant is '*' or tenant_id = it
//   projector_read    SELECT  ledger_projector  ledger.tenant is '*' or tenant_id = it
//   projector_write   ALL     ledger_projector  USING and WITH CHECK tenant_id = ledger.tenant
//
// ledger.tenant and ledger.customer are read with current_setting(..., true): transaction-
// local settings (set_config(..., true)), so a pooled connection never carries a scope into
// its next transaction, and a connection with no tenant set sees no row. The store sets
// ledger.tenant to each tenant in turn before that tenant's statements of a Commit or Fetch,
// and to '*' (read-only: no tenant_id may be '*') for Scan. Tenant ids '' and '*' are refused.
//
// Schema: everything (tables, indexes, the checkpoint table projection_checkpoints) lives in
// one schema, "public" by default, where migration 0002 creates the checkpoint table. Another
// schema (options.schema, or `schema=NAME` in the URL's query, for replay targets) is created
// on Open, with its own checkpoint table, owned by the projector.
//
// Types (projections/read_model.h): text COLLATE "C" (bytewise, the order SQLite and the
// digest use), bigint, boolean, timestamptz (microseconds, sent and read in binary, so they
// round-trip exactly), jsonb (key order and insignificant whitespace are not kept). Text
// may not contain NUL and JSON may not contain \u0000 (PostgreSQL refuses both:
// InvalidArgument); times before 4713 BC are refused likewise.
//
// Thread safety: all methods may be called concurrently. The store owns a pool of up to
// options.pool_size connections; each held leadership Lease has one more.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_STORE_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_STORE_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "projections/read_model_store.h"

namespace ledger {

namespace pg {
class PgPool;
class PgLeaderElector;
}  // namespace pg

struct PgReadModelOptions {
  std::size_t pool_size = 4;  // connections, at most
  // The group role assumed on every pooled connection (SET ROLE). The policies are written
  // for ledger_projector; another role sees and writes nothing.
  std::string role = "ledger_projector";
  // Where the tables live; `schema=NAME` in the URL takes precedence. [a-z_][a-z0-9_]{0,62}.
  std::string schema = "public";
  // How long a call waits for a free pooled connection before Unavailable.
  std::chrono::milliseconds acquire_timeout{30'000};
  // How often a Lease's Held() makes a round trip to check its session (pg_leadership.h).
  std::chrono::milliseconds lease_check_interval{2'000};
  // Rows fetched per round trip while scanning.
  std::size_t scan_chunk_rows = 1000;
};

// A PostgreSQL URL split into what libpq accepts and the read-model schema named by a
// `schema=NAME` query parameter (empty if there is none). InvalidArgument if NAME is not an
// identifier of the form above.
struct ReadModelTarget {
  std::string url;
  std::string schema;
};
Result<ReadModelTarget> SplitSchemaParameter(const std::string& url);

class PgReadModelStore final : public projections::ReadModelStore {
 public:
  // Connects to `url` (a libpq URL or key=value string, optionally with `schema=NAME` in a
  // URL's query), assumes options.role, checks the migrations and, for a schema other than
  // public, creates it. FailedPrecondition "run `ledger migrate`" if migrations are pending,
  // or if the login may not act as options.role; Unavailable if the server is unreachable.
  static Result<std::unique_ptr<PgReadModelStore>> Open(const std::string& url,
                                                        const PgReadModelOptions& options = {});
  ~PgReadModelStore() override;

  const std::string& schema() const { return schema_; }

  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) override;
  Status SaveCheckpoint(const CheckpointMove& move) override;
  Status CreateTables(std::span<const projections::TableSpec> tables,
                      projections::TableSet set) override;
  Status DropTables(std::span<const projections::TableSpec> tables,
                    projections::TableSet set) override;
  Result<std::vector<std::optional<projections::Row>>> Fetch(
      const projections::TableSpec& table, projections::TableSet set,
      std::span<const projections::Key> keys) override;
  Status Commit(const projections::CommitRequest& request) override;
  // kShadow: one transaction that moves the checkpoints, then per table streams the rows with
  // binary COPY, straight into the table while it is empty or when request.new_rows says the
  // key is not stored, else into a temporary staging table followed by one INSERT ... ON
  // CONFLICT DO UPDATE (and the deleted keys likewise, then one DELETE ... USING). The
  // table's FORCE ROW LEVEL SECURITY is lifted inside that transaction only (COPY FROM refuses
  // tables under RLS). kLive: Commit.
  Status CommitBulk(const projections::CommitRequest& request) override;
  // Two transactions: the first finishes the shadow tables (their secondary indexes, which a
  // shadow table is created without, ANALYZE, autovacuum back on) without locking a live
  // table, once it has seen the shadow checkpoint at `expected` (else Conflict, nothing
  // changed); the second is the swap the interface describes. Should the checkpoint move
  // between the two, the shadow tables stay finished, and still usable by the rebuild.
  Status PromoteShadow(std::span<const projections::TableSpec> tables,
                       std::string_view live_checkpoint, std::string_view shadow_checkpoint,
                       GlobalPosition expected) override;
  Status DeleteCheckpoint(std::string_view name, GlobalPosition expected) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override;
  Status Scan(const projections::TableSpec& table,
              const std::function<Status(const projections::Row&)>& visit) override;
  LeaderElector& leadership() override;

 private:
  PgReadModelStore(const PgReadModelOptions& options, std::string schema,
                   std::unique_ptr<pg::PgPool> pool, std::unique_ptr<pg::PgLeaderElector> leader);

  const PgReadModelOptions options_;
  const std::string schema_;
  std::unique_ptr<pg::PgPool> pool_;
  std::unique_ptr<pg::PgLeaderElector> leader_;
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_STORE_H_
