// PgConnection: one libpq connection (PGconn), closed on destruction, and Pipeline: several
// statements sent in one round trip (libpq pipeline mode).
//
// Not thread-safe: one thread uses a connection at a time (PgPool hands them out). Failed
// calls return a Status (pg_errors.h) and leave the server's error in last_error(), which
// callers inspect to decide whether to retry.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_CONNECTION_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_CONNECTION_H_

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/postgres/pg_errors.h"
#include "adapters/postgres/pg_params.h"
#include "adapters/postgres/pg_result.h"
#include "engine/result.h"

struct pg_conn;  // libpq's PGconn

namespace ledger::pg {

// Where to connect: a libpq URL or key=value string, with keywords that override it
// (e.g. another dbname or user; tests use this to reach their own databases).
struct ConnectSpec {
  std::string url;
  std::vector<std::pair<std::string, std::string>> overrides;
};

// `url` (a libpq URL or key=value string) as a key=value string with `overrides` replacing
// or adding keywords, e.g. {{"dbname", "other"}}. InvalidArgument if libpq cannot parse it.
Result<std::string> RewriteConninfo(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& overrides);

// A named statement, prepared once per connection.
struct Statement {
  const char* name;
  const char* sql;
};

class PgConnection {
 public:
  // Connects with client_encoding UTF8 (payloads must arrive byte-exact). Unavailable if the
  // server cannot be reached; FailedPrecondition if it refuses the login.
  static Result<std::unique_ptr<PgConnection>> Open(const ConnectSpec& spec);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // The connection is gone (the server closed it or a network error occurred).
  bool broken() const;
  // No transaction open, nothing pending: safe to hand to another user.
  bool idle() const;
  // Reads, without waiting, what the server sent while the connection sat idle: Unavailable
  // if it closed the connection meanwhile (a terminated backend sends FATAL and closes), so
  // that a caller knows nothing it sends next was ever run. OK says only that no closing was
  // seen yet.
  Status CheckOpen();

  // One or more statements in the simple protocol; text results of the last.
  Result<PgResult> Exec(std::string_view sql);
  // One statement with binary parameters and binary results.
  Result<PgResult> Query(std::string_view sql, const Params& params = {});
  Result<PgResult> Execute(const Statement& statement, const Params& params = {});
  // Prepares each statement (one round trip).
  Status Prepare(std::span<const Statement> statements);

  // COPY ... FROM STDIN: `copy_sql` starts it, `data` is the whole stream.
  Status CopyIn(std::string_view copy_sql, std::string_view data);
  // COPY ... FROM STDIN streamed in parts, so the whole stream is never in memory: `fill`
  // appends the next part (of any size) to its (cleared) argument and returns false after the
  // last part.
  // An error from `fill` aborts the COPY (the server discards every row) and is returned.
  Status CopyInStream(std::string_view copy_sql,
                      const std::function<Result<bool>(std::string& part)>& fill);

  // Notifications (LISTEN): the socket to wait on, and how many arrived since the last call.
  int socket() const;
  Result<int> TakeNotifications();

  const PgError& last_error() const { return last_error_; }
  void ClearError() { last_error_ = PgError{}; }

  pg_conn* raw() const { return conn_; }

  // Statements Pipeline::SqlCached prepared on this connection, at most this many; later ones
  // run unnamed (parsed and planned each time), so a caller building SQL from unbounded input
  // cannot grow a session without limit.
  static constexpr std::size_t kMaxCachedStatements = 256;
  std::size_t cached_statements() const { return cached_.size(); }

 private:
  friend class Pipeline;
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  // Records the error of `result` (or of the connection, when result is null or carries no
  // SQLSTATE) in last_error_ and returns its Status.
  Status RecordError(const pg_result* result);
  // The parts of a COPY ... FROM STDIN (CopyIn, CopyInStream): start it; send data; end it,
  // abandoned with that reason if not null, and read its outcome.
  Status BeginCopy(std::string_view copy_sql);
  Status PutCopyData(std::string_view data);
  Status EndCopy(const char* abandoned_because);
  // `result` if it succeeded, else its error.
  Result<PgResult> Check(PgResult result);

  pg_conn* conn_;
  PgError last_error_;
  // SQL text -> the name it is prepared under on this connection (Pipeline::SqlCached). A
  // prepared statement belongs to the session, not to a transaction: it outlives a rollback,
  // and a new connection starts with none.
  std::unordered_map<std::string, std::string> cached_;
  std::size_t next_cached_name_ = 0;
};

// `name` as an SQL identifier: in double quotes, each double quote doubled.
std::string QuoteIdentifier(std::string_view name);

// SET ROLE `role` on `conn` (nothing if `role` is empty), so a pooled connection acts with a
// group role's rights whatever login it uses. FailedPrecondition, saying what to do, if the
// role does not exist (run `ledger migrate`) or the login may not act as it (GRANT).
Status AssumeRole(PgConnection& conn, const std::string& role);

// Statements sent together and answered together. Usage:
//
//   Pipeline p(conn);
//   p.Sql("BEGIN"); p.Send(kLockStreams, params); p.Sync();
//   std::vector<Result<PgResult>> results = p.Run();  // one per statement, in order
//
// Within a sync group, a statement after a failed one is not run: its Result is Cancelled.
// With an explicit BEGIN the transaction spans groups and stays open (failed) after an
// error: the caller rolls back. If the connection fails, every statement whose answer did
// not arrive gets that error (so a COMMIT that was answered still reads as committed).
// After Run, the connection's last_error() is that of the first statement that failed (a
// later group runs in the failed transaction and fails too, saying only that).
class Pipeline {
 public:
  explicit Pipeline(PgConnection& conn) : conn_(conn) {}
  ~Pipeline() = default;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Each returns the statement's index in Run()'s results.
  std::size_t Send(const Statement& statement, Params params = {});
  std::size_t Sql(std::string sql, Params params = {});
  // As Sql, but prepared on the connection the first time this text is sent (in the same round
  // trip) and executed by name after that: for statements built at run time that recur, such as
  // the read-model reader's SELECTs, whose parsing and planning would otherwise cost more than
  // running them. The plan stays valid across DDL (PostgreSQL re-plans a prepared statement
  // whose tables changed); a statement the server no longer knows (DISCARD ALL) or whose result
  // columns changed fails once with the server's error and is prepared afresh next time.
  std::size_t SqlCached(std::string sql, Params params = {});
  // Ends a sync group. Run() adds one if the last statement is not followed by one.
  void Sync();
  // Sends every statement queued so far without waiting for answers, so that the server works
  // on them while the caller prepares the next ones (each statement's parameters are released
  // once sent). May block until the server reads what was sent before. Errors surface in Run()
  // (a failure to send is kept in send_error_, and nothing more is sent after it).
  // After a Flush, Run() must be called before the connection is used for anything else.
  void Flush();

  std::vector<Result<PgResult>> Run();

 private:
  struct Item {
    bool sync = false;
    const char* prepared = nullptr;  // or
    std::string sql;
    Params params;
    bool cached = false;      // SqlCached: `sql` is run by `name`,
    std::string name;         // prepared under it first if
    bool prepare_first = false;  // this pipeline prepares it
  };
  // Resolves a SqlCached item against the connection's cache (just before sending).
  void ResolveCached(Item& item);

  PgConnection& conn_;
  std::vector<Item> items_;
  std::size_t statements_ = 0;
  bool in_pipeline_mode_ = false;
  std::size_t sent_ = 0;  // items_[0, sent_) are on their way to the server
  std::optional<Status> send_error_;
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_CONNECTION_H_
