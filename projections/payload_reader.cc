#include "projections/payload_reader.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <system_error>

#include "engine/time.h"

namespace ledger::projections {

namespace json = boost::json;

namespace {

// A parsed payload and the arena its values live in (destroyed after them).
struct Document {
  // Most payloads fit here: one allocation (the Document's) per parse.
  unsigned char first_block[4096];
  json::monotonic_resource arena{first_block, sizeof(first_block)};
  std::optional<json::value> value;  // move-constructed, so it keeps the arena as storage
};

const json::object& EmptyObject() {
  static const json::object empty;
  return empty;
}

}  // namespace

PayloadReader::PayloadReader(json::object object) {
  auto owned = std::make_shared<json::object>(std::move(object));
  object_ = owned.get();
  document_ = std::move(owned);
}

PayloadReader PayloadReader::Parse(std::string_view text) {
  auto document = std::make_shared<Document>();
  std::error_code ec;
  document->value.emplace(json::parse(text, ec, json::storage_ptr(&document->arena)));
  if (ec || !document->value->is_object()) return PayloadReader(nullptr, &EmptyObject());
  const json::object* object = &document->value->get_object();
  return PayloadReader(std::move(document), object);
}

const json::value* PayloadReader::Find(std::string_view key) const {
  const json::value* v = object_->if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::optional<std::string> PayloadReader::String(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::int64_t> PayloadReader::Int(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() &&
      v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

std::optional<bool> PayloadReader::Bool(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

std::optional<Timestamp> PayloadReader::Time(std::string_view key) const {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  Result<Timestamp> t = ParseRfc3339(*text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::optional<std::string> PayloadReader::Json(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return json::serialize(*v);
}

PayloadReader PayloadReader::Object(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || !v->is_object()) return PayloadReader(nullptr, &EmptyObject());
  return PayloadReader(document_, &v->get_object());
}

const json::array* PayloadReader::Array(std::string_view key) const {
  const json::value* v = Find(key);
  return v == nullptr ? nullptr : v->if_array();
}

Value TextOrNull(const std::optional<std::string>& text) {
  if (!text) return std::monostate{};
  return *text;
}

Value IntOrNull(const std::optional<std::int64_t>& number) {
  if (!number) return std::monostate{};
  return *number;
}

Value TimeOrNull(const std::optional<Timestamp>& time) {
  if (!time) return std::monostate{};
  return *time;
}

Value JsonOrNull(const std::optional<std::string>& json) {
  if (!json) return std::monostate{};
  return JsonText{*json};
}

}  // namespace ledger::projections
