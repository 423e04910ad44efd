#include <doctest/doctest.h>

#include <random>

#include "projections/memory_read_model_store.h"
#include "tests/commands/intake_fixture.h"
#include "tests/golden/golden_stories.h"

namespace ledger::golden {
namespace {

using commands::testing::IntakeFixture;
namespace story = commands::testing;

// A fixed permutation of `items`: Fisher-Yates over mt19937, whose output the standard fixes
// (std::shuffle's use of it is up to the library, which would make the log differ between
// standard libraries).
void FixedShuffle(std::vector<std::string>& items, std::uint32_t seed) {
  std::mt19937 rng(seed);
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[rng() % i]);
  }
}

}  // namespace

std::vector<RecordedEvent> StripeStory() {
  IntakeFixture f;
  for (const std::string& name : story::AssembledStripeFixtures()) {
    f.AdmitStripeFixture(name);
    f.Translate();
  }
  return f.Log();
}

// The refunds and disputes of the card payment, and its early fraud warning, without the
// checkout or the charge they belong to: what the payment streams become from these alone.
std::vector<RecordedEvent> RefundsAndDisputes() {
  IntakeFixture f;
  for (const std::string& name : story::AssembledStripeFixtures()) {
    const int number = std::stoi(name.substr(0, 2));
    if (number < 8 || number > 17) continue;
    f.AdmitStripeFixture(name);
    f.Translate();
  }
  return f.Log();
}

// The story delivered out of order, with Stripe's retries (every fourth delivery repeats one
// made three deliveries earlier, and the first comes again at the end), the translator
// running every few deliveries, and finally a second translator with no checkpoint (as after
// losing it) going over the whole log again: redelivery and reprocessing must change nothing.
std::vector<RecordedEvent> StripeShuffled() {
  std::vector<std::string> deliveries = story::AssembledStripeFixtures();
  FixedShuffle(deliveries, 20260819);
  IntakeFixture f;
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    f.AdmitStripeFixture(deliveries[i]);
    if (i % 4 == 3) f.AdmitStripeFixture(deliveries[i - 3]);
    if (i % 3 == 2) f.Translate();
  }
  f.AdmitStripeFixture(deliveries.front());
  f.Translate();
  const std::size_t size = f.Log().size();

  projections::MemoryReadModelStore fresh_checkpoints;
  commands::intake::Translator again(f.store, fresh_checkpoints,
                                     commands::intake::TranslatorOptions{.clock = &f.clock});
  Status redone = again.CatchUp();
  REQUIRE_MESSAGE(redone.ok(), redone.ToString());
  REQUIRE_MESSAGE(f.Log().size() == size, "translating the log again appended events");
  return f.Log();
}

// The card order fulfilled by Printify (linked as the submission job links it), and the
// failed async order's Printify order cancelled.
std::vector<RecordedEvent> PrintifyFulfilment() {
  IntakeFixture f;
  f.AdmitStripeFixture("05_checkout.session.completed.json");
  f.Translate();
  f.LinkPrintify(story::kPrintifyOrder, story::kCardOrder);
  f.LinkPrintify(story::kPrintifyCancelledOrder, story::kAsyncFailedOrder);
  f.AdmitStripeFixture("21_checkout.session.async_payment_failed.json");
  f.Translate();
  for (const std::string& name : story::PrintifyOrderFixtures()) {
    f.AdmitPrintifyFixture(name);
    f.Translate();
  }
  return f.Log();
}

}  // namespace ledger::golden
