// The types every command shares: who is asking (Principal, CommandContext) and what a
// command answers (CommandOutcome). See docs/commands.md for each command.
#ifndef LEDGER_COMMANDS_COMMAND_H_
#define LEDGER_COMMANDS_COMMAND_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/ids.h"

namespace ledger::commands {

// Roles a principal may carry. Which role may run which command is decided in one table in
// dispatcher.cc, not in the handlers, so token authorisation can change it in one place.
inline constexpr std::string_view kRoleAdmin = "admin";
inline constexpr std::string_view kRoleOperator = "operator";
inline constexpr std::string_view kRoleReviewer = "reviewer";
inline constexpr std::string_view kRoleSystem = "system";  // automated callers: probes, workers

// The verified caller. The adapter (HTTP server, CLI) authenticates it; commands trust it and
// record `subject` as every appended event's metadata.actor.
struct Principal {
  std::string subject;  // "user:alice", "system:prober"; non-empty, printable
  std::string role;     // one of the kRole* values
};

// Everything about a request that is not its body.
struct CommandContext {
  Principal principal;
  TenantId tenant{kDefaultTenant};  // the tenant the principal acts for
  std::string correlation_id;       // optional: the request id, copied to metadata
};

// What a successful command answers.
struct CommandOutcome {
  // A JSON object: the resulting state (DESIGN.md section 10 "answers"), always including
  // "stream", "stream_version" and "global_position".
  std::string response_json;
  StreamId stream;
  StreamVersion stream_version{0};  // the stream's version after the command
  // The position of the last event the command appended, or, when it appended nothing (an
  // idempotent repeat), of the stream's last event: either way, a read model that has caught
  // up to it reflects the answer.
  GlobalPosition position{0};
  std::size_t events_appended = 0;
};

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_COMMAND_H_
