// The catalog cache on Redis (DESIGN.md section 9, docs/jobs.md "Catalog cache"): cache-aside
// entries for catalog reads, keyed by tenant, generation and a fingerprint of the query, and
// the invalidation that bumps a generation when the projector changes products.
//
// Keys (prefix "catalog" by default):
//   catalog:gen                          global generation (INCR when a rebuild swaps in the
//                                        products table: every tenant's entries are stale)
//   catalog:gen:<tenant>                 the tenant's generation (INCR when its products change)
//   catalog:entry:<tenant>:<global>.<tenant gen>:<fingerprint>   a cached answer, with a TTL
// A bump makes every older entry unreachable (no one computes its key any more); the TTL
// removes it. Entries are filled under the generation read BEFORE the database was, so an
// answer read before a change can only land under a generation the change already retired.
//
// Redis being down never fails a read: callers fall back to the database. After an error the
// cache stops trying Redis for `outage_backoff` (reads go straight to the database without
// waiting for a connect timeout), then tries again, so it is used again once Redis is back.
#ifndef LEDGER_ADAPTERS_REDIS_CATALOG_CACHE_H_
#define LEDGER_ADAPTERS_REDIS_CATALOG_CACHE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/redis/redis_connection.h"
#include "engine/result.h"
#include "projections/runner.h"

namespace ledger::redis {

struct CatalogCacheOptions {
  std::string key_prefix = "catalog";
  std::chrono::milliseconds ttl{60'000};  // an entry's life: the staleness bound elsewhere
  // Short, so a Redis outage costs a read little before it goes to the database.
  RedisOptions connection{.connect_timeout = std::chrono::milliseconds(100),
                          .command_timeout = std::chrono::milliseconds(250)};
  std::chrono::milliseconds outage_backoff{1'000};
};

// Counters since start, for /metrics.
struct CatalogCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t errors = 0;    // Redis calls that failed (the read went to the database)
  std::uint64_t bypassed = 0;  // reads sent to the database because an invalidation is pending
};

// Thread safety: every method may be called concurrently (a pool of connections).
class CatalogCache {
 public:
  CatalogCache(RedisEndpoint endpoint, CatalogCacheOptions options);
  ~CatalogCache();
  CatalogCache(const CatalogCache&) = delete;
  CatalogCache& operator=(const CatalogCache&) = delete;

  struct Lookup {
    std::string generation;            // pass to Fill after a miss
    std::optional<std::string> value;  // nullopt: a miss
  };

  // The entry for `fingerprint` in `tenant`'s current generation. Unavailable while Redis is
  // down (or within outage_backoff of its last failure): read the database and do not Fill.
  Result<Lookup> Get(std::string_view tenant, std::string_view fingerprint);

  // Stores `value` under the generation a Get returned, with the TTL.
  Status Fill(std::string_view tenant, std::string_view generation, std::string_view fingerprint,
              std::string_view value);

  // INCR catalog:gen:<tenant> / catalog:gen. These try Redis even within outage_backoff
  // (the invalidator's retries are what notices that Redis is back).
  Status BumpTenant(std::string_view tenant);
  Status BumpAll();

  void CountHit() { hits_.fetch_add(1); }
  void CountMiss() { misses_.fetch_add(1); }
  void CountBypass() { bypassed_.fetch_add(1); }
  CatalogCacheStats Stats() const;
  // Appends ledger_catalog_cache_{hits,misses,errors,bypassed}_total (Prometheus text).
  void RenderMetrics(std::string& out) const;

  const CatalogCacheOptions& options() const { return options_; }

 private:
  class Borrowed;
  Result<RedisReply> Run(const std::vector<std::string>& args, bool during_outage);
  std::unique_ptr<RedisConnection> Take();
  void Give(std::unique_ptr<RedisConnection> connection);
  std::string GenerationKey(std::string_view tenant) const;

  const RedisEndpoint endpoint_;
  const CatalogCacheOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  // steady_clock ticks before which Redis is not tried for reads (0: no outage seen).
  std::atomic<std::int64_t> down_until_{0};
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, errors_{0}, bypassed_{0};
};

// Turns the projector's live changes (RunnerOptions::on_live_change) into generation bumps:
// the tenant of every changed products row, or every tenant when a rebuild swapped the
// products table in. The callback only records what to bump and wakes a thread of its own
// that talks to Redis, so the projection thread never waits for Redis. Until a bump has
// succeeded (retried every retry_interval while Redis is down) Pending() is true, and
// CachingReader in this process reads the database instead of the cache. Other processes
// may serve stale entries until their TTL ends (docs/jobs.md "Catalog cache").
class CatalogInvalidator {
 public:
  // `cache` must outlive the invalidator.
  explicit CatalogInvalidator(CatalogCache& cache, std::chrono::milliseconds retry_interval =
                                                       std::chrono::milliseconds(500));
  ~CatalogInvalidator();  // stops the thread; pending bumps are dropped (the TTL covers them)
  CatalogInvalidator(const CatalogInvalidator&) = delete;
  CatalogInvalidator& operator=(const CatalogInvalidator&) = delete;

  // For RunnerOptions::on_live_change. Quick; never throws.
  void OnLiveChange(const projections::LiveTablesChanged& change);
  std::function<void(const projections::LiveTablesChanged&)> Callback();

  // A bump is recorded and not yet done.
  bool Pending() const { return pending_count_.load() > 0; }

  // Blocks until nothing is pending or `timeout` passes; whether nothing is pending (tests).
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  void Run(std::stop_token stop);
  Status Flush();

  CatalogCache& cache_;
  const std::chrono::milliseconds retry_interval_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  void UpdatePendingLocked();

  // What to bump, each with the sequence number of the change that last asked for it, so a
  // bump that raced a newer change for the same tenant does not clear it. Guarded by mu_.
  std::map<std::string, std::uint64_t, std::less<>> tenants_;
  std::uint64_t all_requested_ = 0;  // sequence of the last "every tenant" change
  std::uint64_t all_done_ = 0;       // the sequence the last successful BumpAll covered
  std::uint64_t sequence_ = 0;
  std::atomic<std::size_t> pending_count_{0};
  std::jthread thread_;  // last: started after every member it uses
};

}  // namespace ledger::redis

#endif  // LEDGER_ADAPTERS_REDIS_CATALOG_CACHE_H_
