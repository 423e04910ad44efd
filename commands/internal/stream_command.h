// The shape every command handler shares: load one stream, fold it, decide, append with the
// loaded version as the expected version, and on Conflict do all of it again (the stream
// moved on, so the decision may change). Handlers supply only the decision.
#ifndef LEDGER_COMMANDS_INTERNAL_STREAM_COMMAND_H_
#define LEDGER_COMMANDS_INTERNAL_STREAM_COMMAND_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "engine/clock.h"
#include "engine/event_store.h"
#include "engine/snapshot_store.h"

namespace ledger::commands::internal {

// Shared, read-only dependencies of the handlers. Not owned.
struct CommandEnv {
  EventStore* store = nullptr;
  Clock* clock = nullptr;
  std::function<EventId()> new_event_id;
  int max_attempts = 5;  // loads-and-appends per command before giving up with Conflict
  // Aggregate snapshots for RunSnapshotStreamCommand; null: every command folds the whole
  // stream. Not owned.
  SnapshotStore* snapshots = nullptr;
  // A new snapshot is saved once the stream is this many events past the one loaded.
  std::uint64_t snapshot_every = 100;
  // Told of every snapshot failure that was ignored (a Load, Save or Delete error, a
  // snapshot found unusable); the command's answer never depends on them. May be null.
  std::function<void(const Status&)> on_snapshot_error;
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

// A stream's folded state as RunSnapshotStreamCommand drives it: restored from a snapshot
// or started empty, continued with the stream's later events, asked for a decision, and
// saved as a snapshot. One object per command run, used by one thread.
class SnapshotAggregate {
 public:
  virtual ~SnapshotAggregate() = default;

  // Snapshot::aggregate of this aggregate's snapshots.
  virtual std::string_view Name() const = 0;
  // Back to the state of an empty stream.
  virtual void Reset() = 0;
  // To the state in `snapshot`; false if it cannot be used (another state version, bytes
  // that do not decode). The state is then unspecified until Reset.
  virtual bool Restore(const Snapshot& snapshot) = 0;
  // Applies the stream's next events, in version order. An error (DataLoss: an event that
  // does not decode) fails the command.
  virtual Status Fold(std::span<const RecordedEvent> events) = 0;
  // The command's decision against the current state; leaves the state unchanged.
  virtual Result<Decision> Decide() const = 0;
  // The current state as Snapshot::bytes, and the state version of those bytes.
  virtual std::string Serialize() const = 0;
  virtual std::uint32_t StateVersion() const = 0;
};

// RunStreamCommand for a stream with snapshots (env.snapshots): loads the snapshot, checks it
// against the stream, reads and folds only the events after it, decides, and appends with the
// right expected version, retrying on Conflict like RunStreamCommand. The answer is exactly
// the one a whole-stream fold would give.
//
// A snapshot is used only if it belongs to context.tenant, `aggregate` restores it, the
// stream still holds its stream_version (it is not beyond the head) with an event of the
// caller's tenant there, and the events after it continue at stream_version + 1. Otherwise
// the stream is folded from the start, the failure goes to env.on_snapshot_error, and the
// snapshot is deleted (unless it is another tenant's: that one may be valid for its owner).
//
// Once the stream is env.snapshot_every events past the snapshot loaded (or its start), the
// state after the command (the appended events folded, never the decision's preview) is
// saved. Snapshot failures never fail the command; store errors reading the stream or
// appending do, as in RunStreamCommand.
Result<CommandOutcome> RunSnapshotStreamCommand(const CommandEnv& env,
                                                const CommandContext& context,
                                                std::string_view command, const StreamId& stream,
                                                std::string_view not_found_message,
                                                SnapshotAggregate& aggregate);

// "<category>-<id>" for a caller-supplied id, validated; InvalidArgument naming `field`.
Result<StreamId> MakeStreamId(std::string_view category, std::string_view field,
                              std::string_view id);

// The payload as compact JSON.
std::string Serialize(const boost::json::object& object);

}  // namespace ledger::commands::internal

#endif  // LEDGER_COMMANDS_INTERNAL_STREAM_COMMAND_H_
