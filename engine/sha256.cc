#include "engine/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace ledger {
namespace {

[[noreturn]] void DieOpenSsl(const char* what) {
  // A hash we cannot compute is a chain we cannot extend; there is no safe way forward.
  std::fprintf(stderr, "ledger: fatal: OpenSSL %s failed\n", what);
  std::abort();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    DieOpenSsl("SHA-256 init");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) DieOpenSsl("SHA-256 update");
}

void Sha256::Update(const Sha256Digest& digest) {
  if (EVP_DigestUpdate(ctx_, digest.data(), digest.size()) != 1) DieOpenSsl("SHA-256 update");
}

Sha256Digest Sha256::Finish() {
  Sha256Digest out;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &size) != 1 || size != out.size()) {
    DieOpenSsl("SHA-256 final");
  }
  return out;
}

Sha256Digest Sha256::Of(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.Finish();
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0F]);
  }
  return out;
}

std::string HexEncode(const Sha256Digest& digest) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

Result<Sha256Digest> ParseSha256Hex(std::string_view hex) {
  if (hex.size() != 64) return InvalidArgument("a SHA-256 hash is 64 hex digits");
  Sha256Digest out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = HexDigit(hex[2 * i]);
    int lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("a SHA-256 hash is 64 hex digits");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace ledger
