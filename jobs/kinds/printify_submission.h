// The job kind "printify.submit_order": sends a paid order to Printify and records Printify's
// answer in the order's stream (docs/job-kinds.md, docs/events.md).
//
// Payload (fixed when the job is enqueued):
//   {"order_id": "cs_...", "shop_id"?: 123, "label"?: "...", "shipping_method"?: 1,
//    "line_items": [{"product_id": "...", "variant_id": 17, "quantity": 1} | {"sku": "...",
//                    "quantity": 1}, ...],
//    "shipping": {"first_name", "last_name", "email", "phone", "country", "region",
//                 "address1", "address2", "city", "zip"}}
//
// Outcomes:
//   2xx            order.printify_submission_accepted (and printify.order_linked on
//                  printify_order-<id>) appended; Succeeded.
//   408, 429, 5xx, no answer (refused, timeout)   Retry.
//   other statuses order.printify_submission_rejected appended; Failed (final).
//   bad payload    Failed, nothing appended.
//   append failed  Retry: Printify's external_id deduplication makes the repeat harmless.
// Appended events have ids derived from the job id and the outcome, so a repeated attempt
// appends nothing twice; an attempt that finds its accepted event already recorded answers
// Succeeded without calling Printify again.
#ifndef LEDGER_JOBS_KINDS_PRINTIFY_SUBMISSION_H_
#define LEDGER_JOBS_KINDS_PRINTIFY_SUBMISSION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/event_store.h"
#include "jobs/job.h"
#include "jobs/kinds/printify_api.h"

namespace ledger::jobs::kinds {

inline constexpr std::string_view kPrintifySubmitOrderKind = "printify.submit_order";
inline constexpr std::string_view kPrintifySubmissionAccepted =
    "order.printify_submission_accepted";
inline constexpr std::string_view kPrintifySubmissionRejected =
    "order.printify_submission_rejected";

// At most this many bytes of Printify's error are recorded.
inline constexpr std::size_t kMaxRecordedErrorBytes = 500;

struct PrintifySubmissionOptions {
  // The shop used when a payload names none (LEDGER_PRINTIFY_SHOP_ID).
  std::optional<std::int64_t> default_shop_id;
};

// The parsed payload. InvalidArgument says which field is wrong.
struct PrintifySubmission {
  std::string order_id;
  std::optional<std::int64_t> shop_id;
  PrintifyOrder order;  // external_id is left empty: the job id fills it
};
Result<PrintifySubmission> ParsePrintifySubmission(std::string_view payload);

// The id of the event recording `outcome` ("accepted", "rejected") of the job `job_id`.
EventId PrintifyOutcomeEventId(std::string_view job_id, std::string_view outcome);

class PrintifySubmissionHandler final : public JobHandler {
 public:
  // `api` and `store` must outlive the handler; both are used from several threads.
  PrintifySubmissionHandler(PrintifyOrderApi* api, EventStore* store,
                            PrintifySubmissionOptions options);

  std::string_view kind() const override { return kPrintifySubmitOrderKind; }
  JobResult Run(const Job& job) override;

 private:
  JobResult Accepted(const Job& job, const PrintifySubmission& submission, std::int64_t shop_id,
                     const PrintifyReply& reply);
  JobResult Rejected(const Job& job, const PrintifySubmission& submission, std::int64_t shop_id,
                     const PrintifyReply& reply);

  PrintifyOrderApi* api_;
  EventStore* store_;
  PrintifySubmissionOptions options_;
};

}  // namespace ledger::jobs::kinds

#endif  // LEDGER_JOBS_KINDS_PRINTIFY_SUBMISSION_H_
