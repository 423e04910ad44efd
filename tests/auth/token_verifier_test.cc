// TokenVerifier: every way a token is refused, each with real (hand-made) tokens, and the
// round trips that must pass.
#include "adapters/auth/token_verifier.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "adapters/auth/compact_jws.h"
#include "adapters/auth/token_minter.h"
#include "adapters/auth/token_rejection.h"
#include "tests/auth/test_tokens.h"

namespace ledger::testing {
namespace {

using auth::Claims;
using auth::KeyRole;
using auth::SigningAlgorithm;
using auth::SigningKey;
using auth::TokenMinter;
using auth::TokenVerifier;
namespace reason = auth::reason;

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

struct Fixture {
  ManualClock clock{AtUnix(kNow)};
  std::unique_ptr<TokenVerifier> hs256 = TokenVerifier::Create(Hs256Options(&clock)).value();
  std::unique_ptr<TokenVerifier> eddsa = TokenVerifier::Create(EdDsaOptions(&clock)).value();

  TokenMinter Minter(SigningAlgorithm algorithm, std::string key) {
    return TokenMinter::Create(SigningKey{algorithm, KeyRole::kSign, std::move(key)}, &clock)
        .value();
  }
  TokenMinter Hs256Minter() { return Minter(SigningAlgorithm::kHs256, std::string(kTestSecret)); }
};

// The reason `token` is refused by `verifier`, or "accepted".
std::string Outcome(const TokenVerifier& verifier, std::string_view token) {
  Result<Claims> claims = verifier.Verify(token);
  if (claims.ok()) return "accepted";
  std::string_view why = auth::RejectionReason(claims.status());
  return why.empty() ? "not a rejection: " + claims.status().ToString() : std::string(why);
}

TEST_CASE("a minted HS256 token verifies to the claims it was minted with") {
  Fixture f;
  Claims wanted = AdminClaims();
  std::string token = f.Hs256Minter().Mint(wanted, std::chrono::minutes(15)).value();
  Result<Claims> got = f.hs256->Verify(token);
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  wanted.issued_at = kNow;
  wanted.expires_at = kNow + 900;
  CHECK(*got == wanted);
  CHECK(f.hs256->algorithms() == std::vector<std::string_view>{"HS256"});
}

TEST_CASE("EdDSA tokens verify with any configured public key (rotation)") {
  Fixture f;
  Claims customer = AdminClaims();
  customer.role = "customer";
  customer.customer_id = "cus_42";
  customer.subject = "customer:cus_42";
  for (const char* private_key : {kEd25519PrivateA, kEd25519PrivateB}) {
    std::string token = f.Minter(SigningAlgorithm::kEdDsa, private_key)
                            .Mint(customer, std::chrono::hours(1))
                            .value();
    Result<Claims> got = f.eddsa->Verify(token);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    CHECK(got->customer_id == std::optional<std::string>("cus_42"));
    CHECK(got->role == "customer");
  }
  // A verifier holding only key A refuses what key B signed.
  auth::AuthOptions only_a = EdDsaOptions(&f.clock);
  only_a.eddsa_public_keys = {kEd25519PublicA};
  auto verifier = TokenVerifier::Create(only_a).value();
  std::string by_b = f.Minter(SigningAlgorithm::kEdDsa, kEd25519PrivateB)
                         .Mint(customer, std::chrono::hours(1))
                         .value();
  CHECK(Outcome(*verifier, by_b) == reason::kBadSignature);
}

TEST_CASE("a token made without the library verifies (independent encoder)") {
  Fixture f;
  CHECK(Outcome(*f.hs256, SignHs256(kHs256Header, AdminPayload())) == "accepted");
  // No typ, extra registered claims and a fractional exp are all fine.
  CHECK(Outcome(*f.hs256, SignHs256(R"({"alg":"HS256"})",
                                    R"({"sub":"u","tenant":"t","role":"auditor","exp":)" +
                                        std::to_string(kNow + 60) +
                                        R"(.5,"iss":"me","aud":"ledger","jti":"1"})")) ==
        "accepted");
}

TEST_CASE("missing and malformed tokens are refused as such") {
  Fixture f;
  std::string good = SignHs256(kHs256Header, AdminPayload());
  CHECK(Outcome(*f.hs256, "") == reason::kMissingToken);
  // Wrong segment counts: 2, 4, and 5 (the shape of an encrypted JWT).
  CHECK(Outcome(*f.hs256, good.substr(0, good.rfind('.'))) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, good + ".x") == reason::kMalformed);
  CHECK(Outcome(*f.hs256, good + ".x.y") == reason::kMalformed);
  CHECK(Outcome(*f.hs256, "not a token") == reason::kMalformed);
  // Malformed base64url: padding, a foreign character, an impossible length.
  std::string padded = Base64Url(kHs256Header) + "=." + good.substr(good.find('.') + 1);
  CHECK(Outcome(*f.hs256, padded) == reason::kMalformed);
  std::string star = good;
  star[good.find('.') + 3] = '*';
  CHECK(Outcome(*f.hs256, star) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, Base64Url(kHs256Header) + ".AAAAA.c2ln") == reason::kMalformed);
  // A header that is not a JSON object, has no string alg, or lists critical extensions.
  CHECK(Outcome(*f.hs256, SignHs256("[1]", AdminPayload())) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, SignHs256(R"({"typ":"JWT"})", AdminPayload())) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, SignHs256(R"({"alg":256})", AdminPayload())) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, SignHs256(R"({"alg":"HS256","crit":["exp"],"exp":1})", AdminPayload())) ==
        reason::kMalformed);
  // A signed payload that is not a JSON object; an empty signature; an oversized token.
  CHECK(Outcome(*f.hs256, SignHs256(kHs256Header, "not json")) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, Unsigned(kHs256Header, AdminPayload())) == reason::kMalformed);
  CHECK(Outcome(*f.hs256, SignHs256(kHs256Header, AdminPayload() + std::string(9000, ' '))) ==
        reason::kMalformed);
}

