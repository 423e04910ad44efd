#include "adapters/http/webhook_routes.h"

#include <boost/json/serialize.hpp>
#include <memory>

#include "adapters/http/group_committer.h"
#include "adapters/http/metrics.h"
#include "adapters/http/server_options.h"
#include "adapters/printify/event_decoder.h"
#include "adapters/printify/signature.h"
#include "adapters/stripe/event_decoder.h"
#include "adapters/stripe/signature.h"
#include "engine/event_validation.h"

namespace ledger::http {
namespace {

using webhook::SignatureCheck;
using webhook::SignatureVerdict;

// What differs between providers; the admission steps around it are the same.
struct Provider {
  std::string name;  // "stripe": metrics label and log
  std::function<SignatureCheck(const HttpRequest&, std::int64_t now_seconds)> verify;
  std::function<Result<webhook::ProviderEvent>(std::string, const webhook::AdmissionScope&)> decode;
};

std::int64_t NowSeconds(Clock* clock) {
  std::int64_t micros = clock->Now().value();
  return micros >= 0 ? micros / 1'000'000 : -((-micros + 999'999) / 1'000'000);
}

Result<webhook::AdmissionScope> ScopeOf(const HttpRequest& request, const ServerOptions& options) {
  webhook::AdmissionScope scope;
  auto named = request.params.find("tenant");
  if (named != request.params.end()) {
    scope.tenant = TenantId(named->second);
    scope.named_in_route = true;
    LEDGER_RETURN_IF_ERROR(ValidateTenantId(scope.tenant));
  } else if (!options.default_tenant.empty()) {
    scope.tenant = TenantId(options.default_tenant);
  }
  return scope;
}

HttpResponse SignatureError(const SignatureCheck& check) {
  std::string_view code = "invalid_signature";
  if (check.verdict == SignatureVerdict::kMissing) code = "missing_signature";
  if (check.verdict == SignatureVerdict::kNotConfigured) code = "webhook_not_configured";
  return ErrorResponse(401, code, check.detail);
}

std::string Quote(std::string_view text) {
  return boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

void Admit(const ServiceContext& context, const Provider& provider, HttpRequest request,
           Responder respond) {
  if (!IsJsonContentType(request.FindHeader("Content-Type"))) {
    return respond(
        ErrorResponse(415, "unsupported_media_type", "webhooks must be sent as application/json"));
  }
  Result<webhook::AdmissionScope> scope = ScopeOf(request, *context.options);
  if (!scope.ok()) return respond(ErrorResponse(400, "invalid_tenant", scope.status().message()));

  SignatureCheck check = provider.verify(request, NowSeconds(context.clock));
  if (!check.ok()) {
    context.metrics->RecordSignatureFailure(provider.name,
                                            webhook::SignatureVerdictName(check.verdict));
    return respond(SignatureError(check));
  }
  Result<webhook::ProviderEvent> event = provider.decode(std::move(request.body), *scope);
  if (!event.ok()) {
    return respond(ErrorResponse(400, "not_a_provider_event", event.status().message()));
  }

  std::string id = event->provider_event_id;
  std::string prefix = R"({"received":true,"event_id":)" +
                       Quote(event->request.events.front().event_id.ToString()) + R"(,"stream":)" +
                       Quote(event->request.stream.value());
  auto done = [metrics = context.metrics, retry = context.options->retry_after_seconds,
               provider = provider.name, id, prefix = std::move(prefix),
               respond = std::move(respond)](Result<AppendResult> outcome) {
    HttpResponse response;
    if (outcome.ok()) {
      metrics->RecordAdmission(provider, outcome->deduplicated);
      response = JsonResponse(
          200, prefix + R"(,"duplicate":)" + (outcome->deduplicated ? "true" : "false") +
                   R"(,"global_position":)" + std::to_string(outcome->position.value()) + "}");
    } else {
      response = StatusResponse(outcome.status(), retry);
    }
    response.provider_event_id = id;
    respond(std::move(response));
  };
  context.committer->Submit(std::move(event->request), std::move(done));
}

void AddProvider(Router& router, const ServiceContext& context, Provider provider) {
  auto shared = std::make_shared<const Provider>(std::move(provider));
  Handler handler = [context, shared](HttpRequest request, Responder respond) {
    Admit(context, *shared, std::move(request), std::move(respond));
  };
  router.Add("POST", "/v1/webhooks/" + shared->name, handler);
  router.Add("POST", "/v1/webhooks/" + shared->name + "/{tenant}", handler);
}

}  // namespace

void AddWebhookRoutes(Router& router, const ServiceContext& context) {
  const ServerOptions& options = *context.options;
  auto stripe_verifier = std::make_shared<const stripe::SignatureVerifier>(
      options.stripe_secrets, std::chrono::seconds(options.stripe_tolerance_seconds));
  AddProvider(router, context,
              Provider{"stripe",
                       [stripe_verifier](const HttpRequest& request, std::int64_t now) {
                         return stripe_verifier->Verify(
                             request.FindHeader("Stripe-Signature").value_or(""), request.body,
                             now);
                       },
                       &stripe::DecodeEvent});
  AddProvider(
      router, context,
      Provider{"printify",
               [secret = options.printify_secret](const HttpRequest& request, std::int64_t) {
                 return printify::VerifySignature(
                     request.FindHeader(printify::kSignatureHeader).value_or(""), request.body,
                     secret);
               },
               &printify::DecodeEvent});
}

}  // namespace ledger::http
