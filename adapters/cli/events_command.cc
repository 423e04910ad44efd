// ledger events: the whole log in log order as JSON lines, optionally following it live.
#include <algorithm>
#include <chrono>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"

namespace ledger::cli {
namespace {

constexpr std::size_t kPageSize = 1000;
// How long one wait for new events lasts: also how late a stop signal may be noticed.
constexpr std::chrono::milliseconds kWaitSlice{200};

class EventsCommand final : public Command {
 public:
  std::string_view Name() const override { return "events"; }
  std::string_view Summary() const override {
    return "print the log in log order as JSON lines; --follow keeps printing new events";
  }
  std::string_view Synopsis() const override { return "[--after POSITION] [--limit N] [--follow]"; }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("after", po::value<std::string>()->default_value("0")->value_name("POSITION"),
        "start after the event at this global position (0: from the start)");
    add("limit", po::value<std::string>()->value_name("N"), "print at most N events");
    add("follow", po::bool_switch(),
        "after the end of the log, wait for new events and print them as they commit, until "
        "SIGINT or SIGTERM (then exit 0)");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    LEDGER_ASSIGN_OR_RETURN(std::uint64_t after,
                            ParseUnsigned(StringOption(values, "after"), "after"));
    after_ = GlobalPosition(after);
    if (values.count("limit") > 0) {
      LEDGER_ASSIGN_OR_RETURN(limit_, ParseUnsigned(StringOption(values, "limit"), "limit"));
    }
    follow_ = values["follow"].as<bool>();
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    CliEnvironment& env = context.env;
    if (follow_) env.CatchStopSignals();
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, env.OpenStore(context.database_url));
    // Without --follow the command stops at the end of the log: first let every event
    // committed before it started become readable, so that it prints all of them.
    if (!follow_) LEDGER_RETURN_IF_ERROR(WaitForCommittedEvents(*store, env.Err()));
    // Invariant: `after` is the position of the last event printed (or the one given), never
    // the largest position seen: log order need not be position order (event_store.h).
    GlobalPosition after = after_;
    std::uint64_t remaining = limit_;
    while (remaining > 0 && !env.StopRequested()) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, kPageSize));
      LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, store->ReadAll(after, want));
      if (events.empty()) {
        if (!follow_) break;
        LEDGER_RETURN_IF_ERROR(store->WaitForEvents(after, kWaitSlice));
        continue;
      }
      LEDGER_RETURN_IF_ERROR(WriteEventLines(events, env.Out()));
      after = events.back().global_position;
      remaining -= events.size();
    }
    return Status::Ok();
  }

 private:
  GlobalPosition after_{0};
  std::uint64_t limit_ = kNoLimit;
  bool follow_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeEventsCommand() { return std::make_unique<EventsCommand>(); }

}  // namespace ledger::cli
