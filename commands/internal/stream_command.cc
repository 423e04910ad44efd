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

StreamReadOptions From(StreamVersion version) {
  StreamReadOptions options;
  options.from = version;
  return options;
}

void Report(const CommandEnv& env, const Status& status) {
  if (env.on_snapshot_error) env.on_snapshot_error(status);
}

// A stream as one attempt of RunSnapshotStreamCommand loaded it into the aggregate.
struct LoadedStream {
  StreamVersion version{0};  // the last event folded (0: the stream is empty)
  GlobalPosition last{0};    // its position
  StreamVersion base{0};     // the snapshot's version, or 0 when folded from the start
};

// `aggregate` from `snapshot` and the events after it. nullopt, with the reason in *why, if
// the snapshot does not fit the stream; an error only if the store or the fold failed.
Result<std::optional<LoadedStream>> LoadFromSnapshot(const CommandEnv& env,
                                                     const CommandContext& context,
                                                     const StreamId& stream,
                                                     const Snapshot& snapshot,
                                                     SnapshotAggregate& aggregate,
                                                     std::string* why) {
  const StreamVersion at = snapshot.stream_version;
  if (at.value() == 0) {
    *why = "it folds no event";
    return std::optional<LoadedStream>();
  }
  if (!aggregate.Restore(snapshot)) {
    *why = "its state (state version " + std::to_string(snapshot.state_version) +
           ") does not restore";
    return std::optional<LoadedStream>();
  }
  // Reading from the snapshot's own last event, not the one after it, proves the stream
  // reaches that far (a snapshot beyond the head describes history this store does not
  // hold), shows whose stream it is, and gives the position to answer with if nothing is
  // appended.
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                          env.store->ReadStream(stream, From(at)));
  if (events.empty() || events.front().stream_version != at) {
    *why = "the stream does not reach its version";
    return std::optional<LoadedStream>();
  }
  if (events.front().tenant != context.tenant) {
    *why = "the stream belongs to another tenant";
    return std::optional<LoadedStream>();
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].stream_version.value() != at.value() + i) {
      *why = "the events after it do not continue at version " + std::to_string(at.value() + 1);
      return std::optional<LoadedStream>();
    }
  }
  LEDGER_RETURN_IF_ERROR(aggregate.Fold(std::span(events).subspan(1)));
  return std::optional<LoadedStream>(
      LoadedStream{events.back().stream_version, events.back().global_position, at});
}

// `stream` folded into `aggregate`: from its snapshot if one fits, else from the start.
// NotFound (`not_found_message`) if the stream is another tenant's.
Result<LoadedStream> LoadStream(const CommandEnv& env, const CommandContext& context,
                                const StreamId& stream, std::string_view not_found_message,
                                SnapshotAggregate& aggregate) {
  if (env.snapshots != nullptr) {
    Result<std::optional<Snapshot>> snapshot = env.snapshots->Load(stream, aggregate.Name());
    if (!snapshot.ok()) {
      Report(env, snapshot.status().WithContext("loading the snapshot of " + stream.value()));
    } else if (snapshot->has_value() && (*snapshot)->tenant != context.tenant) {
      // Kept: it may well be valid for the stream's owner. The fold below answers NotFound.
      Report(env, FailedPrecondition("the snapshot of " + stream.value() +
                                     " is another tenant's; ignored"));
    } else if (snapshot->has_value()) {
      std::string why;
      LEDGER_ASSIGN_OR_RETURN(
          std::optional<LoadedStream> loaded,
          LoadFromSnapshot(env, context, stream, **snapshot, aggregate, &why));
      if (loaded) return *loaded;
      Report(env, FailedPrecondition("the snapshot of " + stream.value() + " at version " +
                                     std::to_string((*snapshot)->stream_version.value()) +
                                     " was ignored and deleted: " + why));
      Status deleted = env.snapshots->Delete(stream, aggregate.Name());
      if (!deleted.ok()) Report(env, deleted.WithContext("deleting an unusable snapshot"));
    }
  }
  aggregate.Reset();
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                          env.store->ReadStream(stream, StreamReadOptions{}));
  if (!history.empty() && history.front().tenant != context.tenant) {
    return NotFound(std::string(not_found_message));
  }
  LEDGER_RETURN_IF_ERROR(aggregate.Fold(history));
  if (history.empty()) return LoadedStream{};
  return LoadedStream{history.back().stream_version, history.back().global_position,
                      StreamVersion(0)};
}

