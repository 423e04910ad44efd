// ledger jobs requeue ID | ledger jobs dead-letters [--limit N]: the operator's view of the
// dead-letter stream (docs/jobs.md, docs/cli.md). Requeue records job.requeued in the ledger
// first, then moves the job back to the ready stream.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/cli/command.h"
#include "adapters/cli/options.h"
#include "adapters/redis/redis_job_queue.h"
#include "engine/time.h"
#include "jobs/job_events.h"

namespace ledger::cli {
namespace {

class JobsCommand final : public Command {
 public:
  std::string_view Name() const override { return "jobs"; }
  std::string_view Summary() const override {
    return "list dead-lettered jobs (dead-letters) or requeue one (requeue ID)";
  }
  std::string_view Synopsis() const override {
    return "dead-letters [--limit N] | requeue ID [--actor A]  --redis-url URL";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description& positional) override {
    auto add = options.add_options();
    add("action", po::value<std::string>()->required()->value_name("ACTION"),
        "dead-letters or requeue");
    add("job-id", po::value<std::string>()->value_name("ID"), "the job to requeue");
    add("redis-url", po::value<std::string>()->required()->value_name("URL"),
        "the job queue: redis://host[:port][/db]");
    add("limit", po::value<std::string>()->default_value("100")->value_name("N"),
        "dead-letters: list at most N jobs, oldest first");
    add("actor", po::value<std::string>()->default_value("cli:operator")->value_name("A"),
        "requeue: who requeues, recorded in job.requeued");
    positional.add("action", 1).add("job-id", 1);
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    action_ = StringOption(values, "action");
    job_id_ = StringOption(values, "job-id");
    LEDGER_ASSIGN_OR_RETURN(endpoint_, redis::ParseRedisUrl(StringOption(values, "redis-url")));
    LEDGER_ASSIGN_OR_RETURN(limit_, ParseUnsigned(StringOption(values, "limit"), "limit"));
    actor_ = StringOption(values, "actor");
    if (action_ == "requeue" && job_id_.empty()) return InvalidArgument("requeue needs a job id");
    if (action_ == "dead-letters" && !job_id_.empty()) {
      return InvalidArgument("dead-letters takes no job id");
    }
    if (action_ != "requeue" && action_ != "dead-letters") {
      return InvalidArgument("unknown action \"" + action_ + "\" (dead-letters or requeue)");
    }
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    redis::RedisJobQueue queue(endpoint_, redis::RedisJobQueueOptions{});
    if (action_ == "dead-letters") return ListDeadLetters(queue, context.env);
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    LEDGER_RETURN_IF_ERROR(jobs::RequeueJob(*store, queue, job_id_, jobs::JobActor{actor_, "cli"}));
    boost::json::object line{{"job_id", job_id_}, {"requeued", true}};
    context.env.Out() << boost::json::serialize(line) << "\n";
    return Status::Ok();
  }

 private:
  Status ListDeadLetters(jobs::JobQueue& queue, CliEnvironment& env) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<jobs::DeadLetteredJob> dead,
                            queue.DeadLetters(static_cast<std::size_t>(limit_)));
    for (const jobs::DeadLetteredJob& job : dead) {
      boost::json::object line{{"job_id", job.job.job_id},
                               {"kind", job.job.kind},
                               {"tenant_id", job.job.tenant_id},
                               {"cause_event_id", job.job.cause_event_id},
                               {"attempt", job.job.attempt},
                               {"detail", job.detail},
                               {"dead_lettered_at", FormatRfc3339(job.dead_lettered_at)}};
      env.Out() << boost::json::serialize(line) << "\n";
    }
    return Status::Ok();
  }

  std::string action_;
  std::string job_id_;
  redis::RedisEndpoint endpoint_;
  std::uint64_t limit_ = 100;
  std::string actor_;
};

}  // namespace

std::unique_ptr<Command> MakeJobsCommand() { return std::make_unique<JobsCommand>(); }

}  // namespace ledger::cli
