// CachingReader: cache-aside for catalog reads (GET /v1/products and /v1/products/{id};
// docs/jobs.md "Catalog cache"). A ReadModelReader decorator: List calls on the products
// table are answered from Redis (redis::CatalogCache) when it holds the answer, else by the
// wrapped reader, whose answer is then stored with the cache's TTL. Every other table, and
// LoadCheckpoints, go straight to the wrapped reader (ReadTogether too, unless every query of
// it is a catalog query).
//
// The cache key is the tenant, the tenant's generation (bumped by CatalogInvalidator when the
// projector changes that tenant's products) and a fingerprint of everything that shapes the
// answer: the table's columns, the scope (also the customer, although products are not
// customer-scoped), filters, order, cursor and limit.
//
// Never fails a read because of Redis: a Redis error, a malformed entry or a pending
// invalidation in this process (CatalogInvalidator::Pending) sends the read to the wrapped
// reader. Errors of the wrapped reader are returned as they are and never cached.
//
// Thread safety: as the ReadModelReader contract (every method, any thread).
#ifndef LEDGER_ADAPTERS_QUERY_CACHING_READER_H_
#define LEDGER_ADAPTERS_QUERY_CACHING_READER_H_

#include <string>
#include <vector>

#include "adapters/redis/catalog_cache.h"
#include "queries/read_model_reader.h"

namespace ledger::query {

class CachingReader final : public queries::ReadModelReader {
 public:
  // `inner` and `cache` must outlive the reader; `invalidator` (this process's, may be null
  // when no projector runs here) too.
  CachingReader(queries::ReadModelReader& inner, redis::CatalogCache& cache,
                const redis::CatalogInvalidator* invalidator)
      : inner_(inner), cache_(cache), invalidator_(invalidator) {}

  Result<std::vector<projections::Row>> List(const queries::Scope& scope,
                                             const queries::ListQuery& query) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return inner_.LoadCheckpoints(); }
  // Only catalog queries: the checkpoints from the wrapped reader, then each List through the
  // cache (not one snapshot: a cached answer is from an earlier read). Otherwise the wrapped
  // reader's ReadTogether.
  Result<queries::ReadSet> ReadTogether(const queries::Scope& scope,
                                        std::span<const queries::ListQuery> queries,
                                        bool with_checkpoints) override;

 private:
  queries::ReadModelReader& inner_;
  redis::CatalogCache& cache_;
  const redis::CatalogInvalidator* invalidator_;
};

// The tables CachingReader caches: "products".
bool IsCatalogTable(const projections::TableSpec& table);

// The canonical text of a query (with the table's column names and types, so an entry of an
// older table declaration is never read as a newer one), and its SHA-256 in hex: the cache
// key's last part.
std::string CanonicalQueryText(const queries::Scope& scope, const queries::ListQuery& query);
std::string QueryFingerprint(const queries::Scope& scope, const queries::ListQuery& query);

// Rows as the cache stores them ({"v":1,"rows":[[value per column]...]}: text as strings,
// integers and times (µs) as numbers, booleans, JSON documents as their text, NULL as null),
// and back; Internal if `text` does not fit `table` (treated as a miss).
std::string EncodeRows(const std::vector<projections::Row>& rows);
Result<std::vector<projections::Row>> DecodeRows(const projections::TableSpec& table,
                                                 std::string_view text);

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_CACHING_READER_H_
