#include "engine/event_json.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "engine/event_validation.h"
#include "engine/time.h"

namespace ledger {
namespace {

namespace ondemand = simdjson::ondemand;

// Escapes a string as JSON. The escaping is part of the line format, so it is written out
// here rather than borrowed: '"', '\\' and control characters are escaped (the short forms
// where JSON has them, otherwise \u00XX in lowercase hex); every other byte, including UTF-8
// sequences, is copied. Every string in an event is valid UTF-8 (validation guarantees it),
// so the result is valid JSON, and parsing it gives back exactly the input.
void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void AppendField(std::string_view name, std::string& out) {
  out += '"';
  out += name;
  out += "\":";
}

void AppendMetadata(const Metadata& m, std::string& out) {
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"correlation_id", &m.correlation_id},
      {"causation_id", &m.causation_id},
      {"actor", &m.actor},
      {"source", &m.source}};
  out += '{';
  bool first = true;
  for (const auto& [name, value] : fields) {
    if (value->empty()) continue;
    if (!first) out += ',';
    first = false;
    AppendField(name, out);
    AppendJsonString(*value, out);
  }
  out += '}';
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16 |
                      static_cast<std::uint8_t>(bytes[i + 1]) << 8 |
                      static_cast<std::uint8_t>(bytes[i + 2]);
    out += kBase64Alphabet[n >> 18];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    out += kBase64Alphabet[n >> 18];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return InvalidArgument("base64 length is not a multiple of 4");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::uint32_t n = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      bool is_padding = last && j >= 4 - padding;
      int v = is_padding ? 0 : Base64Value(text[i + j]);
      if (v < 0) {
        return InvalidArgument("base64 has an invalid character at offset " +
                               std::to_string(i + j));
      }
      n = n << 6 | static_cast<std::uint32_t>(v);
    }
    std::array<char, 3> group = {static_cast<char>(n >> 16), static_cast<char>((n >> 8) & 0xFF),
                                 static_cast<char>(n & 0xFF)};
    std::size_t keep = last ? 3 - padding : 3;
    // Unused bits must be zero: otherwise two texts would decode to the same bytes.
    if (last && (n & ((1u << (8 * padding)) - 1)) != 0) {
      return InvalidArgument("base64 has non-zero bits after its last byte");
    }
    out.append(group.data(), keep);
  }
  return out;
}

void AppendEventJson(const RecordedEvent& e, std::string& out) {
  out += "{\"global_position\":";
  out += std::to_string(e.global_position.value());
  out += ",\"stream_id\":";
  AppendJsonString(e.stream_id.value(), out);
  out += ",\"stream_version\":";
  out += std::to_string(e.stream_version.value());
  out += ",\"event_id\":\"";
  out += e.event_id.ToString();
  out += "\",\"event_type\":";
  AppendJsonString(e.event_type, out);
  out += ",\"schema_version\":";
  out += std::to_string(e.schema_version);
  out += ",\"tenant_id\":";
  AppendJsonString(e.tenant.value(), out);
  out += ",\"recorded_at\":\"";
  out += FormatRfc3339(e.recorded_at);
  out += "\",\"metadata\":";
  AppendMetadata(e.metadata, out);
  out += ",\"payload\":";
  out += e.payload;
  if (e.raw_body) {
    out += ",\"raw_body\":\"";
    out += Base64Encode(*e.raw_body);
    out += '"';
  }
  out += ",\"stream_hash\":\"";
  out += HexEncode(e.stream_hash);
  out += "\"}";
}

std::string FormatEventJson(const RecordedEvent& event) {
  std::string out;
  out.reserve(256 + event.payload.size() + (event.raw_body ? event.raw_body->size() * 4 / 3 : 0));
  AppendEventJson(event, out);
  return out;
}

