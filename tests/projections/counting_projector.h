// A small projector for runtime tests: counts "test.counted" events per stream in the table
// stream_counts, so that an event applied twice or skipped shows up as a wrong count; a
// "test.forget" event deletes its stream's row (the count starts again from zero).
#ifndef LEDGER_TESTS_PROJECTIONS_COUNTING_PROJECTOR_H_
#define LEDGER_TESTS_PROJECTIONS_COUNTING_PROJECTOR_H_

#include <atomic>
#include <string>
#include <vector>

#include "projections/projector.h"

namespace ledger::projections::testing {

class CountingProjector final : public Projector {
 public:
  // `version` may be changed between runs to force a rebuild; `weight` is added per event
  // (so that rows of two versions differ). `name` names the projector and its one table.
  explicit CountingProjector(std::uint32_t version = 1, std::int64_t weight = 1,
                             std::string name = "stream_counts");

  std::string_view name() const override { return name_; }
  std::uint32_t version() const override { return version_; }
  std::span<const TableSpec> tables() const override { return tables_; }
  bool Handles(std::string_view type) const override {
    return type == "test.counted" || type == "test.forget";
  }
  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override;

  const TableSpec& table() const { return tables_.front(); }
  // Fails Apply for the event at this position (0: never).
  void FailAt(GlobalPosition position) { fail_at_ = position.value(); }
  // "test.counted" events applied.
  std::size_t applied() const { return applied_.load(); }

 private:
  std::uint32_t version_;
  std::int64_t weight_;
  std::string name_;
  std::vector<TableSpec> tables_;
  std::atomic<std::uint64_t> fail_at_{0};
  std::atomic<std::size_t> applied_{0};
};

}  // namespace ledger::projections::testing

#endif  // LEDGER_TESTS_PROJECTIONS_COUNTING_PROJECTOR_H_
