// What every command handler is given, and the handlers themselves. Only the dispatcher
// calls these; each handler decodes its body strictly, then runs RunStreamCommand.
#ifndef LEDGER_COMMANDS_INTERNAL_HANDLER_ENV_H_
#define LEDGER_COMMANDS_INTERNAL_HANDLER_ENV_H_

#include <string_view>

#include "commands/canary/canary_state.h"
#include "commands/command.h"
#include "commands/content/quality_gate.h"
#include "commands/internal/stream_command.h"
#include "commands/screening/screener.h"

namespace ledger::commands::internal {

struct HandlerEnv {
  CommandEnv command;
  const screening::Screener* screener = nullptr;
  const QualityPolicy* quality = nullptr;
  CanarySettings canary_defaults;
};

using Handler = Result<CommandOutcome> (*)(const HandlerEnv& env, std::string_view body,
                                           const CommandContext& context);

Result<CommandOutcome> ScreenContent(const HandlerEnv& env, std::string_view body,
                                     const CommandContext& context);
Result<CommandOutcome> EvaluateQuality(const HandlerEnv& env, std::string_view body,
                                       const CommandContext& context);
Result<CommandOutcome> DecideReview(const HandlerEnv& env, std::string_view body,
                                    const CommandContext& context);
Result<CommandOutcome> PublishContent(const HandlerEnv& env, std::string_view body,
                                      const CommandContext& context);
Result<CommandOutcome> RecordProbe(const HandlerEnv& env, std::string_view body,
                                   const CommandContext& context);
Result<CommandOutcome> SetV2Ready(const HandlerEnv& env, std::string_view body,
                                  const CommandContext& context);
Result<CommandOutcome> RollbackCanary(const HandlerEnv& env, std::string_view body,
                                      const CommandContext& context);
Result<CommandOutcome> ConfigureCanary(const HandlerEnv& env, std::string_view body,
                                       const CommandContext& context);
Result<CommandOutcome> SubscribeDrop(const HandlerEnv& env, std::string_view body,
                                     const CommandContext& context);
Result<CommandOutcome> UnsubscribeDrop(const HandlerEnv& env, std::string_view body,
                                       const CommandContext& context);

}  // namespace ledger::commands::internal

#endif  // LEDGER_COMMANDS_INTERNAL_HANDLER_ENV_H_
