// decide-review: a reviewer approves or rejects an item waiting in the review queue.
#include "commands/content/content_fields.h"
#include "commands/event_types.h"
#include "commands/internal/handler_env.h"

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;

struct ReviewRequest {
  ContentRef ref;
  bool approve = false;
  std::string reason;
};

Result<ReviewRequest> Decode(std::string_view body) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  ReviewRequest r;
  LEDGER_ASSIGN_OR_RETURN(r.ref, DecodeContentRef(fields));
  LEDGER_ASSIGN_OR_RETURN(std::string decision, fields.String("decision", {.max_bytes = 16}));
  if (decision != "approve" && decision != "reject") {
    return InvalidArgument("field 'decision' must be approve or reject");
  }
  r.approve = decision == "approve";
  LEDGER_ASSIGN_OR_RETURN(r.reason, fields.String("reason", {.max_bytes = kMaxReasonBytes}));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  return r;
}

// Why an item that is not waiting for review cannot be decided: a second decision names the
// first one, so the reviewer sees who got there first.
Status NotQueued(const std::string& id, const ContentState& s) {
  std::string message = "content '" + id + "' is not in the review queue: ";
  if (!s.reviews.empty()) {
    const ReviewRecord& last = s.reviews.back();
    return FailedPrecondition(message + "its " + std::string(ReviewOriginName(last.origin)) +
                              " escalation was already " +
                              (last.approved ? "approved" : "rejected") + " by " + last.reviewer +
                              " (stream version " + std::to_string(last.version.value()) + ")");
  }
  return FailedPrecondition(message + "it was never escalated (status " + s.Status() + ")");
}

}  // namespace

Result<CommandOutcome> DecideReview(const HandlerEnv& env, std::string_view body,
                                    const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(ReviewRequest request, Decode(body));
  auto decide = [&](std::span<const RecordedEvent> history) -> Result<Decision> {
    LEDGER_ASSIGN_OR_RETURN(ContentState state, FoldContent(history));
    if (!state.exists()) return NotFound(UnknownContent(request.ref.content_id));
    if (!state.pending) return NotQueued(request.ref.content_id, state);
    const PendingReview pending = *state.pending;
    std::string_view origin = ReviewOriginName(pending.origin);
    json::object payload{{"content_id", request.ref.content_id},
                         {"origin", origin},
                         {"decision", request.approve ? "approve" : "reject"},
                         {"reviewer", context.principal.subject},
                         {"reviewer_role", context.principal.role},
                         {"reason", request.reason},
                         {"request_version", pending.requested_at.value()}};
    ContentState next = state;
    next.pending.reset();
    next.reviews.push_back(
        ReviewRecord{pending.origin, request.approve, context.principal.subject, StreamVersion(0)});
    Decision d;
    d.events.push_back(
        PlannedEvent{std::string(request.approve ? kReviewApproved : kReviewRejected), 1,
                     std::move(payload), pending.request_event_id});
    d.response = json::object{{"content_id", request.ref.content_id},
                              {"decision", request.approve ? "approve" : "reject"},
                              {"origin", origin},
                              {"status", next.Status()}};
    return d;
  };
  return RunStreamCommand(env.command, context, "decide-review", request.ref.stream,
                          UnknownContent(request.ref.content_id), decide);
}

}  // namespace ledger::commands::internal
