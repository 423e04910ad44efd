// The admission scenarios every store must pass, written once and run on each store kind
// (webhook_admission_test.cc for the embedded stores, postgres_admission_test.cc for
// PostgreSQL). Each starts its own server on a fresh store.
#ifndef LEDGER_TESTS_HTTP_ADMISSION_CHECKS_H_
#define LEDGER_TESTS_HTTP_ADMISSION_CHECKS_H_

#include "tests/http/test_server.h"

namespace ledger::testing {

// Every Stripe fixture (assembled, captured, edge cases) posted over HTTP: admitted or
// refused as MANIFEST.json says, redeliveries answered 200 without a second event, and the
// log holding each admitted event once, raw body byte-exact.
void CheckEveryStripeFixture(StoreKind kind);
// Every Printify fixture posted twice: stored once, byte-exact.
void CheckEveryPrintifyFixture(StoreKind kind);
// `count` concurrent deliveries of one event: all 200, exactly one event stored.
void CheckConcurrentRedeliveries(StoreKind kind, int count);
// Authenticated bodies that only plain JSON parsers accept (a lone surrogate, \u0000 that
// PostgreSQL jsonb refuses, invalid UTF-8): admitted, payload body null, raw body exact.
void CheckBodiesKeptOnlyRaw(StoreKind kind);
// Store unavailable: 503 with Retry-After and nothing stored; then it recovers by itself.
void CheckOutageAndRecovery(StoreKind kind);

// A Stripe-shaped event with this id, signed with the fixtures' secret at `now`.
struct SignedEvent {
  std::string body;
  std::string header;
  std::int64_t now = 0;
};
SignedEvent SignedStripeEvent(const std::string& id, std::int64_t now);
ClientResponse PostSigned(int port, const SignedEvent& event);

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_HTTP_ADMISSION_CHECKS_H_
