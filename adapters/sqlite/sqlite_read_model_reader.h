// SqliteReadModelReader: the ReadModelReader (queries/read_model_reader.h) over the read models
// a SqliteReadModelStore keeps in the ledger's SQLite file.
//
//   auto reader = ledger::SqliteReadModelReader::Open("ledger.db");   // after `ledger migrate`
//
// Why it looks like this (docs/read-models.md "Readers"):
//
// - Its own read-only connections (PRAGMA query_only) to the file, pooled: under WAL a reader
//   never blocks the projector's writes nor waits for them, and sees the last commit.
// - SQLite has no row-level security, so the scope becomes WHERE clauses: tenant_id = the
//   scope's tenant and, on a customer-scoped table with a customer in scope, customer_id = it.
//   They are added here, for every query, never left to callers.
// - Keyset pages: `(c1, c2, ...) > (?, ?, ...)` (`<` descending; row values, SQLite >= 3.15)
//   with ORDER BY on the same columns and LIMIT, all values bound as parameters. Text compares
//   with the BINARY collation (bytewise), as every backend orders it.
// - Each List is one statement, hence one read transaction: a page is of one commit.
//   ReadTogether reads everything in one read transaction (BEGIN ... COMMIT): one snapshot.
// - Live tables only (never `<t>__shadow`).
//
// Errors: InvalidArgument if CheckListQuery fails; FailedPrecondition if the table does not
// exist yet; Unavailable if the file stays locked past options.busy_timeout.
//
// Thread safety: every method may be called concurrently from any thread; each call holds one
// pooled connection.
#ifndef LEDGER_ADAPTERS_SQLITE_SQLITE_READ_MODEL_READER_H_
#define LEDGER_ADAPTERS_SQLITE_SQLITE_READ_MODEL_READER_H_

#include <chrono>
#include <memory>
#include <string>

#include "queries/read_model_reader.h"

namespace ledger {

namespace sqlite {
class ReaderPool;
}  // namespace sqlite

struct SqliteReaderOptions {
  // How long a read waits on a lock of the file (a checkpoint of the WAL, a schema change).
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteReadModelReader final : public queries::ReadModelReader {
 public:
  // Opens readers on the ledger file at `path`, which must exist and be migrated
  // (FailedPrecondition saying to run `ledger migrate` otherwise). ":memory:" is refused
  // (InvalidArgument): a private in-memory database cannot be shared with the store.
  [[nodiscard]] static Result<std::unique_ptr<SqliteReadModelReader>> Open(
      const std::string& path, const SqliteReaderOptions& options = {});

  ~SqliteReadModelReader() override;
  SqliteReadModelReader(const SqliteReadModelReader&) = delete;
  SqliteReadModelReader& operator=(const SqliteReadModelReader&) = delete;

  Result<std::vector<projections::Row>> List(const queries::Scope& scope,
                                             const queries::ListQuery& query) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override;
  Result<queries::ReadSet> ReadTogether(const queries::Scope& scope,
                                        std::span<const queries::ListQuery> queries,
                                        bool with_checkpoints) override;

 private:
  explicit SqliteReadModelReader(std::unique_ptr<sqlite::ReaderPool> readers);

  std::unique_ptr<sqlite::ReaderPool> readers_;
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_SQLITE_SQLITE_READ_MODEL_READER_H_
