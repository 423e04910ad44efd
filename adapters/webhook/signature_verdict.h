// The outcome of checking a provider's webhook signature. Every verdict but kValid is
// answered 401 and counted by reason in the metrics; none of them is an error of the server.
#ifndef LEDGER_ADAPTERS_HTTP_WEBHOOK_SIGNATURE_VERDICT_H_
#define LEDGER_ADAPTERS_HTTP_WEBHOOK_SIGNATURE_VERDICT_H_

#include <string>
#include <string_view>

namespace ledger::webhook {

enum class SignatureVerdict {
  kValid,
  kMissing,        // no signature header, or an empty one
  kMalformed,      // the header does not follow the provider's grammar
  kStale,          // signed longer ago than the tolerance (replay protection)
  kFuture,         // signed further ahead than the tolerance (clock skew or forgery)
  kMismatch,       // well-formed, but no signature matches any configured secret
  kNotConfigured,  // the server holds no secret for this provider: nothing can verify
};

// "valid", "missing", "malformed", "stale", "future", "mismatch", "not_configured": stable
// names, used as a metrics label.
std::string_view SignatureVerdictName(SignatureVerdict verdict);

struct SignatureCheck {
  SignatureVerdict verdict = SignatureVerdict::kMismatch;
  std::string detail;  // for the 401 body and the log; never contains a secret

  bool ok() const { return verdict == SignatureVerdict::kValid; }
};

}  // namespace ledger::webhook

#endif  // LEDGER_ADAPTERS_HTTP_WEBHOOK_SIGNATURE_VERDICT_H_
