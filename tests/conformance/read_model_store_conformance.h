// The ReadModelStore conformance suite: the contract of projections/read_model_store.h and
// engine/checkpoint_store.h written once and run against every backend. A test binary
// instantiates it once per store with
//
//   #include "tests/conformance/read_model_store_conformance.h"
//   LEDGER_READ_MODEL_STORE_CONFORMANCE(MemoryStore,
//                                       std::make_unique<ledger::projections::MemoryReadModelStore>())
//
// at namespace scope, where the second argument is an expression yielding a
// std::unique_ptr<ledger::projections::ReadModelStore> (or of a subclass) that is fresh and
// empty: no tables, no checkpoints. It is evaluated once per test case; the store is destroyed at
// the end of the case. `Name` must be unique within the binary (it names the test cases).
//
// The suite assumes no more than the contract: statuses are compared by code only, errors the
// contract leaves open (e.g. reading a table never created) are checked only to be errors, and
// JSON documents are compared in canonical form (PostgreSQL's jsonb reorders object keys).
#ifndef LEDGER_TESTS_CONFORMANCE_READ_MODEL_STORE_CONFORMANCE_H_
#define LEDGER_TESTS_CONFORMANCE_READ_MODEL_STORE_CONFORMANCE_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "engine/checkpoint_store.h"
#include "engine/leadership.h"
#include "projections/read_model.h"
#include "projections/read_model_store.h"

namespace ledger::read_model_conformance {

using projections::Column;
using projections::ColumnType;
using projections::CommitRequest;
using projections::JsonText;
using projections::Key;
using projections::ReadModelStore;
using projections::Row;
using projections::RowChange;
using projections::TableSet;
using projections::TableSpec;
using projections::Value;

inline constexpr Timestamp kT0{1'795'000'000'000'000};  // 2026-11-18T11:06:40Z

// Fails the test case with the status's message unless it is ok.
#define LEDGER_RM_REQUIRE_OK(expr)                                         \
  do {                                                                     \
    const ::ledger::Status ledger_rm_status_ = (expr);                     \
    REQUIRE_MESSAGE(ledger_rm_status_.ok(), ledger_rm_status_.ToString()); \
  } while (0)

// A table of every column type; not customer scoped. Key: (tenant_id, item_id).
inline TableSpec MakeItemsSpec() {
  return TableSpec{
      .name = "conf_items",
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"item_id", ColumnType::kText, false},
                  {"title", ColumnType::kText, true},
                  {"quantity", ColumnType::kInteger, false},
                  {"active", ColumnType::kBoolean, true},
                  {"due_at", ColumnType::kTimestamp, true},
                  {"attrs", ColumnType::kJson, true}},
      .primary_key = {"tenant_id", "item_id"},
      .customer_scoped = false,
      .indexes = {{"tenant_id", "quantity"}, {"due_at"}},
  };
}

// A customer-scoped table with an integer in its three-column key:
// (tenant_id, customer_id, order_no).
inline TableSpec MakeOrdersSpec() {
  return TableSpec{
      .name = "conf_customer_orders",
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"customer_id", ColumnType::kText, false},
                  {"order_no", ColumnType::kInteger, false},
                  {"total", ColumnType::kInteger, false},
                  {"note", ColumnType::kText, true},
                  {"placed_at", ColumnType::kTimestamp, false}},
      .primary_key = {"tenant_id", "customer_id", "order_no"},
      .customer_scoped = true,
      .indexes = {{"tenant_id", "customer_id", "placed_at"}},
  };
}

// The two tables, alive for the whole program (rows point to their spec).
inline const std::vector<TableSpec>& BothTables() {
  static const std::vector<TableSpec> tables{MakeItemsSpec(), MakeOrdersSpec()};
  return tables;
}

inline const TableSpec& Items() { return BothTables()[0]; }
inline const TableSpec& Orders() { return BothTables()[1]; }

