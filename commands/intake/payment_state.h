// A payment (one Stripe PaymentIntent) as the translator knows it, folded from its stream
// payment-<payment_intent id>. Everything here only moves forward: the status by the time
// the provider gives for it, the refunded total as a maximum, each dispute by the rank of its
// status. A fact that arrives late and is older than what is known never moves the status
// back; the translator still records it when it says *when* something happened earlier than
// the ledger knew (a restatement, see stripe_payments.cc), so the same set of provider events
// yields the same state, and the same read-model rows, in any arrival order.
#ifndef LEDGER_COMMANDS_INTAKE_PAYMENT_STATE_H_
#define LEDGER_COMMANDS_INTAKE_PAYMENT_STATE_H_

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>

#include "engine/event.h"
#include "engine/result.h"

namespace ledger::commands::intake {

// kSucceeded and kCanceled are final; kProcessing and kFailed may still change (a failed
// attempt is retried with another card).
enum class PaymentStatus { kNone, kProcessing, kFailed, kSucceeded, kCanceled };

std::string_view PaymentStatusName(PaymentStatus status);  // "none", "processing", ...
bool IsFinal(PaymentStatus status);

// Dispute statuses ranked by how far along they are: 1 open (needs_response), 2 under
// review, 3 closed (won, lost, warning_closed). 0 for a status the translator does not know.
int DisputeRank(std::string_view status);

struct PaymentState {
  PaymentStatus status = PaymentStatus::kNone;
  // The earliest provider time reported for `status` (a restatement can move it back).
  Timestamp status_at{0};
  std::int64_t refunded = 0;  // cumulative refunded amount, minor units
  std::map<std::string, std::int64_t> refunds;  // refund id → amount (refunds seen as objects)
  std::map<std::string, int> disputes;          // dispute id → DisputeRank
  std::map<std::string, Timestamp> dispute_closed_at;  // dispute id → earliest closing time
  std::set<std::string> fraud_warnings;         // early fraud warning ids
  int anomalies = 0;
  std::set<std::string> causations;  // as in OrderState
};

// Folds one payment stream. DataLoss if a payment event's payload is not a JSON object.
Result<PaymentState> FoldPayment(std::span<const RecordedEvent> history);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_PAYMENT_STATE_H_
