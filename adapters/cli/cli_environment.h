// CliEnvironment: everything the `ledger` commands take from the process they run in: the
// standard streams, environment variables, signals and the database. main() passes the real
// process (ProcessEnvironment); tests pass string streams and an in-memory store, and run
// commands in-process.
#ifndef LEDGER_ADAPTERS_CLI_CLI_ENVIRONMENT_H_
#define LEDGER_ADAPTERS_CLI_CLI_ENVIRONMENT_H_

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "engine/event_store.h"
#include "engine/result.h"
#include "engine/snapshot_store.h"
#include "projections/read_model_store.h"

namespace ledger::cli {

// Used by one command at a time, from one thread.
class CliEnvironment {
 public:
  virtual ~CliEnvironment() = default;

  virtual std::istream& In() = 0;
  virtual std::ostream& Out() = 0;
  virtual std::ostream& Err() = 0;
  // True if Err() is a terminal: progress is shown only to a person watching, never in logs.
  virtual bool ErrIsTerminal() = 0;

  // The value of an environment variable; nullopt if unset.
  virtual std::optional<std::string> GetEnv(const std::string& name) = 0;

  // Opens the store named by a database URL (adapters/store/open_event_store.h), without
  // migrating it. The caller owns the store.
  virtual Result<std::unique_ptr<EventStore>> OpenStore(const std::string& url) = 0;
  // Opens the read models that belong to the store named by `url`
  // (adapters/store/open_read_model_store.h). The caller owns them.
  virtual Result<std::unique_ptr<projections::ReadModelStore>> OpenReadModels(
      const std::string& url) = 0;
  // Opens the aggregate snapshots that belong to the store named by `url`
  // (adapters/store/open_snapshot_store.h): a cache of long streams' states for commands.
  virtual Result<std::unique_ptr<SnapshotStore>> OpenSnapshots(const std::string& url) = 0;
  // Creates or upgrades the store named by `url`.
  virtual Status MigrateStore(const std::string& url) = 0;

  // From this call on, SIGINT and SIGTERM set the stop flag instead of ending the process,
  // for commands that run until stopped (events --follow) and then exit cleanly.
  virtual void CatchStopSignals() = 0;
  // True once a stop was requested; stays true.
  virtual bool StopRequested() = 0;
};

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_CLI_ENVIRONMENT_H_
