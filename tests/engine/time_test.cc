#include "engine/time.h"

#include <doctest/doctest.h>

namespace ledger {
namespace {

TEST_CASE("RFC 3339 formatting is fixed-width UTC with microseconds") {
  CHECK(FormatRfc3339(Timestamp(0)) == "1970-01-01T00:00:00.000000Z");
  CHECK(FormatRfc3339(Timestamp(1'795'000'000'123'456)) == "2026-11-18T11:06:40.123456Z");
  CHECK(FormatRfc3339(Timestamp(-1)) == "1969-12-31T23:59:59.999999Z");
  CHECK(FormatRfc3339(Timestamp(951'782'400'000'000)) == "2000-02-29T00:00:00.000000Z");
  // The last and first instants four year digits hold, and the years beyond them.
  CHECK(FormatRfc3339(Timestamp(253'402'300'799'999'999)) == "9999-12-31T23:59:59.999999Z");
  CHECK(FormatRfc3339(Timestamp(-62'167'219'200'000'000)) == "0000-01-01T00:00:00.000000Z");
  CHECK(FormatRfc3339(Timestamp(253'402'300'800'000'000)) == "10000-01-01T00:00:00.000000Z");
  CHECK(FormatRfc3339(Timestamp(-62'167'219'200'000'001)) == "-001-12-31T23:59:59.999999Z");
}

TEST_CASE("RFC 3339 parsing") {
  CHECK(ParseRfc3339("2026-11-18T11:06:40.123456Z").value() == Timestamp(1'795'000'000'123'456));
  CHECK(ParseRfc3339("2026-11-18T11:06:40Z").value() == Timestamp(1'795'000'000'000'000));
  CHECK(ParseRfc3339("2026-11-18t11:06:40.1z").value() == Timestamp(1'795'000'000'100'000));
  CHECK(ParseRfc3339("2026-11-18T12:06:40+01:00").value() == Timestamp(1'795'000'000'000'000));
  CHECK(ParseRfc3339("2026-11-18T06:06:40.5-05:00").value() == Timestamp(1'795'000'000'500'000));
  // Beyond microseconds: truncated, never rounded into the future.
  CHECK(ParseRfc3339("2026-11-18T11:06:40.1234569Z").value() == Timestamp(1'795'000'000'123'456));
  for (Timestamp t : {Timestamp(0), Timestamp(-1), Timestamp(1'795'000'000'123'456)}) {
    CHECK(ParseRfc3339(FormatRfc3339(t)).value() == t);
  }
}

TEST_CASE("malformed times are refused with a clear error") {
  for (const char* bad : {"", "2026-11-18", "2026-11-18T11:06:40", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-18T24:00:00Z", "2026-11-18T08:26:60Z",
                          "2026-11-18T11:06:40.Z", "2026-11-18T11:06:40+1:00",
                          "2026-11-18T11:06:40Zjunk", "yesterday"}) {
    Result<Timestamp> t = ParseRfc3339(bad);
    CHECK_MESSAGE(t.status().code() == StatusCode::kInvalidArgument, bad);
    CHECK(t.status().message().find("RFC 3339") != std::string::npos);
  }
}

}  // namespace
}  // namespace ledger
