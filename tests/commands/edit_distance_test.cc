#include "commands/screening/edit_distance.h"

#include <doctest/doctest.h>

namespace ledger::commands::screening {
namespace {

TEST_CASE("optimal string alignment distance") {
  CHECK(OsaDistance("", "") == 0);
  CHECK(OsaDistance("nike", "nike") == 0);
  CHECK(OsaDistance("", "nike") == 4);
  CHECK(OsaDistance("nike", "") == 4);
  CHECK(OsaDistance("nike", "nice") == 1);       // substitution
  CHECK(OsaDistance("adidas", "addidas") == 1);  // insertion
  CHECK(OsaDistance("reebok", "rebok") == 1);    // deletion
  CHECK(OsaDistance("nike", "nkie") == 1);       // adjacent transposition
  CHECK(OsaDistance("kitten", "sitting") == 3);
  // The restriction: no substring is edited twice, so this is 3 (unrestricted DL says 2).
  CHECK(OsaDistance("ca", "abc") == 3);
  CHECK(OsaDistance("abcdef", "badcfe") == 3);
}

TEST_CASE("bounded distance agrees below the bound and exceeds it above") {
  const char* words[] = {"",        "a",           "nike",      "nkie",     "adidas",
                         "addidas", "reebok",      "pikachu",   "pickachu", "abcdef",
                         "badcfe",  "mickeymouse", "mikeymouse"};
  for (const char* a : words) {
    for (const char* b : words) {
      std::size_t full = OsaDistance(a, b);
      for (std::size_t bound = 0; bound <= 6; ++bound) {
        std::size_t bounded = BoundedOsaDistance(a, b, bound);
        INFO(a, " / ", b, " bound ", bound);
        if (full <= bound) {
          CHECK(bounded == full);
        } else {
          CHECK(bounded > bound);
        }
      }
    }
  }
}

TEST_CASE("near-miss thresholds grow with the name") {
  CHECK(NearMissThreshold(3) == 0);
  CHECK(NearMissThreshold(4) == 0);
  CHECK(NearMissThreshold(5) == 1);
  CHECK(NearMissThreshold(8) == 1);
  CHECK(NearMissThreshold(9) == 2);
  CHECK(NearMissThreshold(12) == 2);
  CHECK(NearMissThreshold(13) == 3);
}

}  // namespace
}  // namespace ledger::commands::screening
