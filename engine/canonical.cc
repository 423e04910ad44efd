#include "engine/canonical.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace ledger {
namespace {

void PutU64(std::uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutU32(std::uint32_t v, std::string& out) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void PutString(std::string_view s, std::string& out) {
  // Validation caps every field far below 4 GiB; a longer one would make the encoding
  // ambiguous, so it is a bug, not an input error.
  if (s.size() > UINT32_MAX) {
    std::fprintf(stderr, "ledger: fatal: canonical field over 4 GiB\n");
    std::abort();
  }
  PutU32(static_cast<std::uint32_t>(s.size()), out);
  out.append(s);
}

}  // namespace

void AppendCanonicalEventBytes(const RecordedEvent& e, std::string& out) {
  out.append("ledger.event.v1");
  PutString(e.stream_id.value(), out);
  PutU64(e.stream_version.value(), out);
  out.append(reinterpret_cast<const char*>(e.event_id.bytes().data()), e.event_id.bytes().size());
  PutString(e.event_type, out);
  PutU32(e.schema_version, out);
  PutString(e.tenant.value(), out);
  PutU64(static_cast<std::uint64_t>(e.recorded_at.value()), out);
  PutString(e.metadata.correlation_id, out);
  PutString(e.metadata.causation_id, out);
  PutString(e.metadata.actor, out);
  PutString(e.metadata.source, out);
  PutString(e.payload, out);
  out.push_back(e.raw_body.has_value() ? '\1' : '\0');
  if (e.raw_body) PutString(*e.raw_body, out);
}

Sha256Digest ChainStreamHash(const Sha256Digest& previous, const RecordedEvent& e) {
  std::string bytes;
  bytes.reserve(128 + e.payload.size() + (e.raw_body ? e.raw_body->size() : 0));
  AppendCanonicalEventBytes(e, bytes);
  Sha256 h;
  h.Update(previous);
  h.Update(bytes);
  return h.Finish();
}

}  // namespace ledger
