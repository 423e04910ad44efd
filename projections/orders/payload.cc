#include "projections/orders/payload.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <system_error>

#include "engine/time.h"

namespace ledger::projections::orders {

namespace json = boost::json;

Payload Payload::Parse(std::string_view text) {
  std::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Payload(json::object());
  return Payload(std::move(v.get_object()));
}

const json::value* Payload::Find(std::string_view key) const {
  const json::value* v = object_.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
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
  if (v->is_uint64() &&
      v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

std::optional<bool> Payload::Bool(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

std::optional<Timestamp> Payload::Time(std::string_view key) const {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  Result<Timestamp> t = ParseRfc3339(*text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::optional<std::string> Payload::Json(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return json::serialize(*v);
}

Payload Payload::Object(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr || !v->is_object()) return Payload(json::object());
  return Payload(v->get_object());
}

const json::array* Payload::Array(std::string_view key) const {
  const json::value* v = Find(key);
  return v == nullptr ? nullptr : v->if_array();
}

Value TextOrNull(const std::optional<std::string>& text) {
  if (!text) return std::monostate{};
  return *text;
}

Value IntOrNull(const std::optional<std::int64_t>& n) {
  if (!n) return std::monostate{};
  return *n;
}

Value TimeOrNull(const std::optional<Timestamp>& t) {
  if (!t) return std::monostate{};
  return *t;
}

void SetIfGiven(Row& row, std::string_view column, const std::optional<std::string>& value) {
  if (value) row.SetText(column, *value);
}

void SetIfGiven(Row& row, std::string_view column, const std::optional<std::int64_t>& value) {
  if (value) row.SetInt(column, *value);
}

void SetIfGiven(Row& row, std::string_view column, const std::optional<Timestamp>& value) {
  if (value) row.SetTime(column, *value);
}

int CustomerSourceRank(std::string_view source) {
  if (source == "object") return 1;
  if (source == "email") return 2;
  if (source == "stripe_customer") return 3;
  return 0;
}

void MergeCustomer(Row& row, const Payload& p) {
  std::optional<std::string> id = p.String("customer_id");
  if (!id) return;
  std::string source = p.String("customer_source").value_or("");
  int current = row.IsNull("customer_id") ? -1 : CustomerSourceRank(row.Text("customer_source"));
  int incoming = CustomerSourceRank(source);
  // Equal sources keep the smaller id, so the outcome does not depend on arrival order.
  if (incoming > current || (incoming == current && *id < row.Text("customer_id"))) {
    row.SetText("customer_id", *id).SetText("customer_source", source);
  }
}

}  // namespace ledger::projections::orders
