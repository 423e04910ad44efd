// How a command's Status reaches a caller: the HTTP status and error body for
// POST /v1/commands/<name> (DESIGN.md section 10), and the `ledger command` exit code.
#ifndef LEDGER_COMMANDS_COMMAND_STATUS_H_
#define LEDGER_COMMANDS_COMMAND_STATUS_H_

#include <string>
#include <string_view>

#include "engine/status.h"

namespace ledger::commands {

// A principal whose role may not run a command. engine/status.h has no permission code, so
// this is a FailedPrecondition whose message starts with "permission denied: "; use
// IsPermissionDenied rather than matching the text.
Status PermissionDenied(std::string_view message);
bool IsPermissionDenied(const Status& status);

// InvalidArgument 400; permission denied 403; NotFound 404; FailedPrecondition, Conflict
// and AlreadyExists 409; Unavailable 503; anything else 500.
int HttpStatusFor(const Status& status);

// {"error":{"code":"not_found","message":"..."}}; code is a snake_case name of the status
// ("invalid_argument", "permission_denied", "conflict", ...).
std::string ErrorBodyJson(const Status& status);

// 0 for OK, 3 for Conflict (the stream stayed busy: retry), 1 otherwise.
int CliExitCodeFor(const Status& status);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_COMMAND_STATUS_H_
