#include "adapters/sqlite/reader_pool.h"

#include <utility>

namespace ledger::sqlite {

ReaderPool::ReaderPool(std::string path, ConnectionOptions options)
    : path_(std::move(path)), options_(options) {}

ReaderPool::ReaderPool(Connection* shared, std::mutex* shared_mu)
    : shared_(shared), shared_mu_(shared_mu) {}

ReaderPool::Lease::Lease(ReaderPool* pool, std::unique_ptr<Connection> owned)
    : pool_(pool), owned_(std::move(owned)), connection_(owned_.get()) {}

ReaderPool::Lease::Lease(Connection* shared, std::unique_lock<std::mutex> lock)
    : lock_(std::move(lock)), connection_(shared) {}

ReaderPool::Lease::~Lease() {
  if (pool_ != nullptr && owned_ != nullptr) pool_->Return(std::move(owned_));
}

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  if (shared_ != nullptr) return Lease(shared_, std::unique_lock(*shared_mu_));
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
  }
  // Opened outside mu_: opening touches the file and may wait on its locks.
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                          Connection::Open(path_, options_));
  return Lease(this, std::move(connection));
}

void ReaderPool::Return(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
  // Otherwise it closes here: more readers were busy at once than are worth keeping.
}

}  // namespace ledger::sqlite
