#include "adapters/postgres/pg_pool.h"

namespace ledger::pg {

PooledConnection::~PooledConnection() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

PgPool::PgPool(ConnectSpec spec, std::size_t max_size, Setup setup,
               std::chrono::milliseconds acquire_timeout)
    : spec_(std::move(spec)),
      max_size_(max_size == 0 ? 1 : max_size),
      setup_(std::move(setup)),
      acquire_timeout_(acquire_timeout) {}

Result<std::unique_ptr<PgConnection>> PgPool::OpenDedicated() const {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(spec_));
  if (setup_) LEDGER_RETURN_IF_ERROR(setup_(*conn));
  return conn;
}

Result<PooledConnection> PgPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    bool free = released_.wait_for(lock, acquire_timeout_,
                                   [&] { return !idle_.empty() || open_ < max_size_; });
    if (!free) {
      return Unavailable("postgres: all " + std::to_string(max_size_) +
                         " pooled connections stayed busy");
    }
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      PooledConnection loan(this, std::move(conn));
      loan.set_reused(true);
      return loan;
    }
    ++open_;  // reserve the slot; connect without holding the lock
  }
  Result<std::unique_ptr<PgConnection>> conn = OpenDedicated();
  if (!conn.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    released_.notify_one();
    return conn.status();
  }
  return PooledConnection(this, std::move(conn).value());
}

void PgPool::Release(std::unique_ptr<PgConnection> conn) {
  // Invariant: an idle pooled connection has no open transaction and is not in pipeline
  // mode, so the next user starts from a clean session. Anything else is closed.
  bool keep = conn->idle();
  if (!keep) conn.reset();
  std::lock_guard lock(mu_);
  if (keep) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  released_.notify_one();
}

}  // namespace ledger::pg
