// Reading command-event payloads (docs/events.md) inside the content projectors.
//
// Lenient on purpose: a projector must not fail on odd input (projections/projector.h), so a
// missing or mistyped field reads as absent and the row records NULL. Internal to
// ledger::projections_content; the public surface is content_projectors.h and content_tables.h.
#ifndef LEDGER_PROJECTIONS_CONTENT_PAYLOAD_H_
#define LEDGER_PROJECTIONS_CONTENT_PAYLOAD_H_

#include <string>
#include <string_view>

#include "engine/event.h"
#include "projections/payload_reader.h"

namespace ledger::projections::content {

// The event types these projectors handle (commands/event_types.h registers the same names;
// tests/projections/content_catalog_test.cc checks that they agree). Spelled out here because
// projections depend on the engine only, never on the commands module.
inline constexpr std::string_view kScreeningDecided = "screening.decided";
inline constexpr std::string_view kReviewRequested = "review.requested";
inline constexpr std::string_view kQualityVerdictRecorded = "quality.verdict_recorded";
inline constexpr std::string_view kReviewApproved = "review.approved";
inline constexpr std::string_view kReviewRejected = "review.rejected";
inline constexpr std::string_view kContentPublished = "content.published";

// Payloads are read with the shared lenient reader (projections/payload_reader.h).
using Payload = PayloadReader;

// The item a content event is about: the payload's content_id, else the stream id without
// its "content-" prefix (the stream is named after the item).
std::string ContentIdOf(const RecordedEvent& event, const Payload& payload);

// The event's metadata.actor (who ran the command), NULL when not given.
Value ActorOrNull(const RecordedEvent& event);

}  // namespace ledger::projections::content

#endif  // LEDGER_PROJECTIONS_CONTENT_PAYLOAD_H_
