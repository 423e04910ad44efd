#include "adapters/sqlite/sqlite_read_model_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <random>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrator.h"
#include "adapters/sqlite/read_model_values.h"
#include "adapters/sqlite/reader_pool.h"
#include "adapters/sqlite/transaction.h"
#include "schema/migrations.h"

namespace ledger {
namespace {

using projections::ColumnType;
using projections::CommitRequest;
using projections::Key;
using projections::Row;
using projections::RowChange;
using projections::TableSet;
using projections::TableSpec;
using projections::Value;
using sqlite::BindValue;
using sqlite::Connection;
using sqlite::ConnectionOptions;
using sqlite::ReadRow;
using sqlite::Statement;
using sqlite::WriteTransaction;

// A Commit's rows touch the tables' pages and their indexes; a larger cache than SQLite's
// default keeps a batch from re-reading them.
constexpr int kWriterCacheKib = 16 << 10;

constexpr std::int64_t kMaxInteger = std::numeric_limits<std::int64_t>::max();

// ---------------------------------------------------------------------------------------------
// Declarations and rows

// Tables of the ledger file that a read model must never be mistaken for: CreateTables would
// find them existing and leave them "as they are", and Commit would write into them.
bool IsReservedName(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"events", "streams", "ledger_store",
                                                   "schema_migrations", "projection_checkpoints"};
  return name.starts_with("sqlite_") ||
         std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved);
}

// Names become SQL text below, unquoted by anything but "": only a valid declaration (whose
// names are [a-z0-9_]) may reach it.
Status CheckSpec(const TableSpec& table) {
  std::string invalid = projections::ValidateTableSpec(table);
  if (!invalid.empty()) return InvalidArgument(invalid);
  if (IsReservedName(table.name) ||
      IsReservedName(projections::PhysicalTableName(table, TableSet::kShadow))) {
    return InvalidArgument("'" + table.name + "' names a table of the ledger store itself");
  }
  return Status::Ok();
}

bool InKey(const TableSpec& table, const std::string& column) {
  return std::find(table.primary_key.begin(), table.primary_key.end(), column) !=
         table.primary_key.end();
}

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string ColumnList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + Quoted(name);
  return out;
}

std::vector<std::string> ColumnNames(const TableSpec& table) {
  std::vector<std::string> names;
  for (const projections::Column& column : table.columns) names.push_back(column.name);
  return names;
}

std::string SqlType(ColumnType type) {
  return type == ColumnType::kText || type == ColumnType::kJson ? "TEXT" : "INTEGER";
}

std::string CreateTableSql(const TableSpec& table, const std::string& physical) {
  std::string sql = "CREATE TABLE " + Quoted(physical) + " (";
  for (const projections::Column& column : table.columns) {
    sql += Quoted(column.name) + " " + SqlType(column.type);
    if (!column.nullable || InKey(table, column.name)) sql += " NOT NULL";
    if (column.type == ColumnType::kBoolean)
      sql += " CHECK (" + Quoted(column.name) + " IN (0, 1))";
    sql += ", ";
  }
  return sql + "PRIMARY KEY (" + ColumnList(table.primary_key) + ")) STRICT, WITHOUT ROWID";
}

// "k1" = ?1 AND "k2" = ?2 ...
std::string KeyCondition(const TableSpec& table) {
  std::string sql;
  for (std::size_t i = 0; i < table.primary_key.size(); ++i) {
    if (i > 0) sql += " AND ";
    sql += Quoted(table.primary_key[i]) + " = ?" + std::to_string(i + 1);
  }
  return sql;
}

std::string UpsertSql(const TableSpec& table, const std::string& physical) {
  std::string values;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    values += (i > 0 ? ", ?" : "?") + std::to_string(i + 1);
  }
  return "INSERT OR REPLACE INTO " + Quoted(physical) + " (" + ColumnList(ColumnNames(table)) +
         ") VALUES (" + values + ")";
}

std::string DeleteSql(const TableSpec& table, const std::string& physical) {
  return "DELETE FROM " + Quoted(physical) + " WHERE " + KeyCondition(table);
}

std::string SelectByKeySql(const TableSpec& table, const std::string& physical) {
  return "SELECT " + ColumnList(ColumnNames(table)) + " FROM " + Quoted(physical) + " WHERE " +
         KeyCondition(table);
}

