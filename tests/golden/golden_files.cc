#include "tests/golden/golden_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/event_json.h"

namespace ledger::golden {
namespace {

// The event an imported line describes, as a store would hand it back.
// REQUIRES: every optional envelope field of `e` is set.
RecordedEvent AsRecorded(const ImportedEvent& e) {
  RecordedEvent r;
  r.global_position = *e.global_position;
  r.stream_id = e.stream;
  r.stream_version = *e.stream_version;
  r.event_id = e.event.event_id;
  r.event_type = e.event.event_type;
  r.schema_version = e.event.schema_version;
  r.tenant = e.event.tenant;
  r.payload = e.event.payload;
  r.metadata = e.event.metadata;
  r.raw_body = e.event.raw_body;
  r.recorded_at = *e.recorded_at;
  r.stream_hash = *e.stream_hash;
  return r;
}

}  // namespace

std::string SourceLogDirectory() { return LEDGER_SOURCE_DIR "/tests/golden/logs"; }

std::string LogPath(const std::string& directory, const std::string& name) {
  return directory + "/" + name + ".jsonl";
}
std::string DigestPath(const std::string& directory, const std::string& name) {
  return directory + "/" + name + ".digest";
}
std::string RowsPath(const std::string& directory, const std::string& name) {
  return directory + "/" + name + ".rows.json";
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Unavailable("cannot read " + path);
  return bytes.str();
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot create " + temporary);
    out << bytes;
    out.close();
    if (!out) return Unavailable("cannot write " + temporary);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return Unavailable("cannot rename " + temporary + " to " + path + ": " + ec.message());
  return Status::Ok();
}

std::string FormatLog(std::span<const RecordedEvent> events) {
  std::string out;
  for (const RecordedEvent& e : events) {
    AppendEventJson(e, out);
    out += '\n';
  }
  return out;
}

Result<std::vector<ImportedEvent>> ParseLog(const std::string& text) {
  std::vector<ImportedEvent> events;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string where = "line " + std::to_string(number);
    Result<ImportedEvent> event = ParseEventJson(line, TenantId(kDefaultTenant));
    if (!event.ok()) return event.status().WithContext(where);
    if (!event->global_position || !event->stream_version || !event->recorded_at ||
        !event->stream_hash) {
      return InvalidArgument(where +
                             ": every envelope field must be given (global_position, "
                             "stream_version, recorded_at, stream_hash)");
    }
    // Exactly as `ledger export` writes it, so that no field was left to a default
    // (tenant_id, schema_version) and the file is its own canonical form.
    if (FormatEventJson(AsRecorded(*event)) != line) {
      return InvalidArgument(where +
                             ": not in the exported form (engine/event_json.h); "
                             "regenerate the fixture rather than editing it by hand");
    }
    events.push_back(std::move(event).value());
  }
  return events;
}

Result<std::vector<std::string>> ListLogs(const std::string& directory) {
  std::error_code ec;
  std::filesystem::directory_iterator it(directory, ec);
  if (ec) return NotFound("cannot list " + directory + ": " + ec.message());
  std::vector<std::string> names;
  for (const auto& entry : it) {
    std::string file = entry.path().filename().string();
    constexpr std::string_view kSuffix = ".jsonl";
    if (file.ends_with(kSuffix)) names.push_back(file.substr(0, file.size() - kSuffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ledger::golden
