#include "commands/canary/canary_snapshot.h"

#include <cereal/archives/portable_binary.hpp>
#include <sstream>

namespace ledger::commands {
namespace {

// Strings longer than any the commands accept (routes and probe ids are at most 200 bytes)
// are refused while loading, before anything is allocated for them: a garbage length must
// not ask for gigabytes. For the same reason the probe id list is bounded by
// kRememberedProbeIds. (cereal's own string and deque loaders resize first, so they are not
// used here.)
constexpr std::uint64_t kMaxStoredStringBytes = 4096;

template <class Archive>
void SaveString(Archive& archive, const std::string& text) {
  archive(static_cast<std::uint64_t>(text.size()));
  archive(cereal::binary_data(text.data(), text.size()));
}

// Booleans travel as one byte, 0 or 1; any other value is not ours (and reading it straight
// into a bool would be undefined).
template <class Archive>
bool LoadBool(Archive& archive) {
  std::uint8_t b = 2;
  archive(b);
  if (b > 1) throw cereal::Exception("a boolean that is neither 0 nor 1");
  return b == 1;
}

template <class Archive>
std::string LoadString(Archive& archive) {
  std::uint64_t size = 0;
  archive(size);
  if (size > kMaxStoredStringBytes) throw cereal::Exception("string longer than any stored");
  std::string text(static_cast<std::size_t>(size), '\0');
  archive(cereal::binary_data(text.data(), text.size()));
  return text;
}

}  // namespace

// cereal calls these with the class version stored in the archive; kCanaryStateVersion is
// registered below, and RestoreCanarySnapshot refuses any other before cereal sees the bytes.
// The archive writes fixed-size little-endian integers whatever the host. Field order is the
// format: changing it needs a new kCanaryStateVersion.
template <class Archive>
void save(Archive& archive, const CanaryState& state, std::uint32_t /*version*/) {
  archive(static_cast<std::uint8_t>(state.exists));
  SaveString(archive, state.route);
  archive(state.v2_weight, static_cast<std::uint8_t>(state.v2_ready),
          state.settings.failure_threshold, state.settings.step, state.consecutive_failures);
  archive(static_cast<std::uint64_t>(state.recent_probe_ids.size()));
  for (const std::string& id : state.recent_probe_ids) SaveString(archive, id);
}

template <class Archive>
void load(Archive& archive, CanaryState& state, std::uint32_t /*version*/) {
  state.exists = LoadBool(archive);
  state.route = LoadString(archive);
  archive(state.v2_weight);
  state.v2_ready = LoadBool(archive);
  archive(state.settings.failure_threshold, state.settings.step, state.consecutive_failures);
  std::uint64_t ids = 0;
  archive(ids);
  if (ids > kRememberedProbeIds) throw cereal::Exception("more probe ids than are remembered");
  for (std::uint64_t i = 0; i < ids; ++i) state.recent_probe_ids.push_back(LoadString(archive));
}

}  // namespace ledger::commands

CEREAL_CLASS_VERSION(ledger::commands::CanaryState, ledger::commands::kCanaryStateVersion);

namespace ledger::commands {
namespace {

// Ranges every folded state keeps; bytes that decode to anything else were not written by
// TakeCanarySnapshot. (Deliberately no stricter: a stream may hold odd but real history,
// and a snapshot of it must restore, or it would be refused and replaced forever.)
bool Plausible(const CanaryState& s) {
  return s.v2_weight >= 0 && s.v2_weight <= 100 && s.consecutive_failures >= 0 &&
         s.recent_probe_ids.size() <= kRememberedProbeIds;
}

}  // namespace

std::string SerializeCanaryState(const CanaryState& state) {
  std::ostringstream bytes;
  {
    cereal::PortableBinaryOutputArchive archive(bytes);
    archive(state);
  }
  return bytes.str();
}

Snapshot TakeCanarySnapshot(const StreamId& stream, StreamVersion version, const TenantId& tenant,
                            const CanaryState& state, Timestamp taken_at) {
  Snapshot s;
  s.stream = stream;
  s.aggregate = std::string(kCanaryAggregate);
  s.stream_version = version;
  s.state_version = kCanaryStateVersion;
  s.tenant = tenant;
  s.bytes = SerializeCanaryState(state);
  s.taken_at = taken_at;
  return s;
}

std::optional<CanaryState> RestoreCanarySnapshot(const Snapshot& snapshot) {
  if (snapshot.aggregate != kCanaryAggregate || snapshot.state_version != kCanaryStateVersion) {
    return std::nullopt;
  }
  std::istringstream bytes(snapshot.bytes);
  CanaryState state;
  try {
    cereal::PortableBinaryInputArchive archive(bytes);
    archive(state);
  } catch (const cereal::Exception&) {
    return std::nullopt;  // truncated or not ours: fold the stream instead
  }
  // Every byte must have been read: trailing bytes mean another shape under the same version.
  if (bytes.peek() != std::char_traits<char>::eof()) return std::nullopt;
  if (!Plausible(state)) return std::nullopt;
  return state;
}

}  // namespace ledger::commands