// The appended events as the store recorded them, as far as a fold can tell: what a later
// load will fold. Positions, times and hashes are not known here and no fold reads them.
std::vector<RecordedEvent> AsRecorded(const StreamId& stream, StreamVersion before,
                                      const std::vector<NewEvent>& events) {
  std::vector<RecordedEvent> recorded;
  recorded.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    RecordedEvent r;
    r.stream_id = stream;
    r.stream_version = StreamVersion(before.value() + 1 + i);
    r.event_id = events[i].event_id;
    r.event_type = events[i].event_type;
    r.schema_version = events[i].schema_version;
    r.tenant = events[i].tenant;
    r.payload = events[i].payload;
    r.metadata = events[i].metadata;
    recorded.push_back(std::move(r));
  }
  return recorded;
}

// Saves the aggregate's state, folded up to `head`, if the stream has moved env.snapshot_every
// events past the snapshot it was loaded from. Failures are reported, never returned.
void MaybeSaveSnapshot(const CommandEnv& env, const CommandContext& context,
                       const StreamId& stream, const SnapshotAggregate& aggregate,
                       StreamVersion base, StreamVersion head) {
  if (env.snapshots == nullptr || head.value() - base.value() < env.snapshot_every) return;
  Snapshot snapshot;
  snapshot.stream = stream;
  snapshot.aggregate = std::string(aggregate.Name());
  snapshot.stream_version = head;
  snapshot.state_version = aggregate.StateVersion();
  snapshot.tenant = context.tenant;
  snapshot.bytes = aggregate.Serialize();
  snapshot.taken_at = env.clock->Now();
  Status saved = env.snapshots->Save(snapshot);
  if (!saved.ok()) Report(env, saved.WithContext("saving the snapshot of " + stream.value()));
}

}  // namespace

Result<CommandOutcome> RunSnapshotStreamCommand(const CommandEnv& env,
                                                const CommandContext& context,
                                                std::string_view command, const StreamId& stream,
                                                std::string_view not_found_message,
                                                SnapshotAggregate& aggregate) {
  Status last_conflict;
  for (int attempt = 0; attempt < env.max_attempts; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(LoadedStream loaded,
                            LoadStream(env, context, stream, not_found_message, aggregate));
    LEDGER_ASSIGN_OR_RETURN(Decision decision, aggregate.Decide());
    if (decision.events.empty()) {
      MaybeSaveSnapshot(env, context, stream, aggregate, loaded.base, loaded.version);
      return Finish(stream, std::move(decision.response), loaded.version, loaded.last, 0);
    }
    std::size_t count = decision.events.size();
    AppendRequest request{stream, ExpectedVersion::Exact(loaded.version),
                          ToNewEvents(env, context, command, std::move(decision.events))};
    Result<AppendResult> appended = env.store->Append(request);
    if (appended.ok()) {
      // A deduplicated append stored nothing new: the state folded so far is not its head's.
      if (!appended->deduplicated) {
        Status folded = aggregate.Fold(AsRecorded(stream, loaded.version, request.events));
        if (folded.ok()) {
          MaybeSaveSnapshot(env, context, stream, aggregate, loaded.base,
                            appended->stream_version);
        } else {
          Report(env, folded.WithContext("folding the appended events for a snapshot"));
        }
      }
      return Finish(stream, std::move(decision.response), appended->stream_version,
                    appended->position, count);
    }
    if (appended.status().code() != StatusCode::kConflict) return appended.status();
    last_conflict = appended.status();
  }
  return Conflict(std::string(command) + " gave up after " + std::to_string(env.max_attempts) +
                  " attempts on a busy stream: " + last_conflict.message());
}

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
