#include "adapters/auth/request_auth.h"

#include <algorithm>
#include <string>
#include <utility>

#include "adapters/auth/token_rejection.h"

namespace ledger::auth {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string_view BearerToken(const http::HttpRequest& request) {
  std::optional<std::string_view> header = request.FindHeader("Authorization");
  if (!header) return {};
  std::string_view value = Trim(*header);
  constexpr std::string_view kScheme = "Bearer";
  if (value.size() <= kScheme.size() ||
      !EqualsIgnoringCase(value.substr(0, kScheme.size()), kScheme) ||
      (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
    return {};
  }
  return Trim(value.substr(kScheme.size()));
}

http::HttpResponse UnauthenticatedResponse(const Status& rejection) {
  http::HttpResponse response = http::ErrorResponse(401, "unauthenticated", rejection.message());
  std::string_view why = RejectionReason(rejection);
  std::string challenge = "Bearer realm=\"ledger\"";
  // RFC 6750 section 3.1: no error code when the request carried no token at all. The reason
  // is a snake_case word, so it needs no quoting beyond the quotes.
  if (!why.empty() && why != reason::kMissingToken) {
    challenge += ", error=\"invalid_token\", error_description=\"" + std::string(why) + "\"";
  }
  response.headers.push_back({"WWW-Authenticate", std::move(challenge)});
  return response;
}

http::HttpResponse ForbiddenResponse(std::string_view role,
                                     std::initializer_list<std::string_view> allowed_roles) {
  std::string allowed;
  for (std::string_view r : allowed_roles)
    allowed += (allowed.empty() ? "" : ", ") + std::string(r);
  return http::ErrorResponse(
      403, "permission_denied",
      "role '" + std::string(role) + "' may not use this route; allowed roles: " + allowed);
}

Authentication AuthenticateRequest(const TokenVerifier& verifier, const http::HttpRequest& request,
                                   std::initializer_list<std::string_view> allowed_roles) {
  std::string_view token = BearerToken(request);
  if (token.empty()) {
    return UnauthenticatedResponse(Rejection(
        reason::kMissingToken, "send the access token as 'Authorization: Bearer <token>'"));
  }
  Result<Claims> claims = verifier.Verify(token);
  if (!claims.ok()) {
    // Anything but a rejection would be a bug in the verifier; it still refuses, as 401.
    return UnauthenticatedResponse(claims.status());
  }
  if (allowed_roles.size() > 0 &&
      std::find(allowed_roles.begin(), allowed_roles.end(), claims->role) == allowed_roles.end()) {
    return ForbiddenResponse(claims->role, allowed_roles);
  }
  return std::move(claims).value();
}

http::PrincipalResolver TokenPrincipalResolver(std::shared_ptr<const TokenVerifier> verifier) {
  return [verifier = std::move(verifier)](const http::HttpRequest& request) {
    Authentication auth = AuthenticateRequest(*verifier, request);
    if (auto* refusal = std::get_if<http::HttpResponse>(&auth)) {
      return http::ResolvedPrincipal(std::move(*refusal));
    }
    Claims& claims = std::get<Claims>(auth);
    commands::CommandContext context{
        commands::Principal{std::move(claims.subject), std::move(claims.role)},
        std::move(claims.tenant), ""};
    if (auto id = request.FindHeader("X-Request-Id")) context.correlation_id = std::string(*id);
    return http::ResolvedPrincipal(std::move(context));
  };
}

Result<http::PrincipalResolver> MakeTokenResolver(const AuthOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<TokenVerifier> verifier, TokenVerifier::Create(options));
  return TokenPrincipalResolver(std::shared_ptr<const TokenVerifier>(std::move(verifier)));
}

}  // namespace ledger::auth
