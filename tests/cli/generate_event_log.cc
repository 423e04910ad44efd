// generate_event_log N: writes a deterministic N-event log in the export format (JSON
// lines, engine/event_json.h) to stdout, for the import/export round-trip test.
//
// The log is what a busy store would hold: thousands of streams of several categories and
// tenants, interleaved; global positions with gaps (as a PostgreSQL sequence leaves);
// metadata partly present, with non-ASCII text; payloads with unicode escapes, surrogate
// pairs, escaped quotes, big integers and number spellings that must survive byte for byte;
// raw bodies with arbitrary bytes on provider events; and correct hash chains.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unordered_map>

#include "engine/canonical.h"
#include "engine/event_json.h"
#include "engine/time.h"

namespace {

using namespace ledger;  // NOLINT(google-build-using-namespace): a small test tool

// A small deterministic generator, so that the file is the same on every machine.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return Next() % n; }

 private:
  std::uint64_t state_;
};

struct StreamState {
  std::uint64_t version = 0;
  Sha256Digest hash = kGenesisStreamHash;
};

std::string Payload(SplitMix64& rng, std::uint64_t i) {
  std::string n = std::to_string(i);
  switch (rng.Below(6)) {
    case 0:
      return R"({"amount_minor":)" + n +
             R"(,"currency":"gbp","note":"caf\u00e9 \"quoted\" \\ \/"})";
    case 1:
      return R"({"name":"T-shirt \ud83d\ude00","tags":["a","b\tc"],"n":)" + n + "}";
    case 2:
      return R"({"big":123456789012345678901234567890,"price":1.50,"exp":2E+3,"neg":-0.0,"i":)" +
             n + "}";
    case 3:
      return R"({"nested":{"a":[1,[2,[3,{"b":null}]]],"t":true,"f":false},"k":")" + n + R"("})";
    case 4:
      return R"({"dup":1,"dup":2,"empty":{},"arr":[],"s":"\u0000\u001f\n"})";
    default:
      return R"({"text":"日本語のテキスト","emoji":"🎉","i":)" + n + "}";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t count = 100'000;
  if (argc > 1) std::from_chars(argv[1], argv[1] + std::strlen(argv[1]), count);
  std::ios::sync_with_stdio(false);

  SplitMix64 rng(20261123);
  const char* categories[] = {"order", "payment", "content", "canary", "stripe"};
  const char* tenants[] = {"default", "shop-eu", "shop_us"};
  const char* actors[] = {"",       "user:alice",    "user:zo\xc3\xab",
                          "stripe", "system:canary", "用户:王"};
  std::unordered_map<std::string, StreamState> streams;
  std::uint64_t position = 0;
  Timestamp time = ParseRfc3339("2026-01-01T00:00:00Z").value();
  std::string out;

  for (std::uint64_t i = 0; i < count; ++i) {
    RecordedEvent e;
    std::uint64_t s = rng.Below(5000);
    const char* category = categories[s % 5];
    e.stream_id =
        StreamId(std::string(category) + "-" + (s % 5 == 4 ? "evt_" : "") + std::to_string(s));
    StreamState& state = streams[e.stream_id.value()];
    position += 1 + (rng.Below(20) == 0 ? rng.Below(5) : 0);  // occasional gaps
    time = Timestamp(time.value() + static_cast<std::int64_t>(rng.Below(2'000'000)));
    e.global_position = GlobalPosition(position);
    e.stream_version = StreamVersion(++state.version);
    e.event_id = Uuid::V5(LedgerNamespace(), "roundtrip:" + std::to_string(i));
    e.event_type = std::string(category) + (state.version == 1 ? ".created" : ".changed");
    e.schema_version = 1 + static_cast<std::uint32_t>(s % 3);
    e.tenant = TenantId(tenants[s % 3]);
    e.recorded_at = time;
    e.payload = Payload(rng, i);
    if (rng.Below(2) == 0) e.metadata.correlation_id = "corr-" + std::to_string(i / 7);
    if (rng.Below(3) == 0) e.metadata.causation_id = "cause-" + std::to_string(i / 3);
    e.metadata.actor = actors[rng.Below(std::size(actors))];
    if (rng.Below(4) != 0) e.metadata.source = "webhook.stripe";
    if (s % 5 == 4) {  // provider events keep their raw bytes
      std::string body;
      std::uint64_t length = rng.Below(64);
      for (std::uint64_t b = 0; b < length; ++b) body += static_cast<char>(rng.Below(256));
      e.raw_body = body;
    }
    e.stream_hash = ChainStreamHash(state.hash, e);
    state.hash = e.stream_hash;
    AppendEventJson(e, out);
    out += '\n';
    if (out.size() > (1 << 20)) {
      std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
      out.clear();
    }
  }
  std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
  std::cout.flush();
  return std::cout ? EXIT_SUCCESS : EXIT_FAILURE;
}
