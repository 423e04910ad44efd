// CommandDispatcher: the one entry point through which the HTTP server
// (POST /v1/commands/<name>) and the CLI (`ledger command <name> --json BODY`) run domain
// commands. It checks the caller's role, decodes the body strictly, and runs the command
// against the EventStore; see docs/commands.md for every command's body and answer.
//
//   auto dispatcher = CommandDispatcher::Create(&store, &clock, {});
//   Result<CommandOutcome> out = dispatcher.value()->Execute(
//       "screen-content", R"({"content_id":"c-1","name":"Cute cat mug","description":""})",
//       CommandContext{Principal{"user:alice", "operator"}, TenantId("default"), "req-42"});
//   int http = out.ok() ? 200 : HttpStatusFor(out.status());
//
// Outcomes: InvalidArgument (bad body: unknown, missing or mistyped field; nothing appended),
// NotFound (unknown command, content or route), FailedPrecondition (a transition the rules
// forbid, or a role that may not run the command), Conflict (the stream stayed busy through
// every retry), Unavailable (the store is away), DataLoss (a stored event does not decode).
//
// Thread safety: Execute may be called concurrently; the dispatcher is immutable after Create.
#ifndef LEDGER_COMMANDS_DISPATCHER_H_
#define LEDGER_COMMANDS_DISPATCHER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/canary/canary_state.h"
#include "commands/command.h"
#include "commands/content/quality_gate.h"
#include "commands/screening/model_screener.h"
#include "commands/screening/screener.h"
#include "engine/clock.h"
#include "engine/event_store.h"
#include "engine/snapshot_store.h"

namespace ledger::commands {

// Larger bodies are refused before parsing (the HTTP layer may refuse them earlier, 413).
inline constexpr std::size_t kMaxCommandBodyBytes = std::size_t{256} * 1024;

struct CommandDispatcherOptions {
  screening::ScreeningPolicy screening;
  QualityPolicy quality;
  CanarySettings canary_defaults;  // for routes configured without explicit settings
  // A directory of term lists (commands/screening/term_list.h) to screen with instead of the
  // set compiled into the binary.
  std::optional<std::string> term_list_directory;
  // Optional; not owned, must outlive the dispatcher and be thread-safe.
  screening::ModelScreener* model_screener = nullptr;
  std::chrono::milliseconds model_timeout{5000};
  // Loads-and-appends per command before a busy stream is reported as Conflict.
  int max_attempts = 5;
  // Event ids for appended events; UUIDv4 by default. Tests inject a seeded generator.
  std::function<EventId()> new_event_id;
  // Aggregate snapshots (engine/snapshot_store.h), used by the canary commands so that a
  // long-probed route is loaded from its snapshot and the events after it. Optional (null:
  // every command folds its whole stream); not owned, must outlive the dispatcher. Answers
  // are the same with or without; only the events read differ.
  SnapshotStore* snapshots = nullptr;
  // A route's snapshot is renewed once its stream is this many events past it (at least 1).
  std::uint64_t snapshot_every = 100;
  // Told of every snapshot failure that was ignored; by default a line on stderr.
  std::function<void(const Status&)> on_snapshot_error;
};

class CommandDispatcher {
 public:
  // `store` and `clock` are not owned and must outlive the dispatcher. Fails if the term
  // lists do not load (InvalidArgument or NotFound naming the file).
  static Result<std::unique_ptr<CommandDispatcher>> Create(EventStore* store, Clock* clock,
                                                           CommandDispatcherOptions options);

  ~CommandDispatcher();
  CommandDispatcher(const CommandDispatcher&) = delete;
  CommandDispatcher& operator=(const CommandDispatcher&) = delete;

  // Runs command `name` with JSON `body` for `context.principal` in `context.tenant`.
  Result<CommandOutcome> Execute(std::string_view name, std::string_view body,
                                 const CommandContext& context) const;
  Result<CommandOutcome> Execute(std::string_view name, std::string_view body,
                                 const Principal& principal, const TenantId& tenant) const;

  // The command names, in documentation order.
  static std::vector<std::string_view> Names();
  // The roles that may run `name` (empty for an unknown name).
  static std::vector<std::string_view> AllowedRoles(std::string_view name);

  const screening::RuleSet& rule_set() const;

 private:
  struct Impl;
  explicit CommandDispatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_DISPATCHER_H_
