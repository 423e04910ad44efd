// The `ledger` command-line tool (DESIGN.md section 10) as a function, so that tests run
// commands in-process. main.cc is a thin wrapper around RunLedger.
//
// Exit codes, which scripts rely on:
//   0 ok; 1 error; 2 usage (unknown command or option, missing option, bad option value);
//   3 conflict (Status kConflict: the stream is not at the expected version).
// An error is reported on Err() as one line: "ledger append: Conflict: stream order-1 is at
// version 3, expected version 2".
#ifndef LEDGER_ADAPTERS_CLI_LEDGER_CLI_H_
#define LEDGER_ADAPTERS_CLI_LEDGER_CLI_H_

#include <span>
#include <string>

#include "adapters/cli/cli_environment.h"

namespace ledger::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,
  kExitUsage = 2,
  kExitConflict = 3,
};

// Runs one command. `args` are the arguments after the program name: {"append", "--stream",
// "order-1", ...}. Never throws.
int RunLedger(std::span<const std::string> args, CliEnvironment& env);

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_LEDGER_CLI_H_
