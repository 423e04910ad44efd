#include "commands/internal/stream_command.h"

#include <boost/json/serialize.hpp>
#include <utility>

#include "engine/event_validation.h"

namespace ledger::commands::internal {
namespace {

std::vector<NewEvent> ToNewEvents(const CommandEnv& env, const CommandContext& context,
                                  std::string_view command, std::vector<PlannedEvent> planned) {
  std::vector<NewEvent> events;
  events.reserve(planned.size());
  for (PlannedEvent& p : planned) {
    NewEvent e;
    e.event_id = env.new_event_id();
    e.event_type = std::move(p.type);
    e.schema_version = p.schema_version;
    e.tenant = context.tenant;
    e.payload = Serialize(p.payload);
    e.metadata.correlation_id = context.correlation_id;
    e.metadata.causation_id = std::move(p.causation_id);
    e.metadata.actor = context.principal.subject;
    e.metadata.source = "command." + std::string(command);
    events.push_back(std::move(e));
  }
  return events;
}

CommandOutcome Finish(const StreamId& stream, boost::json::object response, StreamVersion version,
                      GlobalPosition position, std::size_t appended) {
  response["stream"] = stream.value();
  response["stream_version"] = version.value();
  response["global_position"] = position.value();
  CommandOutcome outcome;
  outcome.response_json = Serialize(response);
  outcome.stream = stream;
  outcome.stream_version = version;
  outcome.position = position;
  outcome.events_appended = appended;
  return outcome;
}

}  // namespace

Result<CommandOutcome> RunStreamCommand(const CommandEnv& env, const CommandContext& context,
                                        std::string_view command, const StreamId& stream,
                                        std::string_view not_found_message, const Decider& decide) {
  Status last_conflict;
  for (int attempt = 0; attempt < env.max_attempts; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                            env.store->ReadStream(stream, StreamReadOptions{}));
    if (!history.empty() && history.front().tenant != context.tenant) {
      return NotFound(std::string(not_found_message));
    }
    LEDGER_ASSIGN_OR_RETURN(Decision decision, decide(history));
    StreamVersion version = history.empty() ? StreamVersion(0) : history.back().stream_version;
    GlobalPosition last = history.empty() ? GlobalPosition(0) : history.back().global_position;
    if (decision.events.empty()) {
      return Finish(stream, std::move(decision.response), version, last, 0);
    }
    std::size_t count = decision.events.size();
    AppendRequest request{stream, ExpectedVersion::Exact(version),
                          ToNewEvents(env, context, command, std::move(decision.events))};
    Result<AppendResult> appended = env.store->Append(request);
    if (appended.ok()) {
      return Finish(stream, std::move(decision.response), appended->stream_version,
                    appended->position, count);
    }
    // Only a moved-on stream is worth another look; everything else is the caller's answer.
    if (appended.status().code() != StatusCode::kConflict) return appended.status();
    last_conflict = appended.status();
  }
  return Conflict(std::string(command) + " gave up after " + std::to_string(env.max_attempts) +
                  " attempts on a busy stream: " + last_conflict.message());
}

Result<StreamId> MakeStreamId(std::string_view category, std::string_view field,
                              std::string_view id) {
  StreamId stream(std::string(category) + "-" + std::string(id));
  Status valid = ValidateStreamId(stream);
  if (!valid.ok()) {
    return InvalidArgument("field '" + std::string(field) +
                           "' does not form a valid stream id: " + valid.message());
  }
  return stream;
}

std::string Serialize(const boost::json::object& object) { return boost::json::serialize(object); }

}  // namespace ledger::commands::internal
