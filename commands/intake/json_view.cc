#include "commands/intake/json_view.h"

#include <boost/json/parse.hpp>
#include <limits>
#include <system_error>

namespace ledger::commands::intake {

namespace json = boost::json;

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr ? nullptr : v->if_object();
}

std::string StringAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return "";
  return std::string(v->get_string());
}

std::optional<std::int64_t> IntAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(
                                               std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

std::optional<bool> BoolAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

std::string IdAt(const json::object& o, std::string_view key) {
  if (const json::object* expanded = ObjectAt(o, key)) return StringAt(*expanded, "id");
  return StringAt(o, key);
}

json::value TextOrNull(const std::string& value) {
  if (value.empty()) return nullptr;
  return json::value(value);
}

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  std::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return DataLoss(std::string(what) + " is not a JSON object" +
                    (ec ? ": " + ec.message() : std::string()));
  }
  return std::move(v.get_object());
}

}  // namespace ledger::commands::intake
