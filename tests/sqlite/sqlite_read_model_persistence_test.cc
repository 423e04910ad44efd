// What the SQLite read-model store does beyond the conformance suite: it keeps rows and
// checkpoints across close and reopen, shares its file with the event store, stores the column
// types as documented, keeps indexes through promotions, and leads by lock file.
#include <doctest/doctest.h>

#include <filesystem>
#include <limits>
#include <vector>

#include "adapters/sqlite/sqlite_event_store.h"
#include "adapters/sqlite/sqlite_read_model_store.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

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
using testing::RawQueryText;
using testing::TempDir;

constexpr Timestamp kT0{1'795'000'000'000'000};

const TableSpec& Payments() {
  static const TableSpec spec{
      .name = "payments",
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"customer_id", ColumnType::kText, false},
                  {"payment_id", ColumnType::kText, false},
                  {"amount_minor", ColumnType::kInteger, false},
                  {"refunded", ColumnType::kBoolean, false},
                  {"paid_at", ColumnType::kTimestamp, true},
                  {"details", ColumnType::kJson, true}},
      .primary_key = {"tenant_id", "payment_id"},
      .customer_scoped = true,
      .indexes = {{"tenant_id", "customer_id"}, {"paid_at"}},
  };
  return spec;
}

Row Payment(const std::string& id, std::int64_t amount) {
  Row row(Payments());
  row.SetText("tenant_id", "t1")
      .SetText("customer_id", "cus_1")
      .SetText("payment_id", id)
      .SetInt("amount_minor", amount)
      .SetBool("refunded", amount < 0)
      .SetTime("paid_at", Timestamp(kT0.value() + amount))
      .SetJson("details", R"({"currency":"eur","lines":[1,2]})");
  return row;
}

CommitRequest Upserts(std::vector<Row> rows, std::vector<CheckpointMove> moves = {},
                      TableSet set = TableSet::kLive) {
  CommitRequest request;
  request.set = set;
  for (Row& row : rows) request.changes.push_back(RowChange{&Payments(), row.PrimaryKey(), row});
  request.checkpoints = std::move(moves);
  return request;
}

CheckpointMove Move(std::optional<std::uint64_t> expected, const std::string& name,
                    std::uint64_t position) {
  CheckpointMove move;
  if (expected) move.expected = GlobalPosition(*expected);
  move.next = Checkpoint{.name = name,
                         .version = 3,
                         .position = GlobalPosition(position),
                         .events = position,
                         .updated_at = kT0};
  return move;
}

std::unique_ptr<SqliteReadModelStore> MustOpen(const std::string& path, bool migrate) {
  SqliteOptions options;
  options.migrate = migrate;
  Result<std::unique_ptr<SqliteReadModelStore>> store = SqliteReadModelStore::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

void MustOk(const Status& status) { REQUIRE_MESSAGE(status.ok(), status.ToString()); }

std::vector<std::string> ScanIds(projections::ReadModelStore& store) {
  std::vector<std::string> ids;
  MustOk(store.Scan(Payments(), [&](const Row& row) {
    ids.push_back(row.Text("payment_id"));
    return Status::Ok();
  }));
  return ids;
}

std::string NamedIndexCount(const std::string& path, const std::string& table) {
  return RawQueryText(path,
                      "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                      "sql IS NOT NULL AND tbl_name = '" +
                          table + "'")
      .value();
}

TEST_CASE("sqlite read models: rows and checkpoints survive closing and reopening the file") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  {
    std::unique_ptr<SqliteReadModelStore> store = MustOpen(path, /*migrate=*/true);
    MustOk(store->CreateTables(std::span(&Payments(), 1), TableSet::kLive));
    MustOk(store->CreateTables(std::span(&Payments(), 1), TableSet::kShadow));
    MustOk(store->Commit(
        Upserts({Payment("py_b", 200), Payment("py_a", -5)}, {Move(std::nullopt, "payments", 7)})));
    MustOk(store->Commit(Upserts({Payment("py_s", 1)}, {Move(std::nullopt, "payments.shadow", 2)},
                                 TableSet::kShadow)));
  }
  std::unique_ptr<SqliteReadModelStore> store = MustOpen(path, /*migrate=*/false);
  CHECK(ScanIds(*store) == std::vector<std::string>{"py_a", "py_b"});
  Key key{Value(std::string("t1")), Value(std::string("py_a"))};
  Result<std::vector<std::optional<Row>>> rows =
      store->Fetch(Payments(), TableSet::kLive, std::span(&key, 1));
  REQUIRE(rows.ok());
  REQUIRE((*rows)[0].has_value());
  CHECK(*(*rows)[0] == Payment("py_a", -5));

  Result<std::vector<Checkpoint>> checkpoints = store->LoadCheckpoints();
  REQUIRE(checkpoints.ok());
  REQUIRE(checkpoints->size() == 2);
  CHECK((*checkpoints)[0] == Move(std::nullopt, "payments", 7).next);
  CHECK((*checkpoints)[1] == Move(std::nullopt, "payments.shadow", 2).next);

  // The reopened store goes on where it stopped: the shadow set too.
  MustOk(store->PromoteShadow(std::span(&Payments(), 1), "payments", "payments.shadow",
                              GlobalPosition(2)));
  CHECK(ScanIds(*store) == std::vector<std::string>{"py_s"});
}

