#include "replay/seal_stream.h"

#include "replay/seal.h"

namespace ledger::replay {
namespace {

constexpr std::size_t kPage = 1000;

const StreamId& SealStream() {
  static const StreamId* const stream = new StreamId(std::string(kSealStream));
  return *stream;
}

// The event at version >= `version`, if the stream reaches that far.
Result<std::optional<RecordedEvent>> ReadFrom(EventStore& store, std::uint64_t version) {
  StreamReadOptions options;
  options.from = StreamVersion(version);
  options.limit = 1;
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                          store.ReadStream(SealStream(), options));
  if (events.empty()) return std::optional<RecordedEvent>();
  return std::optional<RecordedEvent>(std::move(events.front()));
}

}  // namespace

Result<std::optional<RecordedEvent>> ReadLastSealEvent(EventStore& store) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<RecordedEvent> last, ReadFrom(store, 1));
  if (!last) return last;
  // Invariant: the stream reaches version `low` (`last` is there) and not `high` (0: unknown).
  std::uint64_t low = last->stream_version.value();
  std::uint64_t high = 0;
  while (high == 0 || high - low > 1) {
    std::uint64_t probe = high == 0 ? low * 2 : low + (high - low) / 2;
    LEDGER_ASSIGN_OR_RETURN(std::optional<RecordedEvent> found, ReadFrom(store, probe));
    if (found) {
      low = found->stream_version.value();
      last = std::move(found);
      if (high != 0 && low >= high) high = 0;  // the stream grew meanwhile: search upwards
    } else {
      high = probe;
    }
  }
  return last;
}

Result<std::vector<RecordedEvent>> ReadSealEvents(EventStore& store) {
  std::vector<RecordedEvent> all;
  while (true) {
    StreamReadOptions options;
    options.from = StreamVersion(all.empty() ? 1 : all.back().stream_version.value() + 1);
    options.limit = kPage;
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> page,
                            store.ReadStream(SealStream(), options));
    if (page.empty()) return all;
    for (RecordedEvent& event : page) all.push_back(std::move(event));
  }
}

}  // namespace ledger::replay
