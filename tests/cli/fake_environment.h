// FakeEnvironment: a CliEnvironment made of string streams, a map of environment variables
// and a store chosen by the test, so that `ledger` commands run in-process.
#ifndef LEDGER_TESTS_CLI_FAKE_ENVIRONMENT_H_
#define LEDGER_TESTS_CLI_FAKE_ENVIRONMENT_H_

#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/cli/cli_environment.h"

namespace ledger::testing {

// What one command did.
struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;

  std::vector<std::string> OutLines() const;
};

class FakeEnvironment final : public cli::CliEnvironment {
 public:
  // Commands use `store` (not owned; must outlive the environment) whatever URL they are
  // given; the URL is recorded in opened_urls. Without a store, URLs are opened for real
  // through adapters/store (so a test can use sqlite::memory: or a file).
  explicit FakeEnvironment(EventStore* store = nullptr) : store_(store) {}

  // Runs `ledger args...` with `input` as standard input. Streams are reset per run.
  CliRun Run(std::vector<std::string> args, std::string input = "");

  std::map<std::string, std::string> variables;  // the environment
  bool err_is_terminal = false;
  // Called by StopRequested; the default never stops. Runs on the command's thread.
  std::function<bool()> stop_when = [] { return false; };
  std::vector<std::string> opened_urls;
  std::vector<std::string> migrated_urls;
  bool catching_signals = false;

  std::istream& In() override { return in_; }
  std::ostream& Out() override { return out_; }
  std::ostream& Err() override { return err_; }
  bool ErrIsTerminal() override { return err_is_terminal; }
  std::optional<std::string> GetEnv(const std::string& name) override;
  Result<std::unique_ptr<EventStore>> OpenStore(const std::string& url) override;
  // With an injected store, snapshots in memory (they are a cache); else those of `url`.
  Result<std::unique_ptr<SnapshotStore>> OpenSnapshots(const std::string& url) override;
  Result<std::unique_ptr<projections::ReadModelStore>> OpenReadModels(
      const std::string& url) override;
  Status MigrateStore(const std::string& url) override;
  void CatchStopSignals() override { catching_signals = true; }
  bool StopRequested() override { return stop_when(); }

  // Output so far of the command that is running (for stop_when).
  std::string OutSoFar() const { return out_.str(); }

 private:
  EventStore* store_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_CLI_FAKE_ENVIRONMENT_H_
