// Reads what an adapter needs from a provider's JSON body (its id, type, timestamps) without
// building a document, and tells whether the body is JSON the ledger can store as a payload.
//
// Two grammars matter. RFC 8259's grammar allows any \uXXXX escape, so a body with a lone
// UTF-16 surrogate ("\ud800") or "\u0000" is JSON that providers may send and sign; the
// ledger's payload rules (engine/event_validation.h) refuse lone surrogates, and PostgreSQL's
// jsonb refuses both. Inspection accepts the first grammar (so an authenticated event is never
// dropped) and reports whether the body also meets the second.
#ifndef LEDGER_ADAPTERS_HTTP_WEBHOOK_JSON_INSPECT_H_
#define LEDGER_ADAPTERS_HTTP_WEBHOOK_JSON_INSPECT_H_

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::webhook {

struct JsonField {
  enum class Kind { kString, kNumber, kBool, kNull, kObject, kArray };
  Kind kind = Kind::kNull;
  // kString: the unescaped value (lone surrogates read as U+FFFD); kNumber: the number as
  // written; kBool: "true" or "false"; otherwise empty.
  std::string text;
};

struct InspectedJson {
  // The body is strict RFC 8259 JSON in valid UTF-8 without lone surrogate escapes: what
  // NormalizePayload accepts, depth aside.
  bool strictly_valid = false;
  std::string strict_error;  // why not, when !strictly_valid
  bool root_is_object = false;
  std::size_t max_depth = 0;  // nesting depth: 1 for {"a":1}, 2 for {"a":{}}
  // The wanted fields that are present, by path ("id", "resource.id"). When a key repeats,
  // the last occurrence wins, as in JavaScript's JSON.parse and PostgreSQL's jsonb.
  std::map<std::string, JsonField, std::less<>> fields;

  const JsonField* Find(std::string_view path) const;
  // The field's text if it is a string, else nullptr.
  const std::string* FindString(std::string_view path) const;
};

// Parses `json` as one JSON document and collects the fields named by `paths` (one key, or two
// joined by '.', for a key of a top-level object member). Invalid UTF-8 and lone surrogates
// are tolerated (strictly_valid = false); anything else that is not JSON (empty, truncated,
// trailing bytes) is InvalidArgument naming the byte offset. Thread-safe.
Result<InspectedJson> InspectJson(std::string_view json, std::span<const std::string_view> paths);

struct EscapeScan {
  bool has_nul = false;             // a "\u0000" escape
  bool has_lone_surrogate = false;  // a \uD800-\uDFFF escape not part of a valid pair
};

// Scans the \u escapes of a JSON text. Backslashes occur only inside strings in JSON, so no
// string tracking is needed; on text that is not JSON the answer is meaningless but safe.
EscapeScan ScanEscapes(std::string_view json);

// A copy of `json` in which every lone surrogate escape is replaced by "\ufffd" (same length).
std::string ReplaceLoneSurrogates(std::string_view json);

}  // namespace ledger::webhook

#endif  // LEDGER_ADAPTERS_HTTP_WEBHOOK_JSON_INSPECT_H_
