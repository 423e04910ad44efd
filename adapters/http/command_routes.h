// POST /v1/commands/{name}: the domain commands (commands/dispatcher.h) over HTTP.
//
// Who is asking comes from a PrincipalResolver, the seam where token authorisation plugs in:
// adapters/auth's TokenPrincipalResolver verifies a bearer token; FixedPrincipal resolves every
// request to one configured local principal (loopback development and tests).
#ifndef LEDGER_ADAPTERS_HTTP_COMMAND_ROUTES_H_
#define LEDGER_ADAPTERS_HTTP_COMMAND_ROUTES_H_

#include <functional>
#include <variant>

#include "adapters/http/http_message.h"
#include "adapters/http/server_options.h"
#include "commands/command.h"
#include "engine/result.h"

namespace ledger::commands {
class CommandDispatcher;
}

namespace ledger::http {

// The verified caller of a request, or the response that refuses it. A response rather than
// a Status, because a refusal needs more than a status code: a missing or bad token is 401
// with `WWW-Authenticate: Bearer` (adapters/auth/request_auth.h).
using ResolvedPrincipal = std::variant<commands::CommandContext, HttpResponse>;

// Called on a blocking-pool thread; must be thread-safe. Whether the resolved role may run
// the command is not its business: the dispatcher decides that (403).
using PrincipalResolver = std::function<ResolvedPrincipal(const HttpRequest& request)>;

// A resolver that gives every request `principal` acting for `tenant`, with the request's
// X-Request-Id (if any) as correlation id.
PrincipalResolver FixedPrincipal(commands::Principal principal, TenantId tenant);

// Registers POST /v1/commands/{name}. `dispatcher` is not owned and must outlive the server.
// Answers: 200 with the command's JSON answer; the resolver's refusal (401); 400 bad body,
// 403 role refused, 404 unknown command/content/route, 409 forbidden transition or a stream
// busy through every retry, 415 not JSON, 503 with Retry-After when the store is away.
RouteRegistrar CommandRoutes(const commands::CommandDispatcher* dispatcher,
                             PrincipalResolver resolve_principal);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_COMMAND_ROUTES_H_
