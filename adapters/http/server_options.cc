#include "adapters/http/server_options.h"

#include <charconv>

#include "engine/event_validation.h"

namespace ledger::http {

Status ValidateServerOptions(const ServerOptions& options) {
  LEDGER_RETURN_IF_ERROR(ParseListenAddress(options.listen));
  if (!options.default_tenant.empty()) {
    Status tenant = ValidateTenantId(TenantId(options.default_tenant));
    if (!tenant.ok()) return tenant.WithContext("default tenant");
  }
  if (options.max_body_bytes == 0 || options.max_body_bytes > kMaxRawBodyBytes) {
    return InvalidArgument("max body bytes must be 1.." + std::to_string(kMaxRawBodyBytes) +
                           " (the store's raw body limit)");
  }
  if (options.max_header_bytes < 1024) return InvalidArgument("max header bytes must be >= 1024");
  if (options.stripe_tolerance_seconds <= 0) {
    return InvalidArgument("the Stripe signature tolerance must be positive");
  }
  if (options.max_batch == 0) return InvalidArgument("max batch must be positive");
  if (options.blocking_threads == 0) return InvalidArgument("blocking threads must be positive");
  if (options.retry_after_seconds < 0) return InvalidArgument("Retry-After must be >= 0");
  for (const std::string& secret : options.stripe_secrets) {
    if (secret.empty()) return InvalidArgument("a Stripe webhook secret is empty");
  }
  return Status::Ok();
}

Result<ListenAddress> ParseListenAddress(std::string_view listen) {
  auto bad = [&] {
    return InvalidArgument("listen address \"" + std::string(listen) +
                           "\" is not host:port, [v6]:port or :port");
  };
  std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return bad();
  std::string_view host = listen.substr(0, colon);
  std::string_view port_text = listen.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) return bad();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad();  // an unbracketed v6 address is ambiguous
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad();
  }
  return ListenAddress{host.empty() ? "0.0.0.0" : std::string(host),
                       static_cast<std::uint16_t>(port)};
}

std::vector<std::string> SplitSecrets(std::string_view comma_separated) {
  std::vector<std::string> secrets;
  while (!comma_separated.empty()) {
    std::size_t comma = comma_separated.find(',');
    std::string_view item = comma_separated.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) secrets.emplace_back(item);
    if (comma == std::string_view::npos) break;
    comma_separated.remove_prefix(comma + 1);
  }
  return secrets;
}

}  // namespace ledger::http