namespace {

// The fields of a line, in the order they are written.
enum class Field {
  kGlobalPosition,
  kStreamId,
  kStreamVersion,
  kEventId,
  kEventType,
  kSchemaVersion,
  kTenantId,
  kRecordedAt,
  kMetadata,
  kPayload,
  kRawBody,
  kStreamHash,
};
constexpr std::string_view kFieldNames[] = {
    "global_position", "stream_id",   "stream_version", "event_id", "event_type", "schema_version",
    "tenant_id",       "recorded_at", "metadata",       "payload",  "raw_body",   "stream_hash"};
constexpr std::size_t kFieldCount = std::size(kFieldNames);

std::string Excerpt(std::string_view text) {
  return std::string(text.substr(0, 40)) + (text.size() > 40 ? "..." : "");
}

Status FieldError(std::string_view field, std::string_view why) {
  return InvalidArgument("field \"" + std::string(field) + "\": " + std::string(why));
}

// `want` says what the field must be when the JSON is fine but of the wrong type; empty
// where a wrong type cannot happen.
Status JsonError(std::string_view field, simdjson::error_code error, std::string_view want) {
  if (!want.empty() && (error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR)) {
    return FieldError(field, "must be " + std::string(want));
  }
  return FieldError(field, std::string("is not valid JSON: ") + simdjson::error_message(error));
}

Status ReadUint(ondemand::value& value, std::string_view field, std::uint64_t max,
                std::uint64_t& out) {
  std::uint64_t n = 0;
  if (auto error = value.get_uint64().get(n)) {
    return JsonError(field, error, "a positive integer");
  }
  if (n == 0 || n > max) {
    return FieldError(field, "must be a positive integer, at most " + std::to_string(max));
  }
  out = n;
  return Status::Ok();
}

Status ReadString(ondemand::value& value, std::string_view field, std::string& out) {
  std::string_view s;
  if (auto error = value.get_string().get(s)) return JsonError(field, error, "a string");
  out.assign(s);
  return Status::Ok();
}

Status ReadMetadata(ondemand::value& value, Metadata& out) {
  constexpr std::string_view kField = "metadata";
  ondemand::object object;
  if (auto error = value.get_object().get(object)) {
    return JsonError(kField, error, "an object");
  }
  const std::pair<std::string_view, std::string*> keys[] = {{"correlation_id", &out.correlation_id},
                                                            {"causation_id", &out.causation_id},
                                                            {"actor", &out.actor},
                                                            {"source", &out.source}};
  bool seen[std::size(keys)] = {};
  for (auto result : object) {
    ondemand::field field;
    std::string_view key;
    if (auto error = std::move(result).get(field)) return JsonError(kField, error, "");
    if (auto error = field.unescaped_key().get(key)) return JsonError(kField, error, "");
    std::size_t i = 0;
    while (i < std::size(keys) && keys[i].first != key) ++i;
    if (i == std::size(keys)) {
      return FieldError(kField, "unknown key \"" + Excerpt(key) +
                                    "\" (want correlation_id, causation_id, actor, source)");
    }
    if (seen[i]) return FieldError(kField, "key \"" + std::string(key) + "\" appears twice");
    seen[i] = true;
    ondemand::value& v = field.value();
    LEDGER_RETURN_IF_ERROR(ReadString(v, "metadata." + std::string(key), *keys[i].second));
  }
  return ValidateMetadata(out).WithContext("field \"metadata\"");
}

// The payload's bytes are kept exactly as written (only whitespace outside strings is
// dropped): raw_json() is the object's span in the line, never a re-serialization.
Status ReadPayload(ondemand::value& value, std::string& out) {
  constexpr std::string_view kField = "payload";
  ondemand::object object;
  std::string_view raw;
  if (auto error = value.get_object().get(object)) {
    return JsonError(kField, error, "a JSON object");
  }
  if (auto error = object.raw_json().get(raw)) return JsonError(kField, error, "");
  Result<std::string> payload = NormalizePayload(raw);
  if (!payload.ok()) return payload.status().WithContext("field \"payload\"");
  out = std::move(payload).value();
  return Status::Ok();
}

Status ReadRawBody(ondemand::value& value, std::optional<std::string>& out) {
  constexpr std::string_view kField = "raw_body";
  std::string text;
  LEDGER_RETURN_IF_ERROR(ReadString(value, kField, text));
  Result<std::string> body = Base64Decode(text);
  if (!body.ok()) return body.status().WithContext("field \"raw_body\"");
  if (body->size() > kMaxRawBodyBytes) {
    return FieldError(kField, "is " + std::to_string(body->size()) + " bytes; the limit is " +
                                  std::to_string(kMaxRawBodyBytes));
  }
  out = std::move(body).value();
  return Status::Ok();
}

// Reads one field's value into `out`. REQUIRES: `field` not seen before in this line.
Status ReadField(Field field, ondemand::value& value, ImportedEvent& out) {
  const std::string_view name = kFieldNames[static_cast<std::size_t>(field)];
  const std::string context = "field \"" + std::string(name) + "\"";
  std::uint64_t n = 0;
  std::string s;
  switch (field) {
    case Field::kGlobalPosition:
      LEDGER_RETURN_IF_ERROR(ReadUint(value, name, std::numeric_limits<std::int64_t>::max(), n));
      out.global_position = GlobalPosition(n);
      return Status::Ok();
    case Field::kStreamId:
      LEDGER_RETURN_IF_ERROR(ReadString(value, name, s));
      out.stream = StreamId(std::move(s));
      return ValidateStreamId(out.stream).WithContext(context);
    case Field::kStreamVersion:
      LEDGER_RETURN_IF_ERROR(ReadUint(value, name, std::numeric_limits<std::int64_t>::max(), n));
      out.stream_version = StreamVersion(n);
      return Status::Ok();
    case Field::kEventId: {
      LEDGER_RETURN_IF_ERROR(ReadString(value, name, s));
      Result<Uuid> id = Uuid::Parse(s);
      if (!id.ok()) return FieldError(name, "\"" + Excerpt(s) + "\" is not a UUID");
      if (id->is_nil()) return FieldError(name, "must not be the nil UUID");
      out.event.event_id = *id;
      return Status::Ok();
    }
    case Field::kEventType:
      LEDGER_RETURN_IF_ERROR(ReadString(value, name, out.event.event_type));
      return ValidateEventType(out.event.event_type).WithContext(context);
    case Field::kSchemaVersion:
      LEDGER_RETURN_IF_ERROR(ReadUint(value, name, std::numeric_limits<std::uint32_t>::max(), n));
      out.event.schema_version = static_cast<std::uint32_t>(n);
      return Status::Ok();
    case Field::kTenantId:
      LEDGER_RETURN_IF_ERROR(ReadString(value, name, s));
      out.event.tenant = TenantId(std::move(s));
      return ValidateTenantId(out.event.tenant).WithContext(context);
    case Field::kRecordedAt: {
      LEDGER_RETURN_IF_ERROR(ReadString(value, name, s));
      Result<Timestamp> t = ParseRfc3339(s);
      if (!t.ok()) return t.status().WithContext(context);
      out.recorded_at = *t;
      return Status::Ok();
    }
    case Field::kMetadata:
      return ReadMetadata(value, out.event.metadata);
    case Field::kPayload:
      return ReadPayload(value, out.event.payload);
    case Field::kRawBody:
      return ReadRawBody(value, out.event.raw_body);
    case Field::kStreamHash: {
      LEDGER_RETURN_IF_ERROR(ReadString(value, name, s));
      Result<Sha256Digest> hash = ParseSha256Hex(s);
      if (!hash.ok()) return hash.status().WithContext(context);
      out.stream_hash = *hash;
      return Status::Ok();
    }
  }
  return Internal("unhandled field");
}

// One parser and one padded copy of the line per thread: simdjson reads up to
// SIMDJSON_PADDING bytes past the end of its input, and reusing both avoids an allocation
// per line.
struct ThreadParser {
  ondemand::parser parser;
  std::string buffer;
};

ThreadParser& ThisThreadParser() {
  thread_local ThreadParser parser;
  return parser;
}

}  // namespace

