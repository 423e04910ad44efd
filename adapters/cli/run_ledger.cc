// RunLedger: finds the command, parses its options (command line, then environment), and
// turns the outcome into an exit code and at most one line on stderr.
#include <algorithm>
#include <exception>
#include <ostream>
#include <sstream>

#include "adapters/cli/command.h"
#include "adapters/cli/ledger_cli.h"
#include "adapters/cli/options.h"
#include "adapters/store/open_event_store.h"

namespace ledger::cli {
namespace {

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  return status.code() == StatusCode::kConflict ? kExitConflict : kExitError;
}

// Options every command has.
po::options_description CommonOptions() {
  // Wider than Boost's 80 columns so that descriptions wrap less.
  po::options_description options("Options", 100, 50);
  auto add = options.add_options();
  add("help,h", "print this help");
  add("database-url",
      po::value<std::string>()->default_value(kDefaultDatabaseUrl)->value_name("URL"),
      "the store: sqlite:PATH, sqlite::memory: or postgresql://...");
  return options;
}

void PrintOverview(std::ostream& out, const std::vector<std::unique_ptr<Command>>& commands) {
  out << "Usage: ledger COMMAND [OPTIONS]\n\n"
         "The event-sourced ledger's command-line tool.\n\nCommands:\n";
  for (const auto& command : commands) {
    std::string name(command->Name());
    out << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ')
        << command->Summary() << "\n";
  }
  out << "\nRun 'ledger COMMAND --help' for a command's options.\n\n"
         "Every command takes --database-url URL: "
      << StoreUrlForms() << "\n(default " << kDefaultDatabaseUrl
      << ").\n"
         "Every option --NAME can also be set by the environment variable LEDGER_NAME (upper\n"
         "case, '-' as '_'): --database-url is LEDGER_DATABASE_URL, --tenant is LEDGER_TENANT.\n"
         "The command line wins over the environment; an empty variable counts as unset.\n\n"
         "Exit codes: 0 ok, 1 error, 2 usage (unknown command or option, missing or bad\n"
         "value), 3 conflict (the stream is not at the expected version).\n";
}

void PrintCommandHelp(std::ostream& out, const Command& command,
                      const po::options_description& options) {
  out << "Usage: ledger " << command.Name() << " " << command.Synopsis() << "\n\n"
      << command.Summary() << "\n\n"
      << options << "\nEnvironment (used when the option is not given):\n";
  std::size_t width = 0;
  for (const auto& option : options.options()) width = std::max(width, option->long_name().size());
  for (const auto& option : options.options()) {
    const std::string& name = option->long_name();
    if (name == "help") continue;
    out << "  --" << name << std::string(width - name.size() + 2, ' ')
        << EnvironmentVariableFor(name) << "\n";
  }
  out << "\nExit codes: 0 ok, 1 error, 2 usage, 3 conflict.\n";
}

int UsageError(CliEnvironment& env, std::string_view where, std::string_view message,
               std::string_view help) {
  env.Err() << "ledger" << (where.empty() ? "" : " ") << where << ": " << message << " (see '"
            << help << "')\n";
  return kExitUsage;
}

int RunCommand(Command& command, std::span<const std::string> args, CliEnvironment& env) {
  const std::string help = "ledger " + std::string(command.Name()) + " --help";
  po::options_description options = CommonOptions();
  po::positional_options_description positional;
  command.DefineOptions(options, positional);
  if (WantsHelp(args)) {
    PrintCommandHelp(env.Out(), command, options);
    return kExitOk;
  }
  Result<po::variables_map> values = ParseOptions(args, options, positional, env);
  if (!values.ok()) return UsageError(env, command.Name(), values.status().message(), help);
  CommandContext context{env, StringOption(*values, "database-url")};
  Status usage = ValidateStoreUrl(context.database_url).WithContext("--database-url");
  if (usage.ok()) usage = command.ReadOptions(*values, env);
  if (!usage.ok()) return UsageError(env, command.Name(), usage.message(), help);
  Status status = command.Run(context);
  if (!status.ok()) env.Err() << "ledger " << command.Name() << ": " << status.ToString() << "\n";
  return ExitCodeFor(status);
}

}  // namespace

std::vector<std::unique_ptr<Command>> MakeCommands() {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(MakeMigrateCommand());
  commands.push_back(MakeAppendCommand());
  commands.push_back(MakeReadCommand());
  commands.push_back(MakeEventsCommand());
  commands.push_back(MakeImportCommand());
  commands.push_back(MakeExportCommand());
  commands.push_back(MakeRebuildCommand());
  commands.push_back(MakeDigestCommand());
  commands.push_back(MakeReplayCommand());
  commands.push_back(MakeServeCommand());
  commands.push_back(MakeCommandCommand());
  commands.push_back(MakeSealCommand());
  commands.push_back(MakeVerifyCommand());
  commands.push_back(MakeTokenCommand());
  commands.push_back(MakeWorkerCommand());
  commands.push_back(MakeJobsCommand());
  return commands;
}

int RunLedger(std::span<const std::string> args, CliEnvironment& env) {
  try {
    std::vector<std::unique_ptr<Command>> commands = MakeCommands();
    if (args.empty()) {
      PrintOverview(env.Err(), commands);
      return kExitUsage;
    }
    std::string_view name = args.front();
    bool help = name == "help" || name == "--help" || name == "-h";
    if (help && args.size() == 1) {
      PrintOverview(env.Out(), commands);
      return kExitOk;
    }
    if (name == "help") name = args[1];  // "ledger help append" = "ledger append --help"
    for (const auto& command : commands) {
      if (command->Name() != name) continue;
      if (help) {
        const std::string flag = "--help";
        return RunCommand(*command, std::span<const std::string>(&flag, 1), env);
      }
      return RunCommand(*command, args.subspan(1), env);
    }
    std::string known;
    for (const auto& command : commands)
      known += (known.empty() ? "" : ", ") + std::string(command->Name());
    return UsageError(env, "",
                      "unknown command \"" + std::string(name) + "\" (commands: " + known + ")",
                      "ledger --help");
  } catch (const std::exception& e) {
    // Nothing below is meant to throw; if something does (say, out of memory), it still
    // ends as one line and a failing exit code rather than std::terminate.
    env.Err() << "ledger: internal error: " << e.what() << "\n";
    return kExitError;
  }
}

}  // namespace ledger::cli
