// The ReadModelReader conformance suite: the contract of queries/read_model_reader.h and
// queries/list_query.h, written once and run against every backend. The memory reader
// (queries/memory_read_model_reader.h) is the reference: every backend must return exactly
// what it returns, in its order. A test binary instantiates the suite once per backend with
//
//   #include "tests/conformance/read_model_reader_conformance.h"
//   LEDGER_READ_MODEL_READER_CONFORMANCE(MemoryReader, MakeMemoryBackend())
//
// at namespace scope, where the second argument is an expression yielding a
// ledger::reader_conformance::ReaderBackend: a fresh, empty ReadModelStore (no tables, no
// checkpoints) to write rows with, and a ReadModelReader over the same data. It is evaluated
// once per test case. `Name` must be unique within the binary.
//
// Every row a case writes goes to the backend's store and to an in-memory mirror; the
// expected answer of a query is the memory reader's over the mirror. Rows are compared in
// canonical form (PostgreSQL's jsonb reformats JSON) and statuses by code only.
#ifndef LEDGER_TESTS_CONFORMANCE_READ_MODEL_READER_CONFORMANCE_H_
#define LEDGER_TESTS_CONFORMANCE_READ_MODEL_READER_CONFORMANCE_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "projections/memory_read_model_store.h"
#include "projections/read_model.h"
#include "projections/read_model_store.h"
#include "queries/list_query.h"
#include "queries/memory_read_model_reader.h"
#include "queries/read_model_reader.h"

namespace ledger::reader_conformance {

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
using queries::Filter;
using queries::FilterOp;
using queries::kMaxListLimit;
using queries::ListQuery;
using queries::ReadModelReader;
using queries::ReadSet;
using queries::Scope;

// What a factory yields. Members are destroyed in reverse order: the reader, then the store,
// then `owner` (whatever both need to outlive them: a test database, a temporary file).
struct ReaderBackend {
  std::shared_ptr<void> owner;
  std::unique_ptr<ReadModelStore> store;
  std::unique_ptr<ReadModelReader> reader;
};

inline constexpr Timestamp kT0{1'795'000'000'000'000};  // 2026-11-18T11:06:40Z

// Fails the test case with the status's message unless it is ok.
#define LEDGER_READER_REQUIRE_OK(expr)                                     \
  do {                                                                     \
    const ::ledger::Status ledger_rd_status_ = (expr);                     \
    REQUIRE_MESSAGE(ledger_rd_status_.ok(), ledger_rd_status_.ToString()); \
  } while (0)

// Not customer-scoped; a column of every type, nullable ones to show that NULL never matches.
// Key (tenant_id, item_id).
inline TableSpec MakeItemsSpec() {
  return TableSpec{
      .name = "rdr_items",
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"item_id", ColumnType::kText, false},
                  {"status", ColumnType::kText, false},
                  {"rank", ColumnType::kInteger, false},
                  {"flag", ColumnType::kBoolean, false},
                  {"at", ColumnType::kTimestamp, false},
                  {"title", ColumnType::kText, true},
                  {"score", ColumnType::kInteger, true},
                  {"active", ColumnType::kBoolean, true},
                  {"due_at", ColumnType::kTimestamp, true},
                  {"attrs", ColumnType::kJson, true}},
      .primary_key = {"tenant_id", "item_id"},
      .customer_scoped = false,
      .indexes = {{"tenant_id", "status"}, {"tenant_id", "rank"}},
  };
}

// Customer-scoped, as orders are: customer_id is nullable and outside the key (an order may
// have no customer yet). Key (tenant_id, order_no), an integer.
inline TableSpec MakeOrdersSpec() {
  return TableSpec{
      .name = "rdr_orders",
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"order_no", ColumnType::kInteger, false},
                  {"customer_id", ColumnType::kText, true},
                  {"total", ColumnType::kInteger, false},
                  {"placed_at", ColumnType::kTimestamp, false}},
      .primary_key = {"tenant_id", "order_no"},
      .customer_scoped = true,
      .indexes = {{"tenant_id", "customer_id"}},
  };
}

