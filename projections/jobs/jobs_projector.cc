// The "jobs" projector: folds a job's events into its row. Odd input (an event before
// job.queued, a missing field) fills what it can and leaves the rest NULL, never an error.
#include <algorithm>

#include "projections/jobs/jobs_projectors.h"
#include "projections/payload_reader.h"

namespace ledger::projections {
namespace jobs {
namespace {

// The event types (jobs/job_events.h appends the same names; tests/jobs checks that they
// agree). Spelled out because projections depend on the engine only.
constexpr std::string_view kQueued = "job.queued";
constexpr std::string_view kStarted = "job.started";
constexpr std::string_view kSucceeded = "job.succeeded";
constexpr std::string_view kFailed = "job.failed";
constexpr std::string_view kDeadLettered = "job.dead_lettered";
constexpr std::string_view kRequeued = "job.requeued";

constexpr ColumnType kText = ColumnType::kText;
constexpr ColumnType kInt = ColumnType::kInteger;
constexpr ColumnType kTime = ColumnType::kTimestamp;
constexpr ColumnType kJson = ColumnType::kJson;
constexpr bool kNotNull = false;

TableSpec MakeJobsTable() {
  return TableSpec{
      .name = "jobs",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"job_id", kText, kNotNull},
                  {"kind", kText},
                  {"status", kText, kNotNull},
                  {"attempts", kInt, kNotNull},
                  {"requeues", kInt, kNotNull},
                  {"last_detail", kText},
                  {"last_result", kJson},
                  {"last_worker", kText},
                  {"cause_event_id", kText},
                  {"payload_sha256", kText},
                  {"queued_at", kTime},
                  {"started_at", kTime},
                  {"next_attempt_at", kTime},
                  {"finished_at", kTime},
                  {"updated_at", kTime, kNotNull},
                  {"stream_version", kInt, kNotNull}},
      .primary_key = {"tenant_id", "job_id"},
      .indexes = {{"tenant_id", "status", "updated_at"}, {"tenant_id", "kind", "status"}},
  };
}

std::string JobIdOf(const RecordedEvent& event, const PayloadReader& payload) {
  if (std::optional<std::string> id = payload.String("job_id"); id && !id->empty()) return *id;
  constexpr std::string_view kPrefix = "job-";
  std::string_view stream = event.stream_id.value();
  if (stream.starts_with(kPrefix)) stream.remove_prefix(kPrefix.size());
  return std::string(stream);
}

Row NewRow(const RecordedEvent& event, const std::string& job_id) {
  Row row(JobsTable());
  row.SetText("tenant_id", event.tenant.value())
      .SetText("job_id", job_id)
      .SetText("status", kStatusQueued)
      .SetInt("attempts", 0)
      .SetInt("requeues", 0);
  return row;
}

void ApplyOutcome(const RecordedEvent& event, const PayloadReader& p, Row& row) {
  row.Set("last_detail", TextOrNull(p.String("detail")))
      .Set("last_result", JsonOrNull(p.Json("result")))
      .SetNull("next_attempt_at");
  if (event.event_type == kSucceeded) {
    row.SetText("status", kStatusSucceeded).SetTime("finished_at", event.recorded_at);
  } else if (p.Bool("final") != true) {
    // A final failure leaves the status to the job.dead_lettered appended with it.
    row.SetText("status", kStatusRetrying).Set("next_attempt_at", TimeOrNull(p.Time("retry_at")));
  }
}

void ApplyEvent(const RecordedEvent& event, const PayloadReader& p, Row& row) {
  const std::string& type = event.event_type;
  if (type == kQueued) {
    row.Set("payload_sha256", TextOrNull(p.String("payload_sha256")))
        .SetTime("queued_at", event.recorded_at);
    std::optional<std::string> cause = p.String("cause_event_id");
    if (!cause && !event.metadata.causation_id.empty()) cause = event.metadata.causation_id;
    row.Set("cause_event_id", TextOrNull(cause));
  } else if (type == kStarted) {
    row.SetText("status", kStatusRunning)
        .Set("last_worker", TextOrNull(p.String("worker")))
        .SetTime("started_at", event.recorded_at)
        .SetNull("next_attempt_at");
  } else if (type == kSucceeded || type == kFailed) {
    ApplyOutcome(event, p, row);
  } else if (type == kDeadLettered) {
    row.SetText("status", kStatusDeadLettered)
        .Set("last_detail", TextOrNull(p.String("detail")))
        .SetNull("next_attempt_at")
        .SetTime("finished_at", event.recorded_at);
  } else if (type == kRequeued) {
    row.SetText("status", kStatusQueued)
        .SetInt("requeues", row.Int("requeues") + 1)
        .SetNull("finished_at");
  }
  if (std::optional<std::int64_t> attempt = p.Int("attempt")) {
    row.SetInt("attempts", std::max(row.Int("attempts"), *attempt));
  }
}

class JobsProjector final : public Projector {
 public:
  std::string_view name() const override { return "jobs"; }
  std::uint32_t version() const override { return 1; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override {
    return std::span<const TableSpec>(&JobsTable(), 1);
  }
  bool Handles(std::string_view type) const override {
    return type == kQueued || type == kStarted || type == kSucceeded || type == kFailed ||
           type == kDeadLettered || type == kRequeued;
  }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    PayloadReader payload = PayloadReader::Parse(event.payload);
    std::string job_id = JobIdOf(event, payload);
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> found,
                            writer.Get(JobsTable(), Key{event.tenant.value(), job_id}));
    Row row = found ? std::move(*found) : NewRow(event, job_id);
    if (row.IsNull("kind")) row.Set("kind", TextOrNull(payload.String("kind")));
    ApplyEvent(event, payload, row);
    row.SetTime("updated_at", event.recorded_at)
        .SetInt("stream_version", static_cast<std::int64_t>(event.stream_version.value()));
    writer.Upsert(std::move(row));
    return Status::Ok();
  }
};

}  // namespace

const TableSpec& JobsTable() {
  static const TableSpec* const table = new TableSpec(MakeJobsTable());
  return *table;
}

}  // namespace jobs

std::vector<std::unique_ptr<Projector>> MakeJobProjectors() {
  std::vector<std::unique_ptr<Projector>> projectors;
  projectors.push_back(std::make_unique<jobs::JobsProjector>());
  return projectors;
}

}  // namespace ledger::projections
