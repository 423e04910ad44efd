#include "adapters/webhook/hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <memory>

namespace ledger::webhook {
namespace {

// Fetched once: EVP_MAC_fetch consults the provider registry, which is not free, and the
// fetched algorithm is immutable and safe to share between threads. Never released.
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

std::string Hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0F];
  }
  return out;
}

}  // namespace

Result<std::string> HmacSha256Hex(std::string_view key,
                                  std::initializer_list<std::string_view> parts) {
  EVP_MAC* mac = HmacAlgorithm();
  if (mac == nullptr) return Internal("OpenSSL has no HMAC implementation");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return Internal("cannot allocate an HMAC context");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params) != 1) {
    return Internal("HMAC-SHA256 initialisation failed");
  }
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(part.data()),
                       part.size()) != 1) {
      return Internal("HMAC-SHA256 update failed");
    }
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t out_size = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &out_size, out.size()) != 1 || out_size != 32) {
    return Internal("HMAC-SHA256 finalisation failed");
  }
  return Hex(out.data(), out_size);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ledger::webhook
