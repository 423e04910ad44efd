// Helpers for the tampering tests: forged events with a plausible stream chain, the
// verifier's verdict in one call, and SQL literals for the rows a superuser would write.
#ifndef LEDGER_TESTS_REPLAY_TAMPER_SUPPORT_H_
#define LEDGER_TESTS_REPLAY_TAMPER_SUPPORT_H_

#include <doctest/doctest.h>

#include <string>

#include "engine/canonical.h"
#include "engine/event_store.h"
#include "replay/verifier.h"

namespace ledger::testing {

// An event a forger builds by hand: `version` of `stream` after `previous_hash`, at
// `position`, with the stream hash computed as a store would. Plausible to every stream-chain
// check; only the global chain and the seals can tell.
inline RecordedEvent ForgeEvent(const std::string& stream, std::uint64_t version,
                                const Sha256Digest& previous_hash, std::uint64_t position) {
  RecordedEvent e;
  e.global_position = GlobalPosition(position);
  e.stream_id = StreamId(stream);
  e.stream_version = StreamVersion(version);
  e.event_id = Uuid::V4();
  e.event_type = "order.refunded";
  e.tenant = TenantId(kDefaultTenant);
  e.payload = R"({"amount_minor":100000})";
  e.metadata.actor = "user:mallory";
  e.recorded_at = Timestamp(1'795'000'000'000'000);
  e.stream_hash = ChainStreamHash(previous_hash, e);
  return e;
}

// Verifies and returns the report; fails the test if the log cannot be read.
inline replay::VerifyReport Verify(EventStore& store, replay::VerifyOptions options = {}) {
  Result<replay::VerifyReport> report = replay::VerifyLog(store, options);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  return *report;
}

// The first problem's message, or "" when the log verifies.
inline std::string FirstProblem(EventStore& store, replay::VerifyOptions options = {}) {
  replay::VerifyReport report = Verify(store, std::move(options));
  return report.problem ? report.problem->message : "";
}

// A quoted SQL string literal.
inline std::string SqlText(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_REPLAY_TAMPER_SUPPORT_H_
