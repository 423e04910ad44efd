#include "replay/seal.h"

#include <boost/json.hpp>

#include "engine/event_json.h"
#include "engine/time.h"
#include "replay/internal/bytes.h"

namespace ledger::replay {
namespace {

namespace json = boost::json;

constexpr std::string_view kFields[] = {"seal",           "first_sequence",  "last_sequence",
                                        "first_position", "last_position",   "previous_chain_hash",
                                        "chain_hash",     "stream_hash_xor", "sealed_at",
                                        "key_id",         "public_key",      "signature"};

Status FieldError(std::string_view field, std::string_view why) {
  return InvalidArgument("seal field \"" + std::string(field) + "\": " + std::string(why));
}

Result<const json::value*> Field(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr) return FieldError(name, "missing");
  return value;
}

Result<std::uint64_t> UnsignedField(const json::object& object, std::string_view name) {
  LEDGER_ASSIGN_OR_RETURN(const json::value* value, Field(object, name));
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64() && value->get_int64() >= 0) {
    return static_cast<std::uint64_t>(value->get_int64());
  }
  return FieldError(name, "must be a non-negative integer");
}

Result<std::string> StringField(const json::object& object, std::string_view name) {
  LEDGER_ASSIGN_OR_RETURN(const json::value* value, Field(object, name));
  if (!value->is_string()) return FieldError(name, "must be a string");
  return std::string(value->get_string());
}

Result<Sha256Digest> HashField(const json::object& object, std::string_view name) {
  LEDGER_ASSIGN_OR_RETURN(std::string hex, StringField(object, name));
  Result<Sha256Digest> digest = ParseSha256Hex(hex);
  if (!digest.ok()) return FieldError(name, "must be 64 lowercase hex digits");
  return *digest;
}

Result<std::string> BytesField(const json::object& object, std::string_view name,
                               std::size_t size) {
  LEDGER_ASSIGN_OR_RETURN(std::string text, StringField(object, name));
  Result<std::string> bytes = Base64Decode(text);
  if (!bytes.ok() || bytes->size() != size) {
    return FieldError(name, "must be " + std::to_string(size) + " bytes in base64");
  }
  return *bytes;
}

}  // namespace

std::string SealMessage(const Seal& seal) {
  std::string out = "ledger.seal.v1";
  internal::PutU64(seal.number, out);
  internal::PutU64(seal.first_sequence, out);
  internal::PutU64(seal.last_sequence, out);
  internal::PutU64(seal.first_position.value(), out);
  internal::PutU64(seal.last_position.value(), out);
  internal::PutDigest(seal.previous_chain_hash, out);
  internal::PutDigest(seal.chain_hash, out);
  internal::PutDigest(seal.stream_hash_xor, out);
  internal::PutU64(static_cast<std::uint64_t>(seal.sealed_at.value()), out);
  internal::PutString(seal.key_id, out);
  return out;
}

Status SignSeal(const SealKey& key, Seal& seal) {
  seal.key_id = key.id();
  seal.public_key = key.public_key();
  LEDGER_ASSIGN_OR_RETURN(seal.signature, key.Sign(SealMessage(seal)));
  return Status::Ok();
}

bool SealSignedBy(const Seal& seal, const SealKey& key) {
  return seal.key_id == key.id() && seal.public_key == key.public_key() &&
         key.Verifies(SealMessage(seal), seal.signature);
}

std::string FormatSealPayload(const Seal& seal) {
  json::object o;
  o["seal"] = seal.number;
  o["first_sequence"] = seal.first_sequence;
  o["last_sequence"] = seal.last_sequence;
  o["first_position"] = seal.first_position.value();
  o["last_position"] = seal.last_position.value();
  o["previous_chain_hash"] = HexEncode(seal.previous_chain_hash);
  o["chain_hash"] = HexEncode(seal.chain_hash);
  o["stream_hash_xor"] = HexEncode(seal.stream_hash_xor);
  o["sealed_at"] = FormatRfc3339(seal.sealed_at);
  o["key_id"] = seal.key_id;
  o["public_key"] = Base64Encode(seal.public_key);
  o["signature"] = Base64Encode(seal.signature);
  return json::serialize(o);  // boost::json::object keeps insertion order
}

