#include "adapters/postgres/pg_event_store.h"

#include <algorithm>
#include <thread>

#include "adapters/postgres/pg_append.h"
#include "adapters/postgres/pg_import.h"
#include "adapters/postgres/pg_listener.h"
#include "adapters/postgres/pg_migrate.h"
#include "adapters/postgres/pg_pool.h"
#include "adapters/postgres/pg_read.h"
#include "adapters/postgres/pg_statements.h"
#include "engine/append_planner.h"

namespace ledger {
namespace {

using pg::PgConnection;

// Assumes the store's role and tenant scope on a fresh connection.
Status AssumeRoleAndScope(PgConnection& conn, const std::string& role) {
  LEDGER_RETURN_IF_ERROR(pg::AssumeRole(conn, role));
  // The store serves every tenant: '*' is the all-tenants scope of the RLS policies.
  LEDGER_RETURN_IF_ERROR(conn.Exec("SET ledger.tenant = '*'").status());
  return conn.Exec(pg::kIndexPlansOnly).status();
}

// Whether running the same thing again may succeed where this attempt failed.
bool WorthRetrying(const Status& status, const pg::PgError& error, bool commit_sent) {
  if (status.code() == StatusCode::kAlreadyExists) {
    // Two transactions appended the same event id to different streams at once (or raced
    // a redelivery): run again, and the planner sees the stored event. Or two created the
    // same stream at once (kInsertStreams): run again, and the append locks its row.
    return error.sqlstate == "23505" &&
           (error.constraint.starts_with("events_") || error.constraint == "streams_pkey");
  }
  if (status.code() != StatusCode::kUnavailable) return false;
  if (pg::IsTransient(error)) return true;
  // The connection failed: harmless to repeat unless the COMMIT may have gone through.
  return error.sqlstate.empty() && !commit_sent;
}

void Backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2 << attempt, 200)));
}

// Runs `read` on a pooled connection; once more on a fresh one if the first was a pooled
// connection that turned out dead (the server restarted while it sat idle).
template <typename T, typename F>
Result<T> WithConnection(pg::PgPool& pool, F read) {
  for (int attempt = 0;; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(pg::PooledConnection conn, pool.Acquire());
    Result<T> r = read(*conn);
    if (r.ok() || attempt > 0 || !conn.reused() || !conn->broken()) return r;
  }
}

}  // namespace

PgEventStore::PgEventStore(const PgOptions& options, std::unique_ptr<pg::PgPool> pool)
    : options_(options), pool_(std::move(pool)) {
  listener_ =
      std::make_unique<pg::Listener>([pool = pool_.get()] { return pool->OpenDedicated(); });
}

PgEventStore::~PgEventStore() = default;

Status PgEventStore::Migrate(const std::string& owner_url) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn,
                          PgConnection::Open(pg::ConnectSpec{owner_url, {}}));
  return pg::ApplyMigrations(*conn);
}

Result<std::unique_ptr<PgEventStore>> PgEventStore::Open(const std::string& url,
                                                         const PgOptions& options) {
  pg::ConnectSpec spec{url, {}};
  {
    // Check once, before preparing statements against a schema that may not be there.
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(spec));
    LEDGER_RETURN_IF_ERROR(AssumeRoleAndScope(*conn, options.role));
    LEDGER_RETURN_IF_ERROR(pg::CheckMigrated(*conn));
  }
  std::string role = options.role;
  auto setup = [role](PgConnection& conn) {
    LEDGER_RETURN_IF_ERROR(AssumeRoleAndScope(conn, role));
    return conn.Prepare(pg::AllStatements());
  };
  auto pool = std::make_unique<pg::PgPool>(spec, options.pool_size, setup, options.acquire_timeout);
  return std::unique_ptr<PgEventStore>(new PgEventStore(options, std::move(pool)));
}

Result<std::vector<Result<AppendResult>>> PgEventStore::AppendWithRetries(
    std::span<const AppendRequest> requests) {
  // A batch of new streams only is written in one round trip, on the guess that none of them
  // exists yet (pg_append.h). A wrong guess costs that round trip and is no contention: the
  // batch runs again at once on the locking path, outside the attempts and their backoff.
  bool all_new = std::all_of(requests.begin(), requests.end(), [](const AppendRequest& r) {
    return r.expected.AdmitsOnlyNewStream();
  });
  pg::AppendPath path = all_new ? pg::AppendPath::kAssumeNew : pg::AppendPath::kLockAndRead;
  for (int attempt = 1;; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(pg::PooledConnection conn, pool_->Acquire());
    pg::AppendAttempt a =
        pg::RunAppendTransaction(*conn, requests, path, *options_.clock, options_.hooks);
    if (path == pg::AppendPath::kAssumeNew && !a.outcomes.ok() && pg::AssumptionRefuted(a.error)) {
      path = pg::AppendPath::kLockAndRead;
      --attempt;
      continue;
    }
    if (a.outcomes.ok() || attempt >= options_.max_attempts ||
        !WorthRetrying(a.outcomes.status(), a.error, a.commit_sent)) {
      return std::move(a.outcomes);
    }
    Backoff(attempt);
  }
}

