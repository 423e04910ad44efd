#include "commands/internal/json_fields.h"

#include <doctest/doctest.h>

namespace ledger::commands::internal {
namespace {

std::string ErrorOf(const Status& s) {
  CHECK(s.code() == StatusCode::kInvalidArgument);
  return s.message();
}

TEST_CASE("reads typed fields and refuses unknown ones") {
  Result<JsonFields> parsed = JsonFields::Parse(
      R"({"s":"x","i":42,"b":true,"n":0.5,"a":["p","q"],"o":{"k":1},"extra":null,"typo":1})");
  REQUIRE(parsed.ok());
  JsonFields f = std::move(parsed).value();
  CHECK(f.String("s").value() == "x");
  CHECK(f.Int("i", 0, 100).value() == 42);
  CHECK(f.Bool("b").value());
  CHECK(*f.OptionalNumber("n", 0, 1).value() == 0.5);
  CHECK(*f.OptionalStringArray("a", 5).value() == std::vector<std::string>{"p", "q"});
  std::optional<JsonFields> o = f.OptionalObject("o").value();
  REQUIRE(o.has_value());
  CHECK(o->Int("k", 0, 9).value() == 1);
  CHECK(o->Finish().ok());
  CHECK_FALSE(f.OptionalString("extra").value().has_value());  // null is absent
  CHECK(ErrorOf(f.Finish()) == "unknown field 'typo'");
}

TEST_CASE("missing, mistyped and out-of-range fields name the field") {
  JsonFields f = JsonFields::Parse(
                     R"({"name":7,"price":12.5,"big":18446744073709551615,"empty":"","flag":"yes",
          "items":[{"w":1},"x"],"neg":-3})")
                     .value();
  CHECK(ErrorOf(f.String("missing").status()) == "missing required field 'missing'");
  CHECK(ErrorOf(f.String("name").status()) == "field 'name' must be a string, got an integer");
  CHECK(ErrorOf(f.Int("price", 0, 100).status()) ==
        "field 'price' must be an integer, got a number");
  CHECK(ErrorOf(f.Int("big", 0, 100).status()).find("out of range") != std::string::npos);
  CHECK(ErrorOf(f.Int("neg", 0, 100).status()).find("out of range") != std::string::npos);
  CHECK(ErrorOf(f.String("empty").status()) == "field 'empty' must not be empty");
  CHECK(f.String("empty", {.allow_empty = true}).ok());
  CHECK(ErrorOf(f.Bool("flag").status()) == "field 'flag' must be a boolean, got a string");
  CHECK(ErrorOf(f.ObjectArray("items", 5).status()) ==
        "field 'items[1]' must be an object, got a string");
}

TEST_CASE("nested paths, limits and duplicate keys") {
  JsonFields f =
      JsonFields::Parse(R"({"images":[{"width":1,"height":"2"}],"tags":["a","b","c"]})").value();
  std::vector<JsonFields> images = f.ObjectArray("images", 5).value();
  CHECK(ErrorOf(images[0].Int("height", 1, 9).status()) ==
        "field 'images[0].height' must be an integer, got a string");
  CHECK(ErrorOf(f.OptionalStringArray("tags", 2).status()) == "field 'tags' has more than 2 items");
  CHECK(ErrorOf(JsonFields::Parse(R"({"a":1,"a":2})").status()) == "duplicate field 'a'");
  CHECK(ErrorOf(JsonFields::Parse(R"({"o":{"k":1,"k":1}})").status()) == "duplicate field 'k'");
  CHECK(JsonFields::Parse(R"({"o":{"k":1},"p":{"k":1}})").ok());  // same key, other objects
  CHECK(ErrorOf(JsonFields::Parse("[1]").status()) == "body must be a JSON object");
  CHECK(ErrorOf(JsonFields::Parse("{").status()).starts_with("body is not valid JSON"));
  CHECK(ErrorOf(JsonFields::Parse("").status()).starts_with("body is not valid JSON"));
  CHECK(ErrorOf(JsonFields::Parse("{} {}").status()).starts_with("body is not valid JSON"));
  CHECK(ErrorOf(JsonFields::Parse(std::string("{\"a\":\"\xFF\"}")).status())
            .starts_with("body is not valid JSON"));
}

}  // namespace
}  // namespace ledger::commands::internal
