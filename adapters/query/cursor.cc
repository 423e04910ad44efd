#include "adapters/query/cursor.h"

#include <algorithm>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>

#include "engine/time.h"

namespace ledger::query {
namespace {

namespace json = boost::json;
namespace base64 = boost::beast::detail::base64;
using projections::ColumnType;
using projections::Value;

// The JSON form of one order_by value. REQUIRES: not NULL and not JSON (ValidateResource
// keeps both out of every order).
json::value ValueToJson(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return json::string(*text);
  if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
  if (const auto* flag = std::get_if<bool>(&value)) return *flag;
  if (const auto* time = std::get_if<Timestamp>(&value)) return json::string(FormatRfc3339(*time));
  return nullptr;
}

std::optional<Value> ValueFromJson(const json::value& v, ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      if (v.is_string()) return Value(std::string(v.get_string()));
      break;
    case ColumnType::kInteger:
      if (v.is_int64()) return Value(v.get_int64());
      break;
    case ColumnType::kBoolean:
      if (v.is_bool()) return Value(v.get_bool());
      break;
    case ColumnType::kTimestamp:
      if (v.is_string()) {
        const json::string& text = v.get_string();
        Result<Timestamp> t = ParseRfc3339({text.data(), text.size()});
        if (t.ok()) return Value(*t);
      }
      break;
    case ColumnType::kJson:
      break;
  }
  return std::nullopt;
}

json::array OrderJson(const Resource& resource) {
  json::array order;
  for (const std::string& column : resource.order_by) order.emplace_back(column);
  return order;
}

Status Bad(std::string_view why) { return InvalidArgument("cursor: " + std::string(why)); }

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out(base64::encoded_size(bytes.size()), '\0');
  out.resize(base64::encode(out.data(), bytes.data(), bytes.size()));
  while (!out.empty() && out.back() == '=') out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  // A length of 1 mod 4 cannot come from any byte string; Beast would silently drop it.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string standard(text);
  for (char& c : standard) {
    bool url_safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!url_safe) return std::nullopt;
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  // Beast decodes padded text (its decoded_size() assumes whole quads), and stops at '='.
  std::size_t unpadded = standard.size();
  standard.append((4 - unpadded % 4) % 4, '=');
  std::string out(base64::decoded_size(standard.size()), '\0');
  auto [written, read] = base64::decode(out.data(), standard.data(), standard.size());
  if (read != unpadded) return std::nullopt;
  out.resize(written);
  return out;
}

std::string EncodeCursor(const Resource& resource, const projections::Row& last_row) {
  json::array after;
  for (const std::string& column : resource.order_by) {
    after.push_back(ValueToJson(last_row.Get(column)));
  }
  json::object cursor;
  cursor["resource"] = resource.name;
  cursor["order"] = OrderJson(resource);
  cursor["descending"] = resource.descending;
  cursor["after"] = std::move(after);
  return Base64UrlEncode(json::serialize(cursor));
}

Result<projections::Key> DecodeCursor(const Resource& resource, std::string_view cursor) {
  std::optional<std::string> text = Base64UrlDecode(cursor);
  if (!text) return Bad("not a cursor of this API (not base64url)");
  boost::system::error_code error;
  json::value parsed = json::parse(*text, error);
  if (error || !parsed.is_object()) return Bad("not a cursor of this API (not a JSON object)");
  const json::object& object = parsed.get_object();
  const json::value* name = object.if_contains("resource");
  const json::value* order = object.if_contains("order");
  const json::value* descending = object.if_contains("descending");
  const json::value* after = object.if_contains("after");
  if (name == nullptr || order == nullptr || descending == nullptr || after == nullptr ||
      object.size() != 4 || !after->is_array()) {
    return Bad("not a cursor of this API (missing or extra members)");
  }
  if (*name != json::value(resource.name)) {
    return Bad("made for another resource, not " + resource.route);
  }
  if (*order != json::value(OrderJson(resource)) ||
      *descending != json::value(resource.descending)) {
    return Bad("made for another order of " + resource.route);
  }
  const json::array& values = after->get_array();
  if (values.size() != resource.order_by.size()) return Bad("holds the wrong number of values");
  projections::Key key;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const projections::Column& column =
        resource.table->columns[*resource.table->ColumnIndex(resource.order_by[i])];
    std::optional<Value> value = ValueFromJson(values[i], column.type);
    if (!value) {
      return Bad("the value for '" + column.name + "' is not a " +
                 std::string(projections::ColumnTypeName(column.type)));
    }
    key.push_back(std::move(*value));
  }
  return key;
}

}  // namespace ledger::query
