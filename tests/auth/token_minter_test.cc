// TokenMinter and ParseTtl: what `ledger token` relies on.
#include "adapters/auth/token_minter.h"

#include <doctest/doctest.h>

#include "adapters/auth/compact_jws.h"
#include "adapters/auth/token_rejection.h"
#include "tests/auth/test_tokens.h"

namespace ledger::testing {
namespace {

using auth::KeyRole;
using auth::SigningAlgorithm;
using auth::SigningKey;
using auth::TokenMinter;
using std::chrono::seconds;

TEST_CASE("ParseTtl reads seconds, minutes, hours and days up to 30 days") {
  CHECK(auth::ParseTtl("3600").value() == seconds(3600));
  CHECK(auth::ParseTtl("3600s").value() == seconds(3600));
  CHECK(auth::ParseTtl("15m").value() == seconds(900));
  CHECK(auth::ParseTtl("1h").value() == seconds(3600));
  CHECK(auth::ParseTtl("30d").value() == seconds(30 * 86400));
  for (const char* bad :
       {"", "0", "-5", "1w", "31d", "1.5h", "h", " 1h", "1h ", "99999999999999999999"}) {
    CHECK_MESSAGE(auth::ParseTtl(bad).status().code() == StatusCode::kInvalidArgument, bad);
  }
}

TEST_CASE("Mint stamps iat and exp from the clock and refuses bad claims") {
  ManualClock clock{AtUnix(kNow)};
  TokenMinter minter =
      TokenMinter::Create(
          SigningKey{SigningAlgorithm::kHs256, KeyRole::kSign, std::string(kTestSecret)}, &clock)
          .value();
  CHECK(minter.algorithm() == SigningAlgorithm::kHs256);
  std::string token = minter.Mint(AdminClaims(), seconds(60)).value();
  std::string payload = auth::DecodeBase64Url(token.substr(token.find('.') + 1,
                                                           token.rfind('.') - token.find('.') - 1))
                            .value();
  CHECK(payload.find("\"exp\":" + std::to_string(kNow + 60)) != std::string::npos);
  CHECK(payload.find("\"iat\":" + std::to_string(kNow)) != std::string::npos);
  CHECK(payload.find("customer_id") == std::string::npos);

  auth::Claims customer = AdminClaims();
  customer.role = "customer";
  CHECK(auth::RejectionReason(minter.Mint(customer, seconds(60)).status()) ==
        auth::reason::kMissingCustomerId);
  auth::Claims admin_with_customer = AdminClaims();
  admin_with_customer.customer_id = "c1";
  CHECK(auth::RejectionReason(minter.Mint(admin_with_customer, seconds(60)).status()) ==
        auth::reason::kUnexpectedCustomerId);
  auth::Claims unknown = AdminClaims();
  unknown.role = "superuser";
  CHECK(auth::RejectionReason(minter.Mint(unknown, seconds(60)).status()) ==
        auth::reason::kUnknownRole);
  CHECK_FALSE(minter.Mint(AdminClaims(), seconds(0)).ok());
  CHECK_FALSE(minter.Mint(AdminClaims(), auth::kMaxTokenTtl + seconds(1)).ok());
}

TEST_CASE("a minter needs a usable signing key") {
  CHECK_FALSE(TokenMinter::Create({SigningAlgorithm::kHs256, KeyRole::kSign, "short"}).ok());
  CHECK_FALSE(
      TokenMinter::Create({SigningAlgorithm::kEdDsa, KeyRole::kSign, kEd25519PublicA}).ok());
  CHECK_FALSE(
      TokenMinter::Create({SigningAlgorithm::kEdDsa, KeyRole::kVerify, kEd25519PrivateA}).ok());
  CHECK(TokenMinter::Create({SigningAlgorithm::kEdDsa, KeyRole::kSign, kEd25519PrivateA}).ok());
}

}  // namespace
}  // namespace ledger::testing
