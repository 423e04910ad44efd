// screen-content: rights screening of a generated content item, once per content id.
#include <boost/json/parse.hpp>
#include <cmath>

#include "commands/content/content_fields.h"
#include "commands/content/screening_json.h"
#include "commands/event_types.h"
#include "commands/internal/handler_env.h"
#include "engine/sha256.h"

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;
using screening::ContentItem;

constexpr std::size_t kMaxNameBytes = 300;
constexpr std::size_t kMaxTextBytes = 10000;
constexpr std::size_t kMaxTags = 50;
constexpr std::size_t kMaxTagBytes = 100;
constexpr std::size_t kMaxImageHashes = 20;

struct ScreenRequest {
  ContentRef ref;
  ContentItem item;
};

Status CheckImageHashes(const std::vector<std::string>& hashes) {
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const std::string& h = hashes[i];
    bool hex = h.size() == 16 && h.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (!hex) {
      return InvalidArgument("field 'image_hashes[" + std::to_string(i) +
                             "]' must be a 64-bit perceptual hash: 16 hex digits");
    }
  }
  return Status::Ok();
}

Result<ScreenRequest> Decode(std::string_view body) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  ScreenRequest r;
  LEDGER_ASSIGN_OR_RETURN(r.ref, DecodeContentRef(fields));
  r.item.content_id = r.ref.content_id;
  LEDGER_ASSIGN_OR_RETURN(r.item.name, fields.String("name", {.max_bytes = kMaxNameBytes}));
  LEDGER_ASSIGN_OR_RETURN(r.item.description,
                          fields.String("description", {kMaxTextBytes, /*allow_empty=*/true}));
  LEDGER_ASSIGN_OR_RETURN(r.item.design_brief,
                          fields.OptionalString("design_brief", {kMaxTextBytes, true}));
  LEDGER_ASSIGN_OR_RETURN(auto tags,
                          fields.OptionalStringArray("tags", kMaxTags, {kMaxTagBytes, false}));
  r.item.tags = tags.value_or(std::vector<std::string>{});
  LEDGER_ASSIGN_OR_RETURN(auto hashes,
                          fields.OptionalStringArray("image_hashes", kMaxImageHashes, {16, false}));
  r.item.image_hashes = hashes.value_or(std::vector<std::string>{});
  LEDGER_RETURN_IF_ERROR(CheckImageHashes(r.item.image_hashes));
  LEDGER_ASSIGN_OR_RETURN(std::optional<double> visual,
                          fields.OptionalNumber("visual_similarity", 0.0, 1.0));
  if (visual) r.item.visual_similarity_bp = static_cast<int>(std::lround(*visual * 10000));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  return r;
}

json::object Response(const std::string& content_id, const json::object& decided,
                      const ContentState& after) {
  json::object response;
  response["content_id"] = content_id;
  for (const char* key : {"decision", "rules", "reason", "rule_set"}) {
    if (const json::value* v = decided.if_contains(key)) response[key] = *v;
  }
  response["status"] = after.Status();
  return response;
}

// The screening.decided payload, and the review request that goes with an escalation.
std::vector<PlannedEvent> PlanEvents(const HandlerEnv& env, const ScreenRequest& r,
                                     const screening::ScreeningResult& result,
                                     const std::string& input_digest) {
  const screening::Screener& s = *env.screener;
  json::object decided;
  decided["content_id"] = r.ref.content_id;
  decided["decision"] = screening::VerdictName(result.decision);
  decided["reason"] = result.reason;
  decided["rules"] = FindingsToJson(result, s.policy());
  decided["rules_total"] = result.findings.size();
  decided["rule_set"] =
      json::object{{"version", s.rules().version()}, {"digest", s.rules().digest()}};
  decided["policy"] = PolicyToJson(s.policy());
  if (result.model) decided["model"] = ModelReportToJson(*result.model);
  decided["item"] = ItemToJson(r.item);
  decided["input_sha256"] = input_digest;
  std::vector<PlannedEvent> events;
  events.push_back(PlannedEvent{std::string(kScreeningDecided), 1, decided, ""});
  if (result.decision == screening::Verdict::kEscalate) {
    json::object request{{"content_id", r.ref.content_id},
                         {"origin", "screening"},
                         {"reason", result.reason},
                         {"rules", decided["rules"]},
                         {"item", decided["item"]}};
    events.push_back(PlannedEvent{std::string(kReviewRequested), 1, std::move(request), ""});
  }
  return events;
}

}  // namespace

Result<CommandOutcome> ScreenContent(const HandlerEnv& env, std::string_view body,
                                     const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(ScreenRequest request, Decode(body));
  // Identifies the submitted item, so that a client retrying the same request gets the
  // recorded decision back instead of a refusal.
  std::string digest = "sha256:" + HexEncode(Sha256::Of(Serialize(ItemToJson(request.item))));
  std::optional<screening::ScreeningResult> result;  // screened once, even across retries
  auto decide = [&](std::span<const RecordedEvent> history) -> Result<Decision> {
    LEDGER_ASSIGN_OR_RETURN(ContentState state, FoldContent(history));
    if (state.screening != ScreeningOutcome::kNone) {
      boost::system::error_code ec;
      json::value parsed = json::parse(state.screening_payload, ec);
      json::object previous = !ec && parsed.is_object() ? parsed.get_object() : json::object{};
      const json::value* same = previous.if_contains("input_sha256");
      if (same != nullptr && same->is_string() && same->get_string() == digest) {
        return Decision{{}, Response(request.ref.content_id, previous, state)};
      }
      return FailedPrecondition(
          "content '" + request.ref.content_id + "' was already screened (status " +
          state.Status() + ", screening recorded at stream version " +
          std::to_string(state.screened_at.value()) +
          "); screening is recorded once per item: submit changed content under a new content_id");
    }
    if (!result) result = env.screener->Screen(request.item);
    Decision d;
    d.events = PlanEvents(env, request, *result, digest);
    ContentState next = state;
    next.screening = result->decision == screening::Verdict::kPass    ? ScreeningOutcome::kPass
                     : result->decision == screening::Verdict::kBlock ? ScreeningOutcome::kBlock
                                                                      : ScreeningOutcome::kEscalate;
    if (next.screening == ScreeningOutcome::kEscalate) next.pending = PendingReview{};
    d.response = Response(request.ref.content_id, d.events.front().payload, next);
    return d;
  };
  return RunStreamCommand(env.command, context, "screen-content", request.ref.stream,
                          UnknownContent(request.ref.content_id), decide);
}

}  // namespace ledger::commands::internal
