#include "commands/screening/double_metaphone.h"

#include <doctest/doctest.h>

namespace ledger::commands::screening {
namespace {

void CheckCodes(std::string_view word, std::string_view primary, std::string_view alternate,
                std::size_t max_length = kPublishedMetaphoneLength) {
  MetaphoneCodes codes = DoubleMetaphone(word, max_length);
  INFO(word);
  CHECK(codes.primary == primary);
  CHECK(codes.alternate == alternate);
}

// Values from the algorithm's publication and the test suites of its reference ports.
TEST_CASE("published examples") {
  CheckCodes("Smith", "SM0", "XMT");
  CheckCodes("Schmidt", "XMT", "SMT");
  CheckCodes("Thomas", "TMS", "TMS");
  CheckCodes("Jose", "HS", "HS");
  CheckCodes("Caesar", "SSR", "SSR");
  CheckCodes("Michael", "MKL", "MXL");
  CheckCodes("Xavier", "SF", "SFR");
  CheckCodes("Arnow", "ARN", "ARNF");
  CheckCodes("Knight", "NT", "NT");
  CheckCodes("Edgar", "ATKR", "ATKR");
  CheckCodes("Czerny", "SRN", "XRN");
  CheckCodes("Bacchus", "PKS", "PKS");
  CheckCodes("Bertucci", "PRTX", "PRTX");
  CheckCodes("focaccia", "FKX", "FKX");
  CheckCodes("school", "SKL", "SKL");
  CheckCodes("Breaux", "PR", "PR");
  CheckCodes("Zhao", "J", "J");
  CheckCodes("Rogier", "RJ", "RJR");
  CheckCodes("Hochmeier", "HKMR", "HKMR");
  CheckCodes("Gallegos", "KLKS", "KKS");
  CheckCodes("katherine", "K0RN", "KTRN");
  CheckCodes("Thumbail", "0MPL", "TMPL");
  CheckCodes("richard", "RXRT", "RKRT");
  CheckCodes("geoff", "JF", "KF");
  CheckCodes("Through", "0R", "TR");
  CheckCodes("Schwein", "XN", "XFN");
  CheckCodes("maurice", "MRS", "MRS");
  CheckCodes("aubrey", "APR", "APR");
  CheckCodes("bob", "PP", "PP");
  CheckCodes("tough", "TF", "TF");
  CheckCodes("edge", "AJ", "AJ");
}

TEST_CASE("codes are cut at the requested length, 0 leaves them whole") {
  CheckCodes("cambrillo", "KMPR", "KMPR");
  CheckCodes("cambrillo", "KMPRL", "KMPR", 0);
  CheckCodes("Wasserman", "ASRMN", "FSRMN", 0);
  CheckCodes("Filipowicz", "FLPTS", "FLPFX", 0);
  CheckCodes("Schenker", "XNKR", "SKNKR", 0);
}

TEST_CASE("empty and non-letter input") {
  CheckCodes("", "", "");
  CheckCodes("123", "", "");
}

TEST_CASE("known sound-alike pairs") {
  auto alike = [](std::string_view a, std::string_view b) {
    return SoundAlike(DoubleMetaphone(a, 0), DoubleMetaphone(b, 0));
  };
  CHECK(alike("nikey", "nike"));
  CHECK(alike("nyke", "nike"));
  CHECK(alike("addidas", "adidas"));
  CHECK(alike("reebock", "reebok"));
  CHECK(alike("pickachu", "pikachu"));
  CHECK(alike("smith", "schmidt"));  // via the alternate code
  CHECK(alike("steffen", "stephen"));
  CHECK_FALSE(alike("nice", "nike"));
  CHECK_FALSE(alike("pump", "puma"));
  CHECK_FALSE(alike("bike", "nike"));
  CHECK_FALSE(alike("", ""));
}

}  // namespace
}  // namespace ledger::commands::screening
