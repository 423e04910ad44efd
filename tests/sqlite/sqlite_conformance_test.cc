// The EventStore conformance suite on the SQLite store: in memory, and in a fresh file.
#include <memory>

#include "adapters/sqlite/sqlite_event_store.h"
#include "tests/conformance/event_store_conformance.h"
#include "tests/sqlite/sqlite_test_util.h"

namespace {

ledger::SqliteOptions MigrateWith(ledger::Clock* clock) {
  ledger::SqliteOptions options;
  options.migrate = true;
  options.clock = clock;
  return options;
}

struct SqliteMemoryFactory {
  static std::unique_ptr<ledger::EventStore> Open(ledger::Clock* clock) {
    return ledger::testing::MustOpen(":memory:", MigrateWith(clock));
  }
};

// A store in a file of its own, deleted with the store.
class TempFileStore final : public ledger::EventStore {
 public:
  explicit TempFileStore(ledger::Clock* clock)
      : store_(ledger::testing::MustOpen(dir_.File("ledger.db"), MigrateWith(clock))) {}

  ledger::Result<ledger::AppendResult> Append(const ledger::AppendRequest& request) override {
    return store_->Append(request);
  }
  ledger::Result<std::vector<ledger::Result<ledger::AppendResult>>> AppendBatch(
      std::span<const ledger::AppendRequest> requests) override {
    return store_->AppendBatch(requests);
  }
  ledger::Result<std::vector<ledger::RecordedEvent>> ReadStream(
      const ledger::StreamId& stream, const ledger::StreamReadOptions& options) override {
    return store_->ReadStream(stream, options);
  }
  ledger::Result<std::vector<ledger::RecordedEvent>> ReadAll(ledger::GlobalPosition after,
                                                             std::size_t limit) override {
    return store_->ReadAll(after, limit);
  }
  ledger::Status WaitForEvents(ledger::GlobalPosition after,
                               std::chrono::milliseconds timeout) override {
    return store_->WaitForEvents(after, timeout);
  }
  ledger::Result<ledger::ImportResult> Import(
      std::span<const ledger::ImportedEvent> events) override {
    return store_->Import(events);
  }

 private:
  ledger::testing::TempDir dir_;  // declared first: outlives the store
  std::unique_ptr<ledger::SqliteEventStore> store_;
};

struct SqliteFileFactory {
  static std::unique_ptr<ledger::EventStore> Open(ledger::Clock* clock) {
    return std::make_unique<TempFileStore>(clock);
  }
};

}  // namespace

LEDGER_EVENT_STORE_CONFORMANCE(SqliteMemoryFactory, SqliteFileFactory);