TEST_CASE("alg none is refused however it is spelled, signed or not") {
  Fixture f;
  CHECK(Outcome(*f.hs256, Unsigned(R"({"alg":"none","typ":"JWT"})", AdminPayload())) ==
        reason::kAlgNone);
  CHECK(Outcome(*f.hs256, Unsigned(R"({"alg":"None"})", AdminPayload())) == reason::kAlgNone);
  CHECK(Outcome(*f.eddsa, Unsigned(R"({"alg":"NONE"})", AdminPayload(), "c2ln")) ==
        reason::kAlgNone);
}

TEST_CASE("a wrong key or a tampered payload is a bad signature") {
  Fixture f;
  CHECK(Outcome(*f.hs256, SignHs256(kHs256Header, AdminPayload(), kOtherSecret)) ==
        reason::kBadSignature);
  // An operator token whose payload is swapped for an admin one keeps the operator's MAC.
  std::string op = SignHs256(kHs256Header, R"({"sub":"u","tenant":"shop_a","role":"operator",)"
                                           R"("exp":)" +
                                               std::to_string(kNow + 60) + "}");
  std::string forged =
      op.substr(0, op.find('.') + 1) + Base64Url(AdminPayload()) + op.substr(op.rfind('.'));
  CHECK(Outcome(*f.hs256, forged) == reason::kBadSignature);
  // A flipped bit in the signature itself.
  std::string flipped = op;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  CHECK(Outcome(*f.hs256, flipped) == reason::kBadSignature);
}

