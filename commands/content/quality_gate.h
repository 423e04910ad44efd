// The quality gate: structured checks a listing must pass before it is published
// (DESIGN.md section 6). Pure: the same input and policy always give the same verdict.
//
// Checks, each recorded with its outcome:
//   required_fields     description, currency and category are not blank
//   description_length  at least min_description_chars characters (code points)
//   image_count         between min_images and max_images images
//   image_resolution    every image at least min_image_width x min_image_height
//   category_assigned   the category is one the policy has prices for
//   price_range         price_minor within the range for (category, currency)
//   provider_error      no Printify/Stripe error was reported while creating the product
// Verdict: escalate if a provider error was reported (a human must look at what may be an
// orphaned product, whatever else failed), otherwise fail if any check failed, else pass.
#ifndef LEDGER_COMMANDS_CONTENT_QUALITY_GATE_H_
#define LEDGER_COMMANDS_CONTENT_QUALITY_GATE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ledger::commands {

// Prices in integer minor units of `currency` (ISO 4217, upper case): 2500 is 25.00.
struct PriceRange {
  std::string category;
  std::string currency;
  std::int64_t min_minor = 0;
  std::int64_t max_minor = 0;
};

struct QualityPolicy {
  std::string version = "quality-v1";  // recorded with every verdict
  std::size_t min_description_chars = 80;
  std::size_t min_images = 1;
  std::size_t max_images = 10;
  std::int64_t min_image_width = 1200;  // pixels; print needs roughly 150 dpi at 8 inches
  std::int64_t min_image_height = 1200;
  std::vector<PriceRange> price_ranges = DefaultPriceRanges();

  // t-shirt, hoodie, mug, poster, tote-bag, sticker, phone-case in USD, EUR and GBP.
  static std::vector<PriceRange> DefaultPriceRanges();
};

struct ImageSize {
  std::int64_t width = 0;
  std::int64_t height = 0;
};

struct ProviderError {
  std::string provider;  // "printify" or "stripe"
  std::string code;      // the provider's error code, may be empty
  std::string message;
  std::string product_id;  // the provider's product id if one was created, may be empty
};

struct QualityInput {
  std::string description;
  std::vector<ImageSize> images;
  std::int64_t price_minor = 0;
  std::string currency;  // upper case
  std::string category;
  std::optional<ProviderError> provider_error;
};

enum class QualityVerdict { kPass, kFail, kEscalate };
std::string_view QualityVerdictName(QualityVerdict verdict);  // "pass", "fail", "escalate"

struct CheckResult {
  std::string check;
  bool passed = false;
  std::string detail;
};

struct QualityResult {
  QualityVerdict verdict = QualityVerdict::kPass;
  std::vector<CheckResult> checks;  // every check, in the order listed above
  std::string reason;
};

QualityResult EvaluateQualityGate(const QualityPolicy& policy, const QualityInput& input);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CONTENT_QUALITY_GATE_H_
