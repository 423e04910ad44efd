// Writing events as JSON lines (engine/event_json.h) to a command's output, and waiting
// until the log a command prints is whole.
#ifndef LEDGER_ADAPTERS_CLI_EVENT_OUTPUT_H_
#define LEDGER_ADAPTERS_CLI_EVENT_OUTPUT_H_

#include <ostream>
#include <span>
#include <string_view>

#include "engine/event.h"
#include "engine/event_store.h"
#include "engine/status.h"

namespace ledger::cli {

// Writes one line per event, in one write, and flushes, so that a reader on the other end
// of a pipe (events --follow) sees each page as soon as it is read. Unavailable if the
// stream failed (disk full, closed pipe): `what` names the destination in the message.
Status WriteEventLines(std::span<const RecordedEvent> events, std::ostream& out,
                       std::string_view what = "standard output");

// Waits until every event committed before the call is readable (EventStore::
// WaitForCommitted), however long that takes: a command that prints "the log" prints all of
// it, never the prefix a long transaction elsewhere in a PostgreSQL cluster leaves readable.
// If the wait outlasts a moment, says on `err` what it is waiting for, once.
Status WaitForCommittedEvents(EventStore& store, std::ostream& err);

// Flushes `out` and reports whether everything written to it arrived.
Status CheckWritten(std::ostream& out, std::string_view what = "standard output");

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_EVENT_OUTPUT_H_
