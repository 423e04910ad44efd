#include "tests/cli/fake_environment.h"

#include "adapters/cli/ledger_cli.h"
#include "adapters/store/open_event_store.h"

namespace ledger::testing {
namespace {

// Hands a command a store the test keeps: the command destroys its handle when done, and
// the test then inspects the same store.
class BorrowedStore final : public EventStore {
 public:
  explicit BorrowedStore(EventStore& store) : store_(store) {}
  Result<AppendResult> Append(const AppendRequest& request) override {
    return store_.Append(request);
  }
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override {
    return store_.AppendBatch(requests);
  }
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override {
    return store_.ReadStream(stream, options);
  }
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override {
    return store_.ReadAll(after, limit);
  }
  Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) override {
    return store_.WaitForEvents(after, timeout);
  }
  Result<ImportResult> Import(std::span<const ImportedEvent> events) override {
    return store_.Import(events);
  }

 private:
  EventStore& store_;
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

Status FakeEnvironment::MigrateStore(const std::string& url) {
  migrated_urls.push_back(url);
  if (store_ != nullptr) return Status::Ok();
  return ::ledger::MigrateStore(url);
}

}  // namespace ledger::testing
