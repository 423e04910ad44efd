#include "adapters/store/open_event_store.h"

#include "adapters/store/open_read_model_reader.h"
#include "adapters/store/open_read_model_store.h"
#include "adapters/store/open_snapshot_store.h"
#include "engine/memory_snapshot_store.h"
#include "queries/memory_read_model_reader.h"

#include <algorithm>
#include <utility>

#if LEDGER_HAVE_SQLITE_STORE
#include "adapters/sqlite/sqlite_event_store.h"
#include "adapters/sqlite/sqlite_read_model_reader.h"
#include "adapters/sqlite/sqlite_read_model_store.h"
#include "adapters/sqlite/sqlite_snapshot_store.h"
#endif
#if LEDGER_HAVE_POSTGRES_STORE
#include "adapters/postgres/pg_event_store.h"
#include "adapters/postgres/pg_read_model_reader.h"
#include "adapters/postgres/pg_read_model_store.h"
#include "adapters/postgres/pg_snapshot_store.h"
#endif

namespace ledger {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kSqliteMemory = ":memory:";

enum class Backend { kSqlite, kPostgres };

struct ParsedUrl {
  Backend backend;
  std::string target;  // the SQLite path, or the whole PostgreSQL URL
};

// Never echoes a PostgreSQL URL back: it may carry a password.
Result<ParsedUrl> ParseUrl(const std::string& url) {
  std::string_view u = url;
  if (u.starts_with(kSqlitePrefix)) {
    std::string path(u.substr(kSqlitePrefix.size()));
    if (path.empty()) return InvalidArgument("database URL \"sqlite:\" names no file");
    return ParsedUrl{Backend::kSqlite, std::move(path)};
  }
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) {
    return ParsedUrl{Backend::kPostgres, url};
  }
  std::string shown(u.substr(0, std::min(u.find(':'), std::size_t{40})));
  return InvalidArgument("unsupported database URL \"" + shown +
                         (shown.size() < u.size() ? "...\"" : "\"") + "; use " +
                         std::string(StoreUrlForms()));
}

[[maybe_unused]] Status NotBuiltIn(std::string_view backend) {
  return FailedPrecondition("this ledger was built without the " + std::string(backend) + " store");
}

}  // namespace

Status ValidateStoreUrl(const std::string& url) { return ParseUrl(url).status(); }

std::string_view StoreUrlForms() {
  return "sqlite:PATH, sqlite::memory: or postgresql://USER@HOST/DB";
}

Result<std::unique_ptr<EventStore>> OpenEventStore(
    const std::string& url, [[maybe_unused]] const StoreOpenOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url));
  switch (parsed.backend) {
    case Backend::kSqlite: {
#if LEDGER_HAVE_SQLITE_STORE
      SqliteOptions sqlite_options;
      // An in-memory database starts empty every time; without its schema it is useless.
      sqlite_options.migrate = options.migrate || parsed.target == kSqliteMemory;
      sqlite_options.clock = options.clock;
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<SqliteEventStore> store,
                              SqliteEventStore::Open(parsed.target, sqlite_options));
      return std::unique_ptr<EventStore>(std::move(store));
#else
      return NotBuiltIn("SQLite");
#endif
    }
    case Backend::kPostgres: {
#if LEDGER_HAVE_POSTGRES_STORE
      if (options.migrate) LEDGER_RETURN_IF_ERROR(MigrateStore(url, options));
      PgOptions pg_options;
      pg_options.clock = options.clock;
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgEventStore> store,
                              PgEventStore::Open(parsed.target, pg_options));
      return std::unique_ptr<EventStore>(std::move(store));
#else
      return NotBuiltIn("PostgreSQL");
#endif
    }
  }
  return Internal("unhandled database backend");
}

Status MigrateStore(const std::string& url, [[maybe_unused]] const StoreOpenOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url));
  switch (parsed.backend) {
    case Backend::kSqlite: {
#if LEDGER_HAVE_SQLITE_STORE
      SqliteOptions sqlite_options;
      sqlite_options.clock = options.clock;
      return SqliteEventStore::Migrate(parsed.target, sqlite_options);
#else
      return NotBuiltIn("SQLite");
#endif
    }
    case Backend::kPostgres:
#if LEDGER_HAVE_POSTGRES_STORE
      return PgEventStore::Migrate(parsed.target);
#else
      return NotBuiltIn("PostgreSQL");
#endif
  }
  return Internal("unhandled database backend");
}

