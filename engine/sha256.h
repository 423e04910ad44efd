// SHA-256 through OpenSSL, for the stream hash chain, the global seal chain and digests.
#ifndef LEDGER_ENGINE_SHA256_H_
#define LEDGER_ENGINE_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/result.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header.

namespace ledger {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental hasher. Not thread-safe; cheap to create.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  void Update(const Sha256Digest& digest);
  // Returns the digest; the hasher must not be used afterwards.
  Sha256Digest Finish();

  static Sha256Digest Of(std::string_view bytes);

 private:
  evp_md_ctx_st* ctx_;
};

// Lowercase hex of arbitrary bytes, and back.
std::string HexEncode(std::string_view bytes);
std::string HexEncode(const Sha256Digest& digest);
Result<Sha256Digest> ParseSha256Hex(std::string_view hex);

}  // namespace ledger

#endif  // LEDGER_ENGINE_SHA256_H_
