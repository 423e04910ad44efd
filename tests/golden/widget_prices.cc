#include "tests/golden/widget_prices.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "engine/clock.h"
#include "engine/memory_store.h"

namespace ledger::golden {
namespace {

using projections::Column;
using projections::ColumnType;
using projections::Row;
using projections::TableSpec;

Result<boost::json::object> ParseObject(std::string_view payload) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(payload, ec);
  if (ec || !v.is_object()) return InvalidArgument("payload is not a JSON object");
  return std::move(v.get_object());
}

Result<std::string> StringField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return InvalidArgument("\"" + std::string(key) + "\" must be a string");
  }
  return std::string(v->get_string());
}

// "12.5" -> 1250, "12" -> 1200; at most two fraction digits, no sign, no exponent.
Result<std::int64_t> DecimalToMinor(std::string_view text) {
  std::int64_t units = 0;
  std::int64_t cents = 0;
  int fraction_digits = -1;  // -1: no point seen yet
  for (char c : text) {
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
    } else if (std::isdigit(static_cast<unsigned char>(c)) && fraction_digits < 2) {
      if (fraction_digits < 0) {
        if (units > 1'000'000'000'000) return InvalidArgument("price is too large");
        units = units * 10 + (c - '0');
      } else {
        cents = cents * 10 + (c - '0');
        ++fraction_digits;
      }
    } else {
      return InvalidArgument("price \"" + std::string(text) +
                             "\" is not a decimal with at most two fraction digits");
    }
  }
  if (text.empty() || text.front() == '.' || fraction_digits == 0) {
    return InvalidArgument("price \"" + std::string(text) + "\" is not a decimal");
  }
  if (fraction_digits == 1) cents *= 10;
  return units * 100 + cents;
}

const TableSpec& WidgetPricesTable() {
  static const TableSpec* table = new TableSpec{
      .name = "widget_prices",
      .columns = {Column{"tenant_id", ColumnType::kText, false},
                  Column{"widget_id", ColumnType::kText, false},
                  Column{"price_minor", ColumnType::kInteger, false},
                  Column{"currency", ColumnType::kText, false},
                  Column{"price_changes", ColumnType::kInteger, false},
                  Column{"priced_at", ColumnType::kTimestamp, false}},
      .primary_key = {"tenant_id", "widget_id"},
      .customer_scoped = false,
      .indexes = {},
  };
  return *table;
}

// Reads version 2 payloads only: anything else means it was run without its upcasters.
class WidgetPricesProjector final : public projections::Projector {
 public:
  std::string_view name() const override { return "widget_prices"; }
  std::uint32_t version() const override { return 1; }
  std::span<const TableSpec> tables() const override {
    return std::span<const TableSpec>(&WidgetPricesTable(), 1);
  }
  bool Handles(std::string_view type) const override { return type == kWidgetPriced; }

  Status Apply(const RecordedEvent& event, projections::ProjectionWriter& writer) override {
    if (event.schema_version != 2) {
      return FailedPrecondition(
          "widget_prices reads golden.widget_priced at schema version 2 "
          "only; event " +
          event.event_id.ToString() + " is at version " + std::to_string(event.schema_version) +
          " (no upcaster ran)");
    }
    LEDGER_ASSIGN_OR_RETURN(boost::json::object p, ParseObject(event.payload));
    LEDGER_ASSIGN_OR_RETURN(std::string widget, StringField(p, "widget_id"));
    LEDGER_ASSIGN_OR_RETURN(std::string currency, StringField(p, "currency"));
    const boost::json::value* price = p.if_contains("price_minor");
    if (price == nullptr || !price->is_int64()) {
      return DataLoss("event " + event.event_id.ToString() + ": price_minor is not an integer");
    }
    const projections::Key key{event.tenant.value(), widget};
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> before, writer.Get(WidgetPricesTable(), key));
    Row row(WidgetPricesTable());
    row.SetText("tenant_id", event.tenant.value())
        .SetText("widget_id", widget)
        .SetInt("price_minor", price->get_int64())
        .SetText("currency", currency)
        .SetInt("price_changes", before ? before->Int("price_changes") + 1 : 1)
        .SetTime("priced_at", event.recorded_at);
    writer.Upsert(std::move(row));
    return Status::Ok();
  }
};

