#include "replay/seal_key.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/sha256.h"

namespace ledger::replay {
namespace {

using KeyPtr = std::shared_ptr<evp_pkey_st>;

KeyPtr Own(EVP_PKEY* key) { return KeyPtr(key, EVP_PKEY_free); }

// The newest OpenSSL error as text, and the queue cleared (so it never leaks into a later,
// unrelated error message).
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

Result<std::string> RawPublicKey(EVP_PKEY* key) {
  std::string raw(kEd25519PublicKeyBytes, '\0');
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) != 1 ||
      size != kEd25519PublicKeyBytes) {
    return Internal("cannot read an Ed25519 public key: " + OpenSslError());
  }
  return raw;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// One PEM block decoded to a key; `has_private` says which half the block held.
Result<EVP_PKEY*> DecodeBlock(std::string_view name, const unsigned char* der, long size,
                              bool& has_private) {
  const unsigned char* cursor = der;
  EVP_PKEY* key = nullptr;
  if (name == "PRIVATE KEY") {
    key = d2i_AutoPrivateKey(nullptr, &cursor, size);
    has_private = true;
  } else if (name == "PUBLIC KEY") {
    key = d2i_PUBKEY(nullptr, &cursor, size);
    has_private = false;
  } else {
    return InvalidArgument("a \"" + std::string(name) +
                           "\" PEM block is not a key (expected PRIVATE KEY or PUBLIC KEY)");
  }
  if (key == nullptr)
    return InvalidArgument("a damaged " + std::string(name) + ": " + OpenSslError());
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return InvalidArgument("a " + std::string(name) + " that is not an Ed25519 key");
  }
  return key;
}

}  // namespace

std::string SealKeyId(std::string_view raw_public_key) {
  return "ed25519:" + HexEncode(Sha256::Of(raw_public_key)).substr(0, 16);
}

SealKey::SealKey(std::shared_ptr<evp_pkey_st> key, bool has_private, std::string public_key)
    : key_(std::move(key)),
      has_private_(has_private),
      public_key_(std::move(public_key)),
      id_(SealKeyId(public_key_)) {}

Result<SealKey> SealKey::Generate() {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  if (ctx == nullptr) return Internal("cannot create an Ed25519 key: " + OpenSslError());
  EVP_PKEY* raw = nullptr;
  bool made = EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &raw) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!made) return Internal("cannot create an Ed25519 key: " + OpenSslError());
  KeyPtr key = Own(raw);
  LEDGER_ASSIGN_OR_RETURN(std::string public_key, RawPublicKey(key.get()));
  return SealKey(std::move(key), true, std::move(public_key));
}

Result<SealKey> SealKey::FromPublicKey(std::string_view raw) {
  if (raw.size() != kEd25519PublicKeyBytes) {
    return InvalidArgument("an Ed25519 public key has 32 bytes, not " + std::to_string(raw.size()));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (key == nullptr) return InvalidArgument("not an Ed25519 public key: " + OpenSslError());
  return SealKey(Own(key), false, std::string(raw));
}

Result<std::vector<SealKey>> SealKey::ParsePem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Internal("cannot read PEM: " + OpenSslError());
  std::vector<SealKey> keys;
  while (true) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long size = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &der, &size) != 1) {
      // The end of the text also reads as "no start line"; anything else is damage.
      unsigned long code = ERR_peek_last_error();
      bool at_end = ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
      if (!at_end) return InvalidArgument("damaged PEM: " + OpenSslError());
      ERR_clear_error();
      break;
    }
    bool has_private = false;
    Result<EVP_PKEY*> decoded = DecodeBlock(name, der, size, has_private);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    if (!decoded.ok())
      return decoded.status().WithContext("key " + std::to_string(keys.size() + 1));
    KeyPtr key = Own(*decoded);
    LEDGER_ASSIGN_OR_RETURN(std::string public_key, RawPublicKey(key.get()));
    keys.push_back(SealKey(std::move(key), has_private, std::move(public_key)));
  }
  if (keys.empty()) return InvalidArgument("no PEM key (BEGIN PRIVATE KEY or BEGIN PUBLIC KEY)");
  return keys;
}

Result<std::string> SealKey::Sign(std::string_view message) const {
  if (!has_private_) return FailedPrecondition("key " + id_ + " has no private key to sign with");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureBytes, '\0');
  std::size_t size = signature.size();
  // Ed25519 is "one-shot": no digest is named and the whole message is passed at once.
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      size != kEd25519SignatureBytes) {
    return Internal("cannot sign with key " + id_ + ": " + OpenSslError());
  }
  return signature;
}

bool SealKey::Verifies(std::string_view message, std::string_view signature) const {
  if (signature.size() != kEd25519SignatureBytes) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool good =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();  // a bad signature leaves an error behind; it is an answer, not a fault
  return good;
}

Result<std::string> SealKey::PrivatePem() const {
  if (!has_private_) return FailedPrecondition("key " + id_ + " has no private key");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Internal("cannot write a private key: " + OpenSslError());
  }
  return BioText(bio.get());
}

Result<std::string> SealKey::PublicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    return Internal("cannot write a public key: " + OpenSslError());
  }
  return BioText(bio.get());
}

Result<std::vector<SealKey>> LoadSealKeys(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FailedPrecondition("cannot read the key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return FailedPrecondition("cannot read the key file " + path);
  Result<std::vector<SealKey>> keys = SealKey::ParsePem(text.str());
  if (!keys.ok()) return keys.status().WithContext(path);
  return keys;
}

Result<SealKey> LoadSigningKey(const std::string& path) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<SealKey> keys, LoadSealKeys(path));
  if (keys.size() != 1 || !keys.front().has_private_key()) {
    return InvalidArgument(path + ": a signing key file holds exactly one PRIVATE KEY");
  }
  return keys.front();
}

namespace {

// Creates `path` (never replacing a file) with `mode` and writes `text` to it.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return AlreadyExists(path + " exists; refusing to replace a key file");
    return FailedPrecondition("cannot create " + path + ": " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      return Unavailable("cannot write " + path + ": " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return Unavailable("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

Status WriteKeyFiles(const SealKey& key, const std::string& path) {
  LEDGER_ASSIGN_OR_RETURN(std::string private_pem, key.PrivatePem());
  LEDGER_ASSIGN_OR_RETURN(std::string public_pem, key.PublicPem());
  const std::string public_path = path + ".pub";
  if (::access(public_path.c_str(), F_OK) == 0) {
    return AlreadyExists(public_path + " exists; refusing to replace a key file");
  }
  LEDGER_RETURN_IF_ERROR(WriteNewFile(path, private_pem, 0600));
  return WriteNewFile(public_path, public_pem, 0644);
}

}  // namespace ledger::replay
