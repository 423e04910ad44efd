// Statement parameters in PostgreSQL's binary wire format, and decoding of binary result
// fields. Binary everywhere, so that payloads, raw bodies and hashes travel byte-exact with
// no quoting, timestamps keep their microseconds, and no text parsing sits on the hot path.
//
// Formats (PostgreSQL's *send/*recv functions): integers big-endian; uuid 16 bytes;
// timestamptz int64 microseconds since 2000-01-01 UTC; xid8 uint64; text, json and bytea
// their bytes; arrays a header (ndim, has-null, element oid, size, lower bound) followed by
// each element as int32 length (-1 for NULL) and bytes.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_PARAMS_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_PARAMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ids.h"
#include "engine/sha256.h"
#include "engine/uuid.h"

namespace ledger::pg {

// Type OIDs from PostgreSQL's pg_type.dat; fixed across server versions.
enum class TypeOid : unsigned {
  kBytea = 17,
  kInt8 = 20,
  kText = 25,
  kJson = 114,
  kTimestamptz = 1184,
  kUuid = 2950,
  kXid8 = 5069,
};

// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
inline constexpr std::int64_t kPostgresEpochMicros = 946'684'800'000'000;

void PutInt16(std::int16_t v, std::string& out);
void PutInt32(std::int32_t v, std::string& out);
void PutInt64(std::int64_t v, std::string& out);
std::string EncodeInt64(std::int64_t v);
std::string EncodeTimestamp(Timestamp t);
std::string EncodeUuid(const Uuid& id);

std::int64_t DecodeInt64(std::string_view bytes);   // REQUIRES: 8 bytes
Timestamp DecodeTimestamp(std::string_view bytes);  // REQUIRES: 8 bytes
Uuid DecodeUuid(std::string_view bytes);            // REQUIRES: 16 bytes
Sha256Digest DecodeDigest(std::string_view bytes);  // REQUIRES: 32 bytes

// A one-dimensional array parameter of one element type.
class ArrayParam {
 public:
  explicit ArrayParam(TypeOid element) : element_(element) {}
  void Add(std::string_view element_bytes);
  void AddNull();
  std::size_t size() const { return count_; }
  std::string Encode() const;

 private:
  TypeOid element_;
  std::size_t count_ = 0;
  bool has_null_ = false;
  std::string elements_;  // each: int32 length (-1: NULL) || bytes
};

// The parameters of one statement execution, all in binary format. Types come from the
// statement's casts ($1::bigint), so none are sent.
class Params {
 public:
  Params& Bytes(std::string value);  // any binary value already encoded (text, bytea, ...)
  Params& Text(std::string_view value) { return Bytes(std::string(value)); }
  Params& Int64(std::int64_t value) { return Bytes(EncodeInt64(value)); }
  Params& Time(Timestamp value) { return Bytes(EncodeTimestamp(value)); }
  Params& Null();
  Params& Array(const ArrayParam& array) { return Bytes(array.Encode()); }

  int count() const { return static_cast<int>(values_.size()); }
  // Views for libpq, valid until this object changes.
  std::vector<const char*> ValuePointers() const;
  std::vector<int> Lengths() const;
  std::vector<int> Formats() const { return std::vector<int>(values_.size(), 1); }

 private:
  std::vector<std::optional<std::string>> values_;
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_PARAMS_H_
