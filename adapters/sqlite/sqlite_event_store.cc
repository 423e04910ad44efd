#include "adapters/sqlite/sqlite_event_store.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <utility>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/event_tables.h"
#include "adapters/sqlite/migrator.h"
#include "adapters/sqlite/reader_pool.h"
#include "adapters/sqlite/transaction.h"
#include "engine/append_planner.h"
#include "schema/migrations.h"

namespace ledger {
namespace {

using sqlite::Connection;
using sqlite::ConnectionOptions;
using sqlite::Savepoint;
using sqlite::WriteTransaction;

// Enough to hold the event-id index and the tail of the log through a 100k-event import.
constexpr int kWriterCacheKib = 64 << 10;

bool IsMemory(const std::string& path) { return path == sqlite::kMemoryPath; }

}  // namespace

Result<std::unique_ptr<SqliteEventStore>> SqliteEventStore::Open(const std::string& path,
                                                                 const SqliteOptions& options) {
  if (path.empty()) return InvalidArgument("the SQLite store needs a file path or :memory:");
  if (options.clock == nullptr) return InvalidArgument("SqliteOptions::clock must be set");
  if (IsMemory(path) && !options.migrate) {
    return FailedPrecondition(":memory: starts empty: open it with SqliteOptions::migrate = true");
  }
  std::error_code ignored;
  if (!options.migrate && !IsMemory(path) && !std::filesystem::exists(path, ignored)) {
    return FailedPrecondition("there is no ledger store at " + path +
                              "; run `ledger migrate` to create it");
  }
  ConnectionOptions connection_options{.create = options.migrate,
                                       .read_only = false,
                                       .busy_timeout = options.busy_timeout,
                                       .cache_kib = kWriterCacheKib};
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                          Connection::Open(path, connection_options));
  Status schema = options.migrate
                      ? sqlite::ApplyMigrations(*writer, SqliteMigrations(), *options.clock)
                      : sqlite::CheckSchema(*writer, SqliteMigrations());
  LEDGER_RETURN_IF_ERROR(schema);
  return std::unique_ptr<SqliteEventStore>(
      new SqliteEventStore(options.clock, std::move(writer), options.busy_timeout));
}

Status SqliteEventStore::Migrate(const std::string& path, const SqliteOptions& options) {
  if (path.empty()) return InvalidArgument("the SQLite store needs a file path");
  if (IsMemory(path)) {
    return InvalidArgument("migrating :memory: would do nothing; open it with migrate = true");
  }
  if (options.clock == nullptr) return InvalidArgument("SqliteOptions::clock must be set");
  ConnectionOptions connection_options{
      .create = true, .read_only = false, .busy_timeout = options.busy_timeout};
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db,
                          Connection::Open(path, connection_options));
  return sqlite::ApplyMigrations(*db, SqliteMigrations(), *options.clock);
}

SqliteEventStore::SqliteEventStore(Clock* clock, std::unique_ptr<Connection> writer,
                                   std::chrono::milliseconds busy_timeout)
    : clock_(clock), writer_(std::move(writer)) {
  if (writer_->is_memory()) {
    readers_ = std::make_unique<sqlite::ReaderPool>(writer_.get(), &write_mu_);
  } else {
    readers_ = std::make_unique<sqlite::ReaderPool>(
        writer_->path(),
        ConnectionOptions{.create = false, .read_only = true, .busy_timeout = busy_timeout});
  }
}

// Out of line: the members' types are complete only here.
SqliteEventStore::~SqliteEventStore() = default;

void SqliteEventStore::NotifyAppended() {
  {
    std::lock_guard lock(wake_mu_);
    ++commits_;
  }
  appended_.notify_all();
}

