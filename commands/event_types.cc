#include "commands/event_types.h"

namespace ledger::commands {
namespace {

constexpr EventTypeInfo kTypes[] = {
    {kScreeningDecided, 1, "content"},       {kReviewRequested, 1, "content"},
    {kQualityVerdictRecorded, 1, "content"}, {kReviewApproved, 1, "content"},
    {kReviewRejected, 1, "content"},         {kContentPublished, 1, "content"},
    {kCanaryConfigured, 1, "canary"},        {kCanaryProbeRecorded, 1, "canary"},
    {kCanaryWeightChanged, 1, "canary"},     {kCanaryV2ReadySet, 1, "canary"},
    {kDropSubscribed, 1, "drop_subscribers"}, {kDropUnsubscribed, 1, "drop_subscribers"},
};

constexpr EventTypeInfo kTranslatorTypes[] = {
    {kOrderPlaced, 1, "order"},              {kOrderPaid, 1, "order"},
    {kOrderPaymentFailed, 1, "order"},       {kOrderExpired, 1, "order"},
    {kOrderCancelled, 1, "order"},           {kOrderSubmittedToPrintify, 1, "order"},
    {kOrderInProduction, 1, "order"},        {kOrderShipped, 1, "order"},
    {kOrderDelivered, 1, "order"},           {kOrderAnomalyRecorded, 1, "order"},
    {kPaymentProcessing, 1, "payment"},      {kPaymentSucceeded, 1, "payment"},
    {kPaymentFailed, 1, "payment"},          {kPaymentCanceled, 1, "payment"},
    {kPaymentRefunded, 1, "payment"},        {kPaymentDisputed, 1, "payment"},
    {kPaymentDisputeUpdated, 1, "payment"},  {kPaymentDisputeWon, 1, "payment"},
    {kPaymentDisputeLost, 1, "payment"},     {kPaymentEarlyFraudWarning, 1, "payment"},
    {kPaymentAnomalyRecorded, 1, "payment"}, {kPrintifyOrderLinked, 1, "printify_order"},
    {kPrintifyOrderEventDeferred, 1, "printify_order"},
};

}  // namespace

std::span<const EventTypeInfo> CommandEventTypes() { return kTypes; }

std::span<const EventTypeInfo> TranslatorEventTypes() { return kTranslatorTypes; }

}  // namespace ledger::commands
