// The global chain (docs/formats.md, "Global chain"): one SHA-256 chain over the whole log in
// log order (EventStore::ReadAll), which the per-stream chains cannot give. A stream chain
// proves each stream's events and their order within the stream; the global chain also fixes
// which events the log holds, where each sits (its global position) and their order across
// streams, so that removing a stream's last event, inserting a whole forged stream or swapping
// two streams' events changes it.
//
//   chain(0) = 32 zero bytes
//   chain(n) = SHA-256("ledger.chain.v1" || chain(n-1) || u64(n) || u64(position(n))
//                      || stream_hash(n))
//
// n is the event's sequence number: 1, 2, 3 ... over the log order, without holes (positions
// may have holes; sequence numbers never do). Seals (seal.h) sign chain(n) for some n.
#ifndef LEDGER_REPLAY_GLOBAL_CHAIN_H_
#define LEDGER_REPLAY_GLOBAL_CHAIN_H_

#include <cstdint>

#include "engine/event.h"
#include "engine/sha256.h"

namespace ledger::replay {

inline constexpr Sha256Digest kGenesisChainHash{};  // chain(0)

// chain(sequence) from chain(sequence - 1) and the event at that sequence number.
Sha256Digest ChainGlobalHash(const Sha256Digest& previous, std::uint64_t sequence,
                             GlobalPosition position, const Sha256Digest& stream_hash);

// The chain after a prefix of the log: the last event chained (sequence 0: none yet).
struct ChainHead {
  std::uint64_t sequence = 0;
  GlobalPosition position{0};
  Sha256Digest hash = kGenesisChainHash;

  // Chains `event` as the next sequence number, over its stored stream_hash.
  void Extend(const RecordedEvent& event);

  friend bool operator==(const ChainHead&, const ChainHead&) = default;
};

// a ^= b, byte by byte (Seal::stream_hash_xor).
void XorInto(Sha256Digest& a, const Sha256Digest& b);

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_GLOBAL_CHAIN_H_