Status SqliteEventStore::AppendInTransaction(const AppendRequest& request,
                                             Result<AppendResult>* outcome) {
  std::vector<std::optional<StoredEventRef>> stored;
  stored.reserve(request.events.size());
  for (const NewEvent& e : request.events) {
    LEDGER_ASSIGN_OR_RETURN(std::optional<StoredEventRef> ref,
                            sqlite::FindEvent(*writer_, e.event_id));
    stored.push_back(std::move(ref));
  }
  Result<std::optional<AppendResult>> redelivery = ResolveRedelivery(request, stored);
  if (!redelivery.ok() || redelivery->has_value()) {
    *outcome = redelivery.ok() ? Result<AppendResult>(**redelivery)
                               : Result<AppendResult>(redelivery.status());
    return Status::Ok();
  }

  LEDGER_ASSIGN_OR_RETURN(StreamHead head, sqlite::ReadStreamHead(*writer_, request.stream));
  Result<std::vector<RecordedEvent>> records = PlanAppend(request, head, clock_->Now());
  if (!records.ok()) {
    *outcome = records.status();
    return Status::Ok();
  }
  // Invariant: we hold the write lock, so head+1.. are free and nothing commits between
  // them: positions stay dense and commit order is position order.
  LEDGER_ASSIGN_OR_RETURN(GlobalPosition log_head, sqlite::ReadLogHead(*writer_));
  std::uint64_t next = log_head.value() + 1;
  for (RecordedEvent& r : *records) {
    r.global_position = GlobalPosition(next++);
    LEDGER_RETURN_IF_ERROR(sqlite::InsertEvent(*writer_, r));
  }
  const RecordedEvent& last = records->back();
  LEDGER_RETURN_IF_ERROR(sqlite::WriteStreamHead(*writer_, request.stream, AdvanceHead(last)));
  *outcome = AppendResult{last.global_position, last.stream_version, /*deduplicated=*/false};
  return Status::Ok();
}

Result<AppendResult> SqliteEventStore::Append(const AppendRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<Result<AppendResult>> outcomes,
                          AppendBatch(std::span<const AppendRequest>(&request, 1)));
  return std::move(outcomes.front());
}

Result<std::vector<Result<AppendResult>>> SqliteEventStore::AppendBatch(
    std::span<const AppendRequest> requests) {
  // Validation needs no lock; doing it first keeps the write lock short.
  std::vector<Result<AppendRequest>> normalized;
  normalized.reserve(requests.size());
  for (const AppendRequest& request : requests) {
    normalized.push_back(NormalizeAppendRequest(request));
  }

  std::vector<Result<AppendResult>> outcomes;
  outcomes.reserve(requests.size());
  bool any_valid = std::any_of(normalized.begin(), normalized.end(),
                               [](const Result<AppendRequest>& r) { return r.ok(); });
  if (!any_valid) {
    // Nothing to write: answer without waiting for the write lock (bad input must come
    // back InvalidArgument, not Unavailable because another writer is busy).
    for (const Result<AppendRequest>& request : normalized) outcomes.emplace_back(request.status());
    return outcomes;
  }
  bool appended = false;
  {
    std::lock_guard lock(write_mu_);
    LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
    for (const Result<AppendRequest>& request : normalized) {
      if (!request.ok()) {
        outcomes.emplace_back(request.status());
        continue;
      }
      // A savepoint per request: whatever one request leaves behind when it fails is undone
      // without touching its neighbours.
      LEDGER_ASSIGN_OR_RETURN(Savepoint savepoint, Savepoint::Begin(*writer_));
      Result<AppendResult> outcome = Internal("append not attempted");
      Status store = AppendInTransaction(*request, &outcome);
      // DataLoss here is one stream's inconsistent tables: that request's failure alone.
      // Anything else is the store failing, which fails the batch.
      if (!store.ok() && store.code() != StatusCode::kDataLoss) return store;
      if (!store.ok()) outcome = store;
      LEDGER_RETURN_IF_ERROR(outcome.ok() ? savepoint.Release() : savepoint.Rollback());
      appended = appended || (outcome.ok() && !outcome->deduplicated);
      outcomes.push_back(std::move(outcome));
    }
    LEDGER_RETURN_IF_ERROR(txn.Commit());
  }
  if (appended) NotifyAppended();
  return outcomes;
}

Result<std::vector<RecordedEvent>> SqliteEventStore::ReadStream(const StreamId& stream,
                                                                const StreamReadOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  return sqlite::SelectStream(*reader, stream, options);
}

Result<std::vector<RecordedEvent>> SqliteEventStore::ReadAll(GlobalPosition after,
                                                             std::size_t limit) {
  return ReadAll(after, limit, ReadAllOptions{});
}