// BINARY collation: text keys in byte order, the order of every backend's Scan.
std::string ScanSql(const TableSpec& table) {
  return "SELECT " + ColumnList(ColumnNames(table)) + " FROM " + Quoted(table.name) + " ORDER BY " +
         ColumnList(table.primary_key);
}

void BindKey(Statement& statement, const Key& key) {
  for (std::size_t i = 0; i < key.size(); ++i) {
    BindValue(statement, static_cast<int>(i + 1), key[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Tables and checkpoints in SQL

Result<bool> TableExists(Connection& db, const std::string& physical) {
  LEDGER_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1"));
  s.BindText(1, physical);
  return s.Step();
}

// `failure` of a statement on `physical`, unless the table is simply missing: then the
// contract's FailedPrecondition (SQLite says only "no such table", an Internal error).
Status ExplainFailure(Connection& db, const std::string& physical, Status failure) {
  Result<bool> exists = TableExists(db, physical);
  if (exists.ok() && !*exists)
    return FailedPrecondition("there is no read-model table " + physical);
  return failure;
}

// Unsigned engine values go to INTEGER only if they fit.
Result<std::int64_t> ToInteger(std::uint64_t value, std::string_view what) {
  if (value > static_cast<std::uint64_t>(kMaxInteger)) {
    return InvalidArgument(std::string(what) + " " + std::to_string(value) +
                           " does not fit the SQLite store (at most 2^63-1)");
  }
  return static_cast<std::int64_t>(value);
}

Checkpoint ReadCheckpoint(const Statement& s) {
  return Checkpoint{.name = s.ColumnText(0),
                    .version = static_cast<std::uint32_t>(s.ColumnInt64(1)),
                    .position = GlobalPosition(static_cast<std::uint64_t>(s.ColumnInt64(2))),
                    .events = static_cast<std::uint64_t>(s.ColumnInt64(3)),
                    .updated_at = Timestamp(s.ColumnInt64(4))};
}

Result<std::optional<Checkpoint>> SelectCheckpoint(Connection& db, std::string_view name) {
  LEDGER_ASSIGN_OR_RETURN(Statement s, db.Prepare("SELECT name, version, position, events, "
                                                  "updated_at FROM projection_checkpoints "
                                                  "WHERE name = ?1"));
  s.BindText(1, name);
  LEDGER_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(ReadCheckpoint(s));
}

Status CheckMove(Connection& db, const CheckpointMove& move) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> stored, SelectCheckpoint(db, move.next.name));
  bool matches = move.expected ? stored && stored->position == *move.expected : !stored;
  if (!matches) return Conflict("checkpoint '" + move.next.name + "' moved on");
  return Status::Ok();
}

Status CheckMoveFits(const CheckpointMove& move) {
  LEDGER_RETURN_IF_ERROR(ToInteger(move.next.position.value(), "checkpoint position"));
  LEDGER_RETURN_IF_ERROR(ToInteger(move.next.events, "checkpoint event count"));
  return Status::Ok();
}

Status WriteCheckpoint(Connection& db, const Checkpoint& c) {
  LEDGER_ASSIGN_OR_RETURN(Statement s, db.Prepare("INSERT OR REPLACE INTO projection_checkpoints "
                                                  "(name, version, position, events, "
                                                  "updated_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s.BindText(1, c.name);
  s.BindInt64(2, c.version);
  s.BindInt64(3, static_cast<std::int64_t>(c.position.value()));  // checked by CheckMoveFits
  s.BindInt64(4, static_cast<std::int64_t>(c.events));
  s.BindInt64(5, c.updated_at.value());
  return s.Run();
}

Status RemoveCheckpoint(Connection& db, std::string_view name) {
  LEDGER_ASSIGN_OR_RETURN(Statement s,
                          db.Prepare("DELETE FROM projection_checkpoints WHERE name = ?1"));
  s.BindText(1, name);
  return s.Run();
}

// The SQL a request writes one table's rows with. Built once per table and request: a batch
// holds thousands of rows of a handful of tables, and building the text per row (quoting every
// column name) cost more than binding the row.
struct TableSql {
  const TableSpec* table;
  std::string physical;
  std::string upsert;
  std::string remove;
};

class TableSqlCache {
 public:
  explicit TableSqlCache(TableSet set) : set_(set) {}

  const TableSql& For(const TableSpec& table) {
    // A request touches few tables: a linear search beats hashing.
    for (const TableSql& sql : tables_) {
      if (sql.table == &table) return sql;
    }
    std::string physical = projections::PhysicalTableName(table, set_);
    tables_.push_back(TableSql{.table = &table,
                               .physical = physical,
                               .upsert = UpsertSql(table, physical),
                               .remove = DeleteSql(table, physical)});
    return tables_.back();
  }

 private:
  const TableSet set_;
  std::deque<TableSql> tables_;  // a deque: For's references stay valid as it grows
};

Status ApplyChange(Connection& db, const RowChange& change, const TableSql& sql) {
  Status applied = [&]() -> Status {
    if (!change.row) {
      LEDGER_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql.remove));
      BindKey(s, change.key);
      return s.Run();
    }
    LEDGER_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql.upsert));
    const std::vector<Value>& values = change.row->values();
    for (std::size_t i = 0; i < values.size(); ++i) {
      BindValue(s, static_cast<int>(i + 1), values[i]);
    }
    return s.Run();
  }();
  if (applied.ok()) return applied;
  return ExplainFailure(db, sql.physical, applied);
}

