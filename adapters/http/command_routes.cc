#include "adapters/http/command_routes.h"

#include <exception>
#include <string>
#include <utility>
#include <variant>

#include "adapters/http/router.h"
#include "adapters/http/service_context.h"
#include "commands/command_status.h"
#include "commands/dispatcher.h"

namespace ledger::http {
namespace {

HttpResponse CommandErrorResponse(const Status& status, int retry_after_seconds) {
  // Unavailable keeps the server-wide shape (503 + Retry-After); the rest use the
  // dispatcher's own mapping, which knows 403 and 404 for commands.
  if (status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kCancelled) {
    return StatusResponse(status, retry_after_seconds);
  }
  HttpResponse response;
  response.status = commands::HttpStatusFor(status);
  response.body = commands::ErrorBodyJson(status);
  return response;
}

void RunCommand(const commands::CommandDispatcher& dispatcher,
                const PrincipalResolver& resolve_principal, int retry_after_seconds,
                const HttpRequest& request, const Responder& respond) {
  ResolvedPrincipal resolved = resolve_principal(request);
  if (auto* refusal = std::get_if<HttpResponse>(&resolved)) return respond(std::move(*refusal));
  const auto& context = std::get<commands::CommandContext>(resolved);
  const std::string& name = request.params.at("name");
  Result<commands::CommandOutcome> outcome = [&]() -> Result<commands::CommandOutcome> {
    try {
      return dispatcher.Execute(name, request.body, context);
    } catch (const std::exception& e) {
      return Internal(std::string("command threw: ") + e.what());
    }
  }();
  if (!outcome.ok()) return respond(CommandErrorResponse(outcome.status(), retry_after_seconds));
  respond(JsonResponse(200, outcome->response_json));
}

}  // namespace

PrincipalResolver FixedPrincipal(commands::Principal principal, TenantId tenant) {
  return [principal = std::move(principal),
          tenant = std::move(tenant)](const HttpRequest& request) {
    commands::CommandContext context{principal, tenant, ""};
    if (auto id = request.FindHeader("X-Request-Id")) context.correlation_id = std::string(*id);
    return ResolvedPrincipal(std::move(context));
  };
}

RouteRegistrar CommandRoutes(const commands::CommandDispatcher* dispatcher,
                             PrincipalResolver resolve_principal) {
  return [dispatcher, resolve_principal = std::move(resolve_principal)](
             Router& router, const ServiceContext& context) {
    int retry = context.options->retry_after_seconds;
    router.Add("POST", "/v1/commands/{name}",
               [dispatcher, resolve_principal, retry, run_blocking = context.run_blocking](
                   HttpRequest request, Responder respond) {
                 if (!IsJsonContentType(request.FindHeader("Content-Type"))) {
                   return respond(ErrorResponse(415, "unsupported_media_type",
                                                "send the command body as application/json"));
                 }
                 // Commands read their stream and append: blocking work, off the network
                 // threads.
                 run_blocking([dispatcher, resolve_principal, retry,
                               request = std::move(request), respond = std::move(respond)] {
                   RunCommand(*dispatcher, resolve_principal, retry, request, respond);
                 });
               });
  };
}

}  // namespace ledger::http
