#include "engine/expected_version.h"

#include <charconv>

namespace ledger {

Result<ExpectedVersion> ExpectedVersion::Parse(std::string_view text) {
  if (text == "any") return Any();
  if (text == "no_stream") return NoStream();
  if (text == "stream_exists") return StreamExists();
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("expected version must be any, no_stream, stream_exists or a "
                           "non-negative integer, got \"" + std::string(text.substr(0, 32)) + "\"");
  }
  return Exact(StreamVersion(v));
}

Status ExpectedVersion::Check(const StreamId& stream, StreamVersion current) const {
  bool ok = false;
  switch (kind_) {
    case Kind::kAny:
      ok = true;
      break;
    case Kind::kNoStream:
      ok = current.value() == 0;
      break;
    case Kind::kStreamExists:
      ok = current.value() > 0;
      break;
    case Kind::kExact:
      ok = current.value() == version_;
      break;
  }
  if (ok) return Status::Ok();
  std::string where = current.value() == 0 ? "does not exist"
                                           : "is at version " + std::to_string(current.value());
  return Conflict("stream " + stream.value() + " " + where + ", expected " + ToString());
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kStreamExists:
      return "stream_exists";
    case Kind::kExact:
      return "version " + std::to_string(version_);
  }
  return "?";
}

}  // namespace ledger