Result<AppendResult> PgEventStore::Append(const AppendRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(AppendRequest normalized, NormalizeAppendRequest(request));
  LEDGER_ASSIGN_OR_RETURN(std::vector<Result<AppendResult>> outcomes,
                          AppendWithRetries(std::span(&normalized, 1)));
  return std::move(outcomes.front());
}

Result<std::vector<Result<AppendResult>>> PgEventStore::AppendBatch(
    std::span<const AppendRequest> requests) {
  // Invalid requests are answered here and never reach the transaction.
  std::vector<Result<AppendResult>> outcomes(requests.size(), Internal("not appended"));
  std::vector<AppendRequest> valid;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Result<AppendRequest> n = NormalizeAppendRequest(requests[i]);
    if (n.ok()) {
      valid.push_back(std::move(n).value());
      where.push_back(i);
    } else {
      outcomes[i] = n.status();
    }
  }
  if (valid.empty()) return outcomes;
  LEDGER_ASSIGN_OR_RETURN(std::vector<Result<AppendResult>> appended, AppendWithRetries(valid));
  for (std::size_t j = 0; j < where.size(); ++j) outcomes[where[j]] = std::move(appended[j]);
  return outcomes;
}

Result<std::vector<RecordedEvent>> PgEventStore::ReadStream(const StreamId& stream,
                                                            const StreamReadOptions& options) {
  return WithConnection<std::vector<RecordedEvent>>(
      *pool_, [&](PgConnection& conn) { return pg::ReadStream(conn, stream, options); });
}

Result<std::vector<RecordedEvent>> PgEventStore::ReadAll(GlobalPosition after, std::size_t limit) {
  return ReadAll(after, limit, ReadAllOptions{});
}

Result<std::vector<RecordedEvent>> PgEventStore::ReadAll(GlobalPosition after, std::size_t limit,
                                                         const ReadAllOptions& options) {
  return WithConnection<std::vector<RecordedEvent>>(
      *pool_, [&](PgConnection& conn) { return pg::ReadAll(conn, after, limit, options); });
}

Result<std::optional<GlobalPosition>> PgEventStore::HeadPosition() {
  return WithConnection<std::optional<GlobalPosition>>(
      *pool_, [&](PgConnection& conn) -> Result<std::optional<GlobalPosition>> {
        LEDGER_ASSIGN_OR_RETURN(pg::PgResult r,
                                conn.Exec("SELECT coalesce(max(global_position), 0) FROM events"));
        std::string text(r.Get(0, 0));
        return std::optional<GlobalPosition>(GlobalPosition(std::stoull(text)));
      });
}

Status PgEventStore::WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  listener_->Start();
  // Events held back by an older transaction become readable when it ends; a ledger append
  // ending sends a notification, but any other transaction does not, so poll meanwhile.
  auto poll = std::chrono::milliseconds(5);
  while (true) {
    std::uint64_t seen = listener_->generation();
    LEDGER_ASSIGN_OR_RETURN(pg::LogState state,
                            WithConnection<pg::LogState>(*pool_, [&](PgConnection& conn) {
                              return pg::NextEventState(conn, after);
                            }));
    Clock::time_point now = Clock::now();
    if (state == pg::LogState::kReadable || now >= deadline) return Status::Ok();
    Clock::time_point until = deadline;
    if (state == pg::LogState::kHeldBack || !listener_->listening()) {
      until = std::min(deadline, now + poll);
      poll = std::min(poll * 2, std::chrono::milliseconds(200));
    }
    listener_->WaitForChange(seen, until);
  }
}

Result<bool> PgEventStore::WaitForCommitted(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  // No notification marks the end of another database's transaction: poll, backing off.
  auto poll = std::chrono::milliseconds(5);
  auto bounds = [&] {
    return WithConnection<pg::SnapshotBounds>(
        *pool_, [](PgConnection& conn) { return pg::CurrentSnapshotBounds(conn); });
  };
  LEDGER_ASSIGN_OR_RETURN(pg::SnapshotBounds now, bounds());
  const std::uint64_t committed_below = now.xmax;  // every transaction committed by now
  while (now.xmin < committed_below) {
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (waited >= timeout) return false;
    std::this_thread::sleep_for(std::min(poll, timeout - waited));
    poll = std::min(poll * 2, std::chrono::milliseconds(200));
    LEDGER_ASSIGN_OR_RETURN(now, bounds());
  }
  return true;
}

Result<ImportResult> PgEventStore::Import(std::span<const ImportedEvent> events) {
  if (events.empty()) return ImportResult{};
  for (int attempt = 1;; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(pg::PooledConnection conn, pool_->Acquire());
    // Validates as it goes: a chunk is checked while the server inserts the one before.
    Result<ImportResult> r = pg::RunImport(*conn, events, *options_.clock);
    if (r.ok() || attempt >= options_.max_attempts ||
        r.status().code() != StatusCode::kUnavailable || !pg::IsTransient(conn->last_error())) {
      return r;
    }
    Backoff(attempt);
  }
}

}  // namespace ledger
