// Typed rows of the read models (DESIGN.md section 7, docs/read-models.md).
//
// A projector declares each table it owns as a TableSpec; every backend (PostgreSQL, SQLite,
// memory) creates the table from that declaration, so one projector runs on all of them and
// the digest (digest.h) is the same on each. Every table's primary key starts with tenant_id,
// and customer-facing tables also carry customer_id: that is what row-level security scopes by.
#ifndef LEDGER_PROJECTIONS_READ_MODEL_H_
#define LEDGER_PROJECTIONS_READ_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/ids.h"

namespace ledger::projections {

// How a column is stored:      PostgreSQL     SQLite
//   kText                      text           TEXT
//   kInteger (64-bit)          bigint         INTEGER
//   kBoolean                   boolean        INTEGER 0/1
//   kTimestamp (µs, UTC)       timestamptz    INTEGER (µs since the epoch)
//   kJson                      jsonb          TEXT (minified)
// Money is always kInteger minor units beside a kText currency; never floating point.
enum class ColumnType { kText, kInteger, kBoolean, kTimestamp, kJson };

std::string_view ColumnTypeName(ColumnType type);

struct Column {
  std::string name;
  ColumnType type;
  bool nullable = true;  // primary-key columns are never null, whatever this says
};

// A JSON document held in a kJson column: its text, minified. Compared and digested in
// canonical form (object keys sorted), since PostgreSQL's jsonb does not keep key order.
struct JsonText {
  std::string text;
  friend bool operator==(const JsonText&, const JsonText&) = default;
};

// One cell. std::monostate is SQL NULL.
using Value = std::variant<std::monostate, std::string, std::int64_t, bool, Timestamp, JsonText>;

// Whether `value` may be stored in a column of `type` (NULL fits every type).
bool ValueFits(const Value& value, ColumnType type);

struct TableSpec {
  std::string name;             // live table name: lowercase [a-z_], at most 40 bytes
  std::vector<Column> columns;  // the first is always tenant_id (kText, not null)
  // Column names; the first is tenant_id. Rows are unique on it and ordered by it (text in
  // byte order) wherever order matters: scans, digests.
  std::vector<std::string> primary_key;
  bool customer_scoped = false;  // has a customer_id column; RLS also scopes by customer
  // Secondary indexes for the queries in docs/read-models.md, each a list of column names.
  std::vector<std::vector<std::string>> indexes;

  // Index of the column called `name`, or nullopt.
  std::optional<std::size_t> ColumnIndex(std::string_view name) const;
};

// Checks a declaration: names, tenant_id first, primary key columns exist, customer_id
// present iff customer_scoped. Returns an empty string if valid, else what is wrong.
std::string ValidateTableSpec(const TableSpec& spec);

// The primary-key values of a row, in primary_key order.
using Key = std::vector<Value>;

// One row of one table: a value per column, in the TableSpec's column order, NULL until set.
// Setting or reading a column the table does not declare, or a value of the wrong type, is a
// programming error and aborts: projectors are code, not input.
class Row {
 public:
  explicit Row(const TableSpec& spec);

  const TableSpec& spec() const { return *spec_; }
  const std::vector<Value>& values() const { return values_; }
  std::vector<Value>& mutable_values() { return values_; }

  Row& Set(std::string_view column, Value value);
  Row& SetText(std::string_view column, std::string value) { return Set(column, std::move(value)); }
  Row& SetInt(std::string_view column, std::int64_t value) { return Set(column, value); }
  Row& SetBool(std::string_view column, bool value) { return Set(column, value); }
  Row& SetTime(std::string_view column, Timestamp value) { return Set(column, value); }
  Row& SetJson(std::string_view column, std::string json) {
    return Set(column, JsonText{std::move(json)});
  }
  Row& SetNull(std::string_view column) { return Set(column, std::monostate{}); }

  const Value& Get(std::string_view column) const;
  bool IsNull(std::string_view column) const;
  // Typed reads; a NULL column yields the fallback.
  std::string Text(std::string_view column, std::string fallback = "") const;
  std::int64_t Int(std::string_view column, std::int64_t fallback = 0) const;
  bool Bool(std::string_view column, bool fallback = false) const;
  std::optional<Timestamp> Time(std::string_view column) const;

  // This row's primary key.
  Key PrimaryKey() const;

  friend bool operator==(const Row& a, const Row& b) {
    return a.spec_->name == b.spec_->name && a.values_ == b.values_;
  }

 private:
  std::size_t IndexOf(std::string_view column) const;

  const TableSpec* spec_;
  std::vector<Value> values_;
};

// The canonical text of a value, used by digests and to compare keys across backends:
// JSON null, a JSON string, a decimal integer, true/false, an RFC 3339 time with
// microseconds, or the JSON document with object keys sorted (never reformatted otherwise).
std::string CanonicalValue(const Value& value);

// A key's canonical text (CanonicalValue of each part, joined by '\x1f'): the map key of
// buffers and fakes.
std::string CanonicalKey(const Key& key);

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_READ_MODEL_H_
