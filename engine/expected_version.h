// ExpectedVersion: the optimistic-concurrency condition of an append.
#ifndef LEDGER_ENGINE_EXPECTED_VERSION_H_
#define LEDGER_ENGINE_EXPECTED_VERSION_H_

#include <string>
#include <string_view>

#include "engine/ids.h"
#include "engine/result.h"

namespace ledger {

class ExpectedVersion {
 public:
  enum class Kind { kAny, kNoStream, kStreamExists, kExact };

  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  static ExpectedVersion StreamExists() { return ExpectedVersion(Kind::kStreamExists, 0); }
  // Exact(StreamVersion(0)) is the same condition as NoStream().
  static ExpectedVersion Exact(StreamVersion v) { return ExpectedVersion(Kind::kExact, v.value()); }

  // "any", "no_stream", "stream_exists" or a non-negative integer.
  static Result<ExpectedVersion> Parse(std::string_view text);

  Kind kind() const { return kind_; }
  StreamVersion version() const { return StreamVersion(version_); }
  // Whether only a stream with no events satisfies this: NoStream() or Exact(0).
  bool AdmitsOnlyNewStream() const {
    return kind_ == Kind::kNoStream || (kind_ == Kind::kExact && version_ == 0);
  }

  // OK if a stream currently at `current` (0 = no events) satisfies this condition,
  // otherwise Conflict naming the stream, where it is and what was expected.
  Status Check(const StreamId& stream, StreamVersion current) const;

  std::string ToString() const;

  friend bool operator==(const ExpectedVersion&, const ExpectedVersion&) = default;

 private:
  ExpectedVersion(Kind kind, std::uint64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  std::uint64_t version_;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_EXPECTED_VERSION_H_