inline Key ItemKey(const std::string& tenant, const std::string& item) {
  return Key{Value(tenant), Value(item)};
}

inline Key OrderKey(const std::string& tenant, const std::string& customer, std::int64_t number) {
  return Key{Value(tenant), Value(customer), Value(number)};
}

// An items row with every nullable column NULL.
inline Row ItemRow(const std::string& tenant, const std::string& item, std::int64_t quantity) {
  Row row(Items());
  row.SetText("tenant_id", tenant).SetText("item_id", item).SetInt("quantity", quantity);
  return row;
}

inline Row OrderRow(const std::string& tenant, const std::string& customer, std::int64_t number,
                    std::int64_t total) {
  Row row(Orders());
  row.SetText("tenant_id", tenant)
      .SetText("customer_id", customer)
      .SetInt("order_no", number)
      .SetInt("total", total)
      .SetTime("placed_at", Timestamp(kT0.value() + number));
  return row;
}

inline RowChange Upsert(const Row& row) { return RowChange{&row.spec(), row.PrimaryKey(), row}; }

inline RowChange Delete(const TableSpec& table, Key key) {
  return RowChange{&table, std::move(key), std::nullopt};
}

inline Checkpoint MakeCheckpoint(const std::string& name, std::uint64_t position,
                                 std::uint32_t version = 1) {
  return Checkpoint{.name = name,
                    .version = version,
                    .position = GlobalPosition(position),
                    .events = position * 3,
                    .updated_at = Timestamp(kT0.value() + static_cast<std::int64_t>(position))};
}

inline CheckpointMove Move(std::optional<std::uint64_t> expected, Checkpoint next) {
  CheckpointMove move;
  if (expected) move.expected = GlobalPosition(*expected);
  move.next = std::move(next);
  return move;
}

// Printable forms, so that a failed CHECK shows what differed. A value is tagged with its type
// and written canonically (JSON with sorted keys), so equal texts mean equal values.
inline std::string Describe(const Value& value) {
  static constexpr const char* kTags[] = {"null", "text:", "int:", "bool:", "time:", "json:"};
  if (value.index() == 0) return "null";
  return kTags[value.index()] + projections::CanonicalValue(value);
}

inline std::string Describe(const std::optional<Row>& row) {
  if (!row) return "(none)";
  std::string out = row->spec().name + "(";
  for (std::size_t i = 0; i < row->values().size(); ++i) {
    if (i > 0) out += ", ";
    out += row->spec().columns[i].name + "=" + Describe(row->values()[i]);
  }
  return out + ")";
}

inline std::string Describe(const std::optional<Checkpoint>& c) {
  if (!c) return "(none)";
  return c->name + "{v" + std::to_string(c->version) + " @" + std::to_string(c->position.value()) +
         " n" + std::to_string(c->events) + " t" + std::to_string(c->updated_at.value()) + "}";
}

inline std::string Describe(const std::vector<Checkpoint>& all) {
  std::string out;
  for (const Checkpoint& c : all) out += Describe(std::optional<Checkpoint>(c)) + " ";
  return out;
}

inline std::optional<Row> FetchOne(ReadModelStore& store, const TableSpec& table, TableSet set,
                                   const Key& key) {
  Result<std::vector<std::optional<Row>>> rows = store.Fetch(table, set, std::span(&key, 1));
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  REQUIRE(rows->size() == 1);
  return (*rows)[0];
}

// Describe() of the row under `key`, or "(none)".
inline std::string Stored(ReadModelStore& store, const TableSpec& table, TableSet set,
                          const Key& key) {
  return Describe(FetchOne(store, table, set, key));
}

inline std::string StoredCheckpoint(ReadModelStore& store, const std::string& name) {
  Result<std::optional<Checkpoint>> c = store.LoadCheckpoint(name);
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return Describe(*c);
}

