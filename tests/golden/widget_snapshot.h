// Aggregate snapshots (DESIGN.md section 8, issue 7): a folded aggregate saved with cereal so
// that loading a long stream reads only the events after the snapshot. Snapshots are never the
// source of truth: one of a state version this code does not know, one that does not decode,
// or one that claims more of the stream than exists is ignored and the stream folded from the
// start, and loading with or without a snapshot gives the same state (tested on every prefix
// of the schema-evolution golden logs).
//
// A self-contained example on the schema-evolution aggregate (widget_prices.h), like the
// upcasters: the real aggregates (commands/*_state.h) fold only whole streams today; they
// would need a Fold that continues from a given state to use this.
#ifndef LEDGER_TESTS_GOLDEN_WIDGET_SNAPSHOT_H_
#define LEDGER_TESTS_GOLDEN_WIDGET_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/event.h"
#include "engine/event_store.h"
#include "engine/result.h"

namespace ledger::golden {

// One widget, folded from its stream widget-<id> (events upcast to version 2 first).
struct WidgetState {
  std::string widget_id;
  std::int64_t price_minor = 0;
  std::string currency;
  std::uint32_t price_changes = 0;

  friend bool operator==(const WidgetState&, const WidgetState&) = default;
};

// `state` with `events` (the stream's next events, in version order) applied. Types other
// than golden.widget_priced are skipped; an event the upcasters refuse is an error.
Result<WidgetState> FoldWidget(WidgetState state, std::span<const RecordedEvent> events);

// The state version this code writes and reads. Bump it when WidgetState changes shape.
inline constexpr std::uint32_t kWidgetStateVersion = 1;

struct WidgetSnapshot {
  StreamId stream;
  StreamVersion version{0};     // the last event folded into it
  std::uint32_t state_version;  // of `bytes`
  std::string bytes;            // cereal portable binary archive of WidgetState
};

WidgetSnapshot TakeWidgetSnapshot(const StreamId& stream, StreamVersion version,
                                  const WidgetState& state);

// The state in `snapshot`, or nullopt if it cannot be used (unknown state version, bytes
// that do not decode): the caller then folds the whole stream.
std::optional<WidgetState> RestoreWidgetSnapshot(const WidgetSnapshot& snapshot);

// The widget of `stream`: from `snapshot` (may be null) and the events after it if the
// snapshot is usable and belongs to the stream as it is, else from the whole stream.
// `events_read`, if given, receives how many events were read from the store.
Result<WidgetState> LoadWidget(EventStore& store, const StreamId& stream,
                               const WidgetSnapshot* snapshot, std::size_t* events_read = nullptr);

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_WIDGET_SNAPSHOT_H_
