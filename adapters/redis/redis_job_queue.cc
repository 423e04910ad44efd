#include "adapters/redis/redis_job_queue.h"

#include <charconv>
#include <utility>

#include "adapters/redis/redis_job_scripts.h"

namespace ledger::redis {
namespace {

using jobs::ClaimedJob;
using jobs::DeadLetteredJob;
using jobs::EnqueueOutcome;
using jobs::TransitionOutcome;

std::string Ms(std::chrono::milliseconds ms) { return std::to_string(ms.count()); }

std::uint32_t ToAttempt(const RedisReply& reply) {
  std::uint32_t value = 0;
  std::from_chars(reply.text.data(), reply.text.data() + reply.text.size(), value);
  return value;
}

// The value of `field` in a stream entry's [field, value, ...] array; empty if absent.
std::string FieldOf(const RedisReply& fields, std::string_view field) {
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    if (fields.elements[i].text == field) return fields.elements[i + 1].text;
  }
  return {};
}

Status Malformed(std::string_view what) {
  return Internal("redis: unexpected reply to " + std::string(what));
}

}  // namespace

// A connection borrowed from the pool for one call, returned when healthy.
class RedisJobQueue::Borrowed {
 public:
  explicit Borrowed(RedisJobQueue& queue) : queue_(queue), connection_(queue.Take()) {}
  ~Borrowed() {
    if (connection_->healthy()) queue_.Give(std::move(connection_));
  }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  RedisConnection& operator*() { return *connection_; }
  RedisConnection* operator->() { return connection_.get(); }

 private:
  RedisJobQueue& queue_;
  std::unique_ptr<RedisConnection> connection_;
};

RedisJobQueue::RedisJobQueue(RedisEndpoint endpoint, RedisJobQueueOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

RedisJobQueue::~RedisJobQueue() = default;

std::string RedisJobQueue::JobKey(std::string_view job_id) const {
  return options_.key_prefix + ":job:" + std::string(job_id);
}

std::string RedisJobQueue::DedupKey(std::string_view job_id) const {
  return options_.key_prefix + ":dedup:" + std::string(job_id);
}

std::unique_ptr<RedisConnection> RedisJobQueue::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<RedisConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  return std::make_unique<RedisConnection>(endpoint_, options_.connection);
}

void RedisJobQueue::Give(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(connection));
}

Result<EnqueueOutcome> RedisJobQueue::Enqueue(const jobs::Job& job) {
  if (job.job_id.empty() || job.kind.empty()) {
    return InvalidArgument("a job needs an id and a kind");
  }
  Borrowed connection(*this);
  std::string now = std::to_string(options_.clock->Now().value());
  LEDGER_ASSIGN_OR_RETURN(
      RedisReply reply,
      connection->Eval(scripts::kEnqueue, {DedupKey(job.job_id), JobKey(job.job_id), ReadyKey()},
                       {job.job_id, job.kind, job.tenant_id, job.cause_event_id, job.payload, now,
                        Ms(options_.dedup_ttl)}));
  return reply.integer == 1 ? EnqueueOutcome::kQueued : EnqueueOutcome::kDuplicate;
}

Result<RedisReply> RedisJobQueue::WithGroup(RedisConnection& connection,
                                            const std::vector<std::string>& args,
                                            std::chrono::milliseconds extra_wait) {
  Result<RedisReply> reply = connection.Command(args, extra_wait);
  if (reply.ok() || reply.status().message().find("NOGROUP") == std::string::npos) return reply;
  // "0": a group created after jobs were added still delivers them.
  Result<RedisReply> created =
      connection.Command({"XGROUP", "CREATE", ReadyKey(), options_.group, "0", "MKSTREAM"});
  if (!created.ok() && created.status().message().find("BUSYGROUP") == std::string::npos) {
    return created.status();
  }
  return connection.Command(args, extra_wait);
}

Status RedisJobQueue::PromoteDue(RedisConnection& connection) {
  return connection
      .Eval(scripts::kPromoteDue, {DelayedKey(), ReadyKey()},
            {std::to_string(options_.clock->Now().value()), std::to_string(options_.promote_batch),
             options_.key_prefix + ":job:"})
      .status();
}

