// WriteBackBuffer: a rebuild's row changes held in memory across batches, so that shadow
// tables are written in a few large loads (ReadModelStore::CommitBulk) instead of one commit
// per batch (runner.h, RunnerOptions::rebuild_buffer_bytes).
//
// Shadow tables start empty and nobody reads them until PromoteShadow, so nothing but the
// rebuild itself needs its rows before then; the rebuild reads them here (BatchWriter looks
// in the buffer before the RowCache and the store). The runtime flushes the buffer, with the
// rebuild checkpoints at the last event folded, in one transaction when it outgrows its
// budget and when the rebuild catches up; a failure (or a crash) loses only what the buffer
// held, and the rebuild resumes from the checkpoints (internal/projector_set.cc).
//
// Holds one change per row, the last: an upsert replaces what was there, a delete is
// remembered as a deletion (the row may have been flushed earlier).
//
// A full buffer can be written behind (LendTo): its changes go to a CommitRequest that another
// thread writes, and the buffer keeps answering Find from them until that write is done, so the
// rebuild's next batches, filling a new buffer, still see rows not yet in the store.
//
// Not thread-safe: the projection thread only (a lent buffer's changes are only read).
#ifndef LEDGER_PROJECTIONS_WRITE_BACK_BUFFER_H_
#define LEDGER_PROJECTIONS_WRITE_BACK_BUFFER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "projections/read_model_store.h"

namespace ledger::projections {

class WriteBackBuffer {
 public:
  WriteBackBuffer() = default;
  WriteBackBuffer(const WriteBackBuffer&) = delete;
  WriteBackBuffer& operator=(const WriteBackBuffer&) = delete;
  // Moving leaves `other` empty. REQUIRES: `other` not lent.
  WriteBackBuffer(WriteBackBuffer&& other) noexcept;
  WriteBackBuffer& operator=(WriteBackBuffer&& other) noexcept;

  // The change held for the row whose RowIdentity (batch_writer.h) is `identity`: its row,
  // or nullopt for a deletion; null if the buffer holds no change to it.
  const std::optional<Row>* Find(const std::string& identity) const;

  // Holds `change` of the row `identity`, replacing the change held for it.
  void Put(std::string identity, RowChange change);

  // Every change held, one per row, in the order rows were first changed; empties the buffer.
  std::vector<RowChange> Take();
  // Moves every change held into `request->changes` (as Take) but goes on finding them there.
  // REQUIRES: not lent already. `request` must outlive the lending, and its changes must stay
  // as they are until Clear, which ends the lending and empties the buffer; nothing may be
  // Put meanwhile.
  void LendTo(CommitRequest* request);
  void Clear();

  bool empty() const { return changes_.empty(); }
  std::size_t rows() const { return changes_.size(); }
  // Rough heap bytes held (rows, keys, index): what the budget is compared with.
  std::size_t bytes() const { return bytes_; }

 private:
  const std::vector<RowChange>& held() const { return lent_ != nullptr ? *lent_ : changes_; }

  std::vector<RowChange> changes_;
  // RowIdentity -> index in held().
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t bytes_ = 0;
  const std::vector<RowChange>* lent_ = nullptr;  // the borrower's changes, once lent
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_WRITE_BACK_BUFFER_H_
