// Fuzzes command decoding and execution: CommandDispatcher::Execute with arbitrary bodies for
// every command name, on a MemoryEventStore and a ManualClock, as an operator (the one role
// that may run every command).
//
// Input: up to kMaxCommands lines "<command-name> <JSON body>", run in order against one fresh
// store, so that the fuzzer reaches the state-dependent paths too (review after screening,
// probes after configure-canary). Checked beyond "no crash": every failure has one of the
// codes dispatcher.h documents for a memory store (never DataLoss: a command must be able to
// read back what it appended; never Internal), and every answer is a JSON object with the
// stream, version and position it reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "commands/dispatcher.h"
#include "engine/clock.h"
#include "engine/event_validation.h"
#include "engine/memory_store.h"
#include "engine/uuid.h"

namespace {

constexpr std::size_t kMaxCommands = 16;

std::uint64_t event_counter = 0;  // the event ids' sequence within one input

void Require(bool condition, const char* what, const ledger::Status& status = ledger::Status::Ok()) {
  if (!condition) {
    __builtin_printf("invariant violated: %s (%s)\n", what, status.ToString().c_str());
    std::abort();
  }
}

// The dispatcher is built once (its term lists take a while to load); the store behind it
// is replaced for every input, so that each input runs from an empty log and a crash
// reproduces from its input alone.
class FreshStore final : public ledger::EventStore {
 public:
  void Reset(ledger::Clock* clock) { store_ = std::make_unique<ledger::MemoryEventStore>(clock); }

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
  ledger::Result<std::optional<ledger::GlobalPosition>> HeadPosition() override {
    return store_->HeadPosition();
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
  std::unique_ptr<ledger::MemoryEventStore> store_;
};

bool IsDocumentedFailure(ledger::StatusCode code) {
  switch (code) {
    case ledger::StatusCode::kInvalidArgument:
    case ledger::StatusCode::kNotFound:
    case ledger::StatusCode::kFailedPrecondition:
    case ledger::StatusCode::kConflict:
    case ledger::StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

void CheckOutcome(const ledger::Result<ledger::commands::CommandOutcome>& outcome) {
  if (!outcome.ok()) {
    Require(IsDocumentedFailure(outcome.status().code()), "undocumented command failure",
            outcome.status());
    return;
  }
  const std::string& json = outcome->response_json;
  Require(ledger::NormalizePayload(json).ok(), "the answer is not a JSON object");
  Require(json.find("\"stream\":") != std::string::npos &&
              json.find("\"stream_version\":") != std::string::npos &&
              json.find("\"global_position\":") != std::string::npos,
          "the answer lacks stream, stream_version or global_position");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ledger::ManualClock* const clock =
      new ledger::ManualClock(ledger::Timestamp(1'787'133'647'000'000));
  static FreshStore* const store = new FreshStore();
  static const ledger::commands::CommandDispatcher* const dispatcher = [] {
    ledger::commands::CommandDispatcherOptions options;
    // Deterministic event ids, restarted for every input, so that an input replays exactly.
    options.new_event_id = [] {
      return ledger::ProviderEventId("fuzz", std::to_string(++event_counter));
    };
    auto created = ledger::commands::CommandDispatcher::Create(store, clock, std::move(options));
    Require(created.ok(), "CommandDispatcher::Create failed", created.status());
    return created->release();
  }();

  clock->Set(ledger::Timestamp(1'787'133'647'000'000));
  store->Reset(clock);
  event_counter = 0;
  const ledger::commands::CommandContext context{
      ledger::commands::Principal{"user:fuzz", std::string(ledger::commands::kRoleOperator)},
      ledger::TenantId(ledger::kDefaultTenant), "fuzz-request"};

  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t commands = 0;
  for (std::size_t from = 0; from < input.size() && commands < kMaxCommands; ++commands) {
    std::size_t end = input.find('\n', from);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(from, end - from);
    from = end + 1;
    std::size_t space = line.find(' ');
    std::string_view name = line.substr(0, space);
    std::string_view body = space == std::string_view::npos ? "" : line.substr(space + 1);
    CheckOutcome(dispatcher->Execute(name, body, context));
    clock->AdvanceMicros(1'000'000);
  }
  return 0;
}