TEST_CASE("only the configured algorithms are accepted: no algorithm confusion") {
  Fixture f;
  std::string rs256 = Unsigned(R"({"alg":"RS256","typ":"JWT"})", AdminPayload(), "c2lnbmF0dXJl");
  CHECK(Outcome(*f.hs256, rs256) == reason::kAlgorithmNotAllowed);
  CHECK(Outcome(*f.eddsa, rs256) == reason::kAlgorithmNotAllowed);
  CHECK(Outcome(*f.hs256, SignHs256(R"({"alg":"HS384"})", AdminPayload())) ==
        reason::kAlgorithmNotAllowed);
  CHECK(Outcome(*f.hs256, SignHs256(R"({"alg":"FOO"})", AdminPayload())) ==
        reason::kUnknownAlgorithm);
  // "alg" is case-sensitive: hs256 is not HS256.
  CHECK(Outcome(*f.hs256, SignHs256(R"({"alg":"hs256"})", AdminPayload())) ==
        reason::kUnknownAlgorithm);

  // An EdDSA token where only HS256 is configured, and the reverse.
  std::string eddsa_token = f.Minter(SigningAlgorithm::kEdDsa, kEd25519PrivateA)
                                .Mint(AdminClaims(), std::chrono::minutes(5))
                                .value();
  CHECK(Outcome(*f.hs256, eddsa_token) == reason::kAlgorithmNotAllowed);
  CHECK(Outcome(*f.eddsa, SignHs256(kHs256Header, AdminPayload())) == reason::kAlgorithmNotAllowed);

  // The classic attack: HMAC the token with the server's *public* key as the secret. Refused
  // outright without an HS256 secret, and a bad signature with one (the public key is never
  // an HMAC key).
  std::string confused = SignHs256(kHs256Header, AdminPayload(), kEd25519PublicA);
  CHECK(Outcome(*f.eddsa, confused) == reason::kAlgorithmNotAllowed);
  auth::AuthOptions both = EdDsaOptions(&f.clock);
  both.hs256_secret = std::string(kTestSecret);
  auto both_verifier = TokenVerifier::Create(both).value();
  CHECK(Outcome(*both_verifier, confused) == reason::kBadSignature);
  CHECK(Outcome(*both_verifier, eddsa_token) == "accepted");
  CHECK(Outcome(*both_verifier, SignHs256(kHs256Header, AdminPayload())) == "accepted");
}

TEST_CASE("exp, nbf and iat are enforced with the documented leeway") {
  Fixture f;
  const std::int64_t leeway = auth::kDefaultLeeway.count();
  CHECK(leeway == 30);
  auto with = [](const std::string& times) {
    return SignHs256(kHs256Header, R"({"sub":"u","tenant":"shop_a","role":"admin",)" + times + "}");
  };
  auto exp = [&](std::int64_t t) { return with(R"("exp":)" + std::to_string(t)); };
  CHECK(Outcome(*f.hs256, exp(kNow - leeway - 1)) == reason::kExpired);  // 1 s beyond leeway
  CHECK(Outcome(*f.hs256, exp(kNow - leeway)) == reason::kExpired);      // the boundary
  CHECK(Outcome(*f.hs256, exp(kNow - leeway + 1)) == "accepted");        // within leeway
  CHECK(Outcome(*f.hs256, exp(kNow + 1)) == "accepted");

  std::string later = std::to_string(kNow + 3600);
  auto nbf = [&](std::int64_t t) {
    return with(R"("exp":)" + later + R"(,"nbf":)" + std::to_string(t));
  };
  CHECK(Outcome(*f.hs256, nbf(kNow + leeway + 1)) == reason::kNotYetValid);
  CHECK(Outcome(*f.hs256, nbf(kNow + leeway)) == "accepted");
  CHECK(Outcome(*f.hs256, with(R"("exp":)" + later + R"(,"iat":)" +
                               std::to_string(kNow + leeway + 1))) == reason::kNotYetValid);

  // A minted token expires when its ttl (plus leeway) has passed.
  std::string token = f.Hs256Minter().Mint(AdminClaims(), std::chrono::seconds(60)).value();
  f.clock.Set(AtUnix(kNow + 60 + leeway - 1));
  CHECK(Outcome(*f.hs256, token) == "accepted");
  f.clock.Set(AtUnix(kNow + 60 + leeway + 1));
  CHECK(Outcome(*f.hs256, token) == reason::kExpired);
}

