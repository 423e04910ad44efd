#include "adapters/webhook/signature_verdict.h"

namespace ledger::webhook {

std::string_view SignatureVerdictName(SignatureVerdict verdict) {
  switch (verdict) {
    case SignatureVerdict::kValid:
      return "valid";
    case SignatureVerdict::kMissing:
      return "missing";
    case SignatureVerdict::kMalformed:
      return "malformed";
    case SignatureVerdict::kStale:
      return "stale";
    case SignatureVerdict::kFuture:
      return "future";
    case SignatureVerdict::kMismatch:
      return "mismatch";
    case SignatureVerdict::kNotConfigured:
      return "not_configured";
  }
  return "unknown";
}

}  // namespace ledger::webhook
