// ledger token --tenant T --role R [--customer C] [--ttl 1h] [--subject S]: mints an access
// token for the HTTP API (adapters/auth, docs/api.md) and prints only the token, so that
// `TOKEN=$(ledger token ...)` works. Signs with LEDGER_JWT_SECRET (HS256) or an Ed25519
// private key.
#include "adapters/auth/auth_options.h"
#include "adapters/auth/token_minter.h"
#include "adapters/cli/command.h"
#include "adapters/cli/options.h"

namespace ledger::cli {
namespace {

class TokenCommand final : public Command {
 public:
  std::string_view Name() const override { return "token"; }
  std::string_view Summary() const override {
    return "mint an access token for the HTTP API; prints only the token";
  }
  std::string_view Synopsis() const override {
    return "--tenant T --role R [--customer C] [--ttl 1h] [--subject S] "
           "[--jwt-secret S | --jwt-eddsa-private-key FILE]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("tenant", po::value<std::string>()->required()->value_name("T"),
        "the tenant the token acts for");
    add("role", po::value<std::string>()->required()->value_name("R"),
        "admin, operator, auditor, customer or reviewer");
    add("customer", po::value<std::string>()->value_name("C"),
        "the customer id: required for --role customer, refused otherwise");
    add("ttl", po::value<std::string>()->default_value("1h")->value_name("DURATION"),
        "lifetime: 3600, 3600s, 15m, 1h or 7d (at most 30 days)");
    add("subject", po::value<std::string>()->value_name("S"),
        "who the token names (sub), recorded as metadata.actor of the events its commands "
        "append (default: customer:C for customers, cli:ROLE otherwise)");
    add("jwt-secret", po::value<std::string>()->value_name("S"),
        "HS256 secret, at least 32 bytes (the server's LEDGER_JWT_SECRET)");
    add("jwt-eddsa-private-key", po::value<std::string>()->value_name("FILE"),
        "sign with EdDSA instead: an Ed25519 private key in PEM (PKCS#8)");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    claims_.tenant = TenantId(StringOption(values, "tenant"));
    claims_.role = StringOption(values, "role");
    if (values.count("customer") > 0) claims_.customer_id = StringOption(values, "customer");
    claims_.subject = values.count("subject") > 0 ? StringOption(values, "subject")
                      : claims_.customer_id       ? "customer:" + *claims_.customer_id
                                                  : "cli:" + claims_.role;
    LEDGER_ASSIGN_OR_RETURN(ttl_, auth::ParseTtl(StringOption(values, "ttl")));
    std::string secret = StringOption(values, "jwt-secret");
    std::string key_file = StringOption(values, "jwt-eddsa-private-key");
    if (secret.empty() == key_file.empty()) {
      return InvalidArgument(
          "give exactly one signing key: --jwt-secret (LEDGER_JWT_SECRET) or "
          "--jwt-eddsa-private-key (LEDGER_JWT_EDDSA_PRIVATE_KEY)");
    }
    key_.role = auth::KeyRole::kSign;
    if (!secret.empty()) {
      key_.algorithm = auth::SigningAlgorithm::kHs256;
      key_.material = std::move(secret);
    } else {
      key_.algorithm = auth::SigningAlgorithm::kEdDsa;
      LEDGER_ASSIGN_OR_RETURN(key_.material, auth::ReadKeyFile(key_file));
    }
    // Claims are checked here too (Mint checks them again) so that a wrong role or a missing
    // customer is a usage error, exit 2. exp is set by Mint; give it a placeholder to pass.
    auth::Claims check = claims_;
    check.expires_at = 1;
    return auth::ValidateClaims(check);
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(auth::TokenMinter minter, auth::TokenMinter::Create(key_));
    LEDGER_ASSIGN_OR_RETURN(std::string token, minter.Mint(claims_, ttl_));
    context.env.Out() << token << "\n";
    return Status::Ok();
  }

 private:
  auth::Claims claims_;
  std::chrono::seconds ttl_{0};
  auth::SigningKey key_;
};

}  // namespace

std::unique_ptr<Command> MakeTokenCommand() { return std::make_unique<TokenCommand>(); }

}  // namespace ledger::cli