// A table no case creates.
inline TableSpec MakeMissingSpec() {
  TableSpec spec = MakeItemsSpec();
  spec.name = "rdr_never_created";
  return spec;
}

// The tables, alive for the whole program (rows and queries point to their spec).
inline const std::vector<TableSpec>& AllTables() {
  static const std::vector<TableSpec> tables{MakeItemsSpec(), MakeOrdersSpec(), MakeMissingSpec()};
  return tables;
}
inline const TableSpec& Items() { return AllTables()[0]; }
inline const TableSpec& Orders() { return AllTables()[1]; }
inline const TableSpec& Missing() { return AllTables()[2]; }

// An items row; the nullable columns stay NULL unless set afterwards.
inline Row Item(const std::string& tenant, const std::string& id, const std::string& status = "new",
                std::int64_t rank = 0) {
  Row row(Items());
  row.SetText("tenant_id", tenant)
      .SetText("item_id", id)
      .SetText("status", status)
      .SetInt("rank", rank)
      .SetBool("flag", false)
      .SetTime("at", kT0);
  return row;
}

inline Row Order(const std::string& tenant, std::int64_t number,
                 std::optional<std::string> customer, std::int64_t total = 100) {
  Row row(Orders());
  row.SetText("tenant_id", tenant)
      .SetInt("order_no", number)
      .SetInt("total", total)
      .SetTime("placed_at", Timestamp(kT0.value() + number));
  if (customer) row.SetText("customer_id", *customer);
  return row;
}

inline Scope TenantScope(const std::string& tenant) { return Scope{tenant, std::nullopt}; }
inline Scope CustomerScope(const std::string& tenant, const std::string& customer) {
  return Scope{tenant, customer};
}

inline ListQuery Query(const TableSpec& table, std::vector<std::string> order_by,
                       std::vector<Filter> filters = {}, bool descending = false,
                       std::size_t limit = 100) {
  ListQuery query;
  query.table = &table;
  query.order_by = std::move(order_by);
  query.filters = std::move(filters);
  query.descending = descending;
  query.limit = limit;
  return query;
}

// A value tagged with its type and written canonically (JSON with sorted keys), so that equal
// texts mean equal values on every backend.
inline std::string Describe(const Value& value) {
  static constexpr const char* kTags[] = {"null", "text:", "int:", "bool:", "time:", "json:"};
  if (value.index() == 0) return "null";
  return kTags[value.index()] + projections::CanonicalValue(value);
}

inline std::string Describe(const Row& row) {
  std::string out = "(";
  for (std::size_t i = 0; i < row.values().size(); ++i) {
    out += (i > 0 ? ", " : "") + Describe(row.values()[i]);
  }
  return out + ")";
}

// One line per row, so that a failed CHECK shows where two answers part.
inline std::string Describe(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& row : rows) out += Describe(row) + "\n";
  return out;
}

// The key columns of each row, "a b c": for expectations written by hand.
inline std::string Ids(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& row : rows) {
    const Value& id = row.spec().name == Orders().name ? row.Get("order_no") : row.Get("item_id");
    const auto* text = std::get_if<std::string>(&id);
    out += (out.empty() ? "" : " ") + (text != nullptr ? *text : projections::CanonicalValue(id));
  }
  return out;
}

// A backend's store and reader with the live tables created, and the mirror that the expected
// answers come from.
class Harness {
 public:
  explicit Harness(ReaderBackend backend) : backend_(std::move(backend)), reference_(mirror_) {
    REQUIRE(backend_.store != nullptr);
    REQUIRE(backend_.reader != nullptr);
    std::vector<TableSpec> live{Items(), Orders()};
    LEDGER_READER_REQUIRE_OK(backend_.store->CreateTables(live, TableSet::kLive));
    LEDGER_READER_REQUIRE_OK(mirror_.CreateTables(live, TableSet::kLive));
  }

