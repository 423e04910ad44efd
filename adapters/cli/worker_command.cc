// ledger worker --redis-url URL [--threads N] [--visibility-timeout SECONDS] [--name NAME]:
// runs job workers (jobs/worker.h) against the Redis queue and the store until SIGINT or
// SIGTERM, then lets the jobs being run finish and exits 0 (docs/jobs.md, docs/cli.md).
#include <chrono>
#include <thread>

#include "adapters/cli/command.h"
#include "adapters/cli/job_handlers.h"
#include "adapters/cli/options.h"
#include "adapters/redis/redis_job_queue.h"
#include "jobs/worker.h"

namespace ledger::cli {

namespace {

constexpr std::chrono::milliseconds kStopPoll{200};

class WorkerCommand final : public Command {
 public:
  std::string_view Name() const override { return "worker"; }
  std::string_view Summary() const override {
    return "run job workers against Redis until SIGINT or SIGTERM";
  }
  std::string_view Synopsis() const override {
    return "--redis-url URL [--threads N] [--visibility-timeout SECONDS] [--name NAME]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("redis-url", po::value<std::string>()->required()->value_name("URL"),
        "the job queue: redis://host[:port][/db]");
    add("threads", po::value<std::string>()->default_value("2")->value_name("N"),
        "jobs run at the same time");
    add("visibility-timeout", po::value<std::string>()->default_value("300")->value_name("SECONDS"),
        "a claimed job without progress for this long is taken over by another worker; must "
        "exceed the longest job");
    add("name", po::value<std::string>()->value_name("NAME"),
        "this worker's name, unique among running workers (default HOST-PID)");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    LEDGER_ASSIGN_OR_RETURN(endpoint_, redis::ParseRedisUrl(StringOption(values, "redis-url")));
    LEDGER_ASSIGN_OR_RETURN(std::uint64_t threads,
                            ParseUnsigned(StringOption(values, "threads"), "threads"));
    if (threads == 0 || threads > 256) return InvalidArgument("--threads must be 1..256");
    LEDGER_ASSIGN_OR_RETURN(
        std::uint64_t timeout,
        ParseUnsigned(StringOption(values, "visibility-timeout"), "visibility-timeout"));
    if (timeout == 0) return InvalidArgument("--visibility-timeout must be at least 1 second");
    options_.threads = static_cast<std::size_t>(threads);
    options_.visibility_timeout = std::chrono::seconds(timeout);
    options_.name = values.count("name") > 0 ? StringOption(values, "name") : DefaultWorkerName();
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    CliEnvironment& env = context.env;
    env.CatchStopSignals();
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, env.OpenStore(context.database_url));
    redis::RedisJobQueue queue(endpoint_, redis::RedisJobQueueOptions{});
    LEDGER_ASSIGN_OR_RETURN(
        std::unique_ptr<JobHandlerSet> handlers,
        MakeJobHandlers(*store, [&env](const std::string& name) { return env.GetEnv(name); }));
    for (const std::string& kind : handlers->not_configured) {
      env.Err() << "ledger worker: not configured, its jobs are dead-lettered: " << kind << "\n";
    }
    jobs::Worker worker(queue, *store, handlers->registry, options_);
    worker.Start();
    while (!env.StopRequested()) std::this_thread::sleep_for(kStopPoll);
    worker.Stop();
    return Status::Ok();
  }

 private:
  redis::RedisEndpoint endpoint_;
  jobs::WorkerOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeWorkerCommand() { return std::make_unique<WorkerCommand>(); }

}  // namespace ledger::cli
