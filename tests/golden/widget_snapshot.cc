#include "tests/golden/widget_snapshot.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <sstream>

#include "tests/golden/widget_prices.h"

namespace ledger::golden {

// cereal calls this with the class version stored in the archive; kWidgetStateVersion is
// registered below, and RestoreWidgetSnapshot refuses any other before cereal sees the bytes.
template <class Archive>
void serialize(Archive& archive, WidgetState& state, std::uint32_t /*version*/) {
  archive(state.widget_id, state.price_minor, state.currency, state.price_changes);
}

}  // namespace ledger::golden

CEREAL_CLASS_VERSION(ledger::golden::WidgetState, ledger::golden::kWidgetStateVersion);

namespace ledger::golden {
namespace {

StreamReadOptions From(StreamVersion version) {
  StreamReadOptions options;
  options.from = version;
  return options;
}

}  // namespace

Result<WidgetState> FoldWidget(WidgetState state, std::span<const RecordedEvent> events) {
  for (const RecordedEvent& stored : events) {
    if (stored.event_type != kWidgetPriced) continue;
    LEDGER_ASSIGN_OR_RETURN(RecordedEvent event, WidgetUpcasters().Upcast(stored));
    boost::system::error_code ec;
    boost::json::value payload = boost::json::parse(event.payload, ec);
    const boost::json::object* p = ec ? nullptr : payload.if_object();
    const boost::json::value* price = p ? p->if_contains("price_minor") : nullptr;
    const boost::json::value* widget = p ? p->if_contains("widget_id") : nullptr;
    const boost::json::value* currency = p ? p->if_contains("currency") : nullptr;
    if (price == nullptr || !price->is_int64() || widget == nullptr || !widget->is_string() ||
        currency == nullptr || !currency->is_string()) {
      return DataLoss("event " + event.event_id.ToString() + " is not a golden.widget_priced");
    }
    state.widget_id = std::string(widget->get_string());
    state.price_minor = price->get_int64();
    state.currency = std::string(currency->get_string());
    ++state.price_changes;
  }
  return state;
}

WidgetSnapshot TakeWidgetSnapshot(const StreamId& stream, StreamVersion version,
                                  const WidgetState& state) {
  std::ostringstream bytes;
  {
    cereal::PortableBinaryOutputArchive archive(bytes);
    archive(state);
  }
  return WidgetSnapshot{stream, version, kWidgetStateVersion, bytes.str()};
}

std::optional<WidgetState> RestoreWidgetSnapshot(const WidgetSnapshot& snapshot) {
  if (snapshot.state_version != kWidgetStateVersion) return std::nullopt;
  std::istringstream bytes(snapshot.bytes);
  WidgetState state;
  try {
    cereal::PortableBinaryInputArchive archive(bytes);
    archive(state);
  } catch (const cereal::Exception&) {
    return std::nullopt;  // truncated or not ours: fold the stream instead
  }
  // Every byte must have been read: trailing bytes mean another shape under the same version.
  if (bytes.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return state;
}

Result<WidgetState> LoadWidget(EventStore& store, const StreamId& stream,
                               const WidgetSnapshot* snapshot, std::size_t* events_read) {
  WidgetState start;
  StreamVersion from(1);
  std::optional<WidgetState> restored;
  if (snapshot != nullptr && snapshot->stream == stream) {
    restored = RestoreWidgetSnapshot(*snapshot);
  }
  if (restored) {
    start = *restored;
    from = StreamVersion(snapshot->version.value() + 1);
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, store.ReadStream(stream, From(from)));
  // A snapshot past the end of the stream describes history this store does not hold (a
  // restored backup, another ledger): it cannot be trusted, so fold from the start.
  if (restored && snapshot->version.value() > 0 && events.empty()) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> last,
                            store.ReadStream(stream, From(snapshot->version)));
    if (last.empty()) return LoadWidget(store, stream, nullptr, events_read);
  }
  if (events_read != nullptr) *events_read = events.size();
  return FoldWidget(std::move(start), events);
}

}  // namespace ledger::golden