Result<std::unique_ptr<projections::ReadModelStore>> OpenReadModelStore(
    const std::string& url, [[maybe_unused]] const StoreOpenOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url));
  switch (parsed.backend) {
    case Backend::kSqlite: {
#if LEDGER_HAVE_SQLITE_STORE
      SqliteOptions sqlite_options;
      sqlite_options.migrate = options.migrate || parsed.target == kSqliteMemory;
      sqlite_options.clock = options.clock;
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<SqliteReadModelStore> store,
                              SqliteReadModelStore::Open(parsed.target, sqlite_options));
      return std::unique_ptr<projections::ReadModelStore>(std::move(store));
#else
      return NotBuiltIn("SQLite");
#endif
    }
    case Backend::kPostgres: {
#if LEDGER_HAVE_POSTGRES_STORE
      if (options.migrate) {
        LEDGER_ASSIGN_OR_RETURN(ReadModelTarget target, SplitSchemaParameter(url));
        LEDGER_RETURN_IF_ERROR(MigrateStore(target.url, options));
      }
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgReadModelStore> store,
                              PgReadModelStore::Open(url));
      return std::unique_ptr<projections::ReadModelStore>(std::move(store));
#else
      return NotBuiltIn("PostgreSQL");
#endif
    }
  }
  return Internal("unhandled database backend");
}

Result<std::unique_ptr<queries::ReadModelReader>> OpenReadModelReader(
    const std::string& url, projections::ReadModelStore& store) {
  LEDGER_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url));
  switch (parsed.backend) {
    case Backend::kSqlite: {
      if (parsed.target == kSqliteMemory) {
        return std::unique_ptr<queries::ReadModelReader>(
            std::make_unique<queries::MemoryReadModelReader>(store));
      }
#if LEDGER_HAVE_SQLITE_STORE
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<SqliteReadModelReader> reader,
                              SqliteReadModelReader::Open(parsed.target));
      return std::unique_ptr<queries::ReadModelReader>(std::move(reader));
#else
      return NotBuiltIn("SQLite");
#endif
    }
    case Backend::kPostgres: {
#if LEDGER_HAVE_POSTGRES_STORE
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgReadModelReader> reader,
                              PgReadModelReader::Open(url));
      return std::unique_ptr<queries::ReadModelReader>(std::move(reader));
#else
      return NotBuiltIn("PostgreSQL");
#endif
    }
  }
  return Internal("unhandled database backend");
}

Result<std::unique_ptr<SnapshotStore>> OpenSnapshotStore(
    const std::string& url, [[maybe_unused]] const StoreOpenOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ParsedUrl parsed, ParseUrl(url));
  switch (parsed.backend) {
    case Backend::kSqlite: {
      if (parsed.target == kSqliteMemory) {
        return std::unique_ptr<SnapshotStore>(std::make_unique<MemorySnapshotStore>());
      }
#if LEDGER_HAVE_SQLITE_STORE
      SqliteOptions sqlite_options;
      sqlite_options.migrate = options.migrate;
      sqlite_options.clock = options.clock;
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<SqliteSnapshotStore> store,
                              SqliteSnapshotStore::Open(parsed.target, sqlite_options));
      return std::unique_ptr<SnapshotStore>(std::move(store));
#else
      return NotBuiltIn("SQLite");
#endif
    }
    case Backend::kPostgres: {
#if LEDGER_HAVE_POSTGRES_STORE
      if (options.migrate) LEDGER_RETURN_IF_ERROR(MigrateStore(url, options));
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgSnapshotStore> store, PgSnapshotStore::Open(url));
      return std::unique_ptr<SnapshotStore>(std::move(store));
#else
      return NotBuiltIn("PostgreSQL");
#endif
    }
  }
  return Internal("unhandled database backend");
}

}  // namespace ledger
