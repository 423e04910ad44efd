// The schema-evolution example of the golden tests: a test event type, golden.widget_priced,
// whose payload changed shape between schema versions 1 and 2, the upcaster between them, a
// projector that reads version 2 only, and writers of the same history as each version's
// code wrote it.
//
//   version 1: {"widget":"w-1","price":"12.50","currency":"usd"}   price as a decimal string
//   version 2: {"widget_id":"w-1","price_minor":1250,"currency":"USD"}  integer minor units
//
// Golden logs of every version (logs/schema_widget_v*.jsonl) must keep replaying to the same
// digest: that is what proves an upcaster right and keeps it right.
#ifndef LEDGER_TESTS_GOLDEN_WIDGET_PRICES_H_
#define LEDGER_TESTS_GOLDEN_WIDGET_PRICES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "engine/result.h"
#include "projections/projector.h"
#include "tests/golden/upcasting.h"

namespace ledger::golden {

inline constexpr std::string_view kWidgetPriced = "golden.widget_priced";

// The version 1 -> 2 step: renames widget to widget_id, turns the decimal price (at most two
// fraction digits) into minor units and upper-cases the currency. InvalidArgument for a
// payload that is not a version 1 widget_priced.
Result<std::string> UpcastWidgetPricedV1(std::string_view payload);

// The registry with that step: golden.widget_priced is current at version 2.
const UpcasterRegistry& WidgetUpcasters();

// The "widget_prices" projector (table widget_prices: the latest price of each widget and
// how often it changed). It reads version 2 payloads only and fails Apply on any other
// version, so it must run behind the upcasters: MakeWidgetPricesProjector() wraps it.
std::unique_ptr<projections::Projector> MakeBareWidgetPricesProjector();
std::unique_ptr<projections::Projector> MakeWidgetPricesProjector();

// Which code wrote the history.
enum class WidgetWriter {
  kVersion1,        // before the change: every event at version 1
  kVersion2,        // after it: every event at version 2
  kUpgradedMidway,  // a ledger upgraded halfway through: version 1, then version 2
};

// The same price history (two widgets, five price changes, fixed ids and times) as `writer`
// wrote it, read back from a memory store: every envelope field set.
Result<std::vector<RecordedEvent>> WidgetHistory(WidgetWriter writer);

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_WIDGET_PRICES_H_
