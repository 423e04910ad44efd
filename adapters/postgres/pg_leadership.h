// PgLeaderElector: leadership by PostgreSQL session advisory lock (engine/leadership.h).
//
// TryLead(name) opens a dedicated connection (never a pooled one: the lock belongs to the
// session, and a pooled session is shared) and takes pg_try_advisory_lock(LeaderLockKey(name)).
// The Lease owns that connection: destroying it unlocks and closes, and if the process dies
// the server ends the session and frees the lock by itself. Advisory locks are per database,
// so every process that shares the database competes for the same names.
//
// Held() notices a lost session (server restart, pg_terminate_backend, a broken network) by
// reading whatever the server sent the idle connection and, at most every check_interval,
// by a round trip. It cannot notice instantly: leadership is not a fence, and work that must
// happen once is also guarded by a checkpoint compare-and-set (engine/checkpoint_store.h).
//
// Thread safety: the elector may be used from any thread; each Lease by one thread at a time.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_LEADERSHIP_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_LEADERSHIP_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "adapters/postgres/pg_connection.h"
#include "engine/leadership.h"

namespace ledger::pg {

// The advisory-lock key of leadership `name`: FNV-1a 64 of "ledger:" + name, as a bigint.
// Stable across processes, builds and versions (other processes must compute the same key).
std::int64_t LeaderLockKey(std::string_view name);

class PgLeaderElector final : public LeaderElector {
 public:
  // Each TryLead connects with `spec` (its own login; no role or privilege is needed for
  // advisory locks). The connection's application_name is "ledger-leader:<name>", so that
  // pg_stat_activity shows who leads what.
  PgLeaderElector(ConnectSpec spec, std::chrono::milliseconds check_interval);

  // A Lease, nullptr if another session holds the lock, Unavailable if the server cannot be
  // reached (or the login is refused: FailedPrecondition).
  Result<std::unique_ptr<Lease>> TryLead(std::string_view name) override;

 private:
  const ConnectSpec spec_;
  const std::chrono::milliseconds check_interval_;
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_LEADERSHIP_H_
