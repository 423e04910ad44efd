// Every event type the commands module appends (commands and the translator), with its
// current schema version and stream.
// docs/events.md lists the same (tests/commands/event_catalog_test.cc checks that it does);
// the payload fields are documented there.
#ifndef LEDGER_COMMANDS_EVENT_TYPES_H_
#define LEDGER_COMMANDS_EVENT_TYPES_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "commands/drop/drop_list.h"  // drop_subscribers-<tenant>: kDropSubscribed, kDropUnsubscribed

namespace ledger::commands {

// content-<content_id>
inline constexpr std::string_view kScreeningDecided = "screening.decided";
inline constexpr std::string_view kReviewRequested = "review.requested";
inline constexpr std::string_view kQualityVerdictRecorded = "quality.verdict_recorded";
inline constexpr std::string_view kReviewApproved = "review.approved";
inline constexpr std::string_view kReviewRejected = "review.rejected";
inline constexpr std::string_view kContentPublished = "content.published";
// canary-<route>
inline constexpr std::string_view kCanaryConfigured = "canary.configured";
inline constexpr std::string_view kCanaryProbeRecorded = "canary.probe_recorded";
inline constexpr std::string_view kCanaryWeightChanged = "canary.weight_changed";
inline constexpr std::string_view kCanaryV2ReadySet = "canary.v2_ready_set";
// order-<checkout session id>: appended by the translator (intake/translator.h)
inline constexpr std::string_view kOrderPlaced = "order.placed";
inline constexpr std::string_view kOrderPaid = "order.paid";
inline constexpr std::string_view kOrderPaymentFailed = "order.payment_failed";
inline constexpr std::string_view kOrderExpired = "order.expired";
inline constexpr std::string_view kOrderCancelled = "order.cancelled";
inline constexpr std::string_view kOrderSubmittedToPrintify = "order.submitted_to_printify";
inline constexpr std::string_view kOrderInProduction = "order.in_production";
inline constexpr std::string_view kOrderShipped = "order.shipped";
inline constexpr std::string_view kOrderDelivered = "order.delivered";
inline constexpr std::string_view kOrderAnomalyRecorded = "order.anomaly_recorded";
// payment-<payment_intent id>: appended by the translator
inline constexpr std::string_view kPaymentProcessing = "payment.processing";
inline constexpr std::string_view kPaymentSucceeded = "payment.succeeded";
inline constexpr std::string_view kPaymentFailed = "payment.failed";
inline constexpr std::string_view kPaymentCanceled = "payment.canceled";
inline constexpr std::string_view kPaymentRefunded = "payment.refunded";
inline constexpr std::string_view kPaymentDisputed = "payment.disputed";
inline constexpr std::string_view kPaymentDisputeUpdated = "payment.dispute_updated";
inline constexpr std::string_view kPaymentDisputeWon = "payment.dispute_won";
inline constexpr std::string_view kPaymentDisputeLost = "payment.dispute_lost";
inline constexpr std::string_view kPaymentEarlyFraudWarning = "payment.early_fraud_warning";
inline constexpr std::string_view kPaymentAnomalyRecorded = "payment.anomaly_recorded";
// printify_order-<Printify order id>: which order a Printify order fulfils (intake/printify_link.h)
inline constexpr std::string_view kPrintifyOrderLinked = "printify.order_linked";
inline constexpr std::string_view kPrintifyOrderEventDeferred = "printify.order_event_deferred";

struct EventTypeInfo {
  std::string_view type;
  std::uint32_t schema_version;
  std::string_view stream_category;  // "content", "canary", "drop_subscribers", "order", ...
};

// What the domain commands (dispatcher.h) append: content, canary and drop-list events.
std::span<const EventTypeInfo> CommandEventTypes();

// What the translator (intake/translator.h) and the Printify link append: order, payment and
// printify_order events. Checked against docs/events.md by
// tests/commands/translator_catalog_test.cc.
std::span<const EventTypeInfo> TranslatorEventTypes();

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_EVENT_TYPES_H_
