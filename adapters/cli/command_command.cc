// ledger command NAME --json BODY: runs a domain command (commands/dispatcher.h), the same
// one POST /v1/commands/NAME runs, and prints its JSON answer.
#include <istream>
#include <iterator>

#include "adapters/cli/command.h"
#include "adapters/cli/options.h"
#include "commands/dispatcher.h"
#include "engine/event_validation.h"

namespace ledger::cli {
namespace {

class CommandCommand final : public Command {
 public:
  std::string_view Name() const override { return "command"; }
  std::string_view Summary() const override {
    return "run a domain command (screen-content, record-probe, ...); prints its answer";
  }
  std::string_view Synopsis() const override {
    return "NAME --json BODY [--actor WHO] [--role ROLE] [--tenant T]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description& positional) override {
    auto add = options.add_options();
    add("name", po::value<std::string>()->required()->value_name("NAME"),
        "the command (also the first argument): screen-content, evaluate-quality, "
        "decide-review, publish-content, record-probe, set-v2-ready, rollback-canary, "
        "configure-canary");
    add("json", po::value<std::string>()->required()->value_name("BODY"),
        "the command's JSON body, or - to read it from standard input");
    add("actor", po::value<std::string>()->default_value("cli:operator")->value_name("WHO"),
        "who runs the command, recorded as each event's metadata.actor");
    add("role", po::value<std::string>()->default_value("admin")->value_name("ROLE"),
        "the actor's role: admin, operator, reviewer or system");
    add("tenant", po::value<std::string>()->default_value(kDefaultTenant)->value_name("T"),
        "tenant the command acts for");
    positional.add("name", 1);
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment& env) override {
    name_ = StringOption(values, "name");
    bool known = false;
    for (std::string_view n : commands::CommandDispatcher::Names()) known = known || n == name_;
    if (!known) return InvalidArgument("unknown command \"" + name_ + "\"");
    body_ = StringOption(values, "json");
    if (body_ == "-") body_.assign(std::istreambuf_iterator<char>(env.In()), {});
    context_.principal = commands::Principal{StringOption(values, "actor"),
                                             StringOption(values, "role")};
    context_.tenant = TenantId(StringOption(values, "tenant"));
    return ValidateTenantId(context_.tenant).WithContext("--tenant");
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    // Long streams (a canary route) load from aggregate snapshots: a cache beside the log.
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<SnapshotStore> snapshots,
                            context.env.OpenSnapshots(context.database_url));
    commands::CommandDispatcherOptions dispatcher_options;
    dispatcher_options.snapshots = snapshots.get();
    dispatcher_options.on_snapshot_error = [&context](const Status& status) {
      context.env.Err() << "ledger command: snapshots: " << status.ToString() << "\n";
    };
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<commands::CommandDispatcher> dispatcher,
                            commands::CommandDispatcher::Create(store.get(), SystemClock::Default(),
                                                                std::move(dispatcher_options)));
    LEDGER_ASSIGN_OR_RETURN(commands::CommandOutcome outcome,
                            dispatcher->Execute(name_, body_, context_));
    context.env.Out() << outcome.response_json << "\n";
    return Status::Ok();
  }

 private:
  std::string name_;
  std::string body_;
  commands::CommandContext context_;
};

}  // namespace

std::unique_ptr<Command> MakeCommandCommand() { return std::make_unique<CommandCommand>(); }

}  // namespace ledger::cli
