#include "commands/dispatcher.h"

#include <algorithm>
#include <array>
#include <iostream>

#include "commands/command_status.h"
#include "commands/internal/handler_env.h"
#include "engine/event_validation.h"

namespace ledger::commands {
namespace {

struct CommandSpec {
  std::string_view name;
  internal::Handler handler;
  // Who may run it. The one place role policy lives, so token authorisation changes it here
  // and nowhere else.
  std::array<std::string_view, 3> roles;
};

constexpr CommandSpec kCommands[] = {
    {"screen-content", internal::ScreenContent, {kRoleAdmin, kRoleOperator, kRoleSystem}},
    {"evaluate-quality", internal::EvaluateQuality, {kRoleAdmin, kRoleOperator, kRoleSystem}},
    {"decide-review", internal::DecideReview, {kRoleAdmin, kRoleOperator, kRoleReviewer}},
    {"publish-content", internal::PublishContent, {kRoleAdmin, kRoleOperator, kRoleSystem}},
    {"record-probe", internal::RecordProbe, {kRoleAdmin, kRoleOperator, kRoleSystem}},
    // DESIGN.md section 6: only an operator may declare v2 ready (or promote it).
    {"set-v2-ready", internal::SetV2Ready, {kRoleOperator}},
    {"rollback-canary", internal::RollbackCanary, {kRoleAdmin, kRoleOperator, kRoleSystem}},
    {"configure-canary", internal::ConfigureCanary, {kRoleAdmin, kRoleOperator}},
    // The shop's sign-up and unsubscribe pages call these with an operator's token.
    {"subscribe-drop", internal::SubscribeDrop, {kRoleAdmin, kRoleOperator, kRoleSystem}},
    {"unsubscribe-drop", internal::UnsubscribeDrop, {kRoleAdmin, kRoleOperator, kRoleSystem}},
};

const CommandSpec* Find(std::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Status CheckCaller(const CommandSpec& spec, const CommandContext& context) {
  const Principal& p = context.principal;
  if (p.subject.empty()) return PermissionDenied("no authenticated principal");
  Metadata metadata{context.correlation_id, "", p.subject, "command." + std::string(spec.name)};
  Status valid = ValidateMetadata(metadata);
  if (!valid.ok()) return InvalidArgument("principal or correlation id: " + valid.message());
  LEDGER_RETURN_IF_ERROR(ValidateTenantId(context.tenant));
  if (std::find(spec.roles.begin(), spec.roles.end(), p.role) == spec.roles.end() ||
      p.role.empty()) {
    std::string allowed;
    for (std::string_view r : spec.roles) {
      if (!r.empty()) allowed += (allowed.empty() ? "" : ", ") + std::string(r);
    }
    return PermissionDenied(p.subject + " (role '" + p.role + "') may not run " +
                            std::string(spec.name) + "; allowed roles: " + allowed);
  }
  return Status::Ok();
}

Status CheckOptions(const CommandDispatcherOptions& o) {
  if (o.max_attempts < 1) return InvalidArgument("max_attempts must be at least 1");
  if (o.snapshot_every < 1) return InvalidArgument("snapshot_every must be at least 1");
  const CanarySettings& c = o.canary_defaults;
  if (c.failure_threshold < 1 || c.failure_threshold > 100 || c.step < 1 || c.step > 100) {
    return InvalidArgument("canary defaults: failure_threshold and step must be in 1..100");
  }
  if (o.screening.visual_escalate_at_bp < 0 || o.screening.visual_block_at_bp < 0) {
    return InvalidArgument("visual similarity thresholds must not be negative");
  }
  return Status::Ok();
}

// A snapshot is a cache: its failures are worth an operator's notice, never a command's.
void ReportToStderr(const Status& status) {
  std::cerr << "ledger: snapshot ignored: " << status.ToString() << '\n';
}

}  // namespace

struct CommandDispatcher::Impl {
  screening::RuleSet rules;
  QualityPolicy quality;
  std::unique_ptr<screening::Screener> screener;
  internal::HandlerEnv env;
};

CommandDispatcher::CommandDispatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CommandDispatcher::~CommandDispatcher() = default;

Result<std::unique_ptr<CommandDispatcher>> CommandDispatcher::Create(
    EventStore* store, Clock* clock, CommandDispatcherOptions options) {
  LEDGER_RETURN_IF_ERROR(CheckOptions(options));
  auto impl = std::make_unique<Impl>();
  Result<screening::RuleSet> rules =
      options.term_list_directory ? screening::RuleSet::LoadDirectory(*options.term_list_directory)
                                  : screening::RuleSet::Embedded();
  if (!rules.ok()) return rules.status().WithContext("loading screening term lists");
  impl->rules = std::move(rules).value();
  impl->quality = std::move(options.quality);
  impl->screener = std::make_unique<screening::Screener>(
      &impl->rules, options.screening, options.model_screener, clock, options.model_timeout);
  internal::HandlerEnv& env = impl->env;
  env.command.store = store;
  env.command.clock = clock;
  env.command.new_event_id =
      options.new_event_id ? options.new_event_id : [] { return Uuid::V4(); };
  env.command.max_attempts = options.max_attempts;
  env.command.snapshots = options.snapshots;
  env.command.snapshot_every = options.snapshot_every;
  env.command.on_snapshot_error =
      options.on_snapshot_error ? std::move(options.on_snapshot_error) : ReportToStderr;
  env.screener = impl->screener.get();
  env.quality = &impl->quality;
  env.canary_defaults = options.canary_defaults;
  return std::unique_ptr<CommandDispatcher>(new CommandDispatcher(std::move(impl)));
}

Result<CommandOutcome> CommandDispatcher::Execute(std::string_view name, std::string_view body,
                                                  const CommandContext& context) const {
  const CommandSpec* spec = Find(name);
  if (spec == nullptr) {
    std::string known;
    for (const CommandSpec& s : kCommands)
      known += (known.empty() ? "" : ", ") + std::string(s.name);
    return NotFound("unknown command '" + std::string(name) + "'; known commands: " + known);
  }
  LEDGER_RETURN_IF_ERROR(CheckCaller(*spec, context));
  if (body.size() > kMaxCommandBodyBytes) {
    return InvalidArgument(std::string(name) + ": body is larger than " +
                           std::to_string(kMaxCommandBodyBytes) + " bytes");
  }
  Result<CommandOutcome> outcome = spec->handler(impl_->env, body, context);
  if (!outcome.ok()) return outcome.status().WithContext(name);
  return outcome;
}

Result<CommandOutcome> CommandDispatcher::Execute(std::string_view name, std::string_view body,
                                                  const Principal& principal,
                                                  const TenantId& tenant) const {
  return Execute(name, body, CommandContext{principal, tenant, ""});
}

std::vector<std::string_view> CommandDispatcher::Names() {
  std::vector<std::string_view> names;
  for (const CommandSpec& s : kCommands) names.push_back(s.name);
  return names;
}

std::vector<std::string_view> CommandDispatcher::AllowedRoles(std::string_view name) {
  std::vector<std::string_view> roles;
  if (const CommandSpec* spec = Find(name)) {
    for (std::string_view r : spec->roles) {
      if (!r.empty()) roles.push_back(r);
    }
  }
  return roles;
}

const screening::RuleSet& CommandDispatcher::rule_set() const { return impl_->rules; }

}  // namespace ledger::commands
