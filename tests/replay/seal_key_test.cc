// Ed25519 keys through OpenSSL: PEM in and out, signatures, refusals.
#include "replay/seal_key.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "engine/sha256.h"
#include "engine/uuid.h"

namespace ledger::replay {
namespace {

// RFC 8032 section 7.1, test 1, as PKCS#8 and SubjectPublicKeyInfo PEM.
constexpr const char* kRfcPrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kRfcPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
    "-----END PUBLIC KEY-----\n";

SealKey RfcKey() {
  Result<std::vector<SealKey>> keys = SealKey::ParsePem(kRfcPrivatePem);
  REQUIRE_MESSAGE(keys.ok(), keys.status().ToString());
  REQUIRE(keys->size() == 1);
  return keys->front();
}

TEST_CASE("the RFC 8032 test vector signs as published") {
  SealKey key = RfcKey();
  CHECK(key.has_private_key());
  CHECK(HexEncode(key.public_key()) ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(key.id() == "ed25519:21fe31dfa154a261");
  Result<std::string> signature = key.Sign("");
  REQUIRE(signature.ok());
  CHECK(HexEncode(*signature) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
        "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  CHECK(key.Verifies("", *signature));
}

TEST_CASE("a public key verifies and cannot sign; a changed message or signature fails") {
  SealKey signer = RfcKey();
  Result<std::vector<SealKey>> publics = SealKey::ParsePem(kRfcPublicPem);
  REQUIRE(publics.ok());
  const SealKey& verifier = publics->front();
  CHECK_FALSE(verifier.has_private_key());
  CHECK(verifier.id() == signer.id());
  CHECK(verifier.Sign("x").status().code() == StatusCode::kFailedPrecondition);

  std::string signature = signer.Sign("seal 1").value();
  CHECK(verifier.Verifies("seal 1", signature));
  CHECK_FALSE(verifier.Verifies("seal 2", signature));
  std::string flipped = signature;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  CHECK_FALSE(verifier.Verifies("seal 1", flipped));
  CHECK_FALSE(verifier.Verifies("seal 1", signature.substr(1)));

  SealKey other = SealKey::Generate().value();
  CHECK(other.id() != signer.id());
  CHECK_FALSE(other.Verifies("seal 1", signature));
}

TEST_CASE("PEM round trips, several keys in one file, and refusals") {
  SealKey generated = SealKey::Generate().value();
  std::string both = generated.PrivatePem().value() + RfcKey().PublicPem().value();
  Result<std::vector<SealKey>> keys = SealKey::ParsePem(both);
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 2);
  CHECK((*keys)[0].id() == generated.id());
  CHECK((*keys)[0].has_private_key());
  CHECK((*keys)[1].id() == "ed25519:21fe31dfa154a261");
  CHECK(SealKey::FromPublicKey(generated.public_key()).value().id() == generated.id());

  CHECK(SealKey::ParsePem("").status().code() == StatusCode::kInvalidArgument);
  CHECK(SealKey::ParsePem("not pem at all").status().code() == StatusCode::kInvalidArgument);
  // An RSA-style block name is not a key this ledger signs with.
  Status certificate =
      SealKey::ParsePem(
          "-----BEGIN CERTIFICATE-----\nMCowBQYDK2VwAyEA\n-----END CERTIFICATE-----\n")
          .status();
  CHECK(certificate.code() == StatusCode::kInvalidArgument);
  CHECK(SealKey::FromPublicKey("short").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("key files: private 0600 beside a .pub, never overwritten; the signing key loads") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ledger-seal-key-" + Uuid::V4().ToString());
  fs::create_directories(dir);
  const std::string path = (dir / "seal.pem").string();
  SealKey key = SealKey::Generate().value();
  REQUIRE(WriteKeyFiles(key, path).ok());
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(WriteKeyFiles(SealKey::Generate().value(), path).code() == StatusCode::kAlreadyExists);

  Result<SealKey> loaded = LoadSigningKey(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->id() == key.id());
  Result<std::vector<SealKey>> pub = LoadSealKeys(path + ".pub");
  REQUIRE(pub.ok());
  CHECK(pub->front().id() == key.id());
  CHECK(LoadSigningKey(path + ".pub").status().code() == StatusCode::kInvalidArgument);
  CHECK(LoadSigningKey((dir / "missing.pem").string()).status().code() ==
        StatusCode::kFailedPrecondition);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ledger::replay
