// The client's half of an import (pg_import.h): the engine's import rules applied event by
// event over what the import read under the table lock, and the planned rows in PostgreSQL's
// binary COPY format, a chunk at a time.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_IMPORT_PLAN_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_IMPORT_PLAN_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "adapters/postgres/pg_read.h"
#include "engine/event_store.h"

namespace ledger::pg {

// The columns of the rows ImportRows writes, in that order.
inline constexpr const char* kImportColumns =
    "global_position, commit_key, writer_xid, stream_id, stream_version, event_id, event_type, "
    "schema_version, tenant_id, payload, correlation_id, causation_id, actor, source, raw_body, "
    "recorded_at, stream_hash";
inline constexpr int kImportColumnCount = 17;

// What the import read under the table lock.
struct ImportSnapshot {
  std::unordered_map<StreamId, LockedHead> heads;       // the touched streams that exist
  std::unordered_map<EventId, StoredEventRef> stored;   // those of its ids already stored
  std::uint64_t max_position = 0;                       // the log's head
  std::uint64_t xid = 0;                                // the import's transaction id
};

// The in-memory store's import rules (engine/memory_store.cc) over a snapshot, one event at a
// time in file order.
class ImportPlanner {
 public:
  ImportPlanner(ImportSnapshot snapshot, Timestamp now, std::size_t events);

  // The row for `e` (event number `index` of the import), or nullopt if it is already stored
  // (in the snapshot, or earlier in the import).
  Result<std::optional<RecordedEvent>> Plan(const ImportedEvent& e, std::size_t index);

  // Every imported row's commit key: the import appears in the log as one block in file order.
  std::uint64_t commit_key() const { return commit_key_; }
  std::uint64_t xid() const { return snap_.xid; }
  std::uint64_t last_position() const { return head_; }
  const ImportResult& result() const { return result_; }

  // The heads to write: of streams that had no row, and of streams that had one.
  std::unordered_map<StreamId, StreamHead> CreatedHeads() const { return Heads(false); }
  std::unordered_map<StreamId, StreamHead> AdvancedHeads() const { return Heads(true); }

 private:
  std::unordered_map<StreamId, StreamHead> Heads(bool existing) const;

  const ImportSnapshot snap_;
  const Timestamp now_;
  std::uint64_t commit_key_ = 0;
  std::uint64_t head_;  // the last position taken
  std::unordered_map<EventId, StoredEventRef> planned_;
  std::unordered_map<StreamId, StreamHead> new_heads_;
  ImportResult result_;
};

// The import's events in file order, a chunk at a time: each validated (NormalizeImportedEvent),
// planned, and appended to a COPY stream of kImportColumns unless it is already stored.
class ImportRows {
 public:
  // Events per chunk. The first is small because the server waits for its planning; a full
  // chunk takes the server some tens of milliseconds to insert. A chunk also ends once its
  // rows reach kChunkBytes, so that large events (payloads and raw bodies of up to 4 MiB each)
  // never make a chunk large in memory.
  static constexpr std::size_t kFirstChunk = 1'000;
  static constexpr std::size_t kChunk = 5'000;
  static constexpr std::size_t kChunkBytes = 16 << 20;

  ImportRows(std::span<const ImportedEvent> events, ImportPlanner& planner);

  bool done() const { return next_ == events_.size(); }
  // Plans the next chunk, appending its rows to `out`; how many rows that was. An error names
  // the event: "event N: ...".
  Result<std::size_t> Next(std::string& out);

  // The COPY stream's header (signature, flags, header extension) and trailer.
  static void PutHeader(std::string& out);
  static void PutTrailer(std::string& out);

 private:
  std::span<const ImportedEvent> events_;
  ImportPlanner& planner_;
  const std::string commit_key_;  // encoded once for every row
  const std::string xid_;
  std::size_t next_ = 0;
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_IMPORT_PLAN_H_