struct PriceChange {
  const char* widget;
  const char* decimal;      // as version 1 wrote it
  std::int64_t minor;       // as version 2 writes it
  const char* currency_v1;  // version 1 kept what the caller sent
};

// The history both writers record. Kept in one place so that they can only differ in shape.
constexpr PriceChange kHistory[] = {
    {"w-1", "12.50", 1250, "usd"}, {"w-2", "3", 300, "eur"},          {"w-1", "12.9", 1290, "USD"},
    {"w-1", "0.99", 99, "usd"},    {"w-2", "1000.05", 100005, "EUR"},
};

std::string PayloadAt(const PriceChange& change, std::uint32_t version) {
  boost::json::object p;
  if (version == 1) {
    p["widget"] = change.widget;
    p["price"] = change.decimal;
    p["currency"] = change.currency_v1;
  } else {
    p["widget_id"] = change.widget;
    p["price_minor"] = change.minor;
    std::string currency = change.currency_v1;
    for (char& c : currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    p["currency"] = currency;
  }
  return boost::json::serialize(p);
}

}  // namespace

Result<std::string> UpcastWidgetPricedV1(std::string_view payload) {
  LEDGER_ASSIGN_OR_RETURN(boost::json::object v1, ParseObject(payload));
  LEDGER_ASSIGN_OR_RETURN(std::string widget, StringField(v1, "widget"));
  LEDGER_ASSIGN_OR_RETURN(std::string price, StringField(v1, "price"));
  LEDGER_ASSIGN_OR_RETURN(std::string currency, StringField(v1, "currency"));
  LEDGER_ASSIGN_OR_RETURN(std::int64_t minor, DecimalToMinor(price));
  for (char& c : currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  boost::json::object v2;
  v2["widget_id"] = widget;
  v2["price_minor"] = minor;
  v2["currency"] = currency;
  return boost::json::serialize(v2);
}

const UpcasterRegistry& WidgetUpcasters() {
  static const UpcasterRegistry* registry = [] {
    auto* r = new UpcasterRegistry;
    Status registered = r->Register(std::string(kWidgetPriced), 1, UpcastWidgetPricedV1);
    // A constant chain that does not register is a programming error, as a bad column is.
    if (!registered.ok()) {
      std::fprintf(stderr, "widget upcasters: %s\n", registered.ToString().c_str());
      std::abort();
    }
    return r;
  }();
  return *registry;
}

std::unique_ptr<projections::Projector> MakeBareWidgetPricesProjector() {
  return std::make_unique<WidgetPricesProjector>();
}

std::unique_ptr<projections::Projector> MakeWidgetPricesProjector() {
  return std::make_unique<UpcastingProjector>(MakeBareWidgetPricesProjector(), &WidgetUpcasters());
}

Result<std::vector<RecordedEvent>> WidgetHistory(WidgetWriter writer) {
  ManualClock clock(Timestamp(1'767'225'600'000'000));  // 2026-01-01T00:00:00Z
  MemoryEventStore store(&clock);
  const std::size_t changes = std::size(kHistory);
  for (std::size_t i = 0; i < changes; ++i) {
    const PriceChange& change = kHistory[i];
    std::uint32_t version = 2;
    if (writer == WidgetWriter::kVersion1 ||
        (writer == WidgetWriter::kUpgradedMidway && i < changes / 2)) {
      version = 1;
    }
    NewEvent event;
    event.event_id = Uuid::V5(LedgerNamespace(), "golden-widget:" + std::to_string(i));
    event.event_type = std::string(kWidgetPriced);
    event.schema_version = version;
    event.payload = PayloadAt(change, version);
    event.metadata = Metadata{"golden-widgets", "", "user:olivia", "golden.widget_writer"};
    clock.AdvanceMicros(60'000'000);
    LEDGER_RETURN_IF_ERROR(
        store
            .Append(AppendRequest{StreamId(std::string("widget-") + change.widget),
                                  ExpectedVersion::Any(),
                                  {std::move(event)}})
            .status());
  }
  return store.ReadAll(GlobalPosition(0), 1000);
}

}  // namespace ledger::golden
