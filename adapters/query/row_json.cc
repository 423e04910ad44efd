#include "adapters/query/row_json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>
#include <charconv>
#include <string>
#include <variant>

#include "engine/time.h"

namespace ledger::query {
namespace {

namespace json = boost::json;

// A JSON string literal of `text`. Most stored strings (ids, statuses, names) need no escape
// and are copied between quotes; any other goes through Boost.JSON's serializer, which
// escapes quotes, backslashes and control characters.
void AppendString(std::string_view text, std::string& out) {
  bool plain = true;
  for (char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  json::serializer serializer;
  serializer.reset(json::string_view(text.data(), text.size()));
  char buffer[256];
  while (!serializer.done()) {
    json::string_view chunk = serializer.read(buffer, sizeof buffer);
    out.append(chunk.data(), chunk.size());
  }
}

struct AppendValue {
  const std::string& column;
  std::string& out;

  Status operator()(std::monostate) const {
    out += "null";
    return Status::Ok();
  }
  Status operator()(const std::string& text) const {
    AppendString(text, out);
    return Status::Ok();
  }
  Status operator()(std::int64_t number) const {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    out.append(digits, end);
    return Status::Ok();
  }
  Status operator()(bool flag) const {
    out += flag ? "true" : "false";
    return Status::Ok();
  }
  Status operator()(Timestamp time) const {
    out += '"';
    out += FormatRfc3339(time);
    out += '"';
    return Status::Ok();
  }
  // Parsed, not copied: only a document that parses may go out, and it goes out in Boost.JSON's
  // canonical form whatever spacing the store kept.
  Status operator()(const projections::JsonText& document) const {
    boost::system::error_code error;
    json::value parsed = json::parse(document.text, error);
    if (error) {
      return Internal("column " + column + " holds text that is not JSON: " + error.message());
    }
    out += json::serialize(parsed);
    return Status::Ok();
  }
};

}  // namespace

Status AppendRowJson(const projections::Row& row, std::string& out) {
  const projections::TableSpec& spec = row.spec();
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    const std::string& name = spec.columns[i].name;
    if (name == "tenant_id") continue;
    if (!first) out += ',';
    first = false;
    AppendString(name, out);
    out += ':';
    LEDGER_RETURN_IF_ERROR(std::visit(AppendValue{name, out}, row.values()[i]));
  }
  out += '}';
  return Status::Ok();
}

Status AppendRowsJson(std::span<const projections::Row> rows, std::string& out) {
  out += '[';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    LEDGER_RETURN_IF_ERROR(AppendRowJson(rows[i], out));
  }
  out += ']';
  return Status::Ok();
}

Result<json::object> RowToJson(const projections::Row& row) {
  std::string text;
  LEDGER_RETURN_IF_ERROR(AppendRowJson(row, text));
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  // AppendRowJson escapes every string and writes only parsed documents.
  if (error || !parsed.is_object()) {
    return Internal("a row's JSON text does not parse as an object: " + error.message());
  }
  return std::move(parsed.as_object());
}

}  // namespace ledger::query
