// publish-content: marks a listing published, only once it has cleared both gates.
#include "commands/content/content_fields.h"
#include "commands/event_types.h"
#include "commands/internal/handler_env.h"

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;

// Why `s` cannot be published, or empty if it can.
std::string Blocker(const ContentState& s) {
  if (s.published || s.pending || s.Rejected() || s.screening == ScreeningOutcome::kNone ||
      s.screening == ScreeningOutcome::kBlock) {
    return DescribeState(s);
  }
  if (s.quality == QualityOutcome::kNone) return "it has not been evaluated for quality";
  if (s.quality == QualityOutcome::kFail) return "it failed the quality gate";
  if (!s.ScreeningCleared() || !s.QualityCleared()) return DescribeState(s);
  return "";
}

}  // namespace

Result<CommandOutcome> PublishContent(const HandlerEnv& env, std::string_view body,
                                      const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(ContentRef ref, DecodeContentRef(fields));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  auto decide = [&](std::span<const RecordedEvent> history) -> Result<Decision> {
    LEDGER_ASSIGN_OR_RETURN(ContentState state, FoldContent(history));
    if (!state.exists()) return NotFound(UnknownContent(ref.content_id));
    std::string blocker = Blocker(state);
    if (!blocker.empty()) {
      return FailedPrecondition("content '" + ref.content_id + "' cannot be published: " + blocker);
    }
    std::string screening = state.screening == ScreeningOutcome::kPass ? "pass" : "approved";
    std::string quality = state.quality == QualityOutcome::kPass ? "pass" : "approved";
    json::object payload{{"content_id", ref.content_id},
                         {"screening", screening},
                         {"quality", quality},
                         {"reason", "screening " + screening + ", quality " + quality}};
    Decision d;
    d.events.push_back(PlannedEvent{std::string(kContentPublished), 1, std::move(payload), ""});
    d.response = json::object{{"content_id", ref.content_id}, {"status", "published"}};
    return d;
  };
  return RunStreamCommand(env.command, context, "publish-content", ref.stream,
                          UnknownContent(ref.content_id), decide);
}

}  // namespace ledger::commands::internal
