#include "replay/sealer.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "replay/seal_stream.h"

namespace ledger::replay {
namespace {

constexpr int kConflictRetries = 3;

bool IsSealStreamEvent(const RecordedEvent& event) {
  return event.stream_id.value() == kSealStream;
}

// Sleeps for `duration` or until `stop` is requested.
void SleepFor(const std::stop_token& stop, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, duration, [] { return false; });
}

// A seal the sealer resumes from must be one a sealing key made. Its own key's seals are
// checked against that key; seals of an earlier key (rotation) against the key they name,
// which at least shows the payload was not edited since (the verifier checks it against the
// keys an auditor trusts).
Status CheckResumeSeal(const RecordedEvent& event, const SealKey& key, Seal& seal) {
  Result<Seal> parsed = SealFromEvent(event);
  if (!parsed.ok()) return DataLoss("the last seal is damaged: " + parsed.status().message());
  seal = std::move(*parsed);
  bool signed_well = false;
  if (seal.key_id == key.id()) {
    signed_well = SealSignedBy(seal, key);
  } else if (Result<SealKey> named = SealKey::FromPublicKey(seal.public_key); named.ok()) {
    signed_well = SealSignedBy(seal, *named);
  }
  if (!signed_well) {
    return DataLoss("the last seal (" + std::to_string(seal.number) + ", at position " +
                    std::to_string(event.global_position.value()) +
                    ") is not validly signed; run `ledger verify`");
  }
  return Status::Ok();
}

}  // namespace

Sealer::Sealer(EventStore& store, SealKey key, SealerOptions options)
    : store_(store), key_(std::move(key)), options_(std::move(options)) {}

Status Sealer::Load() {
  tip_ = ChainHead();
  sealed_ = ChainHead();
  seals_ = 0;
  unsealed_ = 0;
  first_unsealed_ = GlobalPosition(0);
  unsealed_xor_ = Sha256Digest{};
  unsealed_since_.reset();
  LEDGER_ASSIGN_OR_RETURN(std::optional<RecordedEvent> last, ReadLastSealEvent(store_));
  if (!last) return Status::Ok();
  Seal seal;
  LEDGER_RETURN_IF_ERROR(CheckResumeSeal(*last, key_, seal));
  seals_ = seal.number;
  sealed_.sequence = seal.last_sequence;
  sealed_.position = seal.last_position;
  sealed_.hash = seal.chain_hash;
  tip_ = sealed_;
  return Status::Ok();
}

bool Sealer::SealIsDue() const {
  if (unsealed_ == 0) return false;
  if (unsealed_ >= options_.events_per_seal) return true;
  auto age_micros = options_.clock->Now().value() - unsealed_since_->value();
  return age_micros >= std::chrono::microseconds(options_.max_unsealed_age).count();
}

Status Sealer::WriteSeal(std::vector<Seal>& written) {
  Seal seal;
  seal.number = seals_ + 1;
  seal.first_sequence = sealed_.sequence + 1;
  seal.last_sequence = tip_.sequence;
  seal.first_position = first_unsealed_;
  seal.last_position = tip_.position;
  seal.previous_chain_hash = sealed_.hash;
  seal.chain_hash = tip_.hash;
  seal.stream_hash_xor = unsealed_xor_;
  seal.sealed_at = options_.clock->Now();
  LEDGER_RETURN_IF_ERROR(SignSeal(key_, seal));

  AppendRequest request;
  request.stream = StreamId(std::string(kSealStream));
  // The compare-and-set that keeps seals from forking (see the header).
  request.expected = ExpectedVersion::Exact(StreamVersion(seals_));
  request.events.push_back(MakeSealEvent(seal));
  Result<AppendResult> appended = store_.Append(request);
  if (!appended.ok()) {
    if (appended.status().code() == StatusCode::kConflict) {
      return Conflict("another sealer wrote seal " + std::to_string(seal.number) + " first");
    }
    return appended.status().WithContext("appending seal " + std::to_string(seal.number));
  }
  seals_ = seal.number;
  sealed_ = tip_;
  unsealed_ = 0;
  unsealed_xor_ = Sha256Digest{};
  unsealed_since_.reset();
  written.push_back(std::move(seal));
  return Status::Ok();
}

