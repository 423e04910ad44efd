// The state of one content item, folded from its stream content-<content_id>: where it
// stands in screening, quality, review and publishing. Every content command decides from
// this and nothing else, so the rules below are the whole lifecycle:
//
//   screen-content    once per item: pass | block | escalate (escalate queues a review)
//   evaluate-quality  when screening passed or its escalation was approved, no review is
//                     pending, and quality has not passed yet (a failed verdict can be
//                     re-evaluated after the listing is fixed): pass | fail | escalate
//   decide-review     only while a review is pending; approve or reject it, once
//   publish-content   only when screening and quality both passed or were approved
//
// A rejection in review is final for the item.
#ifndef LEDGER_COMMANDS_CONTENT_CONTENT_STATE_H_
#define LEDGER_COMMANDS_CONTENT_CONTENT_STATE_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/event.h"
#include "engine/result.h"

namespace ledger::commands {

enum class ScreeningOutcome { kNone, kPass, kBlock, kEscalate };
enum class QualityOutcome { kNone, kPass, kFail, kEscalate };
enum class ReviewOrigin { kScreening, kQuality };

std::string_view ReviewOriginName(ReviewOrigin origin);  // "screening", "quality"

struct PendingReview {
  ReviewOrigin origin = ReviewOrigin::kScreening;
  StreamVersion requested_at{0};  // version of the review.requested event
  std::string request_event_id;
};

struct ReviewRecord {
  ReviewOrigin origin = ReviewOrigin::kScreening;
  bool approved = false;
  std::string reviewer;
  StreamVersion version{0};
};

struct ContentState {
  StreamVersion version{0};  // 0: no such content
  ScreeningOutcome screening = ScreeningOutcome::kNone;
  std::string screening_payload;  // the screening.decided payload, for idempotent repeats
  StreamVersion screened_at{0};
  QualityOutcome quality = QualityOutcome::kNone;
  std::optional<PendingReview> pending;
  std::vector<ReviewRecord> reviews;
  bool published = false;
  StreamVersion published_at{0};

  bool exists() const { return version.value() > 0; }
  // The decision of the last review of `origin`, if any.
  const ReviewRecord* LastReview(ReviewOrigin origin) const;
  bool Rejected() const;
  bool ScreeningCleared() const;  // passed, or escalated and approved
  bool QualityCleared() const;    // passed, or escalated and approved
  // "unscreened", "blocked", "in_review", "rejected", "screened", "quality_failed",
  // "ready", "published".
  std::string Status() const;
};

// Folds a content stream. Event types this module does not know are skipped (other modules
// may add to the stream); a known type with a malformed payload is DataLoss.
Result<ContentState> FoldContent(std::span<const RecordedEvent> history);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CONTENT_CONTENT_STATE_H_
