#include "engine/event_validation.h"

#include <boost/json/basic_parser_impl.hpp>
#include <simdjson.h>

namespace ledger {
namespace {

// A Boost.JSON SAX handler that builds nothing: parsing with it only validates (grammar,
// UTF-8, nesting depth) and records whether the document is an object. Boost.JSON rather
// than simdjson's DOM because the DOM refuses integers beyond 64 bits, which are valid JSON
// that a provider may send; the payload's bytes are kept, never its parsed numbers.
class ValidatingHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  bool root_is_object = false;

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return Value(); }
  bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    if (!seen_value_) root_is_object = true;
    return Value();
  }
  bool on_object_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_string_part(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(boost::json::string_view, std::size_t, boost::system::error_code&) { return Value(); }
  bool on_key_part(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_key(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, boost::json::string_view, boost::system::error_code&) { return Value(); }
  bool on_uint64(std::uint64_t, boost::json::string_view, boost::system::error_code&) { return Value(); }
  bool on_double(double, boost::json::string_view, boost::system::error_code&) { return Value(); }
  bool on_bool(bool, boost::system::error_code&) { return Value(); }
  bool on_null(boost::system::error_code&) { return Value(); }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  bool Value() {
    seen_value_ = true;
    return true;
  }
  bool seen_value_ = false;
};

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
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::json::basic_parser<ValidatingHandler> parser(options);
  boost::system::error_code error;
  std::size_t consumed = parser.write_some(false, json.data(), json.size(), error);
  if (!error && consumed != json.size()) error = boost::json::error::extra_data;
  if (error) {
    return InvalidArgument("payload is not valid JSON at byte " + std::to_string(consumed) +
                           ": " + error.message());
  }
  if (!parser.handler().root_is_object) return InvalidArgument("payload must be a JSON object");
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
