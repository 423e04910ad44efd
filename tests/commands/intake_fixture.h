// Provider events for translator tests, admitted exactly as the webhook server admits them
// (adapters/stripe/event_decoder.h, adapters/printify/event_decoder.h), and a store to
// translate them in. Shared with tests/projections/orders_*.cc.
#ifndef LEDGER_TESTS_COMMANDS_INTAKE_FIXTURE_H_
#define LEDGER_TESTS_COMMANDS_INTAKE_FIXTURE_H_

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/intake/translator.h"
#include "engine/clock.h"
#include "engine/memory_store.h"
#include "projections/memory_read_model_store.h"

namespace ledger::commands::testing {

// tests/fixtures/<relative>, byte for byte.
std::string ReadFixture(const std::string& relative);

// The 25 files of tests/fixtures/stripe/assembled, in story order ("01_customer.created.json"
// ...), and the Printify order fixtures p01..p08.
std::vector<std::string> AssembledStripeFixtures();
std::vector<std::string> PrintifyOrderFixtures();

// The admission of a Stripe / Printify webhook body, as the server would append it.
AppendRequest AdmitStripe(std::string raw_body, const std::string& tenant = kDefaultTenant);
AppendRequest AdmitPrintify(std::string raw_body, const std::string& tenant = kDefaultTenant);

// A minimal Stripe event envelope around `object_json`.
std::string StripeEventJson(std::string_view evt_id, std::string_view type,
                            std::int64_t created, std::string_view object_json);

// The ids of the story.
inline constexpr char kCardOrder[] =
    "cs_test_b1Qk8Zr2dLmN4pX6tV9yW3cE5fH7jK0sA2gU4iO6qR8eT1wY3zBx5nM7vC9";
inline constexpr char kAsyncPaidOrder[] =
    "cs_test_a4Nm2Pq8Rs6Tu0Vw2Xy4Za6Bc8De0Fg2Hi4Jk6Lm8No0Pq2Rs4Tu6Vw8Xy0Za2";
inline constexpr char kAsyncFailedOrder[] =
    "cs_test_a9Zy8Xw7Vu6Ts5Rq4Po3Nm2Lk1Ji0Hg9Fe8Dc7Ba6Zy5Xw4Vu3Ts2Rq1Po0Nm9";
inline constexpr char kExpiredOrder[] =
    "cs_test_a2Ex4Pi6Re8Dx0Yz2Ab4Cd6Ef8Gh0Ij2Kl4Mn6Op8Qr0St2Uv4Wx6Yz8Ab0Cd2";
inline constexpr char kCardPayment[] = "pi_3RkT9wLmNp2QxYz40aB1cD2e";
inline constexpr char kAsyncPaidPayment[] = "pi_3RkV0bLmNp2QxYz41cE2fG3h";
inline constexpr char kAsyncFailedPayment[] = "pi_3RkW4cLmNp2QxYz42dF3gH4i";
inline constexpr char kDeclinedPayment[] = "pi_3RkX5dLmNp2QxYz43eG4hI5j";
inline constexpr char kCanceledPayment[] = "pi_3RkY6eLmNp2QxYz44fH5iJ6k";
inline constexpr char kCustomer[] = "cus_TqLmNp2QxYz4Ab";
inline constexpr char kPrintifyOrder[] = "66c3a1f2b4e5d60012ab34cd";
inline constexpr char kPrintifyCancelledOrder[] = "66c3a1f2b4e5d60012ab99ff";

class IntakeFixture {
 public:
  explicit IntakeFixture(intake::TranslatorOptions options = {});

  // Appends an admission (REQUIRE ok).
  void Admit(const AppendRequest& request);
  void AdmitStripeFixture(const std::string& name);
  void AdmitPrintifyFixture(const std::string& name);
  // Records that `printify_order_id` fulfils order `order_id`, as the submission job will.
  void LinkPrintify(const std::string& printify_order_id, const std::string& order_id);
  // Runs the translator to the head of the log (REQUIRE ok).
  void Translate();

  std::vector<RecordedEvent> Stream(const std::string& stream);
  std::vector<std::string> StreamTypes(const std::string& stream);
  std::vector<RecordedEvent> Log();

  ManualClock clock{Timestamp(1'787'133'600'000'000)};
  MemoryEventStore store{&clock};
  projections::MemoryReadModelStore checkpoints;
  std::unique_ptr<intake::Translator> translator;
};

boost::json::object PayloadObject(const RecordedEvent& event);

}  // namespace ledger::commands::testing

#endif  // LEDGER_TESTS_COMMANDS_INTAKE_FIXTURE_H_
