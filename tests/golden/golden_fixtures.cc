#include "tests/golden/golden_fixtures.h"

#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "projections/memory_read_model_store.h"
#include "tests/golden/golden_files.h"
#include "tests/golden/golden_stories.h"
#include "tests/golden/widget_prices.h"

namespace ledger::golden {
namespace {

// The schema-evolution example: the same history as each version's code wrote it.

std::function<std::vector<RecordedEvent>()> Widgets(WidgetWriter writer) {
  return [writer] {
    Result<std::vector<RecordedEvent>> log = WidgetHistory(writer);
    REQUIRE_MESSAGE(log.ok(), log.status().ToString());
    return std::move(log).value();
  };
}

const std::vector<std::string> kOrderTables = {"orders", "payments"};
const std::vector<std::string> kCanaryTables = {"canary_state", "traffic_split_history"};

}  // namespace

const std::vector<GoldenFixture>& GoldenFixtures() {
  static const auto* fixtures = new std::vector<GoldenFixture>{
      {"stripe_story", "the assembled Stripe story (25 events) in order", StripeStory,
       kOrderTables},
      {"refunds_disputes",
       "Stripe events 08-17 alone: refunds, a won dispute, a fraud warning",
       RefundsAndDisputes,
       {"payments"}},
      {"stripe_shuffled", "the Stripe story out of order, redelivered, and translated twice",
       StripeShuffled, kOrderTables},
      {"printify_fulfilment",
       "Printify fulfilment of the card order; a cancelled Printify order",
       PrintifyFulfilment,
       {"orders"}},
      {"content_review",
       "content through screening, quality, review and publication",
       ContentReview,
       {"products", "review_queue"}},
      {"canary_to_90", "a canary raised by probes to 90", CanaryTo90, kCanaryTables},
      {"canary_to_100", "to 90, v2 declared ready by an operator, promoted to 100", CanaryTo100,
       kCanaryTables},
      {"canary_rollback", "an automatic rollback after failed probes and a manual one",
       CanaryRollback, kCanaryTables},
      {"schema_widget_v1",
       "golden.widget_priced as schema version 1 wrote it",
       Widgets(WidgetWriter::kVersion1),
       {"widget_prices"},
       true},
      {"schema_widget_v2",
       "golden.widget_priced as schema version 2 writes it",
       Widgets(WidgetWriter::kVersion2),
       {"widget_prices"},
       true},
      {"schema_widget_upgraded",
       "golden.widget_priced across an upgrade: version 1, then 2",
       Widgets(WidgetWriter::kUpgradedMidway),
       {"widget_prices"},
       true},
  };
  return *fixtures;
}

const GoldenFixture& FixtureNamed(const std::string& name) {
  for (const GoldenFixture& fixture : GoldenFixtures()) {
    if (fixture.name == name) return fixture;
  }
  FAIL("no golden fixture called " << name);
  throw std::logic_error("unreachable");  // FAIL throws; this keeps the compiler content
}

ProjectorSet ProjectorsFor(const GoldenFixture& fixture) {
  ProjectorSet set = StandardProjectorSet();
  if (fixture.schema_example) set.Add(MakeWidgetPricesProjector());
  return set;
}

const std::vector<std::string>& ArrivalIndependentTables() {
  static const auto* tables = new std::vector<std::string>{"order_lines", "orders", "payments"};
  return *tables;
}

GeneratedFiles Generate(const GoldenFixture& fixture) {
  INFO("fixture " << fixture.name);
  GeneratedFiles files;
  files.log = FormatLog(fixture.build());
  Result<std::vector<ImportedEvent>> log = ParseLog(files.log);
  REQUIRE_MESSAGE(log.ok(), log.status().ToString());

  MemoryEventStore events;
  projections::MemoryReadModelStore rows;
  Status imported = ImportLog(events, *log);
  REQUIRE_MESSAGE(imported.ok(), imported.ToString());
  ProjectorSet projectors = ProjectorsFor(fixture);
  Result<projections::ReadModelDigest> digest = ProjectAndDigest(events, rows, projectors);
  REQUIRE_MESSAGE(digest.ok(), digest.status().ToString());
  files.digest = DigestFileText(*digest);
  if (!fixture.row_tables.empty()) {
    Result<std::string> spelled = RowsJson(rows, projectors, fixture.row_tables);
    REQUIRE_MESSAGE(spelled.ok(), spelled.status().ToString());
    files.rows = std::move(spelled).value();
  }
  return files;
}

}  // namespace ledger::golden
