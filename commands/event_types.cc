#include "commands/event_types.h"

namespace ledger::commands {
namespace {

constexpr EventTypeInfo kTypes[] = {
    {kScreeningDecided, 1, "content"},       {kReviewRequested, 1, "content"},
    {kQualityVerdictRecorded, 1, "content"}, {kReviewApproved, 1, "content"},
    {kReviewRejected, 1, "content"},         {kContentPublished, 1, "content"},
    {kCanaryConfigured, 1, "canary"},        {kCanaryProbeRecorded, 1, "canary"},
    {kCanaryWeightChanged, 1, "canary"},     {kCanaryV2ReadySet, 1, "canary"},
};

}  // namespace

std::span<const EventTypeInfo> CommandEventTypes() { return kTypes; }

}  // namespace ledger::commands
