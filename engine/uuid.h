// Uuid: RFC 9562 identifiers. Event ids are random (v4) for events the ledger originates and
// name-based (v5, SHA-1) for events derived from something outside it, so that receiving the
// same provider event twice produces the same event id and the store deduplicates it.
#ifndef LEDGER_ENGINE_UUID_H_
#define LEDGER_ENGINE_UUID_H_

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger {

class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  constexpr Uuid() = default;  // the nil UUID
  constexpr explicit Uuid(const Bytes& bytes) : bytes_(bytes) {}

  // Random (version 4), from OpenSSL's CSPRNG. Thread-safe.
  static Uuid V4();
  // Name-based (version 5): SHA-1 of namespace bytes followed by `name`.
  static Uuid V5(const Uuid& name_space, std::string_view name);
  // Accepts the 36-character hyphenated form, either case.
  static Result<Uuid> Parse(std::string_view text);

  const Bytes& bytes() const { return bytes_; }
  bool is_nil() const { return bytes_ == Bytes{}; }
  int version() const { return bytes_[6] >> 4; }
  std::string ToString() const;  // lowercase, hyphenated

  friend auto operator<=>(const Uuid&, const Uuid&) = default;
  friend bool operator==(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

using EventId = Uuid;

// The namespace of every name-based id the ledger derives (v5 of the URL namespace and
// "urn:ledger:events"). Changing it would change every derived id: never do.
const Uuid& LedgerNamespace();

// The event id of an event received from `provider` ("stripe", "printify") with the
// provider's own id: V5(LedgerNamespace(), provider + ":" + provider_event_id).
EventId ProviderEventId(std::string_view provider, std::string_view provider_event_id);

}  // namespace ledger

template <>
struct std::hash<ledger::Uuid> {
  std::size_t operator()(const ledger::Uuid& id) const noexcept {
    std::size_t h = 0;
    for (std::uint8_t b : id.bytes()) h = h * 131 + b;
    return h;
  }
};

#endif  // LEDGER_ENGINE_UUID_H_
