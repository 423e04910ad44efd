// Big-endian integers and length-prefixed strings for the byte strings replay/ hashes and
// signs (docs/formats.md: the same conventions as the canonical event bytes).
#ifndef LEDGER_REPLAY_INTERNAL_BYTES_H_
#define LEDGER_REPLAY_INTERNAL_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sha256.h"

namespace ledger::replay::internal {

inline void PutU64(std::uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

// u32(len) || bytes. REQUIRES: bytes.size() < 2^32 (every caller's fields are tiny).
inline void PutString(std::string_view bytes, std::string& out) {
  auto size = static_cast<std::uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(size >> shift));
  out.append(bytes);
}

inline void PutDigest(const Sha256Digest& digest, std::string& out) {
  out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
}

}  // namespace ledger::replay::internal

#endif  // LEDGER_REPLAY_INTERNAL_BYTES_H_
