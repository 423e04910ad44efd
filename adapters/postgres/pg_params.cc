#include "adapters/postgres/pg_params.h"

#include <algorithm>
#include <cstring>

namespace ledger::pg {
namespace {

std::uint64_t ReadBigEndian(std::string_view bytes) {
  std::uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

}  // namespace

void PutInt16(std::int16_t v, std::string& out) {
  auto u = static_cast<std::uint16_t>(v);
  out.push_back(static_cast<char>(u >> 8));
  out.push_back(static_cast<char>(u));
}

void PutInt32(std::int32_t v, std::string& out) {
  auto u = static_cast<std::uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}

void PutInt64(std::int64_t v, std::string& out) {
  auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}

std::string EncodeInt64(std::int64_t v) {
  std::string out;
  PutInt64(v, out);
  return out;
}

std::string EncodeTimestamp(Timestamp t) { return EncodeInt64(t.value() - kPostgresEpochMicros); }

std::string EncodeUuid(const Uuid& id) {
  return std::string(reinterpret_cast<const char*>(id.bytes().data()), id.bytes().size());
}

std::int64_t DecodeInt64(std::string_view bytes) {
  return static_cast<std::int64_t>(ReadBigEndian(bytes.substr(0, 8)));
}

Timestamp DecodeTimestamp(std::string_view bytes) {
  return Timestamp(DecodeInt64(bytes) + kPostgresEpochMicros);
}

Uuid DecodeUuid(std::string_view bytes) {
  Uuid::Bytes b{};
  std::memcpy(b.data(), bytes.data(), std::min(bytes.size(), b.size()));
  return Uuid(b);
}

Sha256Digest DecodeDigest(std::string_view bytes) {
  Sha256Digest d{};
  std::memcpy(d.data(), bytes.data(), std::min(bytes.size(), d.size()));
  return d;
}

void ArrayParam::Add(std::string_view element_bytes) {
  PutInt32(static_cast<std::int32_t>(element_bytes.size()), elements_);
  elements_.append(element_bytes);
  ++count_;
}

void ArrayParam::AddNull() {
  PutInt32(-1, elements_);
  has_null_ = true;
  ++count_;
}

std::string ArrayParam::Encode() const {
  std::string out;
  out.reserve(20 + elements_.size());
  PutInt32(1, out);  // dimensions (an empty array still works as one dimension of size 0)
  PutInt32(has_null_ ? 1 : 0, out);
  PutInt32(static_cast<std::int32_t>(element_), out);
  PutInt32(static_cast<std::int32_t>(count_), out);
  PutInt32(1, out);  // lower bound
  out.append(elements_);
  return out;
}

Params& Params::Bytes(std::string value) {
  values_.emplace_back(std::move(value));
  return *this;
}

Params& Params::Null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> Params::ValuePointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->data() : nullptr);
  return out;
}

std::vector<int> Params::Lengths() const {
  std::vector<int> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? static_cast<int>(v->size()) : 0);
  return out;
}

}  // namespace ledger::pg
