#include "commands/content/quality_gate.h"

#include <algorithm>
#include <cctype>

namespace ledger::commands {
namespace {

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::size_t CodePoints(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

std::string Money(std::int64_t minor, const std::string& currency) {
  return std::to_string(minor) + " " + currency + " minor units";
}

CheckResult RequiredFields(const QualityInput& in) {
  std::string missing;
  auto note = [&](const char* name, const std::string& value) {
    if (Blank(value)) missing += missing.empty() ? name : std::string(", ") + name;
  };
  note("description", in.description);
  note("currency", in.currency);
  note("category", in.category);
  if (missing.empty()) return {"required_fields", true, "description, currency and category given"};
  return {"required_fields", false, "blank: " + missing};
}

CheckResult Images(const QualityPolicy& p, const QualityInput& in) {
  std::string detail;
  for (std::size_t i = 0; i < in.images.size(); ++i) {
    const ImageSize& img = in.images[i];
    if (img.width < p.min_image_width || img.height < p.min_image_height) {
      detail += (detail.empty() ? "" : "; ") + std::string("image ") + std::to_string(i) + " is " +
                std::to_string(img.width) + "x" + std::to_string(img.height);
    }
  }
  std::string want = std::to_string(p.min_image_width) + "x" + std::to_string(p.min_image_height);
  if (in.images.empty()) return {"image_resolution", false, "no images to check"};
  if (!detail.empty()) return {"image_resolution", false, detail + ", below " + want};
  return {"image_resolution", true, "every image is at least " + want};
}

const PriceRange* FindRange(const QualityPolicy& p, const std::string& category,
                            const std::string& currency) {
  for (const PriceRange& r : p.price_ranges) {
    if (r.category == category && (currency.empty() || r.currency == currency)) return &r;
  }
  return nullptr;
}

CheckResult Price(const QualityPolicy& p, const QualityInput& in) {
  const PriceRange* range = FindRange(p, in.category, in.currency);
  if (range == nullptr) {
    return {"price_range", false,
            "no price range for category '" + in.category + "' in '" + in.currency + "'"};
  }
  std::string bounds = "[" + Money(range->min_minor, range->currency) + ", " +
                       Money(range->max_minor, range->currency) + "]";
  bool ok = in.price_minor >= range->min_minor && in.price_minor <= range->max_minor;
  return {"price_range", ok,
          Money(in.price_minor, in.currency) + (ok ? " is within " : " is outside ") + bounds};
}

}  // namespace

std::vector<PriceRange> QualityPolicy::DefaultPriceRanges() {
  struct Base {
    const char* category;
    std::int64_t min_minor;
    std::int64_t max_minor;
  };
  constexpr Base kBases[] = {
      {"t-shirt", 1500, 4500},    {"hoodie", 3000, 8000},   {"mug", 1000, 3000},
      {"poster", 800, 6000},      {"tote-bag", 1200, 4000}, {"sticker", 200, 1000},
      {"phone-case", 1500, 4500},
  };
  std::vector<PriceRange> ranges;
  for (const char* currency : {"USD", "EUR", "GBP"}) {
    for (const Base& b : kBases) ranges.push_back({b.category, currency, b.min_minor, b.max_minor});
  }
  return ranges;
}

std::string_view QualityVerdictName(QualityVerdict verdict) {
  switch (verdict) {
    case QualityVerdict::kPass:
      return "pass";
    case QualityVerdict::kFail:
      return "fail";
    case QualityVerdict::kEscalate:
      return "escalate";
  }
  return "fail";
}

QualityResult EvaluateQualityGate(const QualityPolicy& p, const QualityInput& in) {
  QualityResult r;
  r.checks.push_back(RequiredFields(in));
  std::size_t chars = CodePoints(in.description);
  r.checks.push_back(
      {"description_length", chars >= p.min_description_chars,
       std::to_string(chars) + " characters, minimum " + std::to_string(p.min_description_chars)});
  bool count_ok = in.images.size() >= p.min_images && in.images.size() <= p.max_images;
  r.checks.push_back({"image_count", count_ok,
                      std::to_string(in.images.size()) + " images, allowed " +
                          std::to_string(p.min_images) + " to " + std::to_string(p.max_images)});
  r.checks.push_back(Images(p, in));
  bool known = !Blank(in.category) && FindRange(p, in.category, "") != nullptr;
  r.checks.push_back({"category_assigned", known,
                      known ? "category '" + in.category + "'"
                            : "category '" + in.category + "' is not one the policy prices"});
  r.checks.push_back(Price(p, in));
  if (in.provider_error) {
    const ProviderError& e = *in.provider_error;
    r.checks.push_back({"provider_error", false,
                        e.provider + " error" + (e.code.empty() ? "" : " " + e.code) + ": " +
                            e.message +
                            (e.product_id.empty() ? "" : " (product " + e.product_id + ")")});
  } else {
    r.checks.push_back({"provider_error", true, "no provider error reported"});
  }
  std::vector<std::string> failed;
  for (const CheckResult& c : r.checks) {
    if (!c.passed) failed.push_back(c.check);
  }
  if (in.provider_error) {
    r.verdict = QualityVerdict::kEscalate;
  } else {
    r.verdict = failed.empty() ? QualityVerdict::kPass : QualityVerdict::kFail;
  }
  r.reason = failed.empty() ? "every check passed" : "failed:";
  for (const std::string& f : failed) r.reason += " " + f;
  return r;
}

}  // namespace ledger::commands
