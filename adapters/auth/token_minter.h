// TokenMinter: issues access tokens, for `ledger token` and tests. The server only verifies
// (token_verifier.h); whoever holds the HS256 secret or an Ed25519 private key can mint.
//
// Thread safety: immutable after Create; Mint may be called concurrently.
#ifndef LEDGER_ADAPTERS_AUTH_TOKEN_MINTER_H_
#define LEDGER_ADAPTERS_AUTH_TOKEN_MINTER_H_

#include <chrono>
#include <string>
#include <string_view>

#include "adapters/auth/claims.h"
#include "adapters/auth/jws_signature.h"
#include "engine/clock.h"
#include "engine/result.h"

namespace ledger::auth {

// The longest lifetime a minted token may have. Tokens cannot be revoked, so a leaked one is
// good until it expires: keep them short; scripts can mint a fresh one per run.
inline constexpr std::chrono::seconds kMaxTokenTtl = std::chrono::hours(24 * 30);

// "3600", "3600s", "15m", "1h", "7d": a lifetime from 1 s to kMaxTokenTtl. InvalidArgument
// otherwise.
Result<std::chrono::seconds> ParseTtl(std::string_view text);

class TokenMinter {
 public:
  // `key` is an HS256 secret (KeyRole::kSign, at least 32 bytes) or an Ed25519 private key in
  // PEM. `clock` is not owned (null: SystemClock::Default()). InvalidArgument if the key is
  // unusable.
  static Result<TokenMinter> Create(SigningKey key, Clock* clock = nullptr);

  // A token carrying `claims`, with iat set to now and exp to now + ttl (the claims' own
  // expires_at and issued_at are replaced; not_before is kept if set). InvalidArgument if the
  // claims fail ValidateClaims or ttl is outside 1 s .. kMaxTokenTtl.
  Result<std::string> Mint(Claims claims, std::chrono::seconds ttl) const;

  SigningAlgorithm algorithm() const { return key_.algorithm; }

 private:
  TokenMinter(SigningKey key, Clock* clock) : key_(std::move(key)), clock_(clock) {}

  SigningKey key_;
  Clock* clock_;
};

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_TOKEN_MINTER_H_