Result<std::vector<ClaimedJob>> RedisJobQueue::BeginAttempts(RedisConnection& connection,
                                                             const RedisReply& entries,
                                                             std::string_view worker,
                                                             bool reclaimed) {
  std::vector<ClaimedJob> claimed;
  std::string now = std::to_string(options_.clock->Now().value());
  for (const RedisReply& entry : entries.elements) {
    // [id, [field, value, ...]]; XAUTOCLAIM on Redis 6.2 gives nil for deleted entries.
    if (!entry.is_array() || entry.elements.size() != 2) continue;
    const std::string& id = entry.elements[0].text;
    std::string job_id = FieldOf(entry.elements[1], "job_id");
    LEDGER_ASSIGN_OR_RETURN(RedisReply fields,
                            connection.Eval(scripts::kBeginAttempt, {JobKey(job_id), ReadyKey()},
                                            {id, options_.group, std::string(worker), now}));
    if (fields.is_nil()) continue;  // the entry no longer owns its job: skipped
    if (fields.elements.size() != 6) return Malformed("the begin-attempt script");
    ClaimedJob job;
    job.job.job_id = job_id;
    job.job.kind = fields.elements[0].text;
    job.job.tenant_id = fields.elements[1].text;
    job.job.cause_event_id = fields.elements[2].text;
    job.job.payload = fields.elements[3].text;
    job.job.attempt = ToAttempt(fields.elements[4]);
    job.first_attempt = ToAttempt(fields.elements[5]);
    job.receipt = id;
    job.reclaimed = reclaimed;
    claimed.push_back(std::move(job));
  }
  return claimed;
}

void RedisJobQueue::MarkMaybeLost(std::string_view worker, bool lost) {
  std::lock_guard lock(mu_);
  if (lost) {
    maybe_lost_.emplace(worker);
  } else if (auto it = maybe_lost_.find(worker); it != maybe_lost_.end()) {
    maybe_lost_.erase(it);
  }
}

bool RedisJobQueue::MaybeLost(std::string_view worker) {
  std::lock_guard lock(mu_);
  return maybe_lost_.find(worker) != maybe_lost_.end();
}

Result<std::vector<ClaimedJob>> RedisJobQueue::RecoverOwn(RedisConnection& connection,
                                                          std::string_view worker,
                                                          std::size_t max) {
  LEDGER_ASSIGN_OR_RETURN(
      RedisReply reply,
      WithGroup(connection,
                {"XREADGROUP", "GROUP", options_.group, std::string(worker), "COUNT",
                 std::to_string(max == 0 ? 1 : max), "STREAMS", ReadyKey(), "0"},
                std::chrono::milliseconds(0)));
  if (reply.is_nil()) return std::vector<ClaimedJob>();
  if (!reply.is_array() || reply.elements.empty() || reply.elements[0].elements.size() != 2) {
    return Malformed("XREADGROUP");
  }
  return BeginAttempts(connection, reply.elements[0].elements[1], worker, true);
}

Result<std::vector<ClaimedJob>> RedisJobQueue::Claim(std::string_view worker, std::size_t max,
                                                     std::chrono::milliseconds block) {
  Borrowed connection(*this);
  auto claim = [&]() -> Result<std::vector<ClaimedJob>> {
    if (MaybeLost(worker)) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<ClaimedJob> own, RecoverOwn(*connection, worker, max));
      MarkMaybeLost(worker, false);
      if (!own.empty()) return own;
    }
    LEDGER_RETURN_IF_ERROR(PromoteDue(*connection));
    std::vector<std::string> args = {"XREADGROUP",   "GROUP",
                                     options_.group, std::string(worker),
                                     "COUNT",        std::to_string(max == 0 ? 1 : max)};
    // BLOCK 0 would wait forever; no BLOCK at all returns at once.
    if (block.count() > 0) {
      args.push_back("BLOCK");
      args.push_back(Ms(block));
    }
    args.insert(args.end(), {"STREAMS", ReadyKey(), ">"});
    LEDGER_ASSIGN_OR_RETURN(RedisReply reply, WithGroup(*connection, args, block));
    if (reply.is_nil()) return std::vector<ClaimedJob>();
    // [[stream, [entries...]]]
    if (!reply.is_array() || reply.elements.empty() || reply.elements[0].elements.size() != 2) {
      return Malformed("XREADGROUP");
    }
    return BeginAttempts(*connection, reply.elements[0].elements[1], worker, false);
  };
  Result<std::vector<ClaimedJob>> claimed = claim();
  if (!claimed.ok()) MarkMaybeLost(worker, true);
  return claimed;
}

