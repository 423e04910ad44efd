// ledger worker --redis-url URL [--threads N] [--visibility-timeout SECONDS] [--name NAME]:
// runs job workers (jobs/worker.h) against the Redis queue and the store until SIGINT or
// SIGTERM, then lets the jobs being run finish and exits 0 (docs/jobs.md, docs/cli.md).
#include <unistd.h>

#include <chrono>
#include <thread>

#include "adapters/cli/command.h"
#include "adapters/cli/options.h"
#include "adapters/redis/redis_job_queue.h"
#include "jobs/worker.h"

namespace ledger::cli {

// The handlers `ledger worker` runs. Only "ledger.noop" (succeeds at once; for smoke tests of
// a deployment) until the real kinds (jobs/kinds) are registered here.
Status RegisterJobHandlers(jobs::HandlerRegistry& registry);

namespace {

constexpr std::chrono::milliseconds kStopPoll{200};

class NoopHandler final : public jobs::JobHandler {
 public:
  std::string_view kind() const override { return "ledger.noop"; }
  jobs::JobResult Run(const jobs::Job&) override {
    return jobs::JobResult{jobs::Outcome::kSucceeded, "nothing to do", "{}"};
  }
};

std::string DefaultWorkerName() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "worker") + "-" + std::to_string(::getpid());
}

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
    jobs::HandlerRegistry handlers;
    LEDGER_RETURN_IF_ERROR(RegisterJobHandlers(handlers));
    jobs::Worker worker(queue, *store, handlers, options_);
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

Status RegisterJobHandlers(jobs::HandlerRegistry& registry) {
  return registry.Register(std::make_unique<NoopHandler>());
}

std::unique_ptr<Command> MakeWorkerCommand() { return std::make_unique<WorkerCommand>(); }

}  // namespace ledger::cli
