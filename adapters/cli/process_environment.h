// ProcessEnvironment: the CliEnvironment of the real `ledger` process: std::cin/cout/cerr,
// getenv, POSIX signals and adapters/store's OpenEventStore.
#ifndef LEDGER_ADAPTERS_CLI_PROCESS_ENVIRONMENT_H_
#define LEDGER_ADAPTERS_CLI_PROCESS_ENVIRONMENT_H_

#include "adapters/cli/cli_environment.h"

namespace ledger::cli {

// One per process: the stop flag and the signal handlers are process-wide.
class ProcessEnvironment final : public CliEnvironment {
 public:
  std::istream& In() override;
  std::ostream& Out() override;
  std::ostream& Err() override;
  bool ErrIsTerminal() override;
  std::optional<std::string> GetEnv(const std::string& name) override;
  Result<std::unique_ptr<EventStore>> OpenStore(const std::string& url) override;
  Result<std::unique_ptr<SnapshotStore>> OpenSnapshots(const std::string& url) override;
  Result<std::unique_ptr<projections::ReadModelStore>> OpenReadModels(
      const std::string& url) override;
  Status MigrateStore(const std::string& url) override;
  void CatchStopSignals() override;
  bool StopRequested() override;
};

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_PROCESS_ENVIRONMENT_H_
