// A seal: a signed statement "the log's events with sequence numbers first..last chain to
// this hash" (docs/formats.md, "Seals"). The sealer (sealer.h) appends each seal to the log as
// a `ledger.sealed` event in the stream `ledger-seals`, tenant `ledger`; `ledger seal --export`
// copies them out of the database, and the verifier (verifier.h) checks them against the
// global chain (global_chain.h) it recomputes.
//
// Seals are numbered 1, 2, 3 ...: seal n is version n of `ledger-seals`. Seal n covers the
// sequence numbers right after seal n-1's, so together they cover a prefix of the log without
// gaps or overlaps; the seal events themselves are in the log and covered by later seals.
#ifndef LEDGER_REPLAY_SEAL_H_
#define LEDGER_REPLAY_SEAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/event.h"
#include "engine/result.h"
#include "replay/seal_key.h"

namespace ledger::replay {

inline constexpr std::string_view kSealEventType = "ledger.sealed";
inline constexpr std::string_view kSealStream = "ledger-seals";
// Seals cover every tenant's events, so they belong to none of them: a system tenant, which
// tenant-scoped readers (RLS) do not see and auditors do.
inline constexpr std::string_view kSealTenant = "ledger";
inline constexpr std::string_view kSealActor = "system:sealer";
inline constexpr std::string_view kSealSource = "replay.sealer";

struct Seal {
  std::uint64_t number = 0;          // n: the seal event's version in `ledger-seals`
  std::uint64_t first_sequence = 0;  // = the previous seal's last_sequence + 1 (1 for seal 1)
  std::uint64_t last_sequence = 0;
  GlobalPosition first_position{0};  // of the events at first_sequence and last_sequence
  GlobalPosition last_position{0};
  Sha256Digest previous_chain_hash{};  // chain(first_sequence - 1)
  Sha256Digest chain_hash{};           // chain(last_sequence)
  // XOR of the stream_hash of every event in the range. Not a security measure (the chain
  // hash is): it lets the verifier tell "the same events in another order or at other
  // positions" from "other events" when a range no longer matches.
  Sha256Digest stream_hash_xor{};
  Timestamp sealed_at{0};
  std::string key_id;      // SealKeyId(public_key)
  std::string public_key;  // 32 raw bytes: informative; verifiers trust their own copy
  std::string signature;   // 64 raw bytes: Ed25519 over SealMessage(*this)

  friend bool operator==(const Seal&, const Seal&) = default;
};

// The bytes the signature covers (everything but public_key and signature).
std::string SealMessage(const Seal& seal);

// Sets seal.key_id, public_key and signature with `key`. FailedPrecondition without a
// private key.
Status SignSeal(const SealKey& key, Seal& seal);

// True if `key` signed `seal`: its id and public key are the seal's and the signature holds.
bool SealSignedBy(const Seal& seal, const SealKey& key);

// The payload of a `ledger.sealed` event: one JSON object, fields in a fixed order, hashes in
// hex and keys and signatures in base64.
std::string FormatSealPayload(const Seal& seal);
// Strict: every field present with its type, no others (a field the signature does not cover
// has no business in a seal). InvalidArgument naming the field.
Result<Seal> ParseSealPayload(std::string_view json);

// The seal an event carries: InvalidArgument unless it is a `ledger.sealed` event of
// `ledger-seals` whose payload parses and whose seal number is its stream version.
Result<Seal> SealFromEvent(const RecordedEvent& event);

// The event that records `seal` (a fresh random event id).
NewEvent MakeSealEvent(const Seal& seal);

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_SEAL_H_
