// POST /v1/commands/{name}: the domain commands (commands/dispatcher.h) over HTTP.
//
// Who is asking comes from a PrincipalResolver, the seam where token authorisation plugs in:
// until tokens land (the query API issue), `ledger serve` resolves every request to one
// configured local principal, which is why it listens on loopback by default.
#ifndef LEDGER_ADAPTERS_HTTP_COMMAND_ROUTES_H_
#define LEDGER_ADAPTERS_HTTP_COMMAND_ROUTES_H_

#include <functional>

#include "adapters/http/http_message.h"
#include "adapters/http/server_options.h"
#include "commands/command.h"
#include "engine/result.h"

namespace ledger::commands {
class CommandDispatcher;
}

namespace ledger::http {

// The verified caller of a request, or the error to answer with (e.g. 401, once tokens
// exist). Called on a blocking-pool thread; must be thread-safe.
using PrincipalResolver =
    std::function<Result<commands::CommandContext>(const HttpRequest& request)>;

// A resolver that gives every request `principal` acting for `tenant`, with the request's
// X-Request-Id (if any) as correlation id.
PrincipalResolver FixedPrincipal(commands::Principal principal, TenantId tenant);

// Registers POST /v1/commands/{name}. `dispatcher` is not owned and must outlive the server.
// Answers: 200 with the command's JSON answer; 400 bad body, 403 role refused, 404 unknown
// command/content/route, 409 forbidden transition or a stream busy through every retry,
// 415 not JSON, 503 with Retry-After when the store is away.
RouteRegistrar CommandRoutes(const commands::CommandDispatcher* dispatcher,
                             PrincipalResolver resolve_principal);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_COMMAND_ROUTES_H_
