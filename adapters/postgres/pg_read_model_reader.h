// PgReadModelReader: the ReadModelReader on PostgreSQL (queries/read_model_reader.h), how the
// query API reads the read models that PgReadModelStore writes.
//
//   auto reader = ledger::PgReadModelReader::Open("postgresql://.../ledger", {});
//   auto page = (*reader)->List(scope, query);
//
// Why it looks like this (DESIGN.md section 4, docs/read-models.md "Readers"):
//
// - Role: every pooled connection runs SET ROLE options.role (ledger_reader), whatever login
//   it uses, so a query has the reader's rights only: SELECT on the read-model tables and the
//   checkpoints, under the reader_tenant policy.
// - Scope: each List is one READ ONLY transaction that first sets ledger.tenant and
//   ledger.customer ('' for a tenant's admin) with set_config(..., true). Transaction-local,
//   so a pooled connection never carries one caller's scope into the next call; row-level
//   security then shows only the scope's rows, even if the SELECT forgot its WHERE clause. The
//   SELECT repeats the scope as equalities only so that the planner uses the indexes.
// - One round trip: BEGIN, the settings, the SELECTs and COMMIT go in one pipeline;
//   ReadTogether's several SELECTs run in one REPEATABLE READ transaction (one snapshot).
// - Prepared once per connection: every SELECT is a Pipeline::SqlCached statement, so a
//   recurring query shape is parsed and planned once per pooled connection, not per call
//   (parsing and planning were ~45% of the server's time per GET /v1/orders/{id} before).
// - Keyset pages: the cursor is a row comparison `(c1, c2, ...) > ($a, $b, ...)`, with ORDER BY
//   on the same columns, so a page costs an index range scan however deep it is. Every value
//   is a binary parameter. Text compares COLLATE "C" (bytewise), as every backend orders it.
// - Live tables only (never `<t>__shadow`): a rebuild is invisible until promoted.
//
// Errors: InvalidArgument if CheckListQuery fails (nothing is sent); FailedPrecondition if the
// table does not exist (42P01) or the role may not read it (42501); Unavailable if the server
// is unreachable or all pooled connections stay busy past options.acquire_timeout. A pooled
// connection that the server closed while idle is replaced and the read repeated once (reads
// are always safe to repeat).
//
// Thread safety: every method may be called concurrently; the reader owns a pool of up to
// options.pool_size connections.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_READER_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_READER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "queries/read_model_reader.h"

namespace ledger {

namespace pg {
class PgPool;
}  // namespace pg

struct PgReaderOptions {
  std::size_t pool_size = 4;  // connections, at most
  // The group role assumed on every pooled connection (SET ROLE). The reader_tenant policy is
  // written for ledger_reader; another role sees what its own policies allow.
  std::string role = "ledger_reader";
  // Where the read models live; `schema=NAME` in the URL takes precedence (as for
  // PgReadModelStore). [a-z_][a-z0-9_]{0,62}.
  std::string schema = "public";
  // How long a call waits for a free pooled connection before Unavailable.
  std::chrono::milliseconds acquire_timeout{30'000};
};

class PgReadModelReader final : public queries::ReadModelReader {
 public:
  // Connects to `url` (a libpq URL or key=value string, optionally with `schema=NAME` in a
  // URL's query), assumes options.role and checks the migrations. FailedPrecondition if
  // migrations are pending or the login may not act as options.role; InvalidArgument for a
  // bad schema or role name; Unavailable if the server is unreachable.
  static Result<std::unique_ptr<PgReadModelReader>> Open(const std::string& url,
                                                         const PgReaderOptions& options = {});
  ~PgReadModelReader() override;
  PgReadModelReader(const PgReadModelReader&) = delete;
  PgReadModelReader& operator=(const PgReadModelReader&) = delete;

  const std::string& schema() const { return schema_; }

  Result<std::vector<projections::Row>> List(const queries::Scope& scope,
                                             const queries::ListQuery& query) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override;
  Result<queries::ReadSet> ReadTogether(const queries::Scope& scope,
                                        std::span<const queries::ListQuery> queries,
                                        bool with_checkpoints) override;

 private:
  PgReadModelReader(std::string schema, std::unique_ptr<pg::PgPool> pool);

  // List and ReadTogether: one transaction, one round trip.
  Result<queries::ReadSet> Read(const queries::Scope& scope,
                                std::span<const queries::ListQuery> queries, bool with_checkpoints);

  const std::string schema_;
  std::unique_ptr<pg::PgPool> pool_;
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_READER_H_
