// The job kinds "email.<template>" (one per EmailTemplate): render a lifecycle email from the
// job's payload, or for an order confirmation from the order's stream, and hand it to a
// MailTransport (docs/job-kinds.md has every payload).
//
// Outcomes: accepted by the server (2xx) Succeeded, with the Message-ID in the result; a 4xx
// reply or no reply Retry; a 5xx reply Failed; a payload that cannot be rendered Failed.
// SMTP has no idempotency key: a repeated attempt sends again, with the same Message-ID (it is
// derived from the job id), so the two copies are recognisably one message.
// Addresses appear in details and logs only as RedactAddress shows them.
#ifndef LEDGER_JOBS_KINDS_EMAIL_DELIVERY_H_
#define LEDGER_JOBS_KINDS_EMAIL_DELIVERY_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event_store.h"
#include "jobs/job.h"
#include "jobs/kinds/email_templates.h"
#include "jobs/kinds/mail_transport.h"

namespace ledger::jobs::kinds {

struct EmailDeliveryOptions {
  EmailBrand brand;  // LEDGER_STORE_NAME, LEDGER_SUPPORT_EMAIL
  // The right-hand side of generated Message-IDs: "<job id>@<domain>".
  std::string message_id_domain = "ledger.invalid";
};

// A message ready to send, and to whom.
struct EmailToSend {
  std::string to;
  RenderedEmail email;
};

// "email.order_confirmation" ...
std::string EmailJobKind(EmailTemplate t);

// "<job_id@domain>".
std::string MessageIdFor(std::string_view job_id, std::string_view domain);

// The order confirmation model from the order's stream (its order.placed event) and the
// address it goes to (the payload's "to", else the order's customer_email). NotFound when the
// stream has no order.placed yet; InvalidArgument when it names no address.
Result<EmailToSend> OrderConfirmationFromHistory(const EmailBrand& brand,
                                                 std::span<const RecordedEvent> history,
                                                 std::string_view to_override);

class EmailDeliveryHandler final : public JobHandler {
 public:
  // `transport` and `store` must outlive the handler; both are used from several threads.
  // `store` is read for order confirmations only.
  EmailDeliveryHandler(EmailTemplate email, MailTransport* transport, EventStore* store,
                       EmailDeliveryOptions options);

  std::string_view kind() const override { return kind_; }
  JobResult Run(const Job& job) override;

  // What Run sends for `job`, without sending it. Errors: InvalidArgument (the payload),
  // NotFound (the order is not placed yet), Unavailable (the store).
  Result<EmailToSend> Prepare(const Job& job) const;

 private:
  EmailTemplate email_;
  std::string kind_;
  MailTransport* transport_;
  EventStore* store_;
  EmailDeliveryOptions options_;
};

// One handler per template.
std::vector<std::unique_ptr<JobHandler>> MakeEmailHandlers(MailTransport* transport,
                                                           EventStore* store,
                                                           const EmailDeliveryOptions& options);

}  // namespace ledger::jobs::kinds

#endif  // LEDGER_JOBS_KINDS_EMAIL_DELIVERY_H_
