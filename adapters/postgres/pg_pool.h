// PgPool: a bounded set of connections shared by the store's threads.
//
// Connections are opened lazily, up to `max_size`, each set up by the `setup` function
// (SET ROLE, prepared statements) before first use. A connection that comes back broken, or
// with a transaction still open, is closed rather than reused, so a server restart costs one
// failed call (Unavailable) per pooled connection at most, and the next call reconnects.
//
// Thread-safe.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_POOL_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_POOL_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/postgres/pg_connection.h"

namespace ledger::pg {

class PgPool;

// A connection on loan; returned to the pool when destroyed.
class PooledConnection {
 public:
  PooledConnection(PgPool* pool, std::unique_ptr<PgConnection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&&) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();

  PgConnection& operator*() const { return *conn_; }
  PgConnection* operator->() const { return conn_.get(); }
  // Was handed out before (rather than opened for this loan): a failure on it may only mean
  // the server closed it while it sat in the pool.
  bool reused() const { return reused_; }
  void set_reused(bool reused) { reused_ = reused; }

 private:
  PgPool* pool_;
  std::unique_ptr<PgConnection> conn_;
  bool reused_ = false;
};

class PgPool {
 public:
  using Setup = std::function<Status(PgConnection&)>;

  PgPool(ConnectSpec spec, std::size_t max_size, Setup setup,
         std::chrono::milliseconds acquire_timeout = std::chrono::seconds(30));

  // A connection, new or idle. Waits while all max_size are on loan (Unavailable after the
  // acquire timeout); Unavailable if a new connection cannot be opened, or the setup's error.
  Result<PooledConnection> Acquire();

  // Opens a connection outside the pool (same spec and setup), e.g. for LISTEN.
  Result<std::unique_ptr<PgConnection>> OpenDedicated() const;

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<PgConnection> conn);

  const ConnectSpec spec_;
  const std::size_t max_size_;
  const Setup setup_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                             // idle + on loan; guarded by mu_
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_POOL_H_
