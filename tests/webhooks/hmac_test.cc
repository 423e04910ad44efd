#include "adapters/webhook/hmac.h"

#include <doctest/doctest.h>

namespace ledger::webhook {
namespace {

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
  Result<std::string> mac = HmacSha256Hex("Jefe", {"what do ya want for nothing?"});
  REQUIRE(mac.ok());
  CHECK(*mac == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HMAC-SHA256 over parts equals HMAC over their concatenation") {
  Result<std::string> parts = HmacSha256Hex("key", {"123", ".", "", "{\"a\":1}"});
  Result<std::string> whole = HmacSha256Hex("key", {"123.{\"a\":1}"});
  REQUIRE(parts.ok());
  REQUIRE(whole.ok());
  CHECK(*parts == *whole);
}

TEST_CASE("HMAC-SHA256 accepts an empty key and an empty message") {
  // RFC 2104 allows both; the value is the well-known HMAC of nothing under nothing.
  Result<std::string> mac = HmacSha256Hex("", {});
  REQUIRE(mac.ok());
  CHECK(*mac == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("ConstantTimeEquals compares contents and lengths") {
  CHECK(ConstantTimeEquals("abc", "abc"));
  CHECK(ConstantTimeEquals("", ""));
  CHECK_FALSE(ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(ConstantTimeEquals("abc", "abcd"));
  CHECK_FALSE(ConstantTimeEquals("ABC", "abc"));
}

}  // namespace
}  // namespace ledger::webhook
