// Upcasting (DESIGN.md section 8, issue 7 "Schema evolution"): events are immutable, so an
// event type whose payload changes shape gets a new schema_version, and readers bring old
// events up to the version they understand, one step at a time, as they read them.
//
// A self-contained example for the golden tests, not yet wired into the runtime: the lead
// decides where the mechanism lives (DESIGN.md puts upcasters under schema/). How it would
// plug in: the projector runtime (projections/internal/projector_set) would upcast each event
// of a batch once, before handing it to the projectors that handle its type, and command
// handlers would do the same when they fold a stream; UpcastingProjector below does it per
// projector so that nothing outside tests/golden changes.
//
// Upcasting is a view of the log, never a rewrite: the stored bytes, and so the stream hash
// and every seal over them, stay as they were written. The upcast event keeps its hash
// (it describes the stored event, not the view).
#ifndef LEDGER_TESTS_GOLDEN_UPCASTING_H_
#define LEDGER_TESTS_GOLDEN_UPCASTING_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "engine/result.h"
#include "projections/projector.h"

namespace ledger::golden {

// Turns a payload at version N into the payload at version N+1. Must be pure: the same input
// always gives the same output (replays and every backend must agree). An error means the
// stored payload is not what version N promised.
using Upcaster = std::function<Result<std::string>(std::string_view payload)>;

// The upcasters of every event type. Not thread-safe to Register into; Upcast may be called
// from many threads once registration is over.
class UpcasterRegistry {
 public:
  // Registers the step from `from_version` to `from_version + 1` of `event_type`. Steps are
  // registered in order starting at 1, so the chain has no holes: InvalidArgument otherwise.
  Status Register(std::string event_type, std::uint32_t from_version, Upcaster upcaster);

  // The version readers of `event_type` understand: one past the last registered step, or 1
  // for a type without upcasters.
  std::uint32_t CurrentVersion(std::string_view event_type) const;

  // `event` at the current version of its type. An event already current, or of a type
  // without upcasters, is returned unchanged. Errors: FailedPrecondition if the event is
  // newer than the current version (the log was written by newer code: replay with that
  // code, never guess), DataLoss if a step refuses the payload (naming event and versions).
  Result<RecordedEvent> Upcast(RecordedEvent event) const;

 private:
  std::map<std::string, std::vector<Upcaster>, std::less<>> steps_;  // [i]: from i+1 to i+2
};

// A projector that sees every event at its current version: `inner` is written against the
// newest payloads only. A failed upcast fails Apply, and so the projection run, loudly: a
// projector that skipped what it cannot read would build wrong rows in silence.
class UpcastingProjector final : public projections::Projector {
 public:
  // `registry` must outlive the projector.
  UpcastingProjector(std::unique_ptr<projections::Projector> inner,
                     const UpcasterRegistry* registry);

  std::string_view name() const override { return inner_->name(); }
  std::uint32_t version() const override { return inner_->version(); }
  std::span<const projections::TableSpec> tables() const override { return inner_->tables(); }
  bool Handles(std::string_view event_type) const override { return inner_->Handles(event_type); }
  Status Apply(const RecordedEvent& event, projections::ProjectionWriter& writer) override;

 private:
  std::unique_ptr<projections::Projector> inner_;
  const UpcasterRegistry* registry_;
};

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_UPCASTING_H_
