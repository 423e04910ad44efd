// The shape every command handler shares: load one stream, fold it, decide, append with the
// loaded version as the expected version, and on Conflict do all of it again (the stream
// moved on, so the decision may change). Handlers supply only the decision.
#ifndef LEDGER_COMMANDS_INTERNAL_STREAM_COMMAND_H_
#define LEDGER_COMMANDS_INTERNAL_STREAM_COMMAND_H_

#include <boost/json/object.hpp>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger::commands::internal {

// Shared, read-only dependencies of the handlers. Not owned.
struct CommandEnv {
  EventStore* store = nullptr;
  Clock* clock = nullptr;
  std::function<EventId()> new_event_id;
  int max_attempts = 5;  // loads-and-appends per command before giving up with Conflict
};

// An event a handler decided to append.
struct PlannedEvent {
  std::string type;
  std::uint32_t schema_version = 1;
  boost::json::object payload;
  std::string causation_id;
};

struct Decision {
  std::vector<PlannedEvent> events;  // empty: nothing to append (an idempotent repeat)
  boost::json::object response;      // the resulting state; position fields are added
};

// Decides from the stream's events so far (already checked to belong to the caller's tenant).
using Decider = std::function<Result<Decision>(std::span<const RecordedEvent> history)>;

// Runs `decide` against `stream` until its append succeeds, it fails, or env.max_attempts
// Conflicts have passed (then Conflict). `command` names the source ("command.<name>").
// A stream whose first event belongs to another tenant is reported as NotFound with
// `not_found_message`: a tenant never learns about another's streams.
Result<CommandOutcome> RunStreamCommand(const CommandEnv& env, const CommandContext& context,
                                        std::string_view command, const StreamId& stream,
                                        std::string_view not_found_message, const Decider& decide);

// "<category>-<id>" for a caller-supplied id, validated; InvalidArgument naming `field`.
Result<StreamId> MakeStreamId(std::string_view category, std::string_view field,
                              std::string_view id);

// The payload as compact JSON.
std::string Serialize(const boost::json::object& object);

}  // namespace ledger::commands::internal

#endif  // LEDGER_COMMANDS_INTERNAL_STREAM_COMMAND_H_
