// Access to the webhook fixtures copied byte-exact into tests/fixtures (from the team's
// shared folder; see tests/fixtures/README.md). Files are read as bytes, never reformatted:
// every signature covers the exact bytes.
#ifndef LEDGER_TESTS_WEBHOOKS_FIXTURE_FILES_H_
#define LEDGER_TESTS_WEBHOOKS_FIXTURE_FILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::testing {

// The bytes of tests/fixtures/<relative>; fails the test if the file cannot be read.
std::string ReadFixture(const std::string& relative);

// The *.json files of tests/fixtures/<folder>, sorted, as paths relative to tests/fixtures,
// without MANIFEST.json and signatures.json.
std::vector<std::string> ListJsonFixtures(const std::string& folder);

struct StripeSignedFile {
  std::string file;  // relative to tests/fixtures/stripe
  std::int64_t t = 0;
  std::int64_t now = 0;
  std::string header;
  std::string expect;
};

struct StripeHeaderCase {
  std::string name;
  std::string body_file;
  std::string body_transform;  // empty: none
  std::string header;
  std::int64_t now = 0;
  std::string expect;
};

struct StripeSignatures {
  std::string secret;
  std::string old_secret;
  std::int64_t tolerance_s = 0;
  std::vector<StripeSignedFile> files;
  std::vector<StripeHeaderCase> cases;
};
StripeSignatures LoadStripeSignatures();

struct PrintifySignedFile {
  std::string file;  // relative to tests/fixtures/printify
  std::string header;
};
struct PrintifySignatures {
  std::string secret;
  std::vector<PrintifySignedFile> files;
};
PrintifySignatures LoadPrintifySignatures();

struct ManifestEntry {
  std::string file;
  std::uint64_t bytes = 0;
  std::string note;
};
std::vector<ManifestEntry> LoadStripeEdgeCaseManifest();

// What admission must do with a Stripe fixture (path relative to tests/fixtures), following
// stripe/edge-cases/MANIFEST.json: truncated and empty bodies and the v2 "thin" notification
// are not Stripe events (400); everything else, unknown types and versions included, is.
bool StripeFixtureIsAdmitted(const std::string& relative);

// A Stripe-Signature header "t=<t>,v1=<hex>" for `body`, for bodies the fixtures do not sign.
std::string SignStripe(std::string_view secret, std::int64_t t, std::string_view body);
// An X-Pfy-Signature header "sha256=<hex>".
std::string SignPrintify(std::string_view secret, std::string_view body);

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_WEBHOOKS_FIXTURE_FILES_H_
