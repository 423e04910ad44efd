#include "adapters/postgres/pg_append.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "adapters/postgres/pg_read.h"
#include "adapters/postgres/pg_statements.h"
#include "engine/append_planner.h"

namespace ledger::pg {
namespace {

class ConnectionTransaction final : public PgTransaction {
 public:
  explicit ConnectionTransaction(PgConnection& conn) : conn_(conn) {}
  Status Exec(std::string_view sql) override { return conn_.Exec(sql).status(); }

 private:
  PgConnection& conn_;
};

void RollBack(PgConnection& conn) {
  if (!conn.broken() && !conn.idle()) conn.Exec("ROLLBACK").status().IgnoreError();
}

// The commit key parameter ($1): NULL stands for the transaction's own id (LEDGER_COMMIT_KEY).
void AddCommitKey(Params& p, std::optional<std::uint64_t> commit_key) {
  if (commit_key) {
    p.Int64(static_cast<std::int64_t>(*commit_key));
  } else {
    p.Null();
  }
}

// What an append plans against: read under the stream locks (kLockAndRead), or assumed
// (kAssumeNew: no stream and no event id stored, which the unique indexes then check).
struct Known {
  // Every requested stream; an empty head for a stream with no row yet.
  std::unordered_map<StreamId, LockedHead> heads;
  std::unordered_set<StreamId> absent;                 // requested streams with no row
  std::unordered_map<EventId, StoredEventRef> stored;  // requested ids already stored
  std::optional<std::uint64_t> xid;                    // unread when assumed
};

// What the second round trip writes, and the outcomes it completes.
struct Plan {
  std::vector<Result<AppendResult>> outcomes;
  // For each outcome: the event whose position completes it once inserted (appends, and
  // redeliveries of events appended earlier in this same transaction).
  std::vector<std::optional<EventId>> position_of;
  std::vector<RecordedEvent> records;
  std::unordered_map<StreamId, StreamHead> new_heads;
  std::optional<std::uint64_t> commit_key;  // none: the transaction's own id
};

bool AllSucceeded(const std::vector<Result<AppendResult>>& outcomes) {
  return std::all_of(outcomes.begin(), outcomes.end(),
                     [](const Result<AppendResult>& o) { return o.ok(); });
}

// Returns the first failed result's status, or OK.
Status FirstError(const std::vector<Result<PgResult>>& results) {
  for (const auto& r : results) {
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

// Starts the transaction: queued on `p` without hooks; with hooks, run at once and followed by
// AfterBegin. On error the transaction may be left open.
Status Begin(PgConnection& conn, Pipeline& p, PgAppendHooks* hooks) {
  if (hooks == nullptr) {
    p.Sql("BEGIN");
    return Status::Ok();
  }
  LEDGER_RETURN_IF_ERROR(conn.Exec("BEGIN").status());
  ConnectionTransaction tx(conn);
  return hooks->AfterBegin(tx);
}

// The requested streams, each once, in stream id order.
std::vector<std::string> RequestedStreams(std::span<const AppendRequest> requests) {
  std::vector<std::string> streams;
  for (const AppendRequest& r : requests) streams.push_back(r.stream.value());
  std::sort(streams.begin(), streams.end());
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  return streams;
}

// kAssumeNew: every requested stream empty and absent, no event id stored, the id unread.
Known AssumeNew(std::span<const AppendRequest> requests) {
  Known out;
  for (std::string& s : RequestedStreams(requests)) {
    StreamId stream(std::move(s));
    out.heads.emplace(stream, LockedHead{stream, StreamHead{}, 0});
    out.absent.insert(std::move(stream));
  }
  return out;
}

// Round trip 1 of kLockAndRead. REQUIRES: conn idle. On error the transaction may be left
// open.
Result<Known> LockStreams(PgConnection& conn, std::span<const AppendRequest> requests,
                          PgAppendHooks* hooks) {
  std::vector<std::string> streams = RequestedStreams(requests);
  ArrayParam ids(TypeOid::kUuid);
  for (const AppendRequest& r : requests) {
    for (const NewEvent& e : r.events) ids.Add(EncodeUuid(e.event_id));
  }
  ArrayParam stream_array(TypeOid::kText);
  for (const std::string& s : streams) stream_array.Add(s);

  Pipeline p(conn);
  LEDGER_RETURN_IF_ERROR(Begin(conn, p, hooks));
  std::size_t lock = p.Send(kLockStreams, std::move(Params().Array(stream_array)));
  std::size_t xid = p.Send(kCurrentXid);
  std::size_t find = p.Send(kFindEvents, std::move(Params().Array(ids)));
  std::vector<Result<PgResult>> results = p.Run();
  LEDGER_RETURN_IF_ERROR(FirstError(results));

  Known out;
  const PgResult& heads = *results[lock];
  for (int i = 0; i < heads.rows(); ++i) {
    LockedHead h = DecodeHeadRow(heads, i);
    StreamId stream = h.stream;
    out.heads.emplace(std::move(stream), std::move(h));
  }
  out.xid = static_cast<std::uint64_t>(results[xid]->GetInt64(0, 0));
  const PgResult& found = *results[find];
  for (int i = 0; i < found.rows(); ++i) {
    out.stored.emplace(
        DecodeUuid(found.Get(i, 0)),
        StoredEventRef{StreamId(std::string(found.Get(i, 1))), StreamVersion(found.GetInt64(i, 2)),
                       GlobalPosition(found.GetInt64(i, 3))});
  }
  for (std::string& s : streams) {
    StreamId stream(std::move(s));
    if (out.heads.contains(stream)) continue;
    out.heads.emplace(stream, LockedHead{stream, StreamHead{}, 0});
    out.absent.insert(std::move(stream));
  }
  return out;
}

// Decides every request in order, as the in-memory store would one after another, against
// `known` (read under the locks, or assumed). Pure: nothing is written.
Plan PlanRequests(std::span<const AppendRequest> requests, const Known& known, Timestamp now) {
  Plan plan;
  plan.commit_key = known.xid;
  // Events planned earlier in this transaction; positions unknown until inserted.
  std::unordered_map<EventId, StoredEventRef> planned;
  for (const AppendRequest& request : requests) {
    std::vector<std::optional<StoredEventRef>> stored;
    bool last_is_planned = false;
    for (const NewEvent& e : request.events) {
      auto db = known.stored.find(e.event_id);
      auto here = planned.find(e.event_id);
      last_is_planned = db == known.stored.end() && here != planned.end();
      if (db != known.stored.end()) {
        stored.emplace_back(db->second);
      } else if (here != planned.end()) {
        stored.emplace_back(here->second);
      } else {
        stored.emplace_back(std::nullopt);
      }
    }
    Result<std::optional<AppendResult>> redelivery = ResolveRedelivery(request, stored);
    if (!redelivery.ok() || redelivery->has_value()) {
      plan.outcomes.push_back(redelivery.ok() ? Result<AppendResult>(**redelivery)
                                              : Result<AppendResult>(redelivery.status()));
      plan.position_of.push_back(redelivery.ok() && last_is_planned
                                     ? std::optional(request.events.back().event_id)
                                     : std::nullopt);
      continue;
    }
    const LockedHead& locked_head = known.heads.at(request.stream);
    auto changed = plan.new_heads.find(request.stream);
    const StreamHead& head = changed != plan.new_heads.end() ? changed->second : locked_head.head;
    Result<std::vector<RecordedEvent>> records = PlanAppend(request, head, now);
    if (!records.ok()) {
      plan.outcomes.emplace_back(records.status());
      plan.position_of.emplace_back(std::nullopt);
      continue;
    }
    for (RecordedEvent& r : *records) {
      planned.emplace(r.event_id, StoredEventRef{r.stream_id, r.stream_version, GlobalPosition(0)});
      plan.records.push_back(std::move(r));
    }
    plan.new_heads[request.stream] = AdvanceHead(plan.records.back());
    // Invariant (docs/storage.md): a stream's commit keys never decrease, even when this
    // transaction's id is older than that of the stream's last writer. An unread id
    // (kAssumeNew) comes with new streams only, whose key is that id.
    if (plan.commit_key) {
      plan.commit_key = std::max(*plan.commit_key, locked_head.commit_key);
    } else {
      assert(known.absent.contains(request.stream) && locked_head.commit_key == 0);
    }
    plan.outcomes.emplace_back(
        AppendResult{GlobalPosition(0), plan.records.back().stream_version, false});
    plan.position_of.emplace_back(plan.records.back().event_id);
  }
  return plan;
}

Params InsertParams(const Plan& plan) {
  ArrayParam stream(TypeOid::kText), version(TypeOid::kInt8), id(TypeOid::kUuid),
      type(TypeOid::kText), schema(TypeOid::kInt8), tenant(TypeOid::kText), payload(TypeOid::kJson),
      correlation(TypeOid::kText), causation(TypeOid::kText), actor(TypeOid::kText),
      source(TypeOid::kText), raw(TypeOid::kBytea), recorded(TypeOid::kTimestamptz),
      hash(TypeOid::kBytea);
  for (const RecordedEvent& r : plan.records) {
    stream.Add(r.stream_id.value());
    version.Add(EncodeInt64(static_cast<std::int64_t>(r.stream_version.value())));
    id.Add(EncodeUuid(r.event_id));
    type.Add(r.event_type);
    schema.Add(EncodeInt64(r.schema_version));
    tenant.Add(r.tenant.value());
    payload.Add(r.payload);
    correlation.Add(r.metadata.correlation_id);
    causation.Add(r.metadata.causation_id);
    actor.Add(r.metadata.actor);
    source.Add(r.metadata.source);
    if (r.raw_body) {
      raw.Add(*r.raw_body);
    } else {
      raw.AddNull();
    }
    recorded.Add(EncodeTimestamp(r.recorded_at));
    hash.Add(std::string_view(reinterpret_cast<const char*>(r.stream_hash.data()),
                              r.stream_hash.size()));
  }
  Params p;
  AddCommitKey(p, plan.commit_key);
  for (const ArrayParam* a : {&stream, &version, &id, &type, &schema, &tenant, &payload,
                              &correlation, &causation, &actor, &source, &raw, &recorded, &hash}) {
    p.Array(*a);
  }
  return p;
}

}  // namespace

bool AssumptionRefuted(const PgError& error) {
  // Not events_pkey: a position taken twice (a sequence set back) is no stored state the
  // guess missed.
  return error.sqlstate == "23505" &&
         (error.constraint == "streams_pkey" || error.constraint == "events_event_id_key" ||
          error.constraint == "events_stream_id_stream_version_key");
}

Params HeadParams(std::optional<std::uint64_t> commit_key,
                  const std::unordered_map<StreamId, StreamHead>& heads) {
  ArrayParam stream(TypeOid::kText), tenant(TypeOid::kText), version(TypeOid::kInt8),
      hash(TypeOid::kBytea), recorded(TypeOid::kTimestamptz);
  for (const auto& [id, head] : heads) {
    stream.Add(id.value());
    tenant.Add(head.tenant.value());
    version.Add(EncodeInt64(static_cast<std::int64_t>(head.version.value())));
    hash.Add(std::string_view(reinterpret_cast<const char*>(head.hash.data()), head.hash.size()));
    recorded.Add(EncodeTimestamp(head.last_recorded_at));
  }
  Params p;
  AddCommitKey(p, commit_key);
  for (const ArrayParam* a : {&stream, &tenant, &version, &hash, &recorded}) p.Array(*a);
  return p;
}

AppendAttempt RunAppendTransaction(PgConnection& conn, std::span<const AppendRequest> requests,
                                   AppendPath path, Clock& clock, PgAppendHooks* hooks) {
  AppendAttempt attempt;
  conn.ClearError();
  // `from_server`: the status came from this connection, whose error says whether to retry.
  auto fail = [&](Status status, bool from_server = true) {
    attempt.error = from_server ? conn.last_error() : PgError{"hook", "", ""};
    attempt.outcomes = std::move(status);
    RollBack(conn);
    return std::move(attempt);
  };
  if (requests.empty()) {
    attempt.outcomes = std::vector<Result<AppendResult>>();
    return attempt;
  }
  // kAssumeNew plans before anything is sent. If the guess refuses a request (a second
  // creation of one stream in the batch), that answer was reached without looking at what is
  // stored, and the locking path's may differ (an id stored elsewhere is AlreadyExists): such
  // a batch takes the locking path from the start.
  std::optional<Known> known;
  std::optional<Plan> plan;
  if (path == AppendPath::kAssumeNew) {
    known = AssumeNew(requests);
    Plan guess = PlanRequests(requests, *known, clock.Now());
    if (AllSucceeded(guess.outcomes)) plan = std::move(guess);
  }
  Pipeline writes(conn);  // before LockStreams' own pipeline: the transaction starts on one
  if (plan) {
    // Nothing has been sent yet: a connection found closed now fails as one lost before its
    // COMMIT was sent, which the store retries on a new one. Without this, one round trip
    // would learn of a pooled connection the server closed only after sending COMMIT. (The
    // locking path learns it in its first round trip, before COMMIT.)
    if (Status open = conn.CheckOpen(); !open.ok()) return fail(open);
    if (Status begun = Begin(conn, writes, hooks); !begun.ok()) return fail(begun);
  } else {
    Result<Known> locked = LockStreams(conn, requests, hooks);
    if (!locked.ok()) return fail(locked.status());
    known = std::move(locked).value();
    plan = PlanRequests(requests, *known, clock.Now());
    if (plan->records.empty()) {  // nothing to write: conflicts, bad tenants, redeliveries
      RollBack(conn);
      attempt.outcomes = std::move(plan->outcomes);
      return attempt;
    }
  }

  // New streams' rows go in before the events, so that every stream is locked before a
  // position is drawn (kInsertStreams).
  std::unordered_map<StreamId, StreamHead> created, advanced;
  for (const auto& [stream, head] : plan->new_heads) {
    (known->absent.contains(stream) ? created : advanced).emplace(stream, head);
  }
  if (!created.empty()) writes.Send(kInsertStreams, HeadParams(plan->commit_key, created));
  std::size_t insert = writes.Send(kInsertEvents, InsertParams(*plan));
  std::size_t last = insert;
  if (!advanced.empty()) {
    last = writes.Send(kUpdateStreams, HeadParams(plan->commit_key, advanced));
  }
  if (hooks == nullptr) {
    last = writes.Sql("COMMIT");
    writes.Sync();
    writes.Send(kNotify);  // after COMMIT; its failure is no failure of the append
    attempt.commit_sent = true;
  }
  std::vector<Result<PgResult>> results = writes.Run();
  for (std::size_t i = 0; i <= last; ++i) {
    if (!results[i].ok()) return fail(results[i].status());
  }
  if (hooks != nullptr) {
    ConnectionTransaction tx(conn);
    Status hook = hooks->BeforeCommit(tx);
    if (!hook.ok()) return fail(hook, /*from_server=*/false);
    Pipeline finish(conn);
    std::size_t commit = finish.Sql("COMMIT");
    finish.Sync();
    finish.Send(kNotify);
    attempt.commit_sent = true;
    std::vector<Result<PgResult>> done = finish.Run();
    if (!done[commit].ok()) return fail(done[commit].status());
  }

  std::unordered_map<EventId, GlobalPosition> positions;
  const PgResult& inserted = *results[insert];
  for (int i = 0; i < inserted.rows(); ++i) {
    positions.emplace(DecodeUuid(inserted.Get(i, 0)), GlobalPosition(inserted.GetInt64(i, 1)));
  }
  for (std::size_t i = 0; i < plan->outcomes.size(); ++i) {
    if (plan->position_of[i] && plan->outcomes[i].ok()) {
      plan->outcomes[i]->position = positions.at(*plan->position_of[i]);
    }
  }
  attempt.outcomes = std::move(plan->outcomes);
  return attempt;
}

}  // namespace ledger::pg
