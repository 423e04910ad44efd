// The Lua scripts of RedisJobQueue (docs/jobs.md, "Operations"): each moves a job between
// keys atomically. Internal to ledger::redis.
//
// Invariant kept by every script: a job's hash field `entry` names the one ready-stream entry
// that may run it, and `attempt` the attempt that owns it; an older entry or attempt is stale
// and changes nothing (it is only acknowledged, so it leaves the pending list).
#ifndef LEDGER_ADAPTERS_REDIS_REDIS_JOB_SCRIPTS_H_
#define LEDGER_ADAPTERS_REDIS_REDIS_JOB_SCRIPTS_H_

namespace ledger::redis::scripts {

// KEYS: dedup, job, ready. ARGV: job_id, kind, tenant_id, cause_event_id, payload, now_us,
// dedup_ttl_ms (0: none). Returns 1 if queued, 0 if a duplicate.
inline constexpr const char* kEnqueue = R"lua(
if not redis.call('SET', KEYS[1], ARGV[6], 'NX') then return 0 end
if tonumber(ARGV[7]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[7]) end
local entry = redis.call('XADD', KEYS[3], '*', 'job_id', ARGV[1])
redis.call('HSET', KEYS[2], 'job_id', ARGV[1], 'kind', ARGV[2], 'tenant_id', ARGV[3],
  'cause_event_id', ARGV[4], 'payload', ARGV[5], 'attempt', 0, 'first_attempt', 1,
  'state', 'ready', 'entry', entry, 'enqueued_at', ARGV[6])
return 1
)lua";

// KEYS: job, ready. ARGV: entry id, group, worker, now_us.
// Returns {kind, tenant_id, cause_event_id, payload, attempt, first_attempt}, or nil when the
// entry no longer owns the job (then it is acknowledged and deleted).
inline constexpr const char* kBeginAttempt = R"lua(
if redis.call('HGET', KEYS[1], 'entry') ~= ARGV[1] then
  redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])
  redis.call('XDEL', KEYS[2], ARGV[1])
  return false
end
redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HSET', KEYS[1], 'state', 'running', 'worker', ARGV[3], 'started_at', ARGV[4])
return redis.call('HMGET', KEYS[1], 'kind', 'tenant_id', 'cause_event_id', 'payload',
  'attempt', 'first_attempt')
)lua";

// The ownership check every transition starts with. ARGV[1] entry id, ARGV[2] group,
// ARGV[3] attempt.
#define LEDGER_REDIS_OWNED_CHECK                                        \
  "local owned = redis.call('HGET', KEYS[1], 'entry') == ARGV[1] and\n" \
  "  redis.call('HGET', KEYS[1], 'attempt') == ARGV[3]\n"               \
  "if not owned then return 0 end\n"                                    \
  "redis.call('XACK', KEYS[2], ARGV[2], ARGV[1])\n"                     \
  "redis.call('XDEL', KEYS[2], ARGV[1])\n"

// KEYS: job, ready. ARGV: entry, group, attempt. Returns 1, or 0 if stale. The hash goes;
// the dedup key stays.
inline constexpr const char* kComplete = LEDGER_REDIS_OWNED_CHECK R"lua(
redis.call('DEL', KEYS[1])
return 1
)lua";

// KEYS: job, ready, delayed. ARGV: entry, group, attempt, retry_at_us, job_id.
inline constexpr const char* kRetry = LEDGER_REDIS_OWNED_CHECK R"lua(
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5])
redis.call('HSET', KEYS[1], 'state', 'delayed', 'entry', '', 'retry_at', ARGV[4])
return 1
)lua";

// KEYS: job, ready, dead. ARGV: entry, group, attempt, job_id, detail, now_us.
inline constexpr const char* kDeadLetter = LEDGER_REDIS_OWNED_CHECK R"lua(
local dead = redis.call('XADD', KEYS[3], '*', 'job_id', ARGV[4], 'attempt', ARGV[3],
  'detail', ARGV[5], 'at', ARGV[6])
redis.call('HSET', KEYS[1], 'state', 'dead', 'entry', '', 'dead_entry', dead,
  'detail', ARGV[5], 'dead_at', ARGV[6])
return 1
)lua";

#undef LEDGER_REDIS_OWNED_CHECK

// KEYS: job, ready, dead. ARGV: job_id. Returns 1 if requeued, -1 if there is no such job,
// -2 if it is not dead-lettered. The attempt budget starts afresh at the next attempt.
inline constexpr const char* kRequeue = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'state') ~= 'dead' then return -2 end
redis.call('XDEL', KEYS[3], redis.call('HGET', KEYS[1], 'dead_entry'))
local next_attempt = tonumber(redis.call('HGET', KEYS[1], 'attempt')) + 1
local entry = redis.call('XADD', KEYS[2], '*', 'job_id', ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'ready', 'entry', entry, 'first_attempt', next_attempt,
  'dead_entry', '')
return 1
)lua";

// KEYS: delayed, ready. ARGV: now_us, limit, job key prefix ("<prefix>:job:").
// Moves due retries to the ready stream; returns how many were due.
inline constexpr const char* kPromoteDue = R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  local key = ARGV[3] .. id
  if redis.call('HGET', key, 'state') == 'delayed' then
    local entry = redis.call('XADD', KEYS[2], '*', 'job_id', id)
    redis.call('HSET', key, 'state', 'ready', 'entry', entry)
  end
end
return #due
)lua";

}  // namespace ledger::redis::scripts

#endif  // LEDGER_ADAPTERS_REDIS_REDIS_JOB_SCRIPTS_H_
