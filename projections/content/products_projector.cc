// The "products" projector: one products row per content item, and a review_queue row while
// one of its escalations waits for a reviewer. An escalation changes both tables at once,
// which is why one projector owns them (a projector reads only its own tables).
#include <boost/json/array.hpp>

#include "projections/content/content_projectors.h"
#include "projections/content/content_tables.h"
#include "projections/content/payload.h"

namespace ledger::projections::content {
namespace {

constexpr std::string_view kPending = "pending";
constexpr std::string_view kApproved = "approved";
constexpr std::string_view kRejected = "rejected";

// The products column holding the review state of an escalation from `origin`, or empty
// for an origin the commands never write.
std::string_view ReviewColumn(std::string_view origin) {
  if (origin == "screening") return "screening_review";
  if (origin == "quality") return "quality_review";
  return "";
}

// The rule that decided a screening: the first of `rules` (they are recorded strictest
// first), or nullopt when none fired.
std::optional<std::string> DecidingRule(const Payload& payload) {
  const boost::json::array* rules = payload.Array("rules");
  if (rules == nullptr || rules->empty() || !rules->front().is_object()) return std::nullopt;
  return Payload(rules->front().get_object()).String("rule");
}

// The first quality check that failed, or nullopt.
std::optional<std::string> FirstFailedCheck(const Payload& payload) {
  const boost::json::array* checks = payload.Array("checks");
  if (checks == nullptr) return std::nullopt;
  for (const boost::json::value& v : *checks) {
    if (!v.is_object()) continue;
    Payload check(v.get_object());
    if (check.String("outcome") == "fail") return check.String("check");
  }
  return std::nullopt;
}

// Invariant: the same rules as ContentState::Status() (commands/content/content_state.cc),
// so the read model shows what the commands would answer; the tests compare the two.
const char* StatusOf(const Row& p) {
  if (!p.IsNull("published_at")) return kStatusPublished;
  std::string screening_review = p.Text("screening_review");
  std::string quality_review = p.Text("quality_review");
  if (screening_review == kPending || quality_review == kPending) return kStatusInReview;
  if (screening_review == kRejected || quality_review == kRejected) return kStatusRejected;
  std::string screening = p.Text("screening_decision");
  if (screening.empty()) return kStatusUnscreened;
  if (screening == "block") return kStatusBlocked;
  std::string quality = p.Text("quality_verdict");
  if (quality.empty()) return kStatusScreened;
  if (quality == "fail") return kStatusQualityFailed;
  bool cleared = quality == "pass" || (quality == "escalate" && quality_review == kApproved);
  return cleared ? kStatusReady : kStatusInReview;
}

Row NewProduct(const RecordedEvent& event, const std::string& content_id) {
  Row row(ProductsTable());
  row.SetText("tenant_id", event.tenant.value())
      .SetText("content_id", content_id)
      .SetText("status", kStatusUnscreened)
      .SetInt("quality_evaluations", 0)
      .SetTime("created_at", event.recorded_at);
  return row;
}

void ApplyScreening(const RecordedEvent& event, const Payload& p, Row& product) {
  product.Set("name", TextOrNull(p.Object("item").String("name")))
      .Set("screening_decision", TextOrNull(p.String("decision")))
      .Set("screening_rule", TextOrNull(DecidingRule(p)))
      .Set("screening_reason", TextOrNull(p.String("reason")))
      .Set("rule_set_version", TextOrNull(p.Object("rule_set").String("version")))
      .SetTime("screened_at", event.recorded_at);
}

void ApplyQuality(const RecordedEvent& event, const Payload& p, Row& product) {
  product.Set("quality_verdict", TextOrNull(p.String("verdict")))
      .Set("quality_reason", TextOrNull(p.String("reason")))
      .SetInt("quality_evaluations", product.Int("quality_evaluations") + 1)
      .SetTime("quality_at", event.recorded_at);
}

// Queues the escalation. An origin the commands never write is left out of the queue: no
// reviewer could decide it (decide-review refuses such a stream as malformed).
void ApplyReviewRequested(const RecordedEvent& event, const Payload& p, Row& product,
                          ProjectionWriter& writer) {
  std::string origin = p.String("origin").value_or("");
  std::string_view column = ReviewColumn(origin);
  if (column.empty()) return;
  product.SetText(column, std::string(kPending));
  bool screening = origin == "screening";
  Row queued(ReviewQueueTable());
  queued.SetText("tenant_id", event.tenant.value())
      .SetText("content_id", product.Text("content_id"))
      .Set("name", product.Get("name"))
      .SetText("origin", origin)
      .Set("reason", TextOrNull(p.String("reason")))
      .Set("deciding_rule", TextOrNull(screening ? DecidingRule(p) : FirstFailedCheck(p)))
      .Set("rules", JsonOrNull(p.Json("rules")))
      .Set("item", JsonOrNull(p.Json("item")))
      .Set("checks", JsonOrNull(p.Json("checks")))
      .Set("provider_error", JsonOrNull(p.Json("provider_error")))
      .SetInt("request_version", static_cast<std::int64_t>(event.stream_version.value()))
      .SetText("request_event_id", event.event_id.ToString())
      .Set("requested_by", ActorOrNull(event))
      .SetTime("requested_at", event.recorded_at);
  writer.Upsert(std::move(queued));
}

// Records the decision and takes the item off the queue: only one escalation per item waits
// at a time (commands/content/content_state.h), so the decision answers whichever does.
void ApplyReviewDecided(const RecordedEvent& event, const Payload& p, Row& product,
                        ProjectionWriter& writer) {
  bool approved = event.event_type == kReviewApproved;
  std::string_view column = ReviewColumn(p.String("origin").value_or(""));
  if (!column.empty()) product.SetText(column, std::string(approved ? kApproved : kRejected));
  Value reviewer = TextOrNull(p.String("reviewer"));
  if (reviewer.index() == 0) reviewer = ActorOrNull(event);
  product.Set("reviewer", std::move(reviewer))
      .SetText("review_decision", approved ? "approve" : "reject")
      .Set("review_reason", TextOrNull(p.String("reason")))
      .SetTime("reviewed_at", event.recorded_at);
  writer.Delete(ReviewQueueTable(), Key{event.tenant.value(), product.Text("content_id")});
}

class ProductsProjector final : public Projector {
 public:
  std::string_view name() const override { return "products"; }
  std::uint32_t version() const override { return 1; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override { return ProductTables(); }

  bool Handles(std::string_view type) const override {
    return type == kScreeningDecided || type == kReviewRequested ||
           type == kQualityVerdictRecorded || type == kReviewApproved || type == kReviewRejected ||
           type == kContentPublished;
  }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    Payload payload = Payload::Parse(event.payload);
    std::string content_id = ContentIdOf(event, payload);
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> found,
                            writer.Get(ProductsTable(), Key{event.tenant.value(), content_id}));
    Row product = found ? std::move(*found) : NewProduct(event, content_id);
    const std::string& type = event.event_type;
    if (type == kScreeningDecided) {
      ApplyScreening(event, payload, product);
    } else if (type == kQualityVerdictRecorded) {
      ApplyQuality(event, payload, product);
    } else if (type == kReviewRequested) {
      ApplyReviewRequested(event, payload, product, writer);
    } else if (type == kReviewApproved || type == kReviewRejected) {
      ApplyReviewDecided(event, payload, product, writer);
    } else if (type == kContentPublished) {
      product.SetTime("published_at", event.recorded_at);
    }
    product.SetText("status", StatusOf(product))
        .SetTime("updated_at", event.recorded_at)
        .SetInt("stream_version", static_cast<std::int64_t>(event.stream_version.value()));
    writer.Upsert(std::move(product));
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Projector> MakeProductsProjector() { return std::make_unique<ProductsProjector>(); }

}  // namespace ledger::projections::content