Status Sealer::ChainEvents(const std::vector<RecordedEvent>& events, std::vector<Seal>& written) {
  for (const RecordedEvent& event : events) {
    tip_.Extend(event);
    ++chained_;
    XorInto(unsealed_xor_, event.stream_hash);
    if (tip_.sequence == sealed_.sequence + 1) first_unsealed_ = event.global_position;
    // Seal events are chained like any other, but never by themselves a reason to seal: a
    // seal of nothing but the previous seal would make an idle ledger seal forever.
    if (IsSealStreamEvent(event)) continue;
    if (unsealed_++ == 0) unsealed_since_ = options_.clock->Now();
    if (unsealed_ >= options_.events_per_seal) LEDGER_RETURN_IF_ERROR(WriteSeal(written));
  }
  if (options_.on_progress) options_.on_progress(chained_);
  return Status::Ok();
}

Status Sealer::RunToHead(std::vector<Seal>& written) {
  while (true) {
    Result<std::vector<RecordedEvent>> page = store_.ReadAll(tip_.position, options_.page_size);
    if (!page.ok()) {
      if (page.status().code() == StatusCode::kInvalidArgument &&
          sealed_.sequence > 0 && tip_.position == sealed_.position) {
        return DataLoss("the last seal's range ends at position " +
                        std::to_string(sealed_.position.value()) +
                        ", which the log no longer holds; run `ledger verify`");
      }
      return page.status();
    }
    if (page->empty()) break;
    LEDGER_RETURN_IF_ERROR(ChainEvents(*page, written));
  }
  if (unsealed_ > 0) return WriteSeal(written);
  return Status::Ok();
}

Result<SealerReport> Sealer::RunOnce() {
  std::vector<Seal> written;
  chained_ = 0;
  for (int attempt = 0;; ++attempt) {
    LEDGER_RETURN_IF_ERROR(Load());
    Status status = RunToHead(written);
    if (status.ok()) break;
    if (status.code() != StatusCode::kConflict || attempt == kConflictRetries) return status;
  }
  return Report(std::move(written));
}

SealerReport Sealer::Report(std::vector<Seal> written) const {
  SealerReport report;
  report.written = std::move(written);
  report.head = tip_;
  report.sealed = sealed_;
  report.seals = seals_;
  report.chained = chained_;
  return report;
}

Status Sealer::Follow(const std::stop_token& stop, Lease* lease) {
  chained_ = 0;
  LEDGER_RETURN_IF_ERROR(Load());
  std::vector<Seal> written;  // Follow reports nothing; the log has them
  while (!stop.stop_requested()) {
    if (lease != nullptr && !lease->Held()) return FailedPrecondition("lost the sealer's lease");
    written.clear();
    Result<std::vector<RecordedEvent>> page = store_.ReadAll(tip_.position, options_.page_size);
    if (!page.ok()) return page.status();
    Status status = ChainEvents(*page, written);
    if (status.ok() && SealIsDue()) status = WriteSeal(written);
    if (status.code() == StatusCode::kConflict) {
      // Someone else sealed (a `ledger seal` run): continue from their seal.
      LEDGER_RETURN_IF_ERROR(Load());
      continue;
    }
    LEDGER_RETURN_IF_ERROR(status);
    if (page->size() == options_.page_size) continue;  // more to read right away

    std::chrono::milliseconds wait = options_.poll_interval;
    if (unsealed_ > 0) {
      auto age =
          std::chrono::microseconds(options_.clock->Now().value() - unsealed_since_->value());
      auto due =
          options_.max_unsealed_age - std::chrono::duration_cast<std::chrono::milliseconds>(age);
      wait = std::clamp(due, std::chrono::milliseconds(1), wait);
    }
    LEDGER_RETURN_IF_ERROR(store_.WaitForEvents(tip_.position, wait));
  }
  return Status::Ok();
}

void Sealer::Lead(LeaderElector& leadership, const std::stop_token& stop) {
  auto report = [this](const Status& status) {
    if (!status.ok() && options_.on_error) options_.on_error(status);
  };
  while (!stop.stop_requested()) {
    Result<std::unique_ptr<Lease>> lease = leadership.TryLead(kSealerLeaseName);
    if (!lease.ok()) {
      report(lease.status());
    } else if (*lease != nullptr) {
      report(Follow(stop, lease->get()));
    }
    SleepFor(stop, options_.lead_retry);
  }
}

}  // namespace ledger::replay
