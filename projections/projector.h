// Projector: turns events into rows of the read models it owns (DESIGN.md section 7).
//
// A projector is pure with respect to the log: given the same events it writes the same rows on
// every backend, so it must not read clocks, randomness or anything but the events and its own
// rows. It owns its tables: no other projector writes them. Events it does not Handle are never
// passed to it.
#ifndef LEDGER_PROJECTIONS_PROJECTOR_H_
#define LEDGER_PROJECTIONS_PROJECTOR_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/event.h"
#include "engine/result.h"
#include "projections/read_model.h"

namespace ledger::projections {

// What a projector sees while applying an event: its own tables, with the changes of earlier
// events in the same batch already visible.
class ProjectionWriter {
 public:
  virtual ~ProjectionWriter() = default;
  // The row stored under `key`, or nullopt. Unavailable if the store is unreachable.
  virtual Result<std::optional<Row>> Get(const TableSpec& table, const Key& key) = 0;
  // Stores `row` (insert or replace) under its primary key.
  virtual void Upsert(Row row) = 0;
  // Deletes the row under `key` if there is one.
  virtual void Delete(const TableSpec& table, Key key) = 0;
};

class Projector {
 public:
  virtual ~Projector() = default;

  // Stable name ([a-z_]+): the checkpoint's name and the leadership key.
  virtual std::string_view name() const = 0;
  // Bump when what the projector writes changes (new column, fixed rule): the runtime then
  // rebuilds its tables from the start of the log in shadow tables and swaps them in.
  virtual std::uint32_t version() const = 0;
  // The tables this projector owns.
  virtual std::span<const TableSpec> tables() const = 0;

  virtual bool Handles(std::string_view event_type) const = 0;

  // Whether Apply reads event.raw_body (the provider's bytes as received). When no projector
  // it runs does, the runtime reads the log without them (EventStore::ReadAll with
  // ReadAllOptions), which spares most of a webhook event's bytes; Apply then sees nullopt.
  // True unless a projector says otherwise, so one that needs them cannot miss them.
  virtual bool reads_raw_body() const { return true; }

  // Applies one event. Odd input (a payload missing a field, an impossible transition) is
  // recorded in rows or skipped, never an error: an error means the store failed, and the
  // runtime retries the whole batch from the checkpoint.
  virtual Status Apply(const RecordedEvent& event, ProjectionWriter& writer) = 0;
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_PROJECTOR_H_
