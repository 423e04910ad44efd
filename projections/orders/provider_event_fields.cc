#include "projections/orders/provider_event_fields.h"

#include <simdjson.h>

#include <cstdint>
#include <limits>

#include "engine/time.h"

namespace ledger::projections::orders {

namespace {

namespace od = simdjson::ondemand;

// Calls visit(key, value) for each member of `object`, in order; false on a parse error.
// Members `visit` leaves unread are skipped by the parser.
template <typename Visit>
bool EachMember(od::object object, Visit visit) {
  for (auto member : object) {
    od::field field;
    std::string_view key;
    if (std::move(member).get(field) || field.unescaped_key().get(key)) return false;
    if (!visit(key, field.value())) return false;
  }
  return true;
}

// The member's text, or nullopt when it is not a string (null included).
std::optional<std::string> StringOf(od::value& value) {
  std::string_view text;
  if (value.get_string().get(text)) return std::nullopt;
  return std::string(text);
}

// As PayloadReader::Int: an integer within int64; a float or a larger number is absent.
std::optional<std::int64_t> IntOf(od::value& value) {
  std::int64_t number = 0;
  if (value.get_int64().get(number)) return std::nullopt;
  return number;
}

// The member `name` of `value` if it is an object, through `visit`; members named alike
// count last. Returns false on a parse error.
template <typename Visit>
bool InObject(od::value& value, Visit visit) {
  od::object object;
  if (value.get_object().get(object)) return true;  // not an object: nothing in it
  return EachMember(object, visit);
}

// ParseFields, or nullopt on a parse error (the payload then reads as empty).
std::optional<ProviderEventFields> ParseFields(Provider provider, od::document& document) {
  ProviderEventFields out;
  std::optional<std::int64_t> created;
  std::optional<std::string> created_at;
  std::optional<std::string> resource_id;
  std::optional<std::string> body_id;  // body.data.object.id / body.resource.id
  od::object root;
  if (document.get_object().get(root)) return ProviderEventFields{};
  bool parsed = EachMember(root, [&](std::string_view key, od::value& value) {
    if (key == "provider_event_id") {
      out.provider_event_id = StringOf(value);
    } else if (key == "type") {
      out.type = StringOf(value);
    } else if (key == "parse_error") {
      out.parse_error = StringOf(value);
    } else if (key == "created") {
      created = IntOf(value);
    } else if (key == "created_at") {
      created_at = StringOf(value);
    } else if (key == "resource_id") {
      resource_id = StringOf(value);
    } else if (key == "body") {
      body_id.reset();
      if (provider == Provider::kStripe) {
        return InObject(value, [&](std::string_view k, od::value& data) {
          if (k != "data") return true;
          body_id.reset();
          return InObject(data, [&](std::string_view k2, od::value& object) {
            if (k2 != "object") return true;
            body_id.reset();
            return InObject(object, [&](std::string_view k3, od::value& id) {
              if (k3 == "id") body_id = StringOf(id);
              return true;
            });
          });
        });
      }
      return InObject(value, [&](std::string_view k, od::value& resource) {
        if (k != "resource") return true;
        body_id.reset();
        return InObject(resource, [&](std::string_view k2, od::value& id) {
          if (k2 != "id") return true;
          body_id = StringOf(id);
          if (!body_id) {
            if (std::optional<std::int64_t> number = IntOf(id)) body_id = std::to_string(*number);
          }
          return true;
        });
      });
    }
    return true;
  });
  if (!parsed) return std::nullopt;
  if (provider == Provider::kStripe) {
    constexpr std::int64_t kMicrosPerSecond = 1'000'000;
    constexpr std::int64_t kLimit = std::numeric_limits<std::int64_t>::max() / kMicrosPerSecond;
    // Beyond ±292,000 years the microseconds would overflow: absent, as any unreadable field.
    if (created && *created <= kLimit && *created >= -kLimit) {
      out.created_at = Timestamp(*created * kMicrosPerSecond);
    }
    out.object_id = std::move(body_id);
  } else {
    if (created_at) {
      if (Result<Timestamp> t = ParseRfc3339(*created_at); t.ok()) out.created_at = *t;
    }
    out.object_id = body_id ? std::move(body_id) : std::move(resource_id);
  }
  return out;
}

}  // namespace

ProviderEventFields ReadProviderEventFields(Provider provider, std::string_view payload) {
  // One parser and one padded copy per thread, reused: simdjson reads up to
  // SIMDJSON_PADDING bytes past the end.
  thread_local od::parser parser;
  thread_local std::string padded;
  padded.assign(payload);
  padded.reserve(payload.size() + simdjson::SIMDJSON_PADDING);
  od::document document;
  if (parser.iterate(padded.data(), payload.size(), padded.capacity()).get(document)) {
    return ProviderEventFields{};
  }
  return ParseFields(provider, document).value_or(ProviderEventFields{});
}

}  // namespace ledger::projections::orders
