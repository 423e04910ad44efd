#include "tests/cli/fake_environment.h"

#include "adapters/store/open_read_model_store.h"
#include "adapters/store/open_snapshot_store.h"
#include "engine/memory_snapshot_store.h"

#include "adapters/cli/ledger_cli.h"
#include "adapters/store/open_event_store.h"
#include "engine/event_store_wrapper.h"

namespace ledger::testing {
namespace {

// Hands a command a store the test keeps: the command destroys its handle when done, and
// the test then inspects the same store.
class BorrowedStore final : public EventStoreWrapper {
 public:
  explicit BorrowedStore(EventStore& store) : EventStoreWrapper(&store) {}
};

}  // namespace

std::vector<std::string> CliRun::OutLines() const {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CliRun FakeEnvironment::Run(std::vector<std::string> args, std::string input) {
  in_.clear();
  in_.str(std::move(input));
  out_.str("");
  err_.str("");
  CliRun run;
  run.exit_code = cli::RunLedger(args, *this);
  run.out = out_.str();
  run.err = err_.str();
  return run;
}

std::optional<std::string> FakeEnvironment::GetEnv(const std::string& name) {
  auto it = variables.find(name);
  if (it == variables.end()) return std::nullopt;
  return it->second;
}

Result<std::unique_ptr<EventStore>> FakeEnvironment::OpenStore(const std::string& url) {
  opened_urls.push_back(url);
  if (store_ != nullptr)
    return std::unique_ptr<EventStore>(std::make_unique<BorrowedStore>(*store_));
  return OpenEventStore(url);
}

Result<std::unique_ptr<SnapshotStore>> FakeEnvironment::OpenSnapshots(const std::string& url) {
  if (store_ != nullptr) {
    return std::unique_ptr<SnapshotStore>(std::make_unique<MemorySnapshotStore>());
  }
  return OpenSnapshotStore(url);
}

Result<std::unique_ptr<projections::ReadModelStore>> FakeEnvironment::OpenReadModels(
    const std::string& url) {
  return OpenReadModelStore(url);
}

Status FakeEnvironment::MigrateStore(const std::string& url) {
  migrated_urls.push_back(url);
  if (store_ != nullptr) return Status::Ok();
  return ::ledger::MigrateStore(url);
}

}  // namespace ledger::testing