Result<std::vector<ClaimedJob>> RedisJobQueue::ReclaimStale(
    std::string_view worker, std::chrono::milliseconds visibility_timeout, std::size_t max) {
  Borrowed connection(*this);
  auto reclaim = [&]() -> Result<std::vector<ClaimedJob>> {
    LEDGER_ASSIGN_OR_RETURN(
        RedisReply reply,
        WithGroup(*connection,
                  {"XAUTOCLAIM", ReadyKey(), options_.group, std::string(worker),
                   Ms(visibility_timeout), "0-0", "COUNT", std::to_string(max == 0 ? 1 : max)},
                  std::chrono::milliseconds(0)));
    // [next cursor, [entries...], (Redis 7) [deleted ids...]]
    if (!reply.is_array() || reply.elements.size() < 2) return Malformed("XAUTOCLAIM");
    return BeginAttempts(*connection, reply.elements[1], worker, true);
  };
  Result<std::vector<ClaimedJob>> claimed = reclaim();
  if (!claimed.ok()) MarkMaybeLost(worker, true);
  return claimed;
}

Result<TransitionOutcome> RedisJobQueue::Transition(std::string_view script,
                                                    const std::vector<std::string>& keys,
                                                    const std::vector<std::string>& args) {
  Borrowed connection(*this);
  LEDGER_ASSIGN_OR_RETURN(RedisReply reply, connection->Eval(script, keys, args));
  return reply.integer == 1 ? TransitionOutcome::kApplied : TransitionOutcome::kStale;
}

Result<TransitionOutcome> RedisJobQueue::Complete(const ClaimedJob& claimed) {
  return Transition(scripts::kComplete, {JobKey(claimed.job.job_id), ReadyKey()},
                    {claimed.receipt, options_.group, std::to_string(claimed.job.attempt)});
}

Result<TransitionOutcome> RedisJobQueue::Retry(const ClaimedJob& claimed, Timestamp at) {
  return Transition(scripts::kRetry, {JobKey(claimed.job.job_id), ReadyKey(), DelayedKey()},
                    {claimed.receipt, options_.group, std::to_string(claimed.job.attempt),
                     std::to_string(at.value()), claimed.job.job_id});
}

Result<TransitionOutcome> RedisJobQueue::DeadLetter(const ClaimedJob& claimed,
                                                    std::string_view detail) {
  return Transition(
      scripts::kDeadLetter, {JobKey(claimed.job.job_id), ReadyKey(), DeadKey()},
      {claimed.receipt, options_.group, std::to_string(claimed.job.attempt), claimed.job.job_id,
       std::string(detail), std::to_string(options_.clock->Now().value())});
}

Status RedisJobQueue::Requeue(std::string_view job_id) {
  Borrowed connection(*this);
  LEDGER_ASSIGN_OR_RETURN(
      RedisReply reply, connection->Eval(scripts::kRequeue, {JobKey(job_id), ReadyKey(), DeadKey()},
                                         {std::string(job_id)}));
  if (reply.integer == -1) return NotFound("the queue holds no job " + std::string(job_id));
  if (reply.integer == -2) {
    return FailedPrecondition("job " + std::string(job_id) + " is not dead-lettered");
  }
  return Status::Ok();
}

Result<std::vector<DeadLetteredJob>> RedisJobQueue::DeadLetters(std::size_t limit) {
  Borrowed connection(*this);
  LEDGER_ASSIGN_OR_RETURN(
      RedisReply entries,
      connection->Command({"XRANGE", DeadKey(), "-", "+", "COUNT", std::to_string(limit)}));
  std::vector<DeadLetteredJob> dead;
  for (const RedisReply& entry : entries.elements) {
    if (!entry.is_array() || entry.elements.size() != 2) continue;
    const RedisReply& fields = entry.elements[1];
    DeadLetteredJob job;
    job.job.job_id = FieldOf(fields, "job_id");
    job.detail = FieldOf(fields, "detail");
    std::string at = FieldOf(fields, "at");
    std::int64_t micros = 0;
    std::from_chars(at.data(), at.data() + at.size(), micros);
    job.dead_lettered_at = Timestamp(micros);
    LEDGER_ASSIGN_OR_RETURN(
        RedisReply hash, connection->Command({"HMGET", JobKey(job.job.job_id), "kind", "tenant_id",
                                              "cause_event_id", "payload", "attempt"}));
    if (hash.elements.size() == 5) {
      job.job.kind = hash.elements[0].text;
      job.job.tenant_id = hash.elements[1].text;
      job.job.cause_event_id = hash.elements[2].text;
      job.job.payload = hash.elements[3].text;
      job.job.attempt = ToAttempt(hash.elements[4]);
    }
    dead.push_back(std::move(job));
  }
  return dead;
}

}  // namespace ledger::redis
