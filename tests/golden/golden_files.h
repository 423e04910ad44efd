// The files of a golden fixture (tests/golden/README.md): where they live and how they are
// read and written. Every function here is pure file handling with Status errors, so the
// generator and the runner share one definition of the format.
//
//   logs/<name>.jsonl      the complete exported log, one event per line (engine/event_json.h)
//   logs/<name>.digest     FormatDigest of the projected read models (hex, then table lines)
//   logs/<name>.rows.json  optional: {"<table>":[{"<column>":<canonical value>,...},...],...}
#ifndef LEDGER_TESTS_GOLDEN_GOLDEN_FILES_H_
#define LEDGER_TESTS_GOLDEN_GOLDEN_FILES_H_

#include <span>
#include <string>
#include <vector>

#include "engine/event.h"
#include "engine/event_store.h"
#include "engine/result.h"

namespace ledger::golden {

// The committed fixtures: <source>/tests/golden/logs.
std::string SourceLogDirectory();

std::string LogPath(const std::string& directory, const std::string& name);
std::string DigestPath(const std::string& directory, const std::string& name);
std::string RowsPath(const std::string& directory, const std::string& name);

// The whole file; NotFound if it cannot be opened.
Result<std::string> ReadFile(const std::string& path);
// Replaces the file with `bytes` (written to a temporary beside it, then renamed).
Status WriteFile(const std::string& path, const std::string& bytes);

// The log as the fixture stores it: FormatEventJson of each event, each line ended by '\n'.
std::string FormatLog(std::span<const RecordedEvent> events);

// Parses every line of a log. Every envelope field must be given (position, version,
// recorded_at, hash...): a fixture that left one to the store would not replay the same
// everywhere. InvalidArgument naming the line otherwise.
Result<std::vector<ImportedEvent>> ParseLog(const std::string& text);

// The names (without ".jsonl") of the logs in `directory`, sorted.
Result<std::vector<std::string>> ListLogs(const std::string& directory);

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_GOLDEN_FILES_H_
