// ledger read: one stream's events, oldest first, as JSON lines; optionally as it stood at
// a past time.
#include <algorithm>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"
#include "engine/event_validation.h"
#include "engine/time.h"

namespace ledger::cli {
namespace {

// Events are fetched a page at a time so that a long stream never sits in memory whole.
constexpr std::size_t kPageSize = 1000;

class ReadCommand final : public Command {
 public:
  std::string_view Name() const override { return "read"; }
  std::string_view Summary() const override { return "print a stream's events as JSON lines"; }
  std::string_view Synopsis() const override {
    return "--stream S [--as-of TIME] [--from-version N] [--limit N]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("stream", po::value<std::string>()->required()->value_name("S"), "stream id");
    add("as-of", po::value<std::string>()->value_name("TIME"),
        "only events recorded at or before this RFC 3339 time (e.g. 2026-11-23T08:30:00Z)");
    add("from-version", po::value<std::string>()->default_value("1")->value_name("N"),
        "first stream version to print");
    add("limit", po::value<std::string>()->value_name("N"), "print at most N events");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    stream_ = StreamId(StringOption(values, "stream"));
    LEDGER_RETURN_IF_ERROR(ValidateStreamId(stream_));
    if (values.count("as-of") > 0) {
      Result<Timestamp> as_of = ParseRfc3339(StringOption(values, "as-of"));
      if (!as_of.ok()) return as_of.status().WithContext("--as-of");
      options_.as_of = *as_of;
    }
    LEDGER_ASSIGN_OR_RETURN(std::uint64_t from,
                            ParseUnsigned(StringOption(values, "from-version"), "from-version"));
    options_.from = StreamVersion(from);
    if (values.count("limit") > 0) {
      LEDGER_ASSIGN_OR_RETURN(std::uint64_t limit,
                              ParseUnsigned(StringOption(values, "limit"), "limit"));
      options_.limit = limit;
    }
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    std::size_t remaining = options_.limit;
    StreamReadOptions page = options_;
    while (remaining > 0) {
      page.limit = std::min(remaining, kPageSize);
      LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, store->ReadStream(stream_, page));
      LEDGER_RETURN_IF_ERROR(WriteEventLines(events, context.env.Out()));
      if (events.size() < page.limit) break;
      remaining -= events.size();
      page.from = StreamVersion(events.back().stream_version.value() + 1);
    }
    return Status::Ok();
  }

 private:
  StreamId stream_;
  StreamReadOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeReadCommand() { return std::make_unique<ReadCommand>(); }

}  // namespace ledger::cli