Result<ImportedEvent> ParseEventJson(std::string_view line, const TenantId& default_tenant) {
  ThreadParser& tp = ThisThreadParser();
  tp.buffer.assign(line);
  tp.buffer.append(simdjson::SIMDJSON_PADDING, '\0');

  ImportedEvent out;
  out.event.tenant = default_tenant;
  out.event.metadata = {};
  ondemand::document doc;
  ondemand::object object;
  auto error = tp.parser.iterate(tp.buffer.data(), line.size(), tp.buffer.size()).get(doc);
  if (!error) error = doc.get_object().get(object);
  if (error == simdjson::INCORRECT_TYPE) return InvalidArgument("a line must be a JSON object");
  if (error) {
    return InvalidArgument(std::string("not valid JSON: ") + simdjson::error_message(error));
  }

  bool seen[kFieldCount] = {};
  for (auto result : object) {
    ondemand::field field;
    std::string_view key;
    if ((error = std::move(result).get(field)) || (error = field.unescaped_key().get(key))) {
      return InvalidArgument(std::string("not valid JSON: ") + simdjson::error_message(error));
    }
    std::size_t i = 0;
    while (i < kFieldCount && kFieldNames[i] != key) ++i;
    if (i == kFieldCount) return InvalidArgument("unknown field \"" + Excerpt(key) + "\"");
    if (seen[i]) return FieldError(kFieldNames[i], "appears twice");
    seen[i] = true;
    ondemand::value& value = field.value();
    LEDGER_RETURN_IF_ERROR(ReadField(static_cast<Field>(i), value, out));
  }
  // On-demand parsing stops at the object's end; anything after it must be whitespace.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    return InvalidArgument("unexpected text after the event's JSON object");
  }
  for (Field required : {Field::kStreamId, Field::kEventId, Field::kEventType, Field::kPayload}) {
    if (!seen[static_cast<std::size_t>(required)]) {
      return InvalidArgument("missing field \"" +
                             std::string(kFieldNames[static_cast<std::size_t>(required)]) + "\"");
    }
  }
  // Only the default can still be unchecked: a given tenant_id was checked when read.
  LEDGER_RETURN_IF_ERROR(ValidateTenantId(out.event.tenant).WithContext("default tenant"));
  return out;
}

}  // namespace ledger
