#include "adapters/webhook/provider_event.h"

#include <simdjson.h>

#include <boost/json/serialize.hpp>

#include "engine/event_validation.h"

namespace ledger::webhook {
namespace {

bool IsValidUtf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

std::string Quote(std::string_view text) {
  return boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

// Room for "body": and the closing brace beyond the fields already written.
constexpr std::size_t kBodyFraming = 16;

}  // namespace

void PayloadBuilder::Key(std::string_view key) {
  if (json_.size() > 1) json_ += ',';
  json_ += Quote(key);
  json_ += ':';
}

void PayloadBuilder::AddString(std::string_view key, std::string_view value) {
  Key(key);
  json_ += IsValidUtf8(value) ? Quote(value) : "null";
}

void PayloadBuilder::AddBool(std::string_view key, bool value) {
  Key(key);
  json_ += value ? "true" : "false";
}

void PayloadBuilder::AddField(std::string_view key, const JsonField* field) {
  if (field != nullptr && field->kind == JsonField::Kind::kString) {
    AddString(key, field->text);
    return;
  }
  Key(key);
  bool scalar = field != nullptr &&
                (field->kind == JsonField::Kind::kNumber || field->kind == JsonField::Kind::kBool);
  // Numbers are copied as written (a 20-digit integer stays exact). Containers are not
  // copied: the whole body is in "body" and raw_body.
  json_ += scalar ? field->text : "null";
}

std::string PayloadBuilder::Finish(std::string_view raw_body, const InspectedJson& inspected) && {
  std::string why;
  std::string minified;
  if (!inspected.strictly_valid) {
    why = "body is kept only raw: " + inspected.strict_error;
  } else if (ScanEscapes(raw_body).has_nul) {
    why = "body is kept only raw: it contains \\u0000, which PostgreSQL jsonb cannot store";
  } else if (inspected.max_depth + 1 > kMaxJsonDepth) {
    why = "body is kept only raw: it nests deeper than " + std::to_string(kMaxJsonDepth - 1) +
          " levels";
  } else {
    Result<std::string> normalized = NormalizePayload(raw_body);
    if (!normalized.ok()) {
      why = "body is kept only raw: " + normalized.status().message();
    } else if (json_.size() + normalized->size() + kBodyFraming > kMaxPayloadBytes) {
      why = "body is kept only raw: with the event's fields it exceeds the payload limit";
    } else {
      minified = std::move(normalized).value();
    }
  }
  Key("body");
  if (why.empty()) {
    json_ += minified;
  } else {
    json_ += "null";
    Key("parse_error");
    json_ += Quote(why);
  }
  json_ += '}';
  return std::move(json_);
}

ProviderEvent MakeProviderEvent(std::string_view provider, std::string provider_event_id,
                                std::string event_type, const AdmissionScope& scope,
                                std::string payload, std::string raw_body) {
  ProviderEvent out;
  out.request.stream = StreamId(std::string(provider) + "-" + provider_event_id);
  out.request.expected = ExpectedVersion::NoStream();
  NewEvent& event = out.request.events.emplace_back();
  event.event_id = ProviderEventId(provider, provider_event_id);
  event.event_type = std::move(event_type);
  event.tenant = scope.tenant;
  event.payload = std::move(payload);
  event.metadata.actor = std::string(provider);
  event.metadata.source = "webhook." + std::string(provider);
  event.raw_body = std::move(raw_body);
  out.provider_event_id = std::move(provider_event_id);
  return out;
}

bool IsUsableProviderId(std::string_view id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace ledger::webhook
