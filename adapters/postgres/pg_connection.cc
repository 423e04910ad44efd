#include "adapters/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <optional>

namespace ledger::pg {
namespace {

std::string Trimmed(const char* text) {
  std::string s = text == nullptr ? "" : text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool ResultOk(const PGresult* r) {
  if (r == nullptr) return false;
  ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN;
}

std::string QuoteConninfoValue(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

Result<std::string> RewriteConninfo(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& overrides) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string why = Trimmed(error);
    PQfreemem(error);
    return InvalidArgument("not a PostgreSQL connection string: " + why);
  }
  std::vector<std::pair<std::string, std::string>> values;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) values.emplace_back(o->keyword, o->val);
  }
  PQconninfoFree(options);
  for (const auto& override : overrides) {
    auto it = std::find_if(values.begin(), values.end(),
                           [&](const auto& kv) { return kv.first == override.first; });
    if (it != values.end()) {
      it->second = override.second;
    } else {
      values.push_back(override);
    }
  }
  std::string out;
  for (const auto& [key, value] : values) {
    out += (out.empty() ? "" : " ") + key + "=" + QuoteConninfoValue(value);
  }
  return out;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const ConnectSpec& spec) {
  // Keywords before "dbname" are defaults the URL may override; those after it override
  // the URL.
  std::vector<std::pair<std::string, std::string>> options = {
      {"connect_timeout", "10"},
      {"dbname", spec.url},
      {"client_encoding", "UTF8"},
      {"fallback_application_name", "ledger"},
  };
  for (const auto& o : spec.overrides) options.push_back(o);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Unavailable("postgres: out of memory while connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    // libpq reports refused logins and unreachable servers alike; the text tells them apart.
    bool refused = why.find("authentication") != std::string::npos ||
                   why.find("does not exist") != std::string::npos ||
                   why.find("password") != std::string::npos;
    std::string text = "postgres: cannot connect: " + why;
    return refused ? FailedPrecondition(std::move(text)) : Unavailable(std::move(text));
  }
  // Server notices ("already exists, skipping") are for people at psql, not a library's stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  auto opened = std::unique_ptr<PgConnection>(new PgConnection(conn));
  // No JIT compilation. PostgreSQL compiles a query with LLVM once its estimated cost passes
  // jit_above_cost, and the ledger's bulk statements pass it (an import batch's INSERT ...
  // SELECT, a rebuild's page reads, a projection's upserts) without running long enough to
  // repay it: during `ledger import` LLVM took as much of the server's CPU as the inserts
  // themselves, and turning it off made the import 1.5-1.7x faster (docs/performance.md).
  LEDGER_RETURN_IF_ERROR(opened->Exec("SET jit = off").status());
  return opened;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::idle() const {
  return !broken() && PQtransactionStatus(conn_) == PQTRANS_IDLE &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

Status PgConnection::CheckOpen() {
  // An idle connection's socket is readable only when the server sent something unasked: a
  // notice, or the FATAL message and end of stream of a terminated backend. libpq may need
  // more than one read to reach the end, hence the loop (bounded: each read drains input).
  for (int reads = 0; !broken() && reads < 4; ++reads) {
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    if (poll(&fd, 1, 0) <= 0) break;
    if (PQconsumeInput(conn_) != 1) break;
  }
  if (broken()) return RecordError(nullptr);
  return Status::Ok();
}

Status PgConnection::RecordError(const pg_result* result) {
  PgError e;
  if (result != nullptr && PQresultErrorField(result, PG_DIAG_SQLSTATE) != nullptr) {
    e.sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    if (constraint != nullptr) e.constraint = constraint;
    e.message = Trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
  } else {
    // No SQLSTATE: libpq itself failed (connection lost, protocol error).
    e.message = Trimmed(PQerrorMessage(conn_));
    if (e.message.empty()) e.message = "connection failed";
  }
  last_error_ = e;
  return StatusFromError(e);
}

Result<PgResult> PgConnection::Check(PgResult result) {
  if (ResultOk(result.raw())) return result;
  return RecordError(result.raw());
}

Result<PgResult> PgConnection::Exec(std::string_view sql) {
  return Check(PgResult(PQexec(conn_, std::string(sql).c_str())));
}

Result<PgResult> PgConnection::Query(std::string_view sql, const Params& params) {
  std::vector<const char*> values = params.ValuePointers();
  std::vector<int> lengths = params.Lengths();
  std::vector<int> formats = params.Formats();
  return Check(PgResult(PQexecParams(conn_, std::string(sql).c_str(), params.count(), nullptr,
                                     values.data(), lengths.data(), formats.data(), 1)));
}

Result<PgResult> PgConnection::Execute(const Statement& statement, const Params& params) {
  std::vector<const char*> values = params.ValuePointers();
  std::vector<int> lengths = params.Lengths();
  std::vector<int> formats = params.Formats();
  return Check(PgResult(PQexecPrepared(conn_, statement.name, params.count(), values.data(),
                                       lengths.data(), formats.data(), 1)));
}

Status PgConnection::Prepare(std::span<const Statement> statements) {
  if (PQenterPipelineMode(conn_) != 1) return RecordError(nullptr);
  for (const Statement& s : statements) {
    if (PQsendPrepare(conn_, s.name, s.sql, 0, nullptr) != 1) return RecordError(nullptr);
  }
  if (PQpipelineSync(conn_) != 1) return RecordError(nullptr);
  Status status;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    PgResult r(PQgetResult(conn_));
    if (r.raw() == nullptr) return RecordError(nullptr);
    if (status.ok() && !ResultOk(r.raw())) {
      status = RecordError(r.raw()).WithContext(std::string("preparing ") + statements[i].name);
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }
  PgResult sync(PQgetResult(conn_));
  if (sync.raw() == nullptr || PQresultStatus(sync.raw()) != PGRES_PIPELINE_SYNC) {
    return RecordError(nullptr);
  }
  if (PQexitPipelineMode(conn_) != 1) return RecordError(nullptr);
  return status;
}

Status PgConnection::BeginCopy(std::string_view copy_sql) {
  PgResult start(PQexec(conn_, std::string(copy_sql).c_str()));
  if (start.raw() == nullptr || PQresultStatus(start.raw()) != PGRES_COPY_IN) {
    return RecordError(start.raw());
  }
  return Status::Ok();
}

Status PgConnection::PutCopyData(std::string_view data) {
  // In pieces: a CopyData message is limited (1 GiB on the server, INT_MAX in libpq's
  // length), and small ones keep libpq's output buffer small; it flushes as it goes.
  constexpr std::size_t kPiece = 1 << 20;
  for (std::size_t off = 0; off < data.size(); off += kPiece) {
    std::size_t n = std::min(kPiece, data.size() - off);
    if (PQputCopyData(conn_, data.data() + off, static_cast<int>(n)) != 1) {
      return RecordError(nullptr);
    }
  }
  return Status::Ok();
}

Status PgConnection::EndCopy(const char* abandoned_because) {
  if (PQputCopyEnd(conn_, abandoned_because) != 1) return RecordError(nullptr);
  Status status;
  while (PGresult* r = PQgetResult(conn_)) {
    PgResult owned(r);
    if (status.ok() && !ResultOk(r)) status = RecordError(r);
  }
  return status;
}

Status PgConnection::CopyIn(std::string_view copy_sql, std::string_view data) {
  LEDGER_RETURN_IF_ERROR(BeginCopy(copy_sql));
  LEDGER_RETURN_IF_ERROR(PutCopyData(data));
  return EndCopy(nullptr);
}

Status PgConnection::CopyInStream(std::string_view copy_sql,
                                  const std::function<Result<bool>(std::string& part)>& fill) {
  LEDGER_RETURN_IF_ERROR(BeginCopy(copy_sql));
  std::string part;
  Status failed;  // of `fill`: the COPY is abandoned, the server told why
  for (bool more = true; more;) {
    part.clear();
    Result<bool> filled = fill(part);
    if (!filled.ok()) {
      failed = filled.status();
      break;
    }
    more = *filled;
    LEDGER_RETURN_IF_ERROR(PutCopyData(part));
  }
  Status status = EndCopy(failed.ok() ? nullptr : "the client abandoned the COPY");
  return failed.ok() ? status : failed;
}

int PgConnection::socket() const { return PQsocket(conn_); }

Result<int> PgConnection::TakeNotifications() {
  if (PQconsumeInput(conn_) != 1) return RecordError(nullptr);
  int count = 0;
  while (PGnotify* n = PQnotifies(conn_)) {
    PQfreemem(n);
    ++count;
  }
  return count;
}

std::size_t Pipeline::Send(const Statement& statement, Params params) {
  Item item;
  item.prepared = statement.name;
  item.params = std::move(params);
  items_.push_back(std::move(item));
  return statements_++;
}

std::size_t Pipeline::Sql(std::string sql, Params params) {
  Item item;
  item.sql = std::move(sql);
  item.params = std::move(params);
  items_.push_back(std::move(item));
  return statements_++;
}

std::size_t Pipeline::SqlCached(std::string sql, Params params) {
  Item item;
  item.sql = std::move(sql);
  item.params = std::move(params);
  item.cached = true;
  items_.push_back(std::move(item));
  return statements_++;
}

void Pipeline::Sync() {
  Item item;
  item.sync = true;
  items_.push_back(std::move(item));
}

void Pipeline::ResolveCached(Item& item) {
  if (auto it = conn_.cached_.find(item.sql); it != conn_.cached_.end()) {
    item.name = it->second;
    return;
  }
  // The same new text twice in one pipeline: prepared once, by the first.
  for (const Item& earlier : items_) {
    if (&earlier == &item) break;
    if (earlier.prepare_first && earlier.sql == item.sql) {
      item.name = earlier.name;
      return;
    }
  }
  if (conn_.cached_.size() >= PgConnection::kMaxCachedStatements) {
    item.cached = false;  // run unnamed
    return;
  }
  item.name = "ledger_q" + std::to_string(conn_.next_cached_name_++);
  item.prepare_first = true;
}

namespace {

// A statement's result, and the null that ends each statement's results (a sync's result has
// no null after it: `statement` false).
PgResult TakeResult(PGconn* c, bool statement = true) {
  PgResult r(PQgetResult(c));
  if (statement && r.raw() != nullptr) {
    while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  }
  return r;
}

// The server no longer has the statement (DISCARD ALL), or its result columns changed since
// it was prepared: the cached name is useless from now on.
bool StaleStatement(const PgError& error) {
  return error.sqlstate == "26000" || error.sqlstate == "0A000";
}

}  // namespace

void Pipeline::Flush() {
  if (send_error_) return;
  PGconn* c = conn_.conn_;
  if (!in_pipeline_mode_) {
    if (PQenterPipelineMode(c) != 1) {
      send_error_ = conn_.RecordError(nullptr);
      return;
    }
    in_pipeline_mode_ = true;
  }
  for (; sent_ < items_.size(); ++sent_) {
    Item& item = items_[sent_];
    if (item.cached) ResolveCached(item);
    int sent;
    if (item.sync) {
      sent = PQpipelineSync(c);
    } else {
      std::vector<const char*> values = item.params.ValuePointers();
      std::vector<int> lengths = item.params.Lengths();
      std::vector<int> formats = item.params.Formats();
      if (item.prepare_first && PQsendPrepare(c, item.name.c_str(), item.sql.c_str(),
                                              item.params.count(), nullptr) != 1) {
        send_error_ = conn_.RecordError(nullptr);
        return;
      }
      const char* name = item.cached ? item.name.c_str() : item.prepared;
      sent = name != nullptr
                 ? PQsendQueryPrepared(c, name, item.params.count(), values.data(),
                                       lengths.data(), formats.data(), 1)
                 : PQsendQueryParams(c, item.sql.c_str(), item.params.count(), nullptr,
                                     values.data(), lengths.data(), formats.data(), 1);
      item.params = Params();  // libpq holds its own copy now
    }
    if (sent != 1) {
      send_error_ = conn_.RecordError(nullptr);
      return;
    }
  }
  if (PQflush(c) != 0) send_error_ = conn_.RecordError(nullptr);
}

std::vector<Result<PgResult>> Pipeline::Run() {
  if (items_.empty() || !items_.back().sync) Sync();
  PGconn* c = conn_.conn_;
  std::vector<Result<PgResult>> out;
  out.reserve(statements_);
  auto fail_rest = [&](const Status& status) {
    while (out.size() < statements_) out.emplace_back(status);
    return std::move(out);
  };
  Flush();
  if (send_error_) return fail_rest(*send_error_);

  std::optional<PgError> first_error;
  for (const Item& item : items_) {
    std::optional<Status> prepare_failed;
    if (item.prepare_first) {
      PgResult prepared = TakeResult(c);
      if (prepared.raw() == nullptr) return fail_rest(conn_.RecordError(nullptr));
      ExecStatusType status = PQresultStatus(prepared.raw());
      if (status == PGRES_PIPELINE_ABORTED) {
        prepare_failed = Cancelled("not run: an earlier statement of the pipeline failed");
      } else if (Result<PgResult> ok = conn_.Check(std::move(prepared)); !ok.ok()) {
        prepare_failed = ok.status();  // e.g. a missing table: the statement's own error
      } else {
        conn_.cached_.emplace(item.sql, item.name);
      }
    }
    PgResult r = TakeResult(c, !item.sync);
    if (r.raw() == nullptr) return fail_rest(conn_.RecordError(nullptr));
    ExecStatusType status = PQresultStatus(r.raw());
    if (item.sync) {
      if (status != PGRES_PIPELINE_SYNC) return fail_rest(conn_.RecordError(r.raw()));
      continue;
    }
    if (prepare_failed) {
      out.emplace_back(*prepare_failed);
    } else if (status == PGRES_PIPELINE_ABORTED) {
      out.emplace_back(Cancelled("not run: an earlier statement of the pipeline failed"));
    } else {
      out.push_back(conn_.Check(std::move(r)));
      if (item.cached && !out.back().ok() && StaleStatement(conn_.last_error())) {
        conn_.cached_.erase(item.sql);
      }
    }
    if (!out.back().ok() && !first_error) first_error = conn_.last_error();
  }
  if (PQexitPipelineMode(c) != 1) conn_.RecordError(nullptr).IgnoreError();
  // Callers decide on retries from the cause, not from "current transaction is aborted".
  if (first_error && !conn_.broken()) conn_.last_error_ = std::move(*first_error);
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') quoted += c;
  }
  return quoted + "\"";
}

Status AssumeRole(PgConnection& conn, const std::string& role) {
  if (role.empty()) return Status::Ok();
  Result<PgResult> set = conn.Exec("SET ROLE " + QuoteIdentifier(role));
  if (set.ok()) return Status::Ok();
  const std::string& state = conn.last_error().sqlstate;
  if (state == "22023" || state == "42704") {
    return FailedPrecondition("role " + role + " does not exist; run `ledger migrate`");
  }
  if (state == "42501") {
    return FailedPrecondition("the login role may not act as " + role + "; GRANT " + role +
                              " TO the login role");
  }
  return set.status();
}

}  // namespace ledger::pg
