#include "commands/intake/payment_state.h"

#include <algorithm>

#include "commands/event_types.h"
#include "commands/intake/json_view.h"
#include "engine/time.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

Timestamp TimeAt(const json::object& o, std::string_view key) {
  Result<Timestamp> t = ParseRfc3339(StringAt(o, key));
  return t.ok() ? *t : Timestamp(0);
}

// A later status moves the state on; a restatement of the same status moves its time back; a
// non-final status recorded after a final one is history (an earlier attempt's news that
// arrived late) and leaves the state as it is.
void SetStatus(PaymentState& state, PaymentStatus status, const json::object& payload) {
  Timestamp at = TimeAt(payload, "at");
  if (status == state.status) {
    state.status_at = std::min(state.status_at, at);
    return;
  }
  if (IsFinal(state.status) && !IsFinal(status)) return;
  state.status = status;
  state.status_at = at;
}

}  // namespace

std::string_view PaymentStatusName(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kNone: return "none";
    case PaymentStatus::kProcessing: return "processing";
    case PaymentStatus::kFailed: return "failed";
    case PaymentStatus::kSucceeded: return "succeeded";
    case PaymentStatus::kCanceled: return "canceled";
  }
  return "none";
}

bool IsFinal(PaymentStatus status) {
  return status == PaymentStatus::kSucceeded || status == PaymentStatus::kCanceled;
}

int DisputeRank(std::string_view status) {
  if (status == "needs_response" || status == "warning_needs_response") return 1;
  if (status == "under_review" || status == "warning_under_review") return 2;
  if (status == "won" || status == "lost" || status == "warning_closed" ||
      status == "prevented") {
    return 3;
  }
  return 0;
}

Result<PaymentState> FoldPayment(std::span<const RecordedEvent> history) {
  PaymentState state;
  for (const RecordedEvent& e : history) {
    if (!e.metadata.causation_id.empty()) state.causations.insert(e.metadata.causation_id);
    const std::string& t = e.event_type;
    if (t.rfind("payment.", 0) != 0) continue;
    LEDGER_ASSIGN_OR_RETURN(json::object p, ParseObject(e.payload, t + " payload"));
    if (t == kPaymentProcessing) {
      SetStatus(state, PaymentStatus::kProcessing, p);
    } else if (t == kPaymentFailed) {
      SetStatus(state, PaymentStatus::kFailed, p);
    } else if (t == kPaymentSucceeded) {
      SetStatus(state, PaymentStatus::kSucceeded, p);
    } else if (t == kPaymentCanceled) {
      SetStatus(state, PaymentStatus::kCanceled, p);
    } else if (t == kPaymentRefunded) {
      state.refunded = std::max(state.refunded, IntAt(p, "amount_refunded").value_or(0));
      std::string refund_id = StringAt(p, "refund_id");
      if (!refund_id.empty()) state.refunds[refund_id] = IntAt(p, "refund_amount").value_or(0);
    } else if (t == kPaymentDisputed || t == kPaymentDisputeUpdated) {
      int& rank = state.disputes[StringAt(p, "dispute_id")];
      rank = std::max(rank, DisputeRank(StringAt(p, "status")));
    } else if (t == kPaymentDisputeWon || t == kPaymentDisputeLost) {
      std::string id = StringAt(p, "dispute_id");
      state.disputes[id] = 3;
      Timestamp at = TimeAt(p, "at");
      auto [closed, first] = state.dispute_closed_at.emplace(id, at);
      if (!first) closed->second = std::min(closed->second, at);
    } else if (t == kPaymentEarlyFraudWarning) {
      state.fraud_warnings.insert(StringAt(p, "warning_id"));
    } else if (t == kPaymentAnomalyRecorded) {
      ++state.anomalies;
    }
  }
  return state;
}

}  // namespace ledger::commands::intake
