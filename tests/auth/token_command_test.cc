// ledger token: prints only a token that the server's verifier accepts, and refuses bad
// requests with exit 2 and no output.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "adapters/auth/token_rejection.h"
#include "adapters/auth/token_verifier.h"
#include "engine/uuid.h"
#include "tests/auth/test_tokens.h"
#include "tests/cli/fake_environment.h"

namespace ledger::testing {
namespace {

// The token `ledger token` printed, checked by a verifier at the real time.
Result<auth::Claims> VerifyPrinted(const CliRun& run, auth::AuthOptions options) {
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  REQUIRE(run.OutLines().size() == 1);
  auto verifier = auth::TokenVerifier::Create(std::move(options)).value();
  return verifier->Verify(run.OutLines().front());
}

auth::AuthOptions RealTimeHs256() {
  auth::AuthOptions options;
  options.hs256_secret = std::string(kTestSecret);
  return options;
}

TEST_CASE("ledger token mints an HS256 token from LEDGER_JWT_SECRET") {
  FakeEnvironment env;
  env.variables["LEDGER_JWT_SECRET"] = std::string(kTestSecret);
  CliRun run = env.Run({"token", "--tenant", "shop_a", "--role", "admin", "--ttl", "15m"});
  Result<auth::Claims> claims = VerifyPrinted(run, RealTimeHs256());
  REQUIRE_MESSAGE(claims.ok(), claims.status().ToString());
  CHECK(claims->tenant == TenantId("shop_a"));
  CHECK(claims->role == "admin");
  CHECK(claims->subject == "cli:admin");
  REQUIRE(claims->issued_at.has_value());
  CHECK(claims->expires_at - *claims->issued_at == 900);
  CHECK(run.err.empty());

  CliRun customer =
      env.Run({"token", "--tenant", "shop_a", "--role", "customer", "--customer", "cus_7",
               "--subject", "user:carol", "--jwt-secret", std::string(kTestSecret)});
  Result<auth::Claims> c = VerifyPrinted(customer, RealTimeHs256());
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  CHECK(c->customer_id == std::optional<std::string>("cus_7"));
  CHECK(c->subject == "user:carol");
  CHECK(c->expires_at - *c->issued_at == 3600);  // the default ttl
}

TEST_CASE("ledger token signs with an Ed25519 private key file") {
  std::filesystem::path key_file =
      std::filesystem::temp_directory_path() / ("ledger-token-" + Uuid::V4().ToString() + ".pem");
  std::ofstream(key_file) << kEd25519PrivateA;
  FakeEnvironment env;
  CliRun run = env.Run({"token", "--tenant", "t1", "--role", "auditor", "--jwt-eddsa-private-key",
                        key_file.string()});
  std::filesystem::remove(key_file);
  auth::AuthOptions options;
  options.eddsa_public_keys = {kEd25519PublicA};
  Result<auth::Claims> claims = VerifyPrinted(run, options);
  REQUIRE_MESSAGE(claims.ok(), claims.status().ToString());
  CHECK(claims->role == "auditor");
  // The same token is refused where only HS256 is accepted.
  Result<auth::Claims> as_hs256 = VerifyPrinted(run, RealTimeHs256());
  CHECK(auth::RejectionReason(as_hs256.status()) == auth::reason::kAlgorithmNotAllowed);
}

TEST_CASE("ledger token: bad requests exit 2 and print no token") {
  FakeEnvironment env;
  env.variables["LEDGER_JWT_SECRET"] = std::string(kTestSecret);
  const std::vector<std::vector<std::string>> bad = {
      {"token", "--role", "admin"},                                       // no tenant
      {"token", "--tenant", "t"},                                         // no role
      {"token", "--tenant", "t", "--role", "root"},                       // unknown role
      {"token", "--tenant", "t", "--role", "customer"},                   // no customer id
      {"token", "--tenant", "t", "--role", "admin", "--customer", "c1"},  // id for non-customer
      {"token", "--tenant", "a b", "--role", "admin"},                    // bad tenant
      {"token", "--tenant", "t", "--role", "admin", "--ttl", "1y"},       // bad ttl
      {"token", "--tenant", "t", "--role", "admin", "--ttl", "90d"},      // too long
      {"token", "--tenant", "t", "--role", "admin", "--jwt-eddsa-private-key", "/nonexistent"},
  };
  for (const auto& args : bad) {
    CliRun run = env.Run(args);
    CHECK_MESSAGE(run.exit_code == 2, args.back(), " ", run.err);
    CHECK(run.out.empty());
  }
  FakeEnvironment no_secret;
  CliRun unsigned_run = no_secret.Run({"token", "--tenant", "t", "--role", "admin"});
  CHECK(unsigned_run.exit_code == 2);
  CHECK(unsigned_run.err.find("LEDGER_JWT_SECRET") != std::string::npos);
  FakeEnvironment short_secret;
  short_secret.variables["LEDGER_JWT_SECRET"] = "short";
  CHECK(short_secret.Run({"token", "--tenant", "t", "--role", "admin"}).exit_code == 1);
}

}  // namespace
}  // namespace ledger::testing
