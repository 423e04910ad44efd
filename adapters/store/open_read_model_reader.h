// OpenReadModelReader: the query API's reader (queries/read_model_reader.h) for a database URL,
// in OpenReadModelStore's forms, so that `ledger serve` reads its read models by the same name
// it writes them (or by LEDGER_READ_DATABASE_URL, a replica).
//
//   sqlite:PATH                 read-only connections to the file (scope as WHERE clauses)
//   sqlite::memory:             the process's own store, read through `store`'s Scan (a
//                               private in-memory database has no second connection; for
//                               tests and demos, not for load)
//   postgresql://...[?schema=S] pooled connections as ledger_reader (scope by row-level
//                               security, set transaction-locally per request)
#ifndef LEDGER_ADAPTERS_STORE_OPEN_READ_MODEL_READER_H_
#define LEDGER_ADAPTERS_STORE_OPEN_READ_MODEL_READER_H_

#include <memory>
#include <string>

#include "engine/result.h"
#include "projections/read_model_store.h"
#include "queries/read_model_reader.h"

namespace ledger {

// `store` must outlive the reader when `url` is sqlite::memory: (unused otherwise).
// FailedPrecondition if the database is not migrated; Unavailable when unreachable;
// InvalidArgument for an unknown URL form.
Result<std::unique_ptr<queries::ReadModelReader>> OpenReadModelReader(
    const std::string& url, projections::ReadModelStore& store);

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_STORE_OPEN_READ_MODEL_READER_H_