Result<Seal> ParseSealPayload(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return InvalidArgument("seal payload is not JSON: " + ec.message());
  if (!value.is_object()) return InvalidArgument("seal payload is not a JSON object");
  const json::object& o = value.get_object();
  for (const auto& entry : o) {
    bool known = false;
    for (std::string_view field : kFields) known = known || entry.key() == field;
    if (!known) return FieldError(entry.key(), "unknown field");
  }
  Seal seal;
  LEDGER_ASSIGN_OR_RETURN(seal.number, UnsignedField(o, "seal"));
  LEDGER_ASSIGN_OR_RETURN(seal.first_sequence, UnsignedField(o, "first_sequence"));
  LEDGER_ASSIGN_OR_RETURN(seal.last_sequence, UnsignedField(o, "last_sequence"));
  LEDGER_ASSIGN_OR_RETURN(std::uint64_t first_position, UnsignedField(o, "first_position"));
  LEDGER_ASSIGN_OR_RETURN(std::uint64_t last_position, UnsignedField(o, "last_position"));
  seal.first_position = GlobalPosition(first_position);
  seal.last_position = GlobalPosition(last_position);
  LEDGER_ASSIGN_OR_RETURN(seal.previous_chain_hash, HashField(o, "previous_chain_hash"));
  LEDGER_ASSIGN_OR_RETURN(seal.chain_hash, HashField(o, "chain_hash"));
  LEDGER_ASSIGN_OR_RETURN(seal.stream_hash_xor, HashField(o, "stream_hash_xor"));
  LEDGER_ASSIGN_OR_RETURN(std::string sealed_at, StringField(o, "sealed_at"));
  Result<Timestamp> time = ParseRfc3339(sealed_at);
  if (!time.ok()) return FieldError("sealed_at", time.status().message());
  seal.sealed_at = *time;
  LEDGER_ASSIGN_OR_RETURN(seal.key_id, StringField(o, "key_id"));
  LEDGER_ASSIGN_OR_RETURN(seal.public_key, BytesField(o, "public_key", kEd25519PublicKeyBytes));
  LEDGER_ASSIGN_OR_RETURN(seal.signature, BytesField(o, "signature", kEd25519SignatureBytes));
  if (seal.number == 0 || seal.first_sequence == 0 || seal.last_sequence < seal.first_sequence) {
    return InvalidArgument("seal " + std::to_string(seal.number) + " has an empty or bad range " +
                           std::to_string(seal.first_sequence) + ".." +
                           std::to_string(seal.last_sequence));
  }
  return seal;
}

Result<Seal> SealFromEvent(const RecordedEvent& event) {
  const std::string where = "event at position " + std::to_string(event.global_position.value());
  if (event.event_type != kSealEventType || event.stream_id.value() != kSealStream) {
    return InvalidArgument(where + " (" + event.event_type + " in " + event.stream_id.value() +
                           ") is not a " + std::string(kSealEventType) + " event of " +
                           std::string(kSealStream));
  }
  Result<Seal> seal = ParseSealPayload(event.payload);
  if (!seal.ok()) return seal.status().WithContext(where);
  if (seal->number != event.stream_version.value()) {
    return InvalidArgument(where + ": seal number " + std::to_string(seal->number) +
                           " is not its stream version " +
                           std::to_string(event.stream_version.value()));
  }
  return seal;
}

NewEvent MakeSealEvent(const Seal& seal) {
  NewEvent event;
  event.event_id = Uuid::V4();
  event.event_type = std::string(kSealEventType);
  event.tenant = TenantId(std::string(kSealTenant));
  event.payload = FormatSealPayload(seal);
  event.metadata.actor = std::string(kSealActor);
  event.metadata.source = std::string(kSealSource);
  return event;
}

}  // namespace ledger::replay
