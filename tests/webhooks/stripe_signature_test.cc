// Every signed file and header case of tests/fixtures/stripe/signatures.json gets its verdict.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "adapters/stripe/signature.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::stripe {
namespace {

using testing::LoadStripeSignatures;
using testing::ReadFixture;
using webhook::SignatureVerdict;

// The two transforms the fixture file names, applied to the body bytes.
std::string Transform(const std::string& body, const std::string& transform) {
  if (transform.empty()) return body;
  if (transform == "replace '5399' with '5398' once") {
    std::string out = body;
    std::size_t at = out.find("5399");
    REQUIRE(at != std::string::npos);
    out.replace(at, 4, "5398");
    return out;
  }
  if (transform == "json.dumps(json.loads(body), separators=(',',':'))") {
    // Not Python's exact bytes, but equally a re-serialisation: any change must fail.
    std::string out = boost::json::serialize(boost::json::parse(body));
    REQUIRE(out != body);
    return out;
  }
  FAIL("unknown body_transform: " << transform);
  return body;
}

TEST_CASE("every signed Stripe fixture verifies at its now_for_test") {
  testing::StripeSignatures fixtures = LoadStripeSignatures();
  REQUIRE(fixtures.tolerance_s == kDefaultTolerance.count());
  REQUIRE(fixtures.files.size() == 38);
  SignatureVerifier verifier({fixtures.secret});
  for (const testing::StripeSignedFile& file : fixtures.files) {
    CAPTURE(file.file);
    REQUIRE(file.expect == "valid");
    std::string body = ReadFixture("stripe/" + file.file);
    webhook::SignatureCheck check = verifier.Verify(file.header, body, file.now);
    CHECK_MESSAGE(check.ok(), check.detail);
    // The same header over any other body is refused.
    CHECK(verifier.Verify(file.header, body + " ", file.now).verdict ==
          SignatureVerdict::kMismatch);
  }
}

// Maps each case's "expect" to the verdict this verifier gives. Two cases are where the
// official SDKs disagree or are lax; the choice made here is written next to them.
SignatureVerdict Expected(const testing::StripeHeaderCase& c) {
  if (c.expect == "valid" || c.expect == "valid_with_old_secret") return SignatureVerdict::kValid;
  // future_timestamp: the SDKs check only age; we refuse a timestamp more than the
  // tolerance ahead, which would otherwise let a captured request replay for longer.
  if (c.expect == "valid_in_official_sdks") return SignatureVerdict::kFuture;
  // uppercase_hex: Node and Python compare hex strings; Stripe sends lowercase; so do we.
  if (c.expect == "invalid_in_node_python_valid_in_go") return SignatureVerdict::kMismatch;
  REQUIRE(c.expect == "invalid");
  if (c.name == "too_old") return SignatureVerdict::kStale;
  if (c.name == "only_v0" || c.name == "spaces_after_commas" || c.name == "missing_t" ||
      c.name == "garbage_header") {
    return SignatureVerdict::kMalformed;
  }
  if (c.name == "empty_header") return SignatureVerdict::kMissing;
  return SignatureVerdict::kMismatch;
}

TEST_CASE("every Stripe-Signature header case gets its expected verdict") {
  testing::StripeSignatures fixtures = LoadStripeSignatures();
  REQUIRE(fixtures.cases.size() == 18);
  for (const testing::StripeHeaderCase& c : fixtures.cases) {
    CAPTURE(c.name);
    std::string body = Transform(ReadFixture("stripe/" + c.body_file), c.body_transform);
    std::string secret =
        c.expect == "valid_with_old_secret" ? fixtures.old_secret : fixtures.secret;
    SignatureVerifier verifier({secret});
    webhook::SignatureCheck check = verifier.Verify(c.header, body, c.now);
    CHECK_MESSAGE(check.verdict == Expected(c), check.detail);
  }
}

TEST_CASE("a verifier holding both secrets during a rotation accepts either signature") {
  testing::StripeSignatures fixtures = LoadStripeSignatures();
  std::string body = ReadFixture("stripe/assembled/05_checkout.session.completed.json");
  SignatureVerifier both({fixtures.old_secret, fixtures.secret});
  std::int64_t t = 1787133646;
  CHECK(both.Verify(testing::SignStripe(fixtures.secret, t, body), body, t).ok());
  CHECK(both.Verify(testing::SignStripe(fixtures.old_secret, t, body), body, t).ok());
  CHECK(both.Verify(testing::SignStripe("whsec_other", t, body), body, t).verdict ==
        SignatureVerdict::kMismatch);
}

TEST_CASE("the tolerance is configurable and applies in both directions") {
  std::string body = R"({"id":"evt_1"})";
  SignatureVerifier verifier({"whsec_x"}, std::chrono::seconds(10));
  std::string header = testing::SignStripe("whsec_x", 1000, body);
  CHECK(verifier.Verify(header, body, 1010).ok());
  CHECK(verifier.Verify(header, body, 990).ok());
  CHECK(verifier.Verify(header, body, 1011).verdict == SignatureVerdict::kStale);
  CHECK(verifier.Verify(header, body, 989).verdict == SignatureVerdict::kFuture);
}

TEST_CASE("without a configured secret nothing verifies") {
  SignatureVerifier verifier({});
  std::string body = "{}";
  CHECK(verifier.Verify(testing::SignStripe("", 5, body), body, 5).verdict ==
        SignatureVerdict::kNotConfigured);
}

TEST_CASE("ParseSignatureHeader follows the SDKs' grammar") {
  Result<SignatureHeader> h = ParseSignatureHeader("t=12,v1=aa,v0=bb,v1=cc,x=y,junk");
  REQUIRE(h.ok());
  CHECK(h->timestamp == 12);
  CHECK(h->v1 == std::vector<std::string>{"aa", "cc"});
  // A value containing '=' keeps it (split on the first '=' only).
  REQUIRE(ParseSignatureHeader("t=1,v1=a=b").ok());
  CHECK(ParseSignatureHeader("t=1,v1=a=b")->v1.front() == "a=b");
  for (std::string_view bad : {"", "t=1", "v1=aa", "t=,v1=aa", "t=12a,v1=aa", "t=-5,v1=aa",
                               "t=1,t=2,v1=aa", "t=1, v1=aa", " t=1,v1=aa"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(ParseSignatureHeader(bad).ok());
  }
}

}  // namespace
}  // namespace ledger::stripe