// The keys of a live table as Scan yields them: "t1/a | t1/b" (text parts as they are, others
// canonical, parts joined by '/').
inline std::string ScannedKeys(ReadModelStore& store, const TableSpec& table) {
  std::string out;
  Status s = store.Scan(table, [&](const Row& row) {
    if (!out.empty()) out += " | ";
    Key key = row.PrimaryKey();
    for (std::size_t i = 0; i < key.size(); ++i) {
      if (i > 0) out += "/";
      const auto* text = std::get_if<std::string>(&key[i]);
      out += text != nullptr ? *text : projections::CanonicalValue(key[i]);
    }
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

inline std::unique_ptr<ReadModelStore> WithTables(std::unique_ptr<ReadModelStore> store) {
  REQUIRE(store != nullptr);
  LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kLive));
  return store;
}

// Requests on either set. (Designated initializers would trip -Wmissing-field-initializers.)
inline CommitRequest Live(std::vector<RowChange> changes,
                          std::vector<CheckpointMove> checkpoints = {}) {
  CommitRequest request;
  request.set = TableSet::kLive;
  request.changes = std::move(changes);
  request.checkpoints = std::move(checkpoints);
  return request;
}

inline CommitRequest Shadow(std::vector<RowChange> changes,
                            std::vector<CheckpointMove> checkpoints = {}) {
  CommitRequest request = Live(std::move(changes), std::move(checkpoints));
  request.set = TableSet::kShadow;
  return request;
}

inline void MustCommit(ReadModelStore& store, const CommitRequest& request) {
  LEDGER_RM_REQUIRE_OK(store.Commit(request));
}

}  // namespace ledger::read_model_conformance

#include "tests/conformance/read_model_checkpoint_cases.h"
#include "tests/conformance/read_model_commit_cases.h"
#include "tests/conformance/read_model_scan_cases.h"
#include "tests/conformance/read_model_shadow_cases.h"
#include "tests/conformance/read_model_table_cases.h"

