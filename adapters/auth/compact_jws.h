// The look at a compact JWS (RFC 7515: header.payload.signature, base64url without padding)
// that the verifier takes before handing the token to the JWT library: the segment shape and
// the header's `alg`, so that an unsigned token, an unknown algorithm and an algorithm this
// server does not accept are refused by an explicit allow-list, each with its own reason, and
// the library is only ever asked to check a signature of the kind it was configured for.
// Decoding only: no cryptography here (that is jws_signer.cc's, through the library).
#ifndef LEDGER_ADAPTERS_AUTH_COMPACT_JWS_H_
#define LEDGER_ADAPTERS_AUTH_COMPACT_JWS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::auth {

// Longer tokens are refused unread; ours are a few hundred bytes.
inline constexpr std::size_t kMaxTokenBytes = std::size_t{8} * 1024;

struct JwsHeaderView {
  std::string alg;             // as written: "HS256", "EdDSA", "none", ...
  bool has_signature = false;  // the third segment is non-empty
};

// Checks that `token` is at most kMaxTokenBytes of three '.'-separated segments, each
// base64url without padding (the first two non-empty), and that the first decodes to a JSON
// object with a string "alg" and no "crit" (no extension is understood, so none may be
// critical: RFC 7515 section 4.1.11). Any failure is the rejection "malformed_token: ...".
Result<JwsHeaderView> InspectCompactJws(std::string_view token);

// Decodes base64url without padding; InvalidArgument for padding, a character outside the
// alphabet or an impossible length.
Result<std::string> DecodeBase64Url(std::string_view text);

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_COMPACT_JWS_H_