  ReadModelStore& store() { return *backend_.store; }
  ReadModelReader& reader() { return *backend_.reader; }

  // Writes `rows` (upserts, in one commit) to the backend and the mirror.
  void Put(const std::vector<Row>& rows) {
    CommitRequest request;
    for (const Row& row : rows)
      request.changes.push_back(RowChange{&row.spec(), row.PrimaryKey(), row});
    LEDGER_READER_REQUIRE_OK(backend_.store->Commit(request));
    LEDGER_READER_REQUIRE_OK(mirror_.Commit(request));
  }

  // The backend's answer; fails the test unless it is ok.
  std::vector<Row> List(const Scope& scope, const ListQuery& query) {
    Result<std::vector<Row>> rows = backend_.reader->List(scope, query);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    return std::move(rows).value();
  }

  // The reference's answer over the same rows.
  std::vector<Row> Expected(const Scope& scope, const ListQuery& query) {
    Result<std::vector<Row>> rows = reference_.List(scope, query);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    return std::move(rows).value();
  }

  // Checks that the backend answers `query` as the reference does; the answer.
  std::vector<Row> CheckSame(const Scope& scope, const ListQuery& query) {
    std::vector<Row> got = List(scope, query);
    CHECK(Describe(got) == Describe(Expected(scope, query)));
    return got;
  }

  StatusCode Code(const Scope& scope, const ListQuery& query) {
    return backend_.reader->List(scope, query).status().code();
  }

 private:
  ReaderBackend backend_;
  projections::MemoryReadModelStore mirror_;
  queries::MemoryReadModelReader reference_;
};

// The order_by values of `row`: the cursor that continues after it.
inline Key CursorAfter(const ListQuery& query, const Row& row) {
  Key key;
  for (const std::string& column : query.order_by) key.push_back(row.Get(column));
  return key;
}

}  // namespace ledger::reader_conformance

#include "tests/conformance/read_model_reader_cases.h"

// Every case of the suite for one backend. Name: an identifier unique in the test binary;
// FactoryExpr: yields a fresh ledger::reader_conformance::ReaderBackend.
#define LEDGER_READ_MODEL_READER_CONFORMANCE(Name, FactoryExpr)                       \
  namespace ledger::reader_conformance {                                              \
  struct Name {                                                                       \
    static ::ledger::reader_conformance::ReaderBackend Open() { return FactoryExpr; } \
  };                                                                                  \
  TEST_CASE_TEMPLATE_INVOKE(reader_tenant_scope, Name);                               \
  TEST_CASE_TEMPLATE_INVOKE(reader_customer_scope, Name);                             \
  TEST_CASE_TEMPLATE_INVOKE(reader_filters, Name);                                    \
  TEST_CASE_TEMPLATE_INVOKE(reader_order, Name);                                      \
  TEST_CASE_TEMPLATE_INVOKE(reader_paging, Name);                                     \
  TEST_CASE_TEMPLATE_INVOKE(reader_cursor, Name);                                     \
  TEST_CASE_TEMPLATE_INVOKE(reader_limit, Name);                                      \
  TEST_CASE_TEMPLATE_INVOKE(reader_invalid, Name);                                    \
  TEST_CASE_TEMPLATE_INVOKE(reader_missing_table, Name);                              \
  TEST_CASE_TEMPLATE_INVOKE(reader_shadow, Name);                                     \
  TEST_CASE_TEMPLATE_INVOKE(reader_checkpoints, Name);                                \
  TEST_CASE_TEMPLATE_INVOKE(reader_together, Name);                                   \
  TEST_CASE_TEMPLATE_INVOKE(reader_together_errors, Name);                            \
  }  // namespace ledger::reader_conformance

#endif  // LEDGER_TESTS_CONFORMANCE_READ_MODEL_READER_CONFORMANCE_H_