namespace ledger::read_model_conformance {

// CommitBulk (a rebuild's write-back flush): Commit's contract for requests of many rows, on
// shadow tables both empty and already loaded, and on the live set.
TEST_CASE_TEMPLATE_DEFINE("read model store: CommitBulk has Commit's contract", F,
                          read_model_commit_bulk) {
  std::unique_ptr<ReadModelStore> store = WithTables(F::Open());
  LEDGER_RM_REQUIRE_OK(store->CreateTables(BothTables(), TableSet::kShadow));
  LEDGER_RM_REQUIRE_OK(store->SaveCheckpoint(Move(std::nullopt, MakeCheckpoint("proj#r", 0))));
  MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 1))}));
  Row full = ItemRow("t1", "a", 7)
                 .SetText("title", "first")
                 .SetBool("active", false)
                 .SetTime("due_at", kT0)
                 .SetJson("attrs", R"({"k":[1,"v"],"a":null})");
  // Several tenants and both tables; repeated keys (the last change wins), a delete of a row
  // upserted earlier in the request and of one never written; and enough rows of long text to
  // take more than one part of a stream.
  std::vector<RowChange> first{Upsert(full),
                               Upsert(ItemRow("t1", "b", 2)),
                               Upsert(ItemRow("t2", "a", 3)),
                               Upsert(ItemRow("t1", "gone", 9)),
                               Delete(Items(), ItemKey("t1", "gone")),
                               Upsert(OrderRow("t1", "c1", 1, 100)),
                               Upsert(ItemRow("t1", "b", 20)),
                               Delete(Items(), ItemKey("t1", "never"))};
  const std::string long_title(120, 'x');
  constexpr int kMany = 12'000;
  for (int i = 0; i < kMany; ++i) {
    first.push_back(Upsert(ItemRow("t3", "n" + std::to_string(i), i).SetText("title", long_title)));
  }
  LEDGER_RM_REQUIRE_OK(store->CommitBulk(Shadow(first, {Move(0, MakeCheckpoint("proj#r", 10))})));
  auto shadow = [&](const TableSpec& table, const Key& key) {
    return Stored(*store, table, TableSet::kShadow, key);
  };
  CHECK(shadow(Items(), ItemKey("t1", "a")) == Describe(full));
  CHECK(shadow(Items(), ItemKey("t1", "b")) == Describe(ItemRow("t1", "b", 20)));
  CHECK(shadow(Items(), ItemKey("t2", "a")) == Describe(ItemRow("t2", "a", 3)));
  CHECK(shadow(Items(), ItemKey("t1", "gone")) == "(none)");
  CHECK(shadow(Orders(), OrderKey("t1", "c1", 1)) == Describe(OrderRow("t1", "c1", 1, 100)));
  CHECK(shadow(Items(), ItemKey("t3", "n0")) ==
        Describe(ItemRow("t3", "n0", 0).SetText("title", long_title)));
  CHECK(shadow(Items(), ItemKey("t3", "n11999")) ==
        Describe(ItemRow("t3", "n11999", kMany - 1).SetText("title", long_title)));
  CHECK(StoredCheckpoint(*store, "proj#r") == Describe(MakeCheckpoint("proj#r", 10)));
  CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
        Describe(ItemRow("t1", "a", 1)));

  SUBCASE("a later load replaces and deletes rows loaded before, and adds new ones") {
    LEDGER_RM_REQUIRE_OK(store->CommitBulk(
        Shadow({Upsert(ItemRow("t1", "a", 5)), Delete(Items(), ItemKey("t1", "b")),
                Delete(Items(), ItemKey("t3", "n5")), Upsert(ItemRow("t1", "c", 6)),
                Delete(Orders(), OrderKey("t1", "c1", 1)), Upsert(OrderRow("t2", "c2", 2, 5))},
               {Move(10, MakeCheckpoint("proj#r", 20))})));
    CHECK(shadow(Items(), ItemKey("t1", "a")) == Describe(ItemRow("t1", "a", 5)));
    CHECK(shadow(Items(), ItemKey("t1", "b")) == "(none)");
    CHECK(shadow(Items(), ItemKey("t3", "n5")) == "(none)");
    CHECK(shadow(Items(), ItemKey("t3", "n6")) != "(none)");
    CHECK(shadow(Items(), ItemKey("t1", "c")) == Describe(ItemRow("t1", "c", 6)));
    CHECK(shadow(Orders(), OrderKey("t1", "c1", 1)) == "(none)");
    CHECK(shadow(Orders(), OrderKey("t2", "c2", 2)) == Describe(OrderRow("t2", "c2", 2, 5)));
    CHECK(StoredCheckpoint(*store, "proj#r") == Describe(MakeCheckpoint("proj#r", 20)));
  }

  RowChange refused;
  SUBCASE("a checkpoint that moved on: Conflict, nothing applied") {
    CHECK(store
              ->CommitBulk(Shadow({Upsert(ItemRow("t1", "a", 5)), Upsert(ItemRow("t1", "z", 1)),
                                   Delete(Items(), ItemKey("t2", "a"))},
                                  {Move(9, MakeCheckpoint("proj#r", 20))}))
              .code() == StatusCode::kConflict);
    refused = Upsert(ItemRow("t1", "z", 1));
  }
  SUBCASE("a row that does not fit: InvalidArgument, nothing applied") {
    Row bad = ItemRow("t1", "z", 1);
    bad.SetNull("quantity");
    CHECK(store
              ->CommitBulk(Shadow({Upsert(ItemRow("t1", "a", 5)), Delete(Items(), ItemKey("t2", "a")),
                                   Upsert(bad)},
                                  {Move(10, MakeCheckpoint("proj#r", 20))}))
              .code() == StatusCode::kInvalidArgument);
    refused = Upsert(bad);
  }
  if (refused.table != nullptr) {
    CHECK(shadow(Items(), ItemKey("t1", "a")) == Describe(full));
    CHECK(shadow(Items(), ItemKey("t2", "a")) == Describe(ItemRow("t2", "a", 3)));
    CHECK(shadow(Items(), ItemKey("t1", "z")) == "(none)");
    CHECK(StoredCheckpoint(*store, "proj#r") == Describe(MakeCheckpoint("proj#r", 10)));
  }

  SUBCASE("promoted, loaded rows are live rows like any other") {
    LEDGER_RM_REQUIRE_OK(store->PromoteShadow(BothTables(), "proj", "proj#r", GlobalPosition(10)));
    MustCommit(*store, Live({Upsert(ItemRow("t1", "a", 8)), Delete(Items(), ItemKey("t2", "a"))},
                            {Move(10, MakeCheckpoint("proj", 11))}));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
          Describe(ItemRow("t1", "a", 8)));
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t2", "a")) == "(none)");
    CHECK(ScannedKeys(*store, Orders()) == "t1/c1/1");
  }

  SUBCASE("on the live set it commits as Commit does") {
    LEDGER_RM_REQUIRE_OK(store->CommitBulk(
        Live({Upsert(ItemRow("t1", "a", 2)), Upsert(ItemRow("t1", "l", 3))},
             {Move(std::nullopt, MakeCheckpoint("live", 3))})));
    CHECK(ScannedKeys(*store, Items()) == "t1/a | t1/l");
    CHECK(Stored(*store, Items(), TableSet::kLive, ItemKey("t1", "a")) ==
          Describe(ItemRow("t1", "a", 2)));
    CHECK(StoredCheckpoint(*store, "live") == Describe(MakeCheckpoint("live", 3)));
  }
}

}  // namespace ledger::read_model_conformance