Result<std::vector<RecordedEvent>> SqliteEventStore::ReadAll(GlobalPosition after,
                                                             std::size_t limit,
                                                             const ReadAllOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  return sqlite::SelectLog(*reader, after, limit, options);
}

Result<std::optional<GlobalPosition>> SqliteEventStore::HeadPosition() {
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  LEDGER_ASSIGN_OR_RETURN(GlobalPosition head, sqlite::ReadLogHead(*reader));
  return std::optional<GlobalPosition>(head);
}

Status SqliteEventStore::WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::uint64_t seen;
    {
      std::lock_guard lock(wake_mu_);
      seen = commits_;
    }
    // Read after noting `seen`, so a commit between the read and the wait still wakes us.
    {
      LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
      LEDGER_ASSIGN_OR_RETURN(GlobalPosition head, sqlite::ReadLogHead(*reader));
      if (head > after) return Status::Ok();
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return Status::Ok();
    // Polling covers writers this object cannot hear: other store objects and processes.
    std::unique_lock lock(wake_mu_);
    appended_.wait_until(lock, std::min(deadline, now + kPollInterval),
                         [&] { return commits_ != seen; });
  }
}

Result<ImportResult> SqliteEventStore::ImportInTransaction(std::span<const ImportedEvent> events) {
  ImportResult result;
  std::unordered_map<StreamId, StreamHead> heads;  // every stream touched, as it now stands
  LEDGER_ASSIGN_OR_RETURN(GlobalPosition log_head, sqlite::ReadLogHead(*writer_));
  std::uint64_t head = log_head.value();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const ImportedEvent& e = events[i];
    auto context = "event " + std::to_string(i);
    // Rows written earlier in this transaction are visible, so a repeat within one import
    // is recognised like one already stored.
    LEDGER_ASSIGN_OR_RETURN(std::optional<StoredEventRef> stored,
                            sqlite::FindEvent(*writer_, e.event.event_id));
    if (stored) {
      LEDGER_RETURN_IF_ERROR(CheckImportedDuplicate(e, *stored).WithContext(context));
      ++result.already_present;
      continue;
    }
    auto h = heads.find(e.stream);
    if (h == heads.end()) {
      LEDGER_ASSIGN_OR_RETURN(StreamHead stream_head, sqlite::ReadStreamHead(*writer_, e.stream));
      h = heads.emplace(e.stream, stream_head).first;
    }
    Result<RecordedEvent> r = PlanImport(e, h->second, clock_->Now());
    if (!r.ok()) return r.status().WithContext(context);
    if (e.global_position && e.global_position->value() <= head) {
      return InvalidArgument(context + ": position " + std::to_string(e.global_position->value()) +
                             " is not after the log's head " + std::to_string(head));
    }
    head = e.global_position ? e.global_position->value() : head + 1;
    r->global_position = GlobalPosition(head);
    LEDGER_RETURN_IF_ERROR(sqlite::InsertEvent(*writer_, *r).WithContext(context));
    h->second = AdvanceHead(*r);
    ++result.imported;
  }
  for (const auto& [stream, stream_head] : heads) {
    LEDGER_RETURN_IF_ERROR(sqlite::WriteStreamHead(*writer_, stream, stream_head));
  }
  return result;
}

Result<ImportResult> SqliteEventStore::Import(std::span<const ImportedEvent> events) {
  std::vector<ImportedEvent> normalized;
  normalized.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    Result<ImportedEvent> n = NormalizeImportedEvent(events[i]);
    if (!n.ok()) return n.status().WithContext("event " + std::to_string(i));
    normalized.push_back(std::move(n).value());
  }
  Result<ImportResult> result = [&]() -> Result<ImportResult> {
    std::lock_guard lock(write_mu_);
    // One transaction: all or nothing, and one fsync however long the log.
    LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
    LEDGER_ASSIGN_OR_RETURN(ImportResult imported, ImportInTransaction(normalized));
    LEDGER_RETURN_IF_ERROR(txn.Commit());
    return imported;
  }();
  if (result.ok() && result->imported > 0) NotifyAppended();
  return result;
}

}  // namespace ledger
