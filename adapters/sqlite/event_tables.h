// The SQL over the events and streams tables (schema/sqlite/0001_events.sql): looking up
// what is stored, writing records, and reading them back into the engine's types. No rules
// live here (those are engine/append_planner.h); this is the store's storage half.
//
// Rows are checked as they are decoded (the pair of the planner's checks on the way in): a
// hash or id of the wrong size, a negative number or a hole in a stream's versions is
// DataLoss, never passed on.
//
// Thread safety: none; every function runs on a connection its caller holds. The lookups a
// write depends on must run inside that write's WriteTransaction.
#ifndef LEDGER_ADAPTERS_SQLITE_EVENT_TABLES_H_
#define LEDGER_ADAPTERS_SQLITE_EVENT_TABLES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "adapters/sqlite/connection.h"
#include "engine/append_planner.h"
#include "engine/event_store.h"

namespace ledger::sqlite {

// Where the event with `id` is stored, or nullopt.
[[nodiscard]] Result<std::optional<StoredEventRef>> FindEvent(Connection& db, const EventId& id);

// The stream's head; StreamHead{} (version 0) if it has no events.
[[nodiscard]] Result<StreamHead> ReadStreamHead(Connection& db, const StreamId& stream);

// The largest global position stored, 0 if the log is empty.
[[nodiscard]] Result<GlobalPosition> ReadLogHead(Connection& db);

// Inserts one complete record. A constraint violation is DataLoss: the writer checked ids
// and versions under its lock, so a violation means the streams table disagrees with the
// events table. InvalidArgument if a position or version does not fit SQLite's int64.
[[nodiscard]] Status InsertEvent(Connection& db, const RecordedEvent& record);

// Creates or advances the stream's head row.
[[nodiscard]] Status WriteStreamHead(Connection& db, const StreamId& stream,
                                     const StreamHead& head);

// The stream's events from options.from on, in version order (see EventStore::ReadStream).
[[nodiscard]] Result<std::vector<RecordedEvent>> SelectStream(Connection& db,
                                                              const StreamId& stream,
                                                              const StreamReadOptions& options);

// Up to `limit` events after position `after`, in position order. InvalidArgument if `after`
// is not 0 and names no stored event. Raw bodies are left out unless options ask for them.
[[nodiscard]] Result<std::vector<RecordedEvent>> SelectLog(Connection& db, GlobalPosition after,
                                                           std::size_t limit,
                                                           const ReadAllOptions& options = {});

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_EVENT_TABLES_H_
