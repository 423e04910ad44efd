#include "projections/write_back_buffer.h"

#include <cassert>
#include <utility>

namespace ledger::projections {

namespace {

// Rough heap bytes of a value beyond its slot: the text it holds.
std::size_t ValueHeapBytes(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return s->capacity();
  if (const auto* j = std::get_if<JsonText>(&value)) return j->text.capacity();
  return 0;
}

// Rough heap bytes of a held change: the row's values, the key's, the index entry with its
// identity, and the allocator's overhead per block.
std::size_t ChangeBytes(const std::string& identity, const RowChange& change) {
  std::size_t bytes = sizeof(RowChange) + 64 + identity.capacity() + 32;
  for (const Value& part : change.key) bytes += sizeof(Value) + ValueHeapBytes(part);
  if (change.row) {
    for (const Value& value : change.row->values()) {
      bytes += sizeof(Value) + ValueHeapBytes(value) + 16;
    }
  }
  return bytes;
}

}  // namespace

WriteBackBuffer::WriteBackBuffer(WriteBackBuffer&& other) noexcept { *this = std::move(other); }

WriteBackBuffer& WriteBackBuffer::operator=(WriteBackBuffer&& other) noexcept {
  assert(other.lent_ == nullptr && lent_ == nullptr);
  changes_ = std::move(other.changes_);
  index_ = std::move(other.index_);
  bytes_ = other.bytes_;
  other.Clear();
  return *this;
}

const std::optional<Row>* WriteBackBuffer::Find(const std::string& identity) const {
  auto it = index_.find(identity);
  if (it == index_.end()) return nullptr;
  return &held()[it->second].row;
}

void WriteBackBuffer::Put(std::string identity, RowChange change) {
  assert(lent_ == nullptr);
  auto it = index_.find(identity);
  if (it != index_.end()) {
    RowChange& held = changes_[it->second];
    bytes_ -= ChangeBytes(it->first, held);
    held.row = std::move(change.row);
    bytes_ += ChangeBytes(it->first, held);
    return;
  }
  bytes_ += ChangeBytes(identity, change);
  index_.emplace(std::move(identity), changes_.size());
  changes_.push_back(std::move(change));
}

std::vector<RowChange> WriteBackBuffer::Take() {
  assert(lent_ == nullptr);
  std::vector<RowChange> out = std::move(changes_);
  Clear();
  return out;
}

void WriteBackBuffer::LendTo(CommitRequest* request) {
  assert(lent_ == nullptr);
  request->changes = std::move(changes_);
  changes_ = {};
  lent_ = &request->changes;
}

void WriteBackBuffer::Clear() {
  changes_ = {};
  index_ = {};
  bytes_ = 0;
  lent_ = nullptr;
}

}  // namespace ledger::projections
