#include "engine/result.h"

#include <doctest/doctest.h>

#include <string>

namespace ledger {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  LEDGER_ASSIGN_OR_RETURN(int half, Half(n));
  LEDGER_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  LEDGER_RETURN_IF_ERROR(Half(n));
  return Status::Ok();
}

TEST_CASE("errors propagate through the macros unchanged") {
  CHECK(Quarter(8).value() == 2);
  Result<int> odd = Quarter(6);
  CHECK(odd.status().code() == StatusCode::kInvalidArgument);
  CHECK(odd.status().message() == "3 is odd");
  CHECK(CheckEven(4).ok());
  CHECK(CheckEven(5).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("status text and context") {
  Status s = Conflict("stream order-1 is at version 3, expected version 2");
  CHECK(s.ToString() == "Conflict: stream order-1 is at version 3, expected version 2");
  CHECK(s.WithContext("line 7").message() == "line 7: stream order-1 is at version 3, expected version 2");
  CHECK(Status::Ok().WithContext("x").ok());
  CHECK(Status(StatusCode::kOk, "ignored").message().empty());
}

}  // namespace
}  // namespace ledger
