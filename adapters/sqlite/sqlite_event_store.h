// SqliteEventStore: the EventStore (engine/event_store.h) in an embedded SQLite file. The
// default store of a single-machine ledger and the store developers' tests run against.
//
// Durability: a successful Append, AppendBatch or Import has been fsynced (WAL mode with
// synchronous=FULL): it survives a crash or power cut.
//
// One writer: every write is one BEGIN IMMEDIATE transaction that reads the stream heads it
// depends on under SQLite's write lock, so any number of SqliteEventStore objects, in this
// process or others, may share one file. A writer waits up to `busy_timeout` for another's
// transaction, then the call fails Unavailable (retry it; it changed nothing). SQLite's lock
// is not fair: under sustained writes from another process a writer can wait out its whole
// timeout. Positions are assigned head+1 inside that transaction: appends leave no holes,
// and log order is position order.
//
// Thread safety: every method may be called concurrently from any thread. Writes are
// serialised; on a file store reads run in parallel on their own connections.
//
// Outcomes that are not errors are those of EventStore (a redelivery, an absent stream, a
// read past the end).
#ifndef LEDGER_ADAPTERS_SQLITE_SQLITE_EVENT_STORE_H_
#define LEDGER_ADAPTERS_SQLITE_SQLITE_EVENT_STORE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger {

namespace sqlite {
class Connection;
class ReaderPool;
}  // namespace sqlite

struct SqliteOptions {
  // Create the file if needed and apply pending migrations before opening. Without it, a
  // store that needs migrating is refused (FailedPrecondition).
  bool migrate = false;
  // Where recorded_at (and a migration's applied_at) come from. Must outlive the store.
  Clock* clock = SystemClock::Default();
  // How long a write waits for another connection's write transaction.
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteEventStore final : public EventStore {
 public:
  // Opens the store in the file at `path`, or a private in-memory one for ":memory:" (which
  // starts empty, so it must be opened with options.migrate; it vanishes with the object).
  // Errors: FailedPrecondition if the file does not exist or needs migrating (the message
  // says to run `ledger migrate`), if an applied migration was edited, if the file was
  // migrated by a newer ledger, or if it is not a ledger store; InvalidArgument for an empty
  // path; Unavailable if the file stays locked past the busy timeout.
  [[nodiscard]] static Result<std::unique_ptr<SqliteEventStore>> Open(
      const std::string& path, const SqliteOptions& options = {});

  // Creates the file at `path` if needed and applies pending migrations (what `ledger
  // migrate` does). Safe to run again and from several processes at once. Uses
  // options.clock and options.busy_timeout. Errors as for Open; InvalidArgument for
  // ":memory:" (migrating a database that vanishes at once would do nothing).
  [[nodiscard]] static Status Migrate(const std::string& path, const SqliteOptions& options = {});

  ~SqliteEventStore() override;
  SqliteEventStore(const SqliteEventStore&) = delete;
  SqliteEventStore& operator=(const SqliteEventStore&) = delete;

  Result<AppendResult> Append(const AppendRequest& request) override;
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override;
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit,
                                             const ReadAllOptions& options) override;
  Result<std::optional<GlobalPosition>> HeadPosition() override;
  // Wakes at once for appends through this object and within kPollInterval for appends by
  // other objects or processes on the same file.
  Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) override;
  Result<ImportResult> Import(std::span<const ImportedEvent> events) override;

  // How often WaitForEvents looks at the file for other writers' events.
  static constexpr std::chrono::milliseconds kPollInterval{25};

 private:
  SqliteEventStore(Clock* clock, std::unique_ptr<sqlite::Connection> writer,
                   std::chrono::milliseconds busy_timeout);

  // REQUIRES: write_mu_ held, a write transaction open, `request` normalised.
  // Returns a non-OK status only if the store itself failed and the transaction must be
  // abandoned; the request's own outcome, which may be an error the caller acts on
  // (Conflict, AlreadyExists, ...), goes to *outcome.
  [[nodiscard]] Status AppendInTransaction(const AppendRequest& request,
                                           Result<AppendResult>* outcome);
  // REQUIRES: write_mu_ held, a write transaction open, `events` normalised.
  [[nodiscard]] Result<ImportResult> ImportInTransaction(std::span<const ImportedEvent> events);
  // Wakes this object's WaitForEvents callers after a commit.
  void NotifyAppended();

  Clock* const clock_;
  std::mutex write_mu_;
  const std::unique_ptr<sqlite::Connection> writer_;  // guarded by write_mu_
  std::unique_ptr<sqlite::ReaderPool> readers_;

  std::mutex wake_mu_;
  std::condition_variable appended_;
  std::uint64_t commits_ = 0;  // guarded by wake_mu_; changes after every commit that appended
};

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_SQLITE_SQLITE_EVENT_STORE_H_
