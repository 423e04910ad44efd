// Reading command-event payloads (docs/events.md) inside the content projectors.
//
// Lenient on purpose: a projector must not fail on odd input (projections/projector.h), so a
// missing or mistyped field reads as absent and the row records NULL. Internal to
// ledger::projections_content; the public surface is content_projectors.h and content_tables.h.
#ifndef LEDGER_PROJECTIONS_CONTENT_PAYLOAD_H_
#define LEDGER_PROJECTIONS_CONTENT_PAYLOAD_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/event.h"
#include "projections/read_model.h"

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

class Payload {
 public:
  // A payload that is not a JSON object reads as an empty object.
  static Payload Parse(std::string_view json);
  explicit Payload(boost::json::object object) : object_(std::move(object)) {}

  std::optional<std::string> String(std::string_view key) const;
  std::optional<std::int64_t> Int(std::string_view key) const;
  // The member as minified JSON, or nullopt when it is absent or JSON null.
  std::optional<std::string> Json(std::string_view key) const;
  // The member if it is an object, else an empty payload.
  Payload Object(std::string_view key) const;
  // The member if it is an array, else nullptr.
  const boost::json::array* Array(std::string_view key) const;

 private:
  const boost::json::value* Find(std::string_view key) const;

  boost::json::object object_;
};

// The item a content event is about: the payload's content_id, else the stream id without
// its "content-" prefix (the stream is named after the item).
std::string ContentIdOf(const RecordedEvent& event, const Payload& payload);

// Cells from optional values: NULL when absent.
Value TextOrNull(const std::optional<std::string>& text);
Value IntOrNull(const std::optional<std::int64_t>& number);
Value JsonOrNull(const std::optional<std::string>& json);
// The event's metadata.actor (who ran the command), NULL when not given.
Value ActorOrNull(const RecordedEvent& event);

}  // namespace ledger::projections::content

#endif  // LEDGER_PROJECTIONS_CONTENT_PAYLOAD_H_
