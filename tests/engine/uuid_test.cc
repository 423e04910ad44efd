#include "engine/uuid.h"

#include <doctest/doctest.h>

#include <set>

namespace ledger {
namespace {

TEST_CASE("v5 ids match RFC 9562 (cross-checked with Python's uuid.uuid5)") {
  CHECK(LedgerNamespace().ToString() == "4bd2be06-15e2-5476-91d3-04346488cc6a");
  CHECK(ProviderEventId("stripe", "evt_1NfIc2LkdIwHu7ixaDYmLbGq").ToString() ==
        "d864fe7c-91e8-586f-9438-5d5e6b3d80e6");
  CHECK(ProviderEventId("stripe", "evt_1") == ProviderEventId("stripe", "evt_1"));
  CHECK(ProviderEventId("stripe", "evt_1") != ProviderEventId("printify", "evt_1"));
  CHECK(ProviderEventId("stripe", "evt_1").version() == 5);
}

TEST_CASE("v4 ids are random and well-formed") {
  std::set<Uuid> seen;
  for (int i = 0; i < 1000; ++i) {
    Uuid id = Uuid::V4();
    CHECK(id.version() == 4);
    CHECK((id.bytes()[8] & 0xC0) == 0x80);
    CHECK(seen.insert(id).second);
  }
}

TEST_CASE("parse and print round-trip; bad text is refused") {
  Uuid id = Uuid::Parse("0F8FAD5B-D9CB-469F-A165-70867728950E").value();
  CHECK(id.ToString() == "0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(Uuid::Parse(id.ToString()).value() == id);
  for (const char* bad : {"", "0f8fad5b", "0f8fad5bd9cb469fa16570867728950e",
                          "0f8fad5b-d9cb-469f-a165-70867728950g",
                          "0f8fad5b-d9cb-469f-a165-70867728950e0",
                          "0f8fad5b_d9cb-469f-a165-70867728950e"}) {
    CHECK_MESSAGE(Uuid::Parse(bad).status().code() == StatusCode::kInvalidArgument, bad);
  }
  CHECK(Uuid().is_nil());
}

}  // namespace
}  // namespace ledger
