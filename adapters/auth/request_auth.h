// Authenticating HTTP requests with bearer tokens (RFC 6750): what command routes and query
// routes call. A request without a usable token is 401 with `WWW-Authenticate: Bearer` and
// the server's JSON error body; a verified token whose role may not use the route is 403.
//
// Which roles may run which command is not decided here: the resolver hands the token's role to
// the command dispatcher, whose permission table (commands/dispatcher.cc) answers 403. Query
// routes, which have no dispatcher, pass their allowed roles to AuthenticateRequest.
#ifndef LEDGER_ADAPTERS_AUTH_REQUEST_AUTH_H_
#define LEDGER_ADAPTERS_AUTH_REQUEST_AUTH_H_

#include <initializer_list>
#include <memory>
#include <string_view>
#include <variant>

#include "adapters/auth/auth_options.h"
#include "adapters/auth/claims.h"
#include "adapters/auth/token_verifier.h"
#include "adapters/http/command_routes.h"
#include "adapters/http/http_message.h"
#include "engine/result.h"

namespace ledger::auth {

// The token of "Authorization: Bearer <token>" (scheme case-insensitive); empty if the header
// is absent or uses another scheme.
std::string_view BearerToken(const http::HttpRequest& request);

// 401 for a rejection (token_rejection.h): {"error":{"code":"unauthenticated","message":...}}
// with `WWW-Authenticate: Bearer realm="ledger"`, plus error="invalid_token" and the reason as
// error_description when a token was sent.
http::HttpResponse UnauthenticatedResponse(const Status& rejection);

// 403 {"error":{"code":"permission_denied","message":...}} naming the role and the allowed ones.
http::HttpResponse ForbiddenResponse(std::string_view role,
                                     std::initializer_list<std::string_view> allowed_roles);

// The caller's verified claims, or the response that refuses the request.
using Authentication = std::variant<Claims, http::HttpResponse>;

// Verifies the request's bearer token. With `allowed_roles` non-empty, a role outside it is
// 403; with it empty, any verified role passes (the caller decides, as commands do).
// Thread-safe.
Authentication AuthenticateRequest(const TokenVerifier& verifier, const http::HttpRequest& request,
                                   std::initializer_list<std::string_view> allowed_roles = {});

// A PrincipalResolver for http::CommandRoutes: the token's subject becomes the principal (and
// so every appended event's metadata.actor), its role the principal's role, its tenant the
// tenant the command acts for; X-Request-Id, if any, the correlation id.
http::PrincipalResolver TokenPrincipalResolver(std::shared_ptr<const TokenVerifier> verifier);

// TokenVerifier::Create(options) wrapped in a TokenPrincipalResolver: what `ledger serve` calls.
Result<http::PrincipalResolver> MakeTokenResolver(const AuthOptions& options);

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_REQUEST_AUTH_H_
