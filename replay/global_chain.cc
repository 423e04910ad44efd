#include "replay/global_chain.h"

#include <string>

#include "replay/internal/bytes.h"

namespace ledger::replay {

Sha256Digest ChainGlobalHash(const Sha256Digest& previous, std::uint64_t sequence,
                             GlobalPosition position, const Sha256Digest& stream_hash) {
  std::string link;
  link.reserve(15 + 32 + 8 + 8 + 32);
  link.append("ledger.chain.v1");
  internal::PutDigest(previous, link);
  internal::PutU64(sequence, link);
  internal::PutU64(position.value(), link);
  internal::PutDigest(stream_hash, link);
  return Sha256::Of(link);
}

void ChainHead::Extend(const RecordedEvent& event) {
  sequence += 1;
  position = event.global_position;
  hash = ChainGlobalHash(hash, sequence, position, event.stream_hash);
}

void XorInto(Sha256Digest& a, const Sha256Digest& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] ^= b[i];
}

}  // namespace ledger::replay
