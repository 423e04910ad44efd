// HMAC-SHA256 and constant-time comparison for webhook signatures (Stripe, Printify). The
// primitives are OpenSSL's; this header keeps OpenSSL out of every includer.
#ifndef LEDGER_ADAPTERS_HTTP_WEBHOOK_HMAC_H_
#define LEDGER_ADAPTERS_HTTP_WEBHOOK_HMAC_H_

#include <initializer_list>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::webhook {

// Lowercase hex of HMAC-SHA256(key, parts[0] || parts[1] || ...). The parts are fed to the
// MAC in order without being concatenated first, so a multi-megabyte body is never copied.
// Internal if OpenSSL fails (it does not, short of running out of memory). Thread-safe.
Result<std::string> HmacSha256Hex(std::string_view key,
                                  std::initializer_list<std::string_view> parts);

// True if a and b are equal. The time taken depends on the lengths only, never on where the
// contents differ, so a caller comparing a received signature leaks nothing about the
// expected one (its length is public: 64 hex digits).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace ledger::webhook

#endif  // LEDGER_ADAPTERS_HTTP_WEBHOOK_HMAC_H_
