#include "adapters/postgres/pg_leadership.h"

#include <poll.h>

#include <string>

namespace ledger::pg {
namespace {

using SteadyClock = std::chrono::steady_clock;

class AdvisoryLease final : public Lease {
 public:
  AdvisoryLease(std::unique_ptr<PgConnection> conn, std::int64_t key,
                std::chrono::milliseconds check_interval)
      : conn_(std::move(conn)),
        key_(key),
        check_interval_(check_interval),
        last_check_(SteadyClock::now()) {}

  ~AdvisoryLease() override {
    // Closing the session would release the lock as well; unlocking first makes the release
    // immediate even if the close lingers in the network.
    if (!conn_->broken()) {
      conn_->Query("SELECT pg_advisory_unlock($1::bigint)", std::move(Params().Int64(key_)))
          .status()
          .IgnoreError();
    }
  }

  bool Held() override {
    if (lost_) return false;
    if (conn_->broken() || EndedByServer()) {
      lost_ = true;
      return false;
    }
    SteadyClock::time_point now = SteadyClock::now();
    if (now - last_check_ >= check_interval_) {
      last_check_ = now;
      // A network that silently stopped answering shows up only in a round trip.
      if (!conn_->Exec("SELECT 1").ok()) lost_ = true;
    }
    return !lost_;
  }

 private:
  // An idle session receives nothing unless the server is ending it: a terminated backend
  // sends FATAL 57P01 and closes. Reads what arrived, without blocking; libpq sees the
  // error in one read and the end of the stream in the next, hence the loop.
  bool EndedByServer() {
    for (int reads = 0; reads < 4; ++reads) {
      pollfd ready{conn_->socket(), POLLIN, 0};
      if (poll(&ready, 1, 0) <= 0) return false;  // nothing arrived (or poll failed: ask later)
      if (!conn_->TakeNotifications().ok() || conn_->broken()) return true;
    }
    return false;
  }

  std::unique_ptr<PgConnection> conn_;
  const std::int64_t key_;
  const std::chrono::milliseconds check_interval_;
  SteadyClock::time_point last_check_;
  bool lost_ = false;
};

}  // namespace

std::int64_t LeaderLockKey(std::string_view name) {
  // FNV-1a, 64-bit: simple, fixed forever, and good enough to keep a few dozen names apart.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto mix = [&hash](std::string_view bytes) {
    for (char c : bytes) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
  };
  mix("ledger:");
  mix(name);
  return static_cast<std::int64_t>(hash);  // two's complement: defined since C++20
}

PgLeaderElector::PgLeaderElector(ConnectSpec spec, std::chrono::milliseconds check_interval)
    : spec_(std::move(spec)), check_interval_(check_interval) {}

Result<std::unique_ptr<Lease>> PgLeaderElector::TryLead(std::string_view name) {
  ConnectSpec spec = spec_;
  spec.overrides.emplace_back("application_name", "ledger-leader:" + std::string(name));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(spec));
  std::int64_t key = LeaderLockKey(name);
  LEDGER_ASSIGN_OR_RETURN(
      PgResult r, conn->Query("SELECT pg_try_advisory_lock($1::bigint)::int::bigint",
                              std::move(Params().Int64(key))));
  if (r.GetInt64(0, 0) != 1) return std::unique_ptr<Lease>();  // closes the connection
  return std::unique_ptr<Lease>(
      std::make_unique<AdvisoryLease>(std::move(conn), key, check_interval_));
}

}  // namespace ledger::pg
