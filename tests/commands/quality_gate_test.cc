#include "commands/content/quality_gate.h"

#include <doctest/doctest.h>

namespace ledger::commands {
namespace {

QualityInput GoodInput() {
  QualityInput in;
  in.description = std::string(120, 'x');
  in.images = {{2400, 3000}, {1200, 1200}};
  in.price_minor = 2500;
  in.currency = "USD";
  in.category = "t-shirt";
  return in;
}

const CheckResult& CheckNamed(const QualityResult& r, std::string_view name) {
  for (const CheckResult& c : r.checks) {
    if (c.check == name) return c;
  }
  FAIL("no check named ", name);
  return r.checks.front();
}

TEST_CASE("a complete listing passes every check") {
  QualityResult r = EvaluateQualityGate(QualityPolicy{}, GoodInput());
  CHECK(r.verdict == QualityVerdict::kPass);
  REQUIRE(r.checks.size() == 7);
  for (const CheckResult& c : r.checks) CHECK_MESSAGE(c.passed, c.check, ": ", c.detail);
  CHECK(r.reason == "every check passed");
}

TEST_CASE("each check fails on its own") {
  QualityPolicy policy;
  auto failing = [&](const QualityInput& in) {
    QualityResult r = EvaluateQualityGate(policy, in);
    CHECK(r.verdict == QualityVerdict::kFail);
    return r;
  };
  QualityInput short_text = GoodInput();
  short_text.description = "Too short";
  CHECK_FALSE(CheckNamed(failing(short_text), "description_length").passed);

  QualityInput no_images = GoodInput();
  no_images.images.clear();
  QualityResult r = failing(no_images);
  CHECK_FALSE(CheckNamed(r, "image_count").passed);
  CHECK_FALSE(CheckNamed(r, "image_resolution").passed);

  QualityInput low_res = GoodInput();
  low_res.images.push_back({800, 600});
  CHECK(CheckNamed(failing(low_res), "image_resolution").detail ==
        "image 2 is 800x600, below 1200x1200");

  QualityInput cheap = GoodInput();
  cheap.price_minor = 999;
  CHECK(CheckNamed(failing(cheap), "price_range").detail ==
        "999 USD minor units is outside [1500 USD minor units, 4500 USD minor units]");
  QualityInput negative = GoodInput();
  negative.price_minor = -1;
  CHECK_FALSE(CheckNamed(failing(negative), "price_range").passed);

  QualityInput yen = GoodInput();
  yen.currency = "JPY";
  CHECK_FALSE(CheckNamed(failing(yen), "price_range").passed);

  QualityInput unknown = GoodInput();
  unknown.category = "spaceship";
  CHECK_FALSE(CheckNamed(failing(unknown), "category_assigned").passed);

  QualityInput blank = GoodInput();
  blank.category = "  ";
  blank.currency = "";
  QualityResult b = failing(blank);
  CHECK(CheckNamed(b, "required_fields").detail == "blank: currency, category");
  CHECK(b.reason.find("required_fields") != std::string::npos);
}

TEST_CASE("description length counts characters, not bytes") {
  QualityPolicy policy;
  policy.min_description_chars = 5;
  QualityInput in = GoodInput();
  in.description = "\u00E9\u00E9\u00E9\u00E9";  // 4 characters, 8 bytes
  CHECK_FALSE(CheckNamed(EvaluateQualityGate(policy, in), "description_length").passed);
}

TEST_CASE("a provider error escalates even when other checks fail") {
  QualityInput in = GoodInput();
  in.provider_error = ProviderError{"printify", "8150", "Blueprint unavailable", "pf_99"};
  QualityResult r = EvaluateQualityGate(QualityPolicy{}, in);
  CHECK(r.verdict == QualityVerdict::kEscalate);
  CHECK(CheckNamed(r, "provider_error").detail ==
        "printify error 8150: Blueprint unavailable (product pf_99)");
  in.price_minor = 1;
  CHECK(EvaluateQualityGate(QualityPolicy{}, in).verdict == QualityVerdict::kEscalate);
}

TEST_CASE("policy is configurable") {
  QualityPolicy policy;
  policy.min_images = 3;
  policy.price_ranges = {{"mug", "GBP", 500, 900}};
  QualityInput in = GoodInput();
  in.category = "mug";
  in.currency = "GBP";
  in.price_minor = 800;
  QualityResult r = EvaluateQualityGate(policy, in);
  CHECK_FALSE(CheckNamed(r, "image_count").passed);
  CHECK(CheckNamed(r, "price_range").passed);
}

}  // namespace
}  // namespace ledger::commands
