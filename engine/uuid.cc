#include "engine/uuid.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace ledger {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void SetVersionAndVariant(Uuid::Bytes& b, int version) {
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | (version << 4));
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 9562 variant
}

}  // namespace

Uuid Uuid::V4() {
  Bytes b;
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // Without randomness we cannot mint ids that are safe to deduplicate on; stop.
    std::fprintf(stderr, "ledger: fatal: OpenSSL RAND_bytes failed\n");
    std::abort();
  }
  SetVersionAndVariant(b, 4);
  return Uuid(b);
}

Uuid Uuid::V5(const Uuid& name_space, std::string_view name) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest;
  unsigned int digest_size = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, name_space.bytes().data(), name_space.bytes().size()) == 1 &&
            EVP_DigestUpdate(ctx, name.data(), name.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, digest.data(), &digest_size) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || digest_size < 16) {
    std::fprintf(stderr, "ledger: fatal: OpenSSL SHA-1 failed\n");
    std::abort();
  }
  Bytes b;
  std::copy_n(digest.begin(), b.size(), b.begin());
  SetVersionAndVariant(b, 5);
  return Uuid(b);
}

Result<Uuid> Uuid::Parse(std::string_view text) {
  auto bad = [&] { return InvalidArgument("not a UUID: \"" + std::string(text.substr(0, 64)) + "\""); };
  if (text.size() != 36) return bad();
  Bytes b{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return bad();
      ++i;
      continue;
    }
    int hi = HexValue(text[i]);
    int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return bad();
    b[out++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(b);
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0x0F]);
  }
  return out;
}

const Uuid& LedgerNamespace() {
  // RFC 9562 URL namespace.
  static const Uuid kUrl = Uuid::Parse("6ba7b811-9dad-11d1-80b4-00c04fd430c8").value();
  static const Uuid kLedger = Uuid::V5(kUrl, "urn:ledger:events");
  return kLedger;
}

EventId ProviderEventId(std::string_view provider, std::string_view provider_event_id) {
  std::string name(provider);
  name += ':';
  name += provider_event_id;
  return Uuid::V5(LedgerNamespace(), name);
}

}  // namespace ledger
