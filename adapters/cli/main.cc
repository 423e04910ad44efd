// The `ledger` binary: RunLedger (ledger_cli.h) on the real process.
#include <iostream>
#include <string>
#include <vector>

#include "adapters/cli/ledger_cli.h"
#include "adapters/cli/process_environment.h"

int main(int argc, char** argv) {
  // The commands write only through std::cout/cerr; unsynchronised streams are much faster
  // for the hundreds of thousands of lines an export writes.
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  ledger::cli::ProcessEnvironment env;
  return ledger::cli::RunLedger(args, env);
}
