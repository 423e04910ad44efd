#include "commands/content/content_state.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "commands/event_types.h"
#include "engine/uuid.h"

namespace ledger::commands {
namespace {

namespace json = boost::json;

Status Malformed(const RecordedEvent& e, std::string_view why) {
  return DataLoss(e.stream_id.value() + " version " + std::to_string(e.stream_version.value()) +
                  " (" + e.event_type + "): " + std::string(why));
}

// The string field `key` of `payload`, or nullptr.
const json::string* StringField(const json::object& payload, std::string_view key) {
  const json::value* v = payload.if_contains(json::string_view(key.data(), key.size()));
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

Result<ReviewOrigin> OriginOf(const RecordedEvent& e, const json::object& payload) {
  const json::string* origin = StringField(payload, "origin");
  if (origin != nullptr && *origin == "screening") return ReviewOrigin::kScreening;
  if (origin != nullptr && *origin == "quality") return ReviewOrigin::kQuality;
  return Malformed(e, "origin must be screening or quality");
}

Status ApplyScreening(ContentState& s, const RecordedEvent& e, const json::object& p) {
  const json::string* d = StringField(p, "decision");
  if (d == nullptr) return Malformed(e, "no decision");
  if (*d == "pass") {
    s.screening = ScreeningOutcome::kPass;
  } else if (*d == "block") {
    s.screening = ScreeningOutcome::kBlock;
  } else if (*d == "escalate") {
    s.screening = ScreeningOutcome::kEscalate;
  } else {
    return Malformed(e, "decision must be pass, block or escalate");
  }
  s.screening_payload = e.payload;
  s.screened_at = e.stream_version;
  return Status::Ok();
}

Status ApplyQuality(ContentState& s, const RecordedEvent& e, const json::object& p) {
  const json::string* v = StringField(p, "verdict");
  if (v == nullptr) return Malformed(e, "no verdict");
  if (*v == "pass") {
    s.quality = QualityOutcome::kPass;
  } else if (*v == "fail") {
    s.quality = QualityOutcome::kFail;
  } else if (*v == "escalate") {
    s.quality = QualityOutcome::kEscalate;
  } else {
    return Malformed(e, "verdict must be pass, fail or escalate");
  }
  return Status::Ok();
}

Status ApplyReview(ContentState& s, const RecordedEvent& e, const json::object& p) {
  LEDGER_ASSIGN_OR_RETURN(ReviewOrigin origin, OriginOf(e, p));
  if (e.event_type == kReviewRequested) {
    s.pending = PendingReview{origin, e.stream_version, e.event_id.ToString()};
    return Status::Ok();
  }
  const json::string* reviewer = StringField(p, "reviewer");
  s.reviews.push_back(ReviewRecord{origin, e.event_type == kReviewApproved,
                                   reviewer == nullptr ? "" : std::string(*reviewer),
                                   e.stream_version});
  s.pending.reset();
  return Status::Ok();
}

Status Apply(ContentState& s, const RecordedEvent& e) {
  const std::string& t = e.event_type;
  bool known = t == kScreeningDecided || t == kQualityVerdictRecorded || t == kReviewRequested ||
               t == kReviewApproved || t == kReviewRejected || t == kContentPublished;
  if (!known) return Status::Ok();
  boost::system::error_code ec;
  json::value v = json::parse(e.payload, ec);
  if (ec || !v.is_object()) return Malformed(e, "payload is not a JSON object");
  const json::object& p = v.get_object();
  if (t == kScreeningDecided) return ApplyScreening(s, e, p);
  if (t == kQualityVerdictRecorded) return ApplyQuality(s, e, p);
  if (t == kContentPublished) {
    s.published = true;
    s.published_at = e.stream_version;
    return Status::Ok();
  }
  return ApplyReview(s, e, p);
}

}  // namespace

std::string_view ReviewOriginName(ReviewOrigin origin) {
  return origin == ReviewOrigin::kScreening ? "screening" : "quality";
}

const ReviewRecord* ContentState::LastReview(ReviewOrigin origin) const {
  for (auto it = reviews.rbegin(); it != reviews.rend(); ++it) {
    if (it->origin == origin) return &*it;
  }
  return nullptr;
}

bool ContentState::Rejected() const {
  for (const ReviewRecord& r : reviews) {
    if (!r.approved) return true;
  }
  return false;
}

bool ContentState::ScreeningCleared() const {
  if (screening == ScreeningOutcome::kPass) return true;
  const ReviewRecord* r = LastReview(ReviewOrigin::kScreening);
  return screening == ScreeningOutcome::kEscalate && r != nullptr && r->approved;
}

bool ContentState::QualityCleared() const {
  if (quality == QualityOutcome::kPass) return true;
  const ReviewRecord* r = LastReview(ReviewOrigin::kQuality);
  return quality == QualityOutcome::kEscalate && r != nullptr && r->approved;
}

std::string ContentState::Status() const {
  if (published) return "published";
  if (pending) return "in_review";
  if (Rejected()) return "rejected";
  if (screening == ScreeningOutcome::kNone) return "unscreened";
  if (screening == ScreeningOutcome::kBlock) return "blocked";
  if (quality == QualityOutcome::kNone) return "screened";
  if (quality == QualityOutcome::kFail) return "quality_failed";
  return QualityCleared() ? "ready" : "in_review";
}

Result<ContentState> FoldContent(std::span<const RecordedEvent> history) {
  ContentState state;
  for (const RecordedEvent& e : history) {
    LEDGER_RETURN_IF_ERROR(Apply(state, e));
    state.version = e.stream_version;
  }
  return state;
}

}  // namespace ledger::commands