// Orders two values of one key column as SQLite's BINARY collation orders them: text
// bytewise (std::string compares as unsigned char), numbers numerically. Values of different
// types (a malformed key, refused later by CheckRowChange) order by type.
int CompareKeyPart(const Value& a, const Value& b) {
  if (a.index() != b.index()) return a.index() < b.index() ? -1 : 1;
  auto three_way = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (const auto* s = std::get_if<std::string>(&a)) return s->compare(std::get<std::string>(b));
  if (const auto* i = std::get_if<std::int64_t>(&a)) return three_way(*i, std::get<std::int64_t>(b));
  if (const auto* f = std::get_if<bool>(&a)) return three_way(*f, std::get<bool>(b));
  if (const auto* t = std::get_if<Timestamp>(&a)) {
    return three_way(t->value(), std::get<Timestamp>(b).value());
  }
  if (const auto* j = std::get_if<projections::JsonText>(&a)) {
    return j->text.compare(std::get<projections::JsonText>(b).text);
  }
  return 0;  // both NULL
}

bool KeyLess(const Key& a, const Key& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    int c = CompareKeyPart(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

// `changes` grouped by table (tables in order of first appearance) and, within a table, in
// primary-key order. A stable sort: changes to one key keep their order, so the last still
// wins, and changes to different rows are independent, so the order changes no outcome.
std::vector<const RowChange*> InKeyOrder(const std::vector<RowChange>& changes) {
  std::vector<const TableSpec*> tables;  // few: a linear search per change is cheap
  std::vector<std::pair<std::size_t, const RowChange*>> ranked;
  ranked.reserve(changes.size());
  for (const RowChange& change : changes) {
    auto it = std::find(tables.begin(), tables.end(), change.table);
    if (it == tables.end()) it = tables.insert(tables.end(), change.table);
    ranked.emplace_back(static_cast<std::size_t>(it - tables.begin()), &change);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return KeyLess(a.second->key, b.second->key);
  });
  std::vector<const RowChange*> ordered;
  ordered.reserve(ranked.size());
  for (const auto& [rank, change] : ranked) ordered.push_back(change);
  return ordered;
}

// A suffix that keeps index names unique in the file. SQLite has no ALTER INDEX ... RENAME, so
// a promoted shadow table keeps its indexes' names; naming them after the set would make the
// next shadow table's indexes collide with them.
std::string IndexToken() {
  std::random_device random;
  char token[9];
  std::snprintf(token, sizeof token, "%08x", static_cast<unsigned>(random()));
  return token;
}

Status CreateTable(Connection& db, const TableSpec& table, TableSet set, const std::string& token) {
  std::string physical = projections::PhysicalTableName(table, set);
  LEDGER_ASSIGN_OR_RETURN(bool exists, TableExists(db, physical));
  if (exists) return Status::Ok();  // left as it is (read_model_store.h)
  // DDL runs as a script: preparing it through the statement cache would keep it forever.
  std::string sql = CreateTableSql(table, physical) + ";\n";
  for (std::size_t i = 0; i < table.indexes.size(); ++i) {
    sql += "CREATE INDEX " + Quoted(table.name + "__ix" + std::to_string(i) + "_" + token) +
           " ON " + Quoted(physical) + " (" + ColumnList(table.indexes[i]) + ");\n";
  }
  return db.ExecScript(sql);
}

// ---------------------------------------------------------------------------------------------
// Leadership by lock file

class LockFileLease final : public Lease {
 public:
  LockFileLease(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
    struct stat st {};
    if (fstat(fd_, &st) == 0) {
      device_ = st.st_dev;
      inode_ = st.st_ino;
    }
  }
  ~LockFileLease() override { close(fd_); }  // releases the flock
  LockFileLease(const LockFileLease&) = delete;
  LockFileLease& operator=(const LockFileLease&) = delete;

  // The lock is ours until we close it, unless someone removed or replaced the lock file: a
  // new process would then lock the new file and lead too.
  bool Held() override {
    struct stat st {};
    return stat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_;
  }

 private:
  const int fd_;
  const std::string path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

class LockFileElector final : public LeaderElector {
 public:
  explicit LockFileElector(std::string database_path) : prefix_(database_path + ".lead-") {}

  Result<std::unique_ptr<Lease>> TryLead(std::string_view name) override {
    bool valid =
        !name.empty() && name.size() <= 100 && std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
    if (!valid)
      return InvalidArgument("leadership name '" + std::string(name) +
                             "' is not [A-Za-z0-9._-]{1,100}");
    std::string path = prefix_ + std::string(name);
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Unavailable("opening the lock file " + path + ": " + std::strerror(errno));
    int rc;
    do {
      rc = flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      int error = errno;
      close(fd);
      if (error == EWOULDBLOCK) return std::unique_ptr<Lease>();  // someone else leads
      return Unavailable("locking " + path + ": " + std::strerror(error));
    }
    return std::unique_ptr<Lease>(std::make_unique<LockFileLease>(fd, std::move(path)));
  }

 private:
  const std::string prefix_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// The store

Result<std::unique_ptr<SqliteReadModelStore>> SqliteReadModelStore::Open(
    const std::string& path, const SqliteOptions& options) {
  if (path.empty()) return InvalidArgument("the SQLite store needs a file path or :memory:");
  if (options.clock == nullptr) return InvalidArgument("SqliteOptions::clock must be set");
  bool memory = path == sqlite::kMemoryPath;
  if (memory && !options.migrate) {
    return FailedPrecondition(":memory: starts empty: open it with SqliteOptions::migrate = true");
  }
  std::error_code ignored;
  if (!options.migrate && !memory && !std::filesystem::exists(path, ignored)) {
    return FailedPrecondition("there is no ledger store at " + path +
                              "; run `ledger migrate` to create it");
  }
  ConnectionOptions connection_options{.create = options.migrate,
                                       .read_only = false,
                                       .busy_timeout = options.busy_timeout,
                                       .cache_kib = kWriterCacheKib};
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                          Connection::Open(path, connection_options));
  LEDGER_RETURN_IF_ERROR(options.migrate
                             ? sqlite::ApplyMigrations(*writer, SqliteMigrations(), *options.clock)
                             : sqlite::CheckSchema(*writer, SqliteMigrations()));
  return std::unique_ptr<SqliteReadModelStore>(
      new SqliteReadModelStore(std::move(writer), options.busy_timeout));
}

SqliteReadModelStore::SqliteReadModelStore(std::unique_ptr<Connection> writer,
                                           std::chrono::milliseconds busy_timeout)
    : writer_(std::move(writer)) {
  if (writer_->is_memory()) {
    readers_ = std::make_unique<sqlite::ReaderPool>(writer_.get(), &write_mu_);
    elector_ = std::make_unique<LocalLeaderElector>();
  } else {
    readers_ = std::make_unique<sqlite::ReaderPool>(
        writer_->path(),
        ConnectionOptions{.create = false, .read_only = true, .busy_timeout = busy_timeout});
    elector_ = std::make_unique<LockFileElector>(writer_->path());
  }
}

SqliteReadModelStore::~SqliteReadModelStore() = default;

Result<std::optional<Checkpoint>> SqliteReadModelStore::LoadCheckpoint(std::string_view name) {
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  return SelectCheckpoint(*reader, name);
}

Status SqliteReadModelStore::SaveCheckpoint(const CheckpointMove& move) {
  CommitRequest request;
  request.checkpoints.push_back(move);
  return Commit(request);
}

Status SqliteReadModelStore::CreateTables(std::span<const TableSpec> tables, TableSet set) {
  for (const TableSpec& table : tables) LEDGER_RETURN_IF_ERROR(CheckSpec(table));
  std::string token = IndexToken();
  std::lock_guard lock(write_mu_);
  LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
  for (const TableSpec& table : tables) {
    LEDGER_RETURN_IF_ERROR(CreateTable(*writer_, table, set, token));
  }
  return txn.Commit();
}

Status SqliteReadModelStore::DropTables(std::span<const TableSpec> tables, TableSet set) {
  for (const TableSpec& table : tables) LEDGER_RETURN_IF_ERROR(CheckSpec(table));
  std::lock_guard lock(write_mu_);
  LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
  for (const TableSpec& table : tables) {
    LEDGER_RETURN_IF_ERROR(writer_->ExecScript("DROP TABLE IF EXISTS " +
                                               Quoted(projections::PhysicalTableName(table, set))));
  }
  return txn.Commit();
}

Result<std::vector<std::optional<Row>>> SqliteReadModelStore::Fetch(const TableSpec& table,
                                                                    TableSet set,
                                                                    std::span<const Key> keys) {
  LEDGER_RETURN_IF_ERROR(CheckSpec(table));
  for (const Key& key : keys) {
    if (key.size() != table.primary_key.size()) {
      return InvalidArgument(table.name + ": a key has the wrong number of parts");
    }
  }
  std::string physical = projections::PhysicalTableName(table, set);
  std::string sql = SelectByKeySql(table, physical);
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  // One read transaction, so that the rows are of one commit.
  LEDGER_RETURN_IF_ERROR(reader->Run("BEGIN"));
  auto fetch = [&]() -> Result<std::vector<std::optional<Row>>> {
    std::vector<std::optional<Row>> rows;
    rows.reserve(keys.size());
    for (const Key& key : keys) {
      LEDGER_ASSIGN_OR_RETURN(Statement s, reader->Prepare(sql));
      BindKey(s, key);
      LEDGER_ASSIGN_OR_RETURN(bool found, s.Step());
      rows.push_back(found ? std::optional<Row>(ReadRow(s, table)) : std::nullopt);
    }
    return rows;
  };
  Result<std::vector<std::optional<Row>>> rows = fetch();
  Status ended = reader->Run("COMMIT");  // a read transaction: nothing to lose
  // A pooled connection must not go back with a transaction open.
  if (!ended.ok() && reader->in_transaction()) reader->Run("ROLLBACK").IgnoreError();
  if (!rows.ok()) return ExplainFailure(*reader, physical, rows.status());
  LEDGER_RETURN_IF_ERROR(ended);
  return rows;
}

Status SqliteReadModelStore::Commit(const CommitRequest& request) {
  std::vector<const RowChange*> in_order;
  in_order.reserve(request.changes.size());
  for (const RowChange& change : request.changes) in_order.push_back(&change);
  return Apply(request, in_order);
}

Status SqliteReadModelStore::CommitBulk(const CommitRequest& request) {
  // Live tables: exactly as Commit (read_model_store.h). Shadow tables: in key order, so that
  // a load of many rows appends to each table's B-tree instead of splitting pages all over it
  // (the rows of a flush arrive in the order the log first touched them: random keys).
  if (request.set != TableSet::kShadow) return Commit(request);
  return Apply(request, InKeyOrder(request.changes));
}

Status SqliteReadModelStore::Apply(const CommitRequest& request,
                                   std::span<const RowChange* const> changes) {
  // Every InvalidArgument before the write lock: bad input never waits for, or fails on, it.
  // Each declaration once (a batch has many rows of few tables), and before its rows: checking
  // a row relies on a valid declaration.
  std::set<const TableSpec*> valid_specs;
  for (const RowChange* change : changes) {
    if (change->table != nullptr && valid_specs.insert(change->table).second) {
      LEDGER_RETURN_IF_ERROR(CheckSpec(*change->table));
    }
    LEDGER_RETURN_IF_ERROR(projections::CheckRowChange(*change));
  }
  for (const CheckpointMove& move : request.checkpoints) {
    LEDGER_RETURN_IF_ERROR(CheckMoveFits(move));
  }

  std::lock_guard lock(write_mu_);
  LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
  // Expectations first: all of them hold against the state before the request (as on every
  // backend), and a Conflict costs no row writes. Returning rolls the transaction back.
  for (const CheckpointMove& move : request.checkpoints) {
    LEDGER_RETURN_IF_ERROR(CheckMove(*writer_, move));
  }
  TableSqlCache sql(request.set);
  for (const RowChange* change : changes) {
    LEDGER_RETURN_IF_ERROR(ApplyChange(*writer_, *change, sql.For(*change->table)));
  }
  for (const CheckpointMove& move : request.checkpoints) {
    LEDGER_RETURN_IF_ERROR(WriteCheckpoint(*writer_, move.next));
  }
  return txn.Commit();
}

Status SqliteReadModelStore::PromoteShadow(std::span<const TableSpec> tables,
                                           std::string_view live_checkpoint,
                                           std::string_view shadow_checkpoint,
                                           GlobalPosition expected) {
  for (const TableSpec& table : tables) LEDGER_RETURN_IF_ERROR(CheckSpec(table));
  std::lock_guard lock(write_mu_);
  LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> shadow,
                          SelectCheckpoint(*writer_, shadow_checkpoint));
  if (!shadow || shadow->position != expected) {
    return Conflict("checkpoint '" + std::string(shadow_checkpoint) + "' moved on");
  }
  for (const TableSpec& table : tables) {
    std::string from = projections::PhysicalTableName(table, TableSet::kShadow);
    LEDGER_ASSIGN_OR_RETURN(bool exists, TableExists(*writer_, from));
    if (!exists) return FailedPrecondition("there is no shadow table " + from + " to promote");
    // Readers on other connections keep seeing the old table until this commits (WAL).
    LEDGER_RETURN_IF_ERROR(writer_->ExecScript("DROP TABLE IF EXISTS " + Quoted(table.name) +
                                               "; ALTER TABLE " + Quoted(from) + " RENAME TO " +
                                               Quoted(table.name)));
  }
  Checkpoint promoted = *shadow;
  promoted.name = std::string(live_checkpoint);
  LEDGER_RETURN_IF_ERROR(RemoveCheckpoint(*writer_, shadow_checkpoint));
  LEDGER_RETURN_IF_ERROR(WriteCheckpoint(*writer_, promoted));
  return txn.Commit();
}

Status SqliteReadModelStore::DeleteCheckpoint(std::string_view name, GlobalPosition expected) {
  std::lock_guard lock(write_mu_);
  LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(*writer_));
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> stored, SelectCheckpoint(*writer_, name));
  if (!stored) return Status::Ok();
  if (stored->position != expected) {
    return Conflict("checkpoint '" + std::string(name) + "' moved on");
  }
  LEDGER_RETURN_IF_ERROR(RemoveCheckpoint(*writer_, name));
  return txn.Commit();
}

Result<std::vector<Checkpoint>> SqliteReadModelStore::LoadCheckpoints() {
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  LEDGER_ASSIGN_OR_RETURN(Statement s, reader->Prepare("SELECT name, version, position, events, "
                                                       "updated_at FROM projection_checkpoints "
                                                       "ORDER BY name"));
  std::vector<Checkpoint> all;
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return all;
    all.push_back(ReadCheckpoint(s));
  }
}

Status SqliteReadModelStore::Scan(const TableSpec& table,
                                  const std::function<Status(const Row&)>& visit) {
  LEDGER_RETURN_IF_ERROR(CheckSpec(table));
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  // One statement is one read transaction: the scan sees a single commit, however long the
  // visitor takes, and the writer goes on meanwhile (WAL).
  Result<Statement> prepared = reader->Prepare(ScanSql(table));
  if (!prepared.ok()) return ExplainFailure(*reader, table.name, prepared.status());
  Statement& s = *prepared;
  while (true) {
    Result<bool> row = s.Step();
    if (!row.ok()) return ExplainFailure(*reader, table.name, row.status());
    if (!*row) return Status::Ok();
    LEDGER_RETURN_IF_ERROR(visit(ReadRow(s, table)));
  }
}

}  // namespace ledger
