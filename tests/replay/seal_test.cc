// Seals: the signed message (a stored format), the payload, and the seals file.
#include "replay/seal.h"

#include <doctest/doctest.h>

#include <sstream>

#include "replay/global_chain.h"
#include "replay/seal_file.h"

namespace ledger::replay {
namespace {

Seal ExampleSeal() {
  Seal seal;
  seal.number = 1;
  seal.first_sequence = 1;
  seal.last_sequence = 2;
  seal.first_position = GlobalPosition(7);
  seal.last_position = GlobalPosition(9);
  Sha256Digest h1{};
  h1.fill(0x11);
  Sha256Digest h2{};
  h2.fill(0x22);
  seal.chain_hash = ChainGlobalHash(ChainGlobalHash(kGenesisChainHash, 1, GlobalPosition(7), h1), 2,
                                    GlobalPosition(9), h2);
  XorInto(seal.stream_hash_xor, h1);
  XorInto(seal.stream_hash_xor, h2);
  seal.sealed_at = Timestamp(1'795'000'000'000'000);
  seal.key_id = "ed25519:test";
  return seal;
}

TEST_CASE("the seal message matches the documented format") {
  // Golden value: SHA-256 of the bytes built by a Python script from docs/formats.md.
  std::string message = SealMessage(ExampleSeal());
  CHECK(message.size() == 174);
  CHECK(HexEncode(Sha256::Of(message)) ==
        "cb6572f14c40fb7f0a67435f062657fa47f12316af5059ecf3a6bbf3ca83574a");
}

TEST_CASE("a signed seal round-trips through its payload and verifies only unchanged") {
  SealKey key = SealKey::Generate().value();
  Seal seal = ExampleSeal();
  REQUIRE(SignSeal(key, seal).ok());
  CHECK(seal.key_id == key.id());
  CHECK(SealSignedBy(seal, key));

  std::string payload = FormatSealPayload(seal);
  CHECK(
      payload.starts_with(R"({"seal":1,"first_sequence":1,"last_sequence":2,"first_position":7,)"));
  Result<Seal> parsed = ParseSealPayload(payload);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(*parsed == seal);

  Seal moved = seal;
  moved.last_position = GlobalPosition(10);
  CHECK_FALSE(SealSignedBy(moved, key));
  Seal other_key = seal;
  CHECK_FALSE(SealSignedBy(other_key, SealKey::Generate().value()));
}

TEST_CASE("seal payloads are parsed strictly") {
  SealKey key = SealKey::Generate().value();
  Seal seal = ExampleSeal();
  REQUIRE(SignSeal(key, seal).ok());
  std::string payload = FormatSealPayload(seal);

  auto error = [](const std::string& text) {
    Result<Seal> parsed = ParseSealPayload(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
    return std::string(parsed.status().message());
  };
  CHECK(error("[]").find("not a JSON object") != std::string::npos);
  CHECK(error("{").find("not JSON") != std::string::npos);
  std::string extra = payload.substr(0, payload.size() - 1) + R"(,"note":"hi"})";
  CHECK(error(extra) == "seal field \"note\": unknown field");
  std::string no_chain = payload;
  no_chain.replace(no_chain.find("\"chain_hash\""), 12, "\"chain_hashX\"");
  CHECK(error(no_chain) == "seal field \"chain_hashX\": unknown field");
  std::string negative = payload;
  negative.replace(negative.find("\"seal\":1"), 8, "\"seal\":-1");
  CHECK(error(negative) == "seal field \"seal\": must be a non-negative integer");
  std::string empty_range = payload;
  empty_range.replace(empty_range.find("\"last_sequence\":2"), 17, "\"last_sequence\":0");
  CHECK(error(empty_range).find("empty or bad range") != std::string::npos);
}

TEST_CASE("a seal event must be a ledger.sealed event of ledger-seals at its own number") {
  SealKey key = SealKey::Generate().value();
  Seal seal = ExampleSeal();
  REQUIRE(SignSeal(key, seal).ok());
  NewEvent event = MakeSealEvent(seal);
  CHECK(event.event_type == "ledger.sealed");
  CHECK(event.tenant.value() == "ledger");
  CHECK(event.metadata.actor == "system:sealer");

  RecordedEvent recorded;
  recorded.global_position = GlobalPosition(12);
  recorded.stream_id = StreamId("ledger-seals");
  recorded.stream_version = StreamVersion(1);
  recorded.event_id = event.event_id;
  recorded.event_type = event.event_type;
  recorded.tenant = event.tenant;
  recorded.payload = event.payload;
  CHECK(SealFromEvent(recorded).value() == seal);

  RecordedEvent wrong_version = recorded;
  wrong_version.stream_version = StreamVersion(2);
  CHECK(SealFromEvent(wrong_version).status().message().find("is not its stream version 2") !=
        std::string::npos);
  RecordedEvent wrong_type = recorded;
  wrong_type.event_type = "ledger.other";
  CHECK_FALSE(SealFromEvent(wrong_type).ok());

  // The seals file holds such events as export lines; it reads back strictly.
  std::ostringstream file;
  REQUIRE(WriteSealFile(std::span<const RecordedEvent>(&recorded, 1), file).ok());
  std::istringstream in(file.str() + "\n");
  Result<std::vector<ExportedSeal>> read = ReadSealFile(in);
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  REQUIRE(read->size() == 1);
  CHECK((*read)[0].line == 1);
  CHECK((*read)[0].seal == seal);
  CHECK((*read)[0].payload == recorded.payload);
  CHECK((*read)[0].event_id == recorded.event_id);

  std::istringstream twice(file.str() + file.str());
  CHECK(ReadSealFile(twice).status().message() == "line 2: seal 1 follows seal 1");
  std::istringstream garbage("{\"stream_id\":\"order-1\"}\n");
  CHECK(ReadSealFile(garbage).status().message().starts_with("line 1: "));
}

}  // namespace
}  // namespace ledger::replay
