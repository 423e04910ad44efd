#include "projections/content/payload.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

namespace ledger::projections::content {

namespace json = boost::json;

Payload Payload::Parse(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !parsed.is_object()) return Payload(json::object{});
  return Payload(std::move(parsed.get_object()));
}

const json::value* Payload::Find(std::string_view key) const {
  return object_.if_contains(json::string_view(key.data(), key.size()));
}

std::optional<std::string> Payload::String(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::int64_t> Payload::Int(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  // Unsigned values within range are integers all the same (Boost.JSON keeps large
  // non-negative numbers as uint64).
  if (v->is_uint64() &&
      v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

std::optional<std::string> Payload::Json(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return json::serialize(*v);
}

Payload Payload::Object(std::string_view key) const {
  const json::value* v = Find(key);
  return Payload(v != nullptr && v->is_object() ? v->get_object() : json::object{});
}

const json::array* Payload::Array(std::string_view key) const {
  const json::value* v = Find(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

std::string ContentIdOf(const RecordedEvent& event, const Payload& payload) {
  if (std::optional<std::string> id = payload.String("content_id"); id && !id->empty()) return *id;
  constexpr std::string_view kPrefix = "content-";
  std::string_view stream = event.stream_id.value();
  if (stream.starts_with(kPrefix)) stream.remove_prefix(kPrefix.size());
  return std::string(stream);
}

Value TextOrNull(const std::optional<std::string>& text) {
  if (!text) return std::monostate{};
  return *text;
}

Value IntOrNull(const std::optional<std::int64_t>& number) {
  if (!number) return std::monostate{};
  return *number;
}

Value JsonOrNull(const std::optional<std::string>& json) {
  if (!json) return std::monostate{};
  return JsonText{*json};
}

Value ActorOrNull(const RecordedEvent& event) {
  if (event.metadata.actor.empty()) return std::monostate{};
  return event.metadata.actor;
}

}  // namespace ledger::projections::content
