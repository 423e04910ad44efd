// Every event type the commands module appends, with its current schema version and stream.
// docs/events.md lists the same (tests/commands/event_catalog_test.cc checks that it does);
// the payload fields are documented there.
#ifndef LEDGER_COMMANDS_EVENT_TYPES_H_
#define LEDGER_COMMANDS_EVENT_TYPES_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace ledger::commands {

// content-<content_id>
inline constexpr std::string_view kScreeningDecided = "screening.decided";
inline constexpr std::string_view kReviewRequested = "review.requested";
inline constexpr std::string_view kQualityVerdictRecorded = "quality.verdict_recorded";
inline constexpr std::string_view kReviewApproved = "review.approved";
inline constexpr std::string_view kReviewRejected = "review.rejected";
inline constexpr std::string_view kContentPublished = "content.published";
// canary-<route>
inline constexpr std::string_view kCanaryConfigured = "canary.configured";
inline constexpr std::string_view kCanaryProbeRecorded = "canary.probe_recorded";
inline constexpr std::string_view kCanaryWeightChanged = "canary.weight_changed";
inline constexpr std::string_view kCanaryV2ReadySet = "canary.v2_ready_set";

struct EventTypeInfo {
  std::string_view type;
  std::uint32_t schema_version;
  std::string_view stream_category;  // "content" or "canary"
};

std::span<const EventTypeInfo> CommandEventTypes();

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_EVENT_TYPES_H_
