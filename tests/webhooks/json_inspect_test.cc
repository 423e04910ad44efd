#include "adapters/webhook/json_inspect.h"

#include <doctest/doctest.h>

#include <array>

namespace ledger::webhook {
namespace {

constexpr std::array<std::string_view, 4> kPaths = {"id", "type", "resource.id", "n"};

InspectedJson Inspect(std::string_view json) {
  Result<InspectedJson> result = InspectJson(json, kPaths);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

TEST_CASE("InspectJson collects wanted top-level and nested fields") {
  InspectedJson j = Inspect(R"({"id":"evt_1","type":"a.b","resource":{"id":42,"x":[1]},"z":{}})");
  CHECK(j.strictly_valid);
  CHECK(j.root_is_object);
  CHECK(j.max_depth == 3);
  REQUIRE(j.FindString("id") != nullptr);
  CHECK(*j.FindString("id") == "evt_1");
  REQUIRE(j.Find("resource.id") != nullptr);
  CHECK(j.Find("resource.id")->kind == JsonField::Kind::kNumber);
  CHECK(j.Find("resource.id")->text == "42");
  CHECK(j.Find("z") == nullptr);  // not wanted
}

TEST_CASE("InspectJson ignores same-named keys inside arrays and deeper objects") {
  InspectedJson j = Inspect(R"({"data":[{"id":"wrong"}],"x":{"y":{"id":"deep"}},"id":"right"})");
  REQUIRE(j.FindString("id") != nullptr);
  CHECK(*j.FindString("id") == "right");
}

TEST_CASE("InspectJson: the last of repeated keys wins, as in JSON.parse") {
  InspectedJson j = Inspect(R"({"id":"first","id":"second"})");
  CHECK(*j.FindString("id") == "second");
}

TEST_CASE("InspectJson keeps numbers as written, including ones beyond 64 bits") {
  InspectedJson j = Inspect(R"({"n":123456789012345678901234567890})");
  CHECK(j.Find("n")->text == "123456789012345678901234567890");
  CHECK(Inspect(R"({"n":1.50})").Find("n")->text == "1.50");
}

TEST_CASE("InspectJson unescapes strings") {
  InspectedJson j = Inspect(R"({"type":"caf\u00e9 \"x\""})");
  CHECK(*j.FindString("type") == "caf\xC3\xA9 \"x\"");
}

TEST_CASE("InspectJson refuses what is not one complete JSON document") {
  for (std::string_view bad :
       {"", "   ", R"({"id":"evt_1")", R"({"id":"evt_1"} x)", R"({"id":})", "{'id':1}"}) {
    CAPTURE(std::string(bad));
    Result<InspectedJson> result = InspectJson(bad, kPaths);
    CHECK(result.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("InspectJson reports a non-object root") {
  CHECK_FALSE(Inspect(R"([{"id":"x"}])").root_is_object);
  CHECK_FALSE(Inspect(R"("id")").root_is_object);
  CHECK(Inspect(R"([{"id":"x"}])").Find("id") == nullptr);
}

TEST_CASE("InspectJson tolerates lone surrogates and bad UTF-8, marking them not strict") {
  InspectedJson lone = Inspect(R"({"id":"evt_1","name":"\ud800x"})");
  CHECK_FALSE(lone.strictly_valid);
  CHECK_FALSE(lone.strict_error.empty());
  CHECK(*lone.FindString("id") == "evt_1");

  InspectedJson utf8 = Inspect("{\"id\":\"evt_2\",\"name\":\"\xFF\"}");
  CHECK_FALSE(utf8.strictly_valid);
  CHECK(*utf8.FindString("id") == "evt_2");

  InspectedJson nul = Inspect(R"({"id":"evt_3","name":"a\u0000b"})");
  CHECK(nul.strictly_valid);  // valid JSON; only jsonb refuses it
}

TEST_CASE("ScanEscapes finds \\u0000 and lone surrogates, not lookalikes") {
  CHECK(ScanEscapes(R"({"a":"\u0000"})").has_nul);
  CHECK_FALSE(ScanEscapes(R"({"a":"\\u0000"})").has_nul);  // an escaped backslash, then text
  CHECK_FALSE(ScanEscapes(R"({"a":"\u0001"})").has_nul);
  CHECK(ScanEscapes(R"({"a":"\ud800"})").has_lone_surrogate);
  CHECK(ScanEscapes(R"({"a":"\udc00\ud800"})").has_lone_surrogate);
  CHECK(ScanEscapes(R"({"a":"\ud83d"})").has_lone_surrogate);
  CHECK_FALSE(ScanEscapes(R"({"a":"\ud83d\ude00"})").has_lone_surrogate);
  CHECK_FALSE(ScanEscapes(R"({"a":"\uD83D\uDE00"})").has_lone_surrogate);
}

TEST_CASE("ReplaceLoneSurrogates keeps length and valid pairs") {
  std::string in = R"({"a":"\ud800 \ud83d\ude00 \udfff"})";
  std::string out = ReplaceLoneSurrogates(in);
  CHECK(out.size() == in.size());
  CHECK(out == R"({"a":"\ufffd \ud83d\ude00 \ufffd"})");
}

}  // namespace
}  // namespace ledger::webhook
