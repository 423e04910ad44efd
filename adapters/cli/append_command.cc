// ledger append: append one event to a stream and print where it landed.
#include <istream>
#include <iterator>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"
#include "engine/event_validation.h"

namespace ledger::cli {
namespace {

class AppendCommand final : public Command {
 public:
  std::string_view Name() const override { return "append"; }
  std::string_view Summary() const override {
    return "append one event to a stream; prints its position as JSON";
  }
  std::string_view Synopsis() const override {
    return "--stream S --type T --data JSON [--expected-version V] [--event-id UUID] "
           "[--tenant T] [--correlation-id ID] [--causation-id ID] [--actor WHO]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("stream", po::value<std::string>()->required()->value_name("S"),
        "stream id, <category>-<id> (e.g. order-cs_123)");
    add("type", po::value<std::string>()->required()->value_name("T"),
        "event type, dotted lowercase (e.g. order.paid)");
    add("data", po::value<std::string>()->required()->value_name("JSON"),
        "payload: a JSON object, or - to read it from standard input");
    add("expected-version", po::value<std::string>()->default_value("any")->value_name("V"),
        "N, no_stream, stream_exists or any; a mismatch exits 3");
    add("event-id", po::value<std::string>()->value_name("UUID"),
        "idempotency key (default: a random UUID); appending the same id again returns the "
        "stored position with \"deduplicated\":true");
    add("tenant", po::value<std::string>()->default_value(kDefaultTenant)->value_name("T"),
        "tenant the event belongs to");
    add("correlation-id", po::value<std::string>()->value_name("ID"), "metadata.correlation_id");
    add("causation-id", po::value<std::string>()->value_name("ID"), "metadata.causation_id");
    add("actor", po::value<std::string>()->value_name("WHO"),
        "metadata.actor: who caused the event (e.g. user:alice)");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment& env) override {
    request_.stream = StreamId(StringOption(values, "stream"));
    LEDGER_RETURN_IF_ERROR(ValidateStreamId(request_.stream));
    LEDGER_ASSIGN_OR_RETURN(request_.expected,
                            ExpectedVersion::Parse(StringOption(values, "expected-version")));
    NewEvent event;
    if (values.count("event-id") > 0) {
      Result<Uuid> id = Uuid::Parse(StringOption(values, "event-id"));
      if (!id.ok()) return InvalidArgument("--event-id: " + id.status().message());
      event.event_id = *id;
    } else {
      event.event_id = Uuid::V4();
    }
    event.event_type = StringOption(values, "type");
    event.tenant = TenantId(StringOption(values, "tenant"));
    event.metadata.correlation_id = StringOption(values, "correlation-id");
    event.metadata.causation_id = StringOption(values, "causation-id");
    event.metadata.actor = StringOption(values, "actor");
    event.metadata.source = "cli";
    event.payload = StringOption(values, "data");
    if (event.payload == "-") event.payload.assign(std::istreambuf_iterator<char>(env.In()), {});
    // Checked before the store is opened: a bad event is the command line's fault, and
    // says so by field without touching the database.
    LEDGER_RETURN_IF_ERROR(ValidateNewEvent(event));
    request_.events = {std::move(event)};
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    LEDGER_ASSIGN_OR_RETURN(AppendResult result, store->Append(request_));
    context.env.Out() << "{\"global_position\":" << result.position.value()
                      << ",\"stream_version\":" << result.stream_version.value()
                      << ",\"deduplicated\":" << (result.deduplicated ? "true" : "false") << "}\n";
    return CheckWritten(context.env.Out());
  }

 private:
  AppendRequest request_;
};

}  // namespace

std::unique_ptr<Command> MakeAppendCommand() { return std::make_unique<AppendCommand>(); }

}  // namespace ledger::cli
