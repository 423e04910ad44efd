// evaluate-quality: the quality gate over a screened listing, with the provider error (if
// any) that happened while creating the product.
#include "commands/content/content_fields.h"
#include "commands/event_types.h"
#include "commands/internal/handler_env.h"

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxImages = 50;
constexpr std::int64_t kMaxPixels = 100000;
constexpr std::int64_t kMaxPriceMinor = 1'000'000'000'000;  // beyond any real listing

struct QualityRequest {
  ContentRef ref;
  QualityInput input;
};

Result<std::optional<ProviderError>> DecodeProviderError(JsonFields& fields) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<JsonFields> object,
                          fields.OptionalObject("provider_error"));
  if (!object) return std::optional<ProviderError>();
  ProviderError e;
  LEDGER_ASSIGN_OR_RETURN(e.provider, object->String("provider", {.max_bytes = 32}));
  if (e.provider != "printify" && e.provider != "stripe") {
    return InvalidArgument("field 'provider_error.provider' must be printify or stripe");
  }
  LEDGER_ASSIGN_OR_RETURN(auto code, object->OptionalString("code", {.max_bytes = 200}));
  LEDGER_ASSIGN_OR_RETURN(e.message, object->String("message", {.max_bytes = kMaxReasonBytes}));
  LEDGER_ASSIGN_OR_RETURN(auto product, object->OptionalString("product_id", {.max_bytes = 200}));
  LEDGER_RETURN_IF_ERROR(object->Finish());
  e.code = code.value_or("");
  e.product_id = product.value_or("");
  return std::optional<ProviderError>(std::move(e));
}

Result<std::string> DecodeCurrency(JsonFields& fields) {
  LEDGER_ASSIGN_OR_RETURN(std::string currency, fields.String("currency", {8, true}));
  bool blank = currency.find_first_not_of(' ') == std::string::npos;
  if (blank) return currency;  // the required_fields check reports it
  if (currency.size() != 3 ||
      currency.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
    return InvalidArgument("field 'currency' must be a three-letter ISO 4217 code");
  }
  for (char& c : currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return currency;
}

Result<QualityRequest> Decode(std::string_view body) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  QualityRequest r;
  LEDGER_ASSIGN_OR_RETURN(r.ref, DecodeContentRef(fields));
  LEDGER_ASSIGN_OR_RETURN(r.input.description, fields.String("description", {10000, true}));
  LEDGER_ASSIGN_OR_RETURN(std::vector<JsonFields> images, fields.ObjectArray("images", kMaxImages));
  for (JsonFields& image : images) {
    ImageSize size;
    LEDGER_ASSIGN_OR_RETURN(size.width, image.Int("width", 1, kMaxPixels));
    LEDGER_ASSIGN_OR_RETURN(size.height, image.Int("height", 1, kMaxPixels));
    LEDGER_RETURN_IF_ERROR(image.Finish());
    r.input.images.push_back(size);
  }
  LEDGER_ASSIGN_OR_RETURN(r.input.price_minor,
                          fields.Int("price_minor", -kMaxPriceMinor, kMaxPriceMinor));
  LEDGER_ASSIGN_OR_RETURN(r.input.currency, DecodeCurrency(fields));
  LEDGER_ASSIGN_OR_RETURN(r.input.category, fields.String("category", {64, true}));
  LEDGER_ASSIGN_OR_RETURN(r.input.provider_error, DecodeProviderError(fields));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  return r;
}

Status CheckEvaluable(const std::string& id, const ContentState& s) {
  if (!s.exists()) return NotFound(UnknownContent(id));
  std::string refusal = "content '" + id + "' cannot be evaluated for quality: ";
  if (s.published || s.pending || s.Rejected() || !s.ScreeningCleared()) {
    return FailedPrecondition(refusal + DescribeState(s));
  }
  if (s.QualityCleared()) return FailedPrecondition(refusal + "it already passed quality");
  return Status::Ok();
}

json::array ChecksToJson(const QualityResult& result) {
  json::array checks;
  for (const CheckResult& c : result.checks) {
    checks.push_back(json::object{
        {"check", c.check}, {"outcome", c.passed ? "pass" : "fail"}, {"detail", c.detail}});
  }
  return checks;
}

json::object InputToJson(const QualityInput& in) {
  json::array images;
  for (const ImageSize& i : in.images) {
    images.push_back(json::object{{"width", i.width}, {"height", i.height}});
  }
  return json::object{{"description", in.description},
                      {"images", std::move(images)},
                      {"price_minor", in.price_minor},
                      {"currency", in.currency},
                      {"category", in.category}};
}

std::vector<PlannedEvent> PlanEvents(const QualityPolicy& policy, const QualityRequest& r,
                                     const QualityResult& result) {
  json::object verdict{
      {"content_id", r.ref.content_id},   {"verdict", QualityVerdictName(result.verdict)},
      {"reason", result.reason},          {"checks", ChecksToJson(result)},
      {"policy_version", policy.version}, {"input", InputToJson(r.input)}};
  if (r.input.provider_error) {
    const ProviderError& e = *r.input.provider_error;
    verdict["provider_error"] = json::object{{"provider", e.provider},
                                             {"code", e.code},
                                             {"message", e.message},
                                             {"product_id", e.product_id}};
  }
  std::vector<PlannedEvent> events;
  events.push_back(PlannedEvent{std::string(kQualityVerdictRecorded), 1, verdict, ""});
  if (result.verdict == QualityVerdict::kEscalate) {
    json::object request{{"content_id", r.ref.content_id},
                         {"origin", "quality"},
                         {"reason", result.reason},
                         {"checks", verdict["checks"]},
                         {"provider_error", verdict["provider_error"]}};
    events.push_back(PlannedEvent{std::string(kReviewRequested), 1, std::move(request), ""});
  }
  return events;
}

}  // namespace

Result<CommandOutcome> EvaluateQuality(const HandlerEnv& env, std::string_view body,
                                       const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(QualityRequest request, Decode(body));
  QualityResult result = EvaluateQualityGate(*env.quality, request.input);
  auto decide = [&](std::span<const RecordedEvent> history) -> Result<Decision> {
    LEDGER_ASSIGN_OR_RETURN(ContentState state, FoldContent(history));
    LEDGER_RETURN_IF_ERROR(CheckEvaluable(request.ref.content_id, state));
    Decision d;
    d.events = PlanEvents(*env.quality, request, result);
    ContentState next = state;
    next.quality = result.verdict == QualityVerdict::kPass   ? QualityOutcome::kPass
                   : result.verdict == QualityVerdict::kFail ? QualityOutcome::kFail
                                                             : QualityOutcome::kEscalate;
    if (next.quality == QualityOutcome::kEscalate) next.pending = PendingReview{};
    d.response = json::object{{"content_id", request.ref.content_id},
                              {"verdict", QualityVerdictName(result.verdict)},
                              {"checks", ChecksToJson(result)},
                              {"reason", result.reason},
                              {"status", next.Status()}};
    return d;
  };
  return RunStreamCommand(env.command, context, "evaluate-quality", request.ref.stream,
                          UnknownContent(request.ref.content_id), decide);
}

}  // namespace ledger::commands::internal
