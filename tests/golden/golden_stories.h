// The builders of the golden fixtures' logs (golden_fixtures.cc lists them). In two files
// because the intake and command fixtures of tests/commands both declare kCustomer.
#ifndef LEDGER_TESTS_GOLDEN_GOLDEN_STORIES_H_
#define LEDGER_TESTS_GOLDEN_GOLDEN_STORIES_H_

#include <vector>

#include "engine/event.h"

namespace ledger::golden {

// golden_order_stories.cc: provider events admitted as the webhook server admits them and
// translated as its translator would, following the log.
std::vector<RecordedEvent> StripeStory();
std::vector<RecordedEvent> RefundsAndDisputes();
std::vector<RecordedEvent> StripeShuffled();
std::vector<RecordedEvent> PrintifyFulfilment();

// golden_command_stories.cc: domain commands through the dispatcher on a ManualClock, with
// event ids from a counter.
std::vector<RecordedEvent> ContentReview();
std::vector<RecordedEvent> CanaryTo90();
std::vector<RecordedEvent> CanaryTo100();
std::vector<RecordedEvent> CanaryRollback();

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_GOLDEN_STORIES_H_
