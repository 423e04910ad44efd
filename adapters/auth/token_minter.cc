#include "adapters/auth/token_minter.h"

#include <charconv>
#include <utility>

namespace ledger::auth {

Result<std::chrono::seconds> ParseTtl(std::string_view text) {
  const std::string shown = "ttl \"" + std::string(text) + "\"";
  std::int64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  std::string_view unit(end, text.data() + text.size() - end);
  if (ec != std::errc() || text.empty() || text.front() == '-') {
    return InvalidArgument(shown + ": expected a number with an optional unit s, m, h or d");
  }
  std::int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  if (unit == "m") scale = 60;
  if (unit == "h") scale = 3600;
  if (unit == "d") scale = 86400;
  if (scale == 0) return InvalidArgument(shown + ": the unit must be s, m, h or d");
  if (count < 1 || count > kMaxTokenTtl.count() / scale) {
    return InvalidArgument(shown + ": a token lives from 1 s to 30 days");
  }
  return std::chrono::seconds(count * scale);
}

Result<TokenMinter> TokenMinter::Create(SigningKey key, Clock* clock) {
  if (key.role != KeyRole::kSign) return InvalidArgument("minting needs a signing key");
  LEDGER_RETURN_IF_ERROR(CheckSigningKey(key));
  return TokenMinter(std::move(key), clock != nullptr ? clock : SystemClock::Default());
}

Result<std::string> TokenMinter::Mint(Claims claims, std::chrono::seconds ttl) const {
  if (ttl.count() < 1 || ttl > kMaxTokenTtl) {
    return InvalidArgument("a token's lifetime must be from 1 s to 30 days");
  }
  std::int64_t now = NumericDate(clock_->Now());
  claims.issued_at = now;
  claims.expires_at = now + ttl.count();
  LEDGER_RETURN_IF_ERROR(ValidateClaims(claims));
  return SignJwt(key_, ClaimsToJson(claims));
}

}  // namespace ledger::auth
