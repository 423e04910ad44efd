// SealKey: the Ed25519 key that signs seals (with its private half) or checks them (public
// half only), through OpenSSL's EVP_PKEY_ED25519.
//
// Key files are PEM: a private key is PKCS#8 ("-----BEGIN PRIVATE KEY-----"), a public key
// SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"), as `openssl genpkey -algorithm ed25519`
// and `openssl pkey -pubout` write them. A file may hold several blocks (an auditor's list of
// trusted keys across rotations).
//
// A key's id is "ed25519:" followed by the first 16 hex digits of SHA-256(raw public key): it
// names the key in every seal, so that a verifier knows which trusted key to check it with.
//
// Copyable (copies share the immutable OpenSSL key); thread-safe.
#ifndef LEDGER_REPLAY_SEAL_KEY_H_
#define LEDGER_REPLAY_SEAL_KEY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header.

namespace ledger::replay {

inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

class SealKey {
 public:
  // A new random private key (OpenSSL's CSPRNG). Internal if OpenSSL fails.
  static Result<SealKey> Generate();
  // Every key in a PEM text, in order: InvalidArgument if there is none, if a block is not
  // an Ed25519 key, or if the text is not PEM.
  static Result<std::vector<SealKey>> ParsePem(std::string_view pem);
  // A public key from its 32 raw bytes (as a seal carries it).
  static Result<SealKey> FromPublicKey(std::string_view raw);

  bool has_private_key() const { return has_private_; }
  // The 32 raw public key bytes.
  const std::string& public_key() const { return public_key_; }
  const std::string& id() const { return id_; }

  // The 64-byte Ed25519 signature of `message`. FailedPrecondition without a private key.
  Result<std::string> Sign(std::string_view message) const;
  // True if `signature` is this key's signature of `message`.
  bool Verifies(std::string_view message, std::string_view signature) const;

  // PEM texts. PrivatePem is FailedPrecondition for a public-only key.
  Result<std::string> PrivatePem() const;
  Result<std::string> PublicPem() const;

 private:
  SealKey(std::shared_ptr<evp_pkey_st> key, bool has_private, std::string public_key);

  std::shared_ptr<evp_pkey_st> key_;
  bool has_private_ = false;
  std::string public_key_;
  std::string id_;
};

// "ed25519:" + the first 16 hex digits of SHA-256(raw public key).
std::string SealKeyId(std::string_view raw_public_key);

// Reads a PEM file (ParsePem). FailedPrecondition if it cannot be read.
Result<std::vector<SealKey>> LoadSealKeys(const std::string& path);

// The one private key in a PEM file: what a sealer signs with. InvalidArgument if the file
// holds no private key or more than one key.
Result<SealKey> LoadSigningKey(const std::string& path);

// Writes `key`'s private PEM to `path`, readable by its owner only (0600), and its public PEM
// to `path` + ".pub". Refuses (AlreadyExists) to overwrite either file: losing a sealing key
// makes every later seal unverifiable with the keys auditors hold.
Status WriteKeyFiles(const SealKey& key, const std::string& path);

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_SEAL_KEY_H_
