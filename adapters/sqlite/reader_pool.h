// ReaderPool: where SqliteEventStore's reads get a connection.
//
// A file store reads on its own connections, so reads run in parallel with each other and,
// under WAL, with the writer; each read sees the last committed state. Connections are opened
// on demand and up to kMaxIdle are kept for reuse (with their prepared statements).
// An in-memory database exists only inside its one connection, so a ":memory:" store's reads
// share the writer's connection and its mutex.
//
// Thread safety: Acquire may be called from any thread; a Lease is used by one thread.
#ifndef LEDGER_ADAPTERS_SQLITE_READER_POOL_H_
#define LEDGER_ADAPTERS_SQLITE_READER_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/sqlite/connection.h"
#include "engine/result.h"

namespace ledger::sqlite {

class ReaderPool {
 public:
  static constexpr std::size_t kMaxIdle = 8;

  // Readers on their own connections to the file at `path`.
  ReaderPool(std::string path, ConnectionOptions options);
  // Readers on `shared`, locked by `shared_mu`. Both must outlive the pool.
  ReaderPool(Connection* shared, std::mutex* shared_mu);

  // A connection lent to one reader; given back when destroyed.
  class Lease {
   public:
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_; }

   private:
    friend class ReaderPool;
    Lease(ReaderPool* pool, std::unique_ptr<Connection> owned);
    Lease(Connection* shared, std::unique_lock<std::mutex> lock);

    ReaderPool* pool_ = nullptr;  // to return `owned_` to; null for a shared lease
    std::unique_ptr<Connection> owned_;
    std::unique_lock<std::mutex> lock_;  // held for a shared lease
    Connection* connection_;
  };

  // An idle connection, or a new one (Unavailable / Internal if it cannot be opened).
  [[nodiscard]] Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<Connection> connection);

  const std::string path_;
  const ConnectionOptions options_;
  Connection* const shared_ = nullptr;
  std::mutex* const shared_mu_ = nullptr;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_READER_POOL_H_