TEST_CASE("sqlite read models: live in the event store's file beside the log") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteEventStore> events = testing::MustOpen(path);
  std::unique_ptr<SqliteReadModelStore> models = MustOpen(path, /*migrate=*/false);
  MustOk(models->CreateTables(std::span(&Payments(), 1), TableSet::kLive));

  // Writers of both stores take turns on the file's write lock.
  for (int i = 0; i < 5; ++i) {
    const std::string stream = testing::UniqueStream("payment");
    REQUIRE(events->Append(testing::MakeAppend(stream, ExpectedVersion::NoStream(), 1)).ok());
    std::optional<std::uint64_t> expected;
    if (i > 0) expected = static_cast<std::uint64_t>(i);
    MustOk(
        models->Commit(Upserts({Payment("py_" + std::to_string(i), i)},
                               {Move(expected, "payments", static_cast<std::uint64_t>(i + 1))})));
  }
  CHECK(testing::ReadWholeLog(*events).size() == 5);
  CHECK(ScanIds(*models).size() == 5);
  CHECK(RawQueryText(path, "SELECT position FROM projection_checkpoints").value() == "5");
}

TEST_CASE("sqlite read models: columns are stored as read_model.h documents") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteReadModelStore> store = MustOpen(path, /*migrate=*/true);
  MustOk(store->CreateTables(std::span(&Payments(), 1), TableSet::kLive));
  MustOk(store->Commit(Upserts({Payment("py_1", -3)})));
  CHECK(RawQueryText(path,
                     "SELECT typeof(amount_minor) || ' ' || refunded || ' ' || paid_at || "
                     "' ' || typeof(details) || ' ' || details FROM payments")
            .value() == "integer 1 " + std::to_string(kT0.value() - 3) +
                            R"( text {"currency":"eur","lines":[1,2]})");
  // STRICT and WITHOUT ROWID, as declared; a boolean column takes only 0 and 1.
  CHECK(RawQueryText(path, "SELECT sql FROM sqlite_schema WHERE name = 'payments'")
            .value()
            .ends_with("STRICT, WITHOUT ROWID"));
  CHECK_FALSE(testing::RawSql(path, "UPDATE payments SET refunded = 2").ok());
  CHECK(NamedIndexCount(path, "payments") == "2");
}

TEST_CASE(
    "sqlite read models: promoted tables keep their indexes, and the next shadow has its own") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteReadModelStore> store = MustOpen(path, /*migrate=*/true);
  auto tables = std::span(&Payments(), 1);
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    MustOk(store->CreateTables(tables, TableSet::kShadow));
    CHECK(NamedIndexCount(path, "payments__shadow") == "2");
    MustOk(store->Commit(Upserts({Payment("py_" + std::to_string(round), round)},
                                 {Move(std::nullopt, "payments.shadow", 10)}, TableSet::kShadow)));
    MustOk(store->PromoteShadow(tables, "payments", "payments.shadow", GlobalPosition(10)));
    CHECK(NamedIndexCount(path, "payments") == "2");
    CHECK(NamedIndexCount(path, "payments__shadow") == "0");
    CHECK(ScanIds(*store) == std::vector<std::string>{"py_" + std::to_string(round)});
  }
}

TEST_CASE("sqlite read models: leadership is a lock file beside the database") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteReadModelStore> one = MustOpen(path, /*migrate=*/true);
  std::unique_ptr<SqliteReadModelStore> two = MustOpen(path, /*migrate=*/false);

  Result<std::unique_ptr<Lease>> lease = one->leadership().TryLead("projector.payments");
  REQUIRE(lease.ok());
  REQUIRE(*lease != nullptr);
  CHECK(std::filesystem::exists(path + ".lead-projector.payments"));

  SUBCASE("another store object on the file (as another process would) does not lead") {
    Result<std::unique_ptr<Lease>> other = two->leadership().TryLead("projector.payments");
    REQUIRE(other.ok());
    CHECK(*other == nullptr);
    lease->reset();
    other = two->leadership().TryLead("projector.payments");
    REQUIRE(other.ok());
    CHECK(*other != nullptr);
  }

  SUBCASE("a lease whose lock file was removed knows it is no longer held") {
    CHECK((*lease)->Held());
    std::filesystem::remove(path + ".lead-projector.payments");
    CHECK_FALSE((*lease)->Held());
  }

  SUBCASE("names that are not plain file-name parts are refused") {
    for (const char* name : {"", "../escape", "a/b", "with space"}) {
      CAPTURE(name);
      CHECK(two->leadership().TryLead(name).status().code() == StatusCode::kInvalidArgument);
    }
  }
}

TEST_CASE("sqlite read models: what is refused") {
  SUBCASE("opening") {
    TempDir dir;
    CHECK(SqliteReadModelStore::Open(dir.File("absent.db")).status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK_FALSE(std::filesystem::exists(dir.File("absent.db")));
    CHECK(SqliteReadModelStore::Open(":memory:").status().code() ==
          StatusCode::kFailedPrecondition);
    CHECK(SqliteReadModelStore::Open("").status().code() == StatusCode::kInvalidArgument);
  }

  std::unique_ptr<SqliteReadModelStore> store = MustOpen(":memory:", /*migrate=*/true);
  SUBCASE("tables named like the ledger's own") {
    for (const char* name : {"events", "streams", "projection_checkpoints", "schema_migrations"}) {
      CAPTURE(name);
      TableSpec spec = Payments();
      spec.name = name;
      CHECK(store->CreateTables(std::span(&spec, 1), TableSet::kLive).code() ==
            StatusCode::kInvalidArgument);
    }
  }

  SUBCASE("checkpoint values beyond SQLite's INTEGER") {
    constexpr std::uint64_t kTooBig = std::uint64_t{1} << 63;
    CHECK(store->SaveCheckpoint(Move(std::nullopt, "payments", kTooBig)).code() ==
          StatusCode::kInvalidArgument);
    Result<std::optional<Checkpoint>> c = store->LoadCheckpoint("payments");
    REQUIRE(c.ok());
    CHECK_FALSE(c->has_value());
  }
}

}  // namespace
}  // namespace ledger
