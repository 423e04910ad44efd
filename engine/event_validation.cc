#include "engine/event_validation.h"

#include <simdjson.h>

namespace ledger {
namespace {

bool IsCategoryChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

std::string Quoted(std::string_view text) {
  return "\"" + std::string(text.substr(0, 80)) + (text.size() > 80 ? "...\"" : "\"");
}

bool IsValidUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

}  // namespace

Status ValidateStreamId(const StreamId& stream) {
  const std::string& s = stream.value();
  if (s.empty()) return InvalidArgument("stream id is empty");
  if (s.size() > kMaxStreamIdBytes) {
    return InvalidArgument("stream id is longer than " + std::to_string(kMaxStreamIdBytes) +
                           " bytes");
  }
  std::size_t dash = s.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == s.size()) {
    return InvalidArgument("stream id " + Quoted(s) + " is not <category>-<id>");
  }
  for (std::size_t i = 0; i < dash; ++i) {
    if (!IsCategoryChar(s[i])) {
      return InvalidArgument("stream category in " + Quoted(s) +
                             " may use only a-z, 0-9 and _");
    }
  }
  for (char c : s) {
    if (c <= ' ' || c > '~') {
      return InvalidArgument("stream id " + Quoted(s) +
                             " may use only printable ASCII without spaces");
    }
  }
  return Status::Ok();
}

Status ValidateEventType(std::string_view type) {
  if (type.empty()) return InvalidArgument("event type is empty");
  if (type.size() > kMaxEventTypeBytes) {
    return InvalidArgument("event type is longer than " + std::to_string(kMaxEventTypeBytes) +
                           " bytes");
  }
  bool word_started = false;
  int dots = 0;
  for (char c : type) {
    if (c == '.') {
      if (!word_started) break;  // leading or doubled dot
      word_started = false;
      ++dots;
    } else if (IsCategoryChar(c)) {
      word_started = true;
    } else {
      word_started = false;
      dots = -1;
      break;
    }
  }
  if (dots < 1 || !word_started) {
    return InvalidArgument("event type " + Quoted(type) +
                           " must be dotted lowercase words, e.g. order.paid");
  }
  return Status::Ok();
}

Status ValidateTenantId(const TenantId& tenant) {
  const std::string& t = tenant.value();
  if (t.empty()) return InvalidArgument("tenant id is empty");
  if (t.size() > kMaxTenantIdBytes) {
    return InvalidArgument("tenant id is longer than " + std::to_string(kMaxTenantIdBytes) +
                           " bytes");
  }
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return InvalidArgument("tenant id " + Quoted(t) + " may use only A-Z a-z 0-9 _ -");
  }
  return Status::Ok();
}

Status ValidateMetadata(const Metadata& metadata) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"correlation_id", &metadata.correlation_id},
      {"causation_id", &metadata.causation_id},
      {"actor", &metadata.actor},
      {"source", &metadata.source}};
  for (const auto& [name, value] : fields) {
    if (value->size() > kMaxMetadataFieldBytes) {
      return InvalidArgument(std::string("metadata ") + name + " is longer than " +
                             std::to_string(kMaxMetadataFieldBytes) + " bytes");
    }
    if (!IsValidUtf8(*value)) {
      return InvalidArgument(std::string("metadata ") + name + " is not valid UTF-8");
    }
    for (unsigned char c : *value) {
      if (c < 0x20 || c == 0x7F) {
        return InvalidArgument(std::string("metadata ") + name + " contains a control character");
      }
    }
  }
  return Status::Ok();
}

Result<std::string> NormalizePayload(std::string_view json) {
  if (json.size() > kMaxPayloadBytes) {
    return InvalidArgument("payload is " + std::to_string(json.size()) + " bytes; the limit is " +
                           std::to_string(kMaxPayloadBytes));
  }
  // One parser per thread: a dom::parser reuses its buffers and is not thread-safe.
  thread_local simdjson::dom::parser parser(kMaxPayloadBytes);
  thread_local bool depth_set = false;
  if (!depth_set) {
    if (parser.allocate(simdjson::SIMDJSON_PADDING, kMaxJsonDepth) != simdjson::SUCCESS) {
      return Internal("cannot allocate the JSON parser");
    }
    depth_set = true;
  }
  simdjson::dom::element root;
  simdjson::error_code error = parser.parse(json.data(), json.size()).get(root);
  if (error != simdjson::SUCCESS) {
    return InvalidArgument(std::string("payload is not valid JSON: ") +
                           simdjson::error_message(error));
  }
  if (!root.is_object()) return InvalidArgument("payload must be a JSON object");
  std::string out(json.size(), '\0');
  std::size_t out_size = 0;
  if (simdjson::minify(json.data(), json.size(), out.data(), out_size) != simdjson::SUCCESS) {
    return Internal("cannot minify a payload that parsed");
  }
  out.resize(out_size);
  return out;
}

Status ValidateNewEvent(NewEvent& event) {
  if (event.event_id.is_nil()) return InvalidArgument("event id is the nil UUID");
  LEDGER_RETURN_IF_ERROR(ValidateEventType(event.event_type));
  if (event.schema_version == 0) return InvalidArgument("schema version starts at 1");
  LEDGER_RETURN_IF_ERROR(ValidateTenantId(event.tenant));
  LEDGER_RETURN_IF_ERROR(ValidateMetadata(event.metadata));
  if (event.raw_body && event.raw_body->size() > kMaxRawBodyBytes) {
    return InvalidArgument("raw body is " + std::to_string(event.raw_body->size()) +
                           " bytes; the limit is " + std::to_string(kMaxRawBodyBytes));
  }
  LEDGER_ASSIGN_OR_RETURN(std::string payload, NormalizePayload(event.payload));
  event.payload = std::move(payload);
  return Status::Ok();
}

}  // namespace ledger
