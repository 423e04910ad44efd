// PayloadReader: how projectors read event payloads (docs/events.md).
//
// Lenient on purpose: a projector must not fail on odd input (projector.h), so a missing,
// null or mistyped field reads as absent and the row records NULL. One reader for every
// projector folder, so that "absent" means the same everywhere.
#ifndef LEDGER_PROJECTIONS_PAYLOAD_READER_H_
#define LEDGER_PROJECTIONS_PAYLOAD_READER_H_

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"
#include "projections/read_model.h"

namespace ledger::projections {

class PayloadReader {
 public:
  // A payload that is not a JSON object reads as an empty object.
  static PayloadReader Parse(std::string_view json);
  explicit PayloadReader(boost::json::object object);

  std::optional<std::string> String(std::string_view key) const;
  // An integer within int64 (Boost.JSON keeps large non-negative numbers as uint64).
  std::optional<std::int64_t> Int(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  // An RFC 3339 text member as a Timestamp.
  std::optional<Timestamp> Time(std::string_view key) const;
  // The member as minified JSON, or nullopt when absent or null.
  std::optional<std::string> Json(std::string_view key) const;
  // The member if it is an object, else an empty reader. Shares the parsed document: no copy.
  PayloadReader Object(std::string_view key) const;
  // The member if it is an array, else nullptr.
  const boost::json::array* Array(std::string_view key) const;

 private:
  // The member, or nullptr when it is absent or JSON null.
  const boost::json::value* Find(std::string_view key) const;

  PayloadReader(std::shared_ptr<const void> document, const boost::json::object* object)
      : document_(std::move(document)), object_(object) {}

  // The parsed document `object_` points into (null for the empty reader), shared by the
  // readers of its members. A rebuild parses a payload per event and projector, so a parse
  // allocates from one arena, freed at once.
  std::shared_ptr<const void> document_;
  const boost::json::object* object_;
};

// Cells from optional values: NULL when absent.
Value TextOrNull(const std::optional<std::string>& text);
Value IntOrNull(const std::optional<std::int64_t>& number);
Value TimeOrNull(const std::optional<Timestamp>& time);
Value JsonOrNull(const std::optional<std::string>& json);

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_PAYLOAD_READER_H_