// Every case of the suite for one store. Name: an identifier unique in the test binary;
// FactoryExpr: yields a fresh, empty std::unique_ptr<ReadModelStore>.
#define LEDGER_READ_MODEL_STORE_CONFORMANCE(Name, FactoryExpr)                                   \
  namespace ledger::read_model_conformance {                                                     \
  struct Name {                                                                                  \
    static std::unique_ptr<::ledger::projections::ReadModelStore> Open() { return FactoryExpr; } \
  };                                                                                             \
  TEST_CASE_TEMPLATE_INVOKE(read_model_create_drop, Name);                                       \
  TEST_CASE_TEMPLATE_INVOKE(read_model_fetch, Name);                                             \
  TEST_CASE_TEMPLATE_INVOKE(read_model_round_trip, Name);                                        \
  TEST_CASE_TEMPLATE_INVOKE(read_model_commit_rows, Name);                                       \
  TEST_CASE_TEMPLATE_INVOKE(read_model_commit_invalid, Name);                                    \
  TEST_CASE_TEMPLATE_INVOKE(read_model_commit_checkpoints, Name);                                \
  TEST_CASE_TEMPLATE_INVOKE(read_model_commit_bulk, Name);                                       \
  TEST_CASE_TEMPLATE_INVOKE(read_model_checkpoints, Name);                                       \
  TEST_CASE_TEMPLATE_INVOKE(read_model_delete_checkpoint, Name);                                 \
  TEST_CASE_TEMPLATE_INVOKE(read_model_shadow, Name);                                            \
  TEST_CASE_TEMPLATE_INVOKE(read_model_promote, Name);                                           \
  TEST_CASE_TEMPLATE_INVOKE(read_model_scan_order, Name);                                        \
  TEST_CASE_TEMPLATE_INVOKE(read_model_scan_stops, Name);                                        \
  TEST_CASE_TEMPLATE_INVOKE(read_model_leadership, Name);                                        \
  TEST_CASE_TEMPLATE_INVOKE(read_model_concurrent_commits, Name);                                \
  }  // namespace ledger::read_model_conformance

#endif  // LEDGER_TESTS_CONFORMANCE_READ_MODEL_STORE_CONFORMANCE_H_
