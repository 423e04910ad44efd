// Command: one `ledger` subcommand. RunLedger (run_ledger.cc) parses the command line against
// the command's options, fills in options from environment variables, and then calls
// ReadOptions and Run. The split decides the exit code: an error from ReadOptions is the
// user's command line (exit 2); an error from Run is the operation's (3 for Conflict, else 1).
#ifndef LEDGER_ADAPTERS_CLI_COMMAND_H_
#define LEDGER_ADAPTERS_CLI_COMMAND_H_

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/cli/cli_environment.h"
#include "engine/status.h"

namespace ledger::cli {

namespace po = boost::program_options;

// What every command gets besides its own options.
struct CommandContext {
  CliEnvironment& env;
  std::string database_url;  // --database-url / LEDGER_DATABASE_URL / sqlite:ledger.db
};

class Command {
 public:
  virtual ~Command() = default;

  virtual std::string_view Name() const = 0;
  // One line for `ledger --help`.
  virtual std::string_view Summary() const = 0;
  // The arguments after the command name, for `ledger NAME --help`: "--stream S [options]".
  virtual std::string_view Synopsis() const = 0;

  // Declares the command's own options (--help and --database-url are added for every
  // command). Each option NAME also reads the environment variable LEDGER_NAME.
  virtual void DefineOptions(po::options_description& options,
                             po::positional_options_description& positional) = 0;

  // Takes and checks the parsed values (reading standard input if an option says "-"). An
  // error means the command line is wrong (exit 2).
  virtual Status ReadOptions(const po::variables_map& values, CliEnvironment& env) = 0;

  // Does the work. Conflict exits 3, any other error 1.
  virtual Status Run(CommandContext& context) = 0;
};

// Every command, in the order `ledger --help` lists them.
std::vector<std::unique_ptr<Command>> MakeCommands();

std::unique_ptr<Command> MakeMigrateCommand();
std::unique_ptr<Command> MakeAppendCommand();
std::unique_ptr<Command> MakeReadCommand();
std::unique_ptr<Command> MakeEventsCommand();
std::unique_ptr<Command> MakeImportCommand();
std::unique_ptr<Command> MakeExportCommand();
std::unique_ptr<Command> MakeRebuildCommand();
std::unique_ptr<Command> MakeDigestCommand();
std::unique_ptr<Command> MakeReplayCommand();
std::unique_ptr<Command> MakeServeCommand();
std::unique_ptr<Command> MakeCommandCommand();
std::unique_ptr<Command> MakeSealCommand();
std::unique_ptr<Command> MakeVerifyCommand();
std::unique_ptr<Command> MakeTokenCommand();
std::unique_ptr<Command> MakeWorkerCommand();
std::unique_ptr<Command> MakeJobsCommand();

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_COMMAND_H_
