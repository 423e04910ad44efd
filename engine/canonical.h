// Canonical event bytes and the per-stream hash chain (format in docs/formats.md).
//
//   canonical(e) = "ledger.event.v1"
//                  || str(stream_id) || u64(stream_version) || event_id (16 bytes)
//                  || str(event_type) || u32(schema_version) || str(tenant)
//                  || i64(recorded_at) || str(correlation_id) || str(causation_id)
//                  || str(actor) || str(source) || str(payload)
//                  || u8(has_raw_body) [|| str(raw_body)]
//   str(x) = u32(len(x)) || x;  integers are big-endian; i64 is two's complement.
//
//   stream_hash(1) = SHA-256(32 zero bytes || canonical(e1))
//   stream_hash(n) = SHA-256(stream_hash(n-1) || canonical(en))
//
// The global position is not hashed: it is assigned by the store (possibly after the hash
// is known) and is covered by the global seal chain instead.
#ifndef LEDGER_ENGINE_CANONICAL_H_
#define LEDGER_ENGINE_CANONICAL_H_

#include <string>

#include "engine/event.h"
#include "engine/sha256.h"

namespace ledger {

inline constexpr Sha256Digest kGenesisStreamHash{};  // the "previous hash" of version 1

// Appends canonical(e) to `out`.
void AppendCanonicalEventBytes(const RecordedEvent& e, std::string& out);

// SHA-256(previous || canonical(e)).
Sha256Digest ChainStreamHash(const Sha256Digest& previous, const RecordedEvent& e);

}  // namespace ledger

#endif  // LEDGER_ENGINE_CANONICAL_H_