TEST_CASE("claims: exp required, known roles, customer id exactly for customers") {
  Fixture f;
  std::string exp = R"(,"exp":)" + std::to_string(kNow + 60);
  auto token = [&](const std::string& claims) {
    return SignHs256(kHs256Header, "{" + claims + "}");
  };
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"admin")")) ==
        reason::kMissingExp);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"admin","exp":"soon")")) ==
        reason::kInvalidClaims);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"root")" + exp)) ==
        reason::kUnknownRole);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"system")" + exp)) ==
        reason::kUnknownRole);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t")" + exp)) == reason::kUnknownRole);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"customer")" + exp)) ==
        reason::kMissingCustomerId);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"customer","customer_id":"c 1")" +
                                exp)) == reason::kInvalidClaims);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"admin","customer_id":"c1")" +
                                exp)) == reason::kUnexpectedCustomerId);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":"customer","customer_id":"c1")" +
                                exp)) == "accepted");
  CHECK(Outcome(*f.hs256, token(R"("tenant":"t","role":"admin")" + exp)) == reason::kInvalidClaims);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","role":"admin")" + exp)) == reason::kInvalidClaims);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"a b","role":"admin")" + exp)) ==
        reason::kInvalidClaims);
  CHECK(Outcome(*f.hs256, token(R"("sub":"u","tenant":"t","role":["admin"])" + exp)) ==
        reason::kInvalidClaims);
}

TEST_CASE("Verify may be called from many threads at once") {
  Fixture f;
  auth::AuthOptions both = EdDsaOptions(&f.clock);
  both.hs256_secret = std::string(kTestSecret);
  auto verifier = TokenVerifier::Create(both).value();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {f.Hs256Minter().Mint(AdminClaims(), std::chrono::minutes(5)).value(), "accepted"},
      {f.Minter(SigningAlgorithm::kEdDsa, kEd25519PrivateB)
           .Mint(AdminClaims(), std::chrono::minutes(5))
           .value(),
       "accepted"},
      {SignHs256(kHs256Header, AdminPayload(), kOtherSecret), std::string(reason::kBadSignature)},
      {Unsigned(R"({"alg":"none"})", AdminPayload()), std::string(reason::kAlgNone)},
  };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const auto& [token, expected] = cases[(t + i) % cases.size()];
        if (Outcome(*verifier, token) != expected) wrong.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(wrong.load() == 0);
}

TEST_CASE("a verifier refuses to start with unusable keys or none") {
  ManualClock clock{AtUnix(kNow)};
  auth::AuthOptions none;
  none.clock = &clock;
  CHECK(TokenVerifier::Create(none).status().code() == StatusCode::kFailedPrecondition);
  auth::AuthOptions short_secret = Hs256Options(&clock);
  short_secret.hs256_secret = "too-short";
  Status refused = TokenVerifier::Create(short_secret).status();
  CHECK(refused.code() == StatusCode::kInvalidArgument);
  CHECK(refused.message().find("too-short") == std::string::npos);  // never echo a secret
  for (const char* bad : {kEd448Public, kEd25519PrivateA, "not a key"}) {
    auth::AuthOptions options = EdDsaOptions(&clock);
    options.eddsa_public_keys = {bad};
    CHECK_MESSAGE(TokenVerifier::Create(options).status().code() == StatusCode::kInvalidArgument,
                  bad);
  }
  auth::AuthOptions negative = Hs256Options(&clock);
  negative.leeway = std::chrono::seconds(-1);
  CHECK(TokenVerifier::Create(negative).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("base64url decoding is strict and rejection reasons are only read from rejections") {
  CHECK(auth::DecodeBase64Url("aGk").value() == "hi");
  CHECK(auth::DecodeBase64Url("-_8").value() == std::string("\xfb\xff", 2));
  CHECK_FALSE(auth::DecodeBase64Url("aGk=").ok());
  CHECK_FALSE(auth::DecodeBase64Url("a+/k").ok());
  CHECK_FALSE(auth::DecodeBase64Url("aGkxA").ok());
  CHECK(auth::RejectionReason(auth::Rejection(reason::kExpired, "x")) == reason::kExpired);
  CHECK(auth::RejectionReason(InvalidArgument("expired: but not from the verifier")) ==
        reason::kExpired);  // same shape, same meaning
  CHECK(auth::RejectionReason(InvalidArgument("bad input: x")).empty());
  CHECK(auth::RejectionReason(Internal("expired: x")).empty());
}

}  // namespace
}  // namespace ledger::testing
