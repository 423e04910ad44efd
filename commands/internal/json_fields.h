// JsonFields: strict decoding of a command's JSON body into typed values. Every command
// states the fields it reads; anything else in the object is refused, so a misspelt optional
// field ("visual_similarty") is a 400 rather than a silently ignored input.
//
// Errors are InvalidArgument naming the field by its path ("images[1].width"): a missing
// required field, a wrong type, a value out of range, a duplicate key, an unknown field.
// A JSON null is treated as "absent" for optional fields and as a wrong type otherwise.
//
// Boost.JSON never throws out of this class: parsing uses error codes.
#ifndef LEDGER_COMMANDS_INTERNAL_JSON_FIELDS_H_
#define LEDGER_COMMANDS_INTERNAL_JSON_FIELDS_H_

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace ledger::commands::internal {

// Bounds for a string field. Lengths are in bytes of UTF-8 (Boost.JSON has already refused
// invalid UTF-8).
struct StringRule {
  std::size_t max_bytes = 1024;
  bool allow_empty = false;
};

class JsonFields {
 public:
  // Parses `body`, which must be one JSON object with no duplicate keys at any depth.
  static Result<JsonFields> Parse(std::string_view body);

  // REQUIRES: `path` names this object for error messages ("" for the body itself).
  JsonFields(std::shared_ptr<const boost::json::value> root, const boost::json::object* object,
             std::string path);

  Result<std::string> String(std::string_view key, StringRule rule = {});
  Result<std::optional<std::string>> OptionalString(std::string_view key, StringRule rule = {});
  // An integer in [min, max]. 12.0 and 1e3 are refused: amounts and counts are integers.
  Result<std::int64_t> Int(std::string_view key, std::int64_t min, std::int64_t max);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view key, std::int64_t min,
                                                  std::int64_t max);
  Result<bool> Bool(std::string_view key);
  Result<std::optional<bool>> OptionalBool(std::string_view key);
  // Any JSON number in [min, max] (scores, never money).
  Result<std::optional<double>> OptionalNumber(std::string_view key, double min, double max);
  Result<std::optional<std::vector<std::string>>> OptionalStringArray(std::string_view key,
                                                                      std::size_t max_items,
                                                                      StringRule rule = {});
  // An array of objects, each returned as its own JsonFields (which must be finished too).
  Result<std::vector<JsonFields>> ObjectArray(std::string_view key, std::size_t max_items);
  Result<std::optional<JsonFields>> OptionalObject(std::string_view key);

  // InvalidArgument naming the first field that no accessor asked for.
  Status Finish() const;

  const std::string& path() const { return path_; }

 private:
  // The value of `key`, marking it as read; nullptr if absent or null.
  const boost::json::value* Find(std::string_view key);
  std::string FieldPath(std::string_view key) const;
  Status Missing(std::string_view key) const;
  Status WrongType(std::string_view key, std::string_view want,
                   const boost::json::value& got) const;
  Result<std::string> CheckString(std::string_view key, const boost::json::value& v,
                                  const StringRule& rule) const;

  std::shared_ptr<const boost::json::value> root_;  // keeps object_ alive
  const boost::json::object* object_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace ledger::commands::internal

#endif  // LEDGER_COMMANDS_INTERNAL_JSON_FIELDS_H_
