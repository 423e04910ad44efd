// How read-model values are stored in SQLite (projections/read_model.h gives the mapping:
// text and JSON as TEXT, integers, booleans 0/1 and timestamps as INTEGER microseconds), in
// one place for the store that writes them and the reader that queries them.
#ifndef LEDGER_ADAPTERS_SQLITE_READ_MODEL_VALUES_H_
#define LEDGER_ADAPTERS_SQLITE_READ_MODEL_VALUES_H_

#include "adapters/sqlite/statement.h"
#include "projections/read_model.h"

namespace ledger::sqlite {

// Binds `value` (NULL included) to parameter `index` (from 1) in its stored form. Text is
// bound without a copy: REQUIRES `value` to outlive the statement's use (the Statement).
void BindValue(Statement& statement, int index, const projections::Value& value);

// The current row of a SELECT of every column of `table`, in declaration order.
// REQUIRES: the statement's last Step returned true.
projections::Row ReadRow(const Statement& statement, const projections::TableSpec& table);

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_READ_MODEL_VALUES_H_
