#include "projections/orders/provider_event_fields.h"

#include <simdjson.h>

#include <cstdint>
#include <limits>

#include "engine/time.h"

namespace ledger::projections::orders {

namespace {

namespace od = simdjson::ondemand;

// Calls visit(key, value) for each member of `object`, in order, with its key unescaped;
// false on a parse error or when `visit` returns false. Members `visit` leaves unread are
// skipped by the parser.
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

// EachMember of `value` if it is an object; nothing (true) otherwise.
template <typename Visit>
bool EachMemberIfObject(od::value& value, Visit visit) {
  od::object object;
  if (value.get_object().get(object)) return true;
  return EachMember(object, visit);
}

// The value's text, or nullopt when it is not a string (null included). A type error
// consumes nothing: the value may still be read as another type.
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

// Visits, through `visit`, each member named `name` of `value` (if it is an object), with
// `found` reset first: the last member of the name counts, as in a tree of the payload, so a
// later "data" without an "object" leaves nothing found.
template <typename Visit>
bool EachNamed(od::value& value, std::string_view name, std::optional<std::string>& found,
               Visit visit) {
  return EachMemberIfObject(value, [&](std::string_view key, od::value& member) {
    if (key != name) return true;
    found.reset();
    return visit(member);
  });
}

// Stripe's body: data.object.id.
bool ReadStripeObjectId(od::value& body, std::optional<std::string>& id) {
  return EachNamed(body, "data", id, [&](od::value& data) {
    return EachNamed(data, "object", id, [&](od::value& object) {
      return EachNamed(object, "id", id, [&](od::value& value) {
        id = StringOf(value);
        return true;
      });
    });
  });
}

// Printify's body: resource.id, a string or (shops) an integer.
bool ReadPrintifyResourceId(od::value& body, std::optional<std::string>& id) {
  return EachNamed(body, "resource", id, [&](od::value& resource) {
    return EachNamed(resource, "id", id, [&](od::value& value) {
      id = StringOf(value);
      if (!id) {
        if (std::optional<std::int64_t> number = IntOf(value)) id = std::to_string(*number);
      }
      return true;
    });
  });
}

// The fields of a parsed payload, or nullopt on a parse error.
std::optional<ProviderEventFields> ReadFields(Provider provider, od::document& document) {
  ProviderEventFields out;
  std::optional<std::int64_t> created;        // Stripe
  std::optional<std::string> created_at;      // Printify
  std::optional<std::string> resource_id;     // Printify, when the body has no resource id
  std::optional<std::string> body_id;
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
      return provider == Provider::kStripe ? ReadStripeObjectId(value, body_id)
                                           : ReadPrintifyResourceId(value, body_id);
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

ProviderEventFields Read(Provider provider, od::parser& parser, std::string& padded,
                         std::string_view payload) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end.
  padded.assign(payload);
  padded.reserve(payload.size() + simdjson::SIMDJSON_PADDING);
  od::document document;
  if (parser.iterate(padded.data(), payload.size(), padded.capacity()).get(document)) {
    return ProviderEventFields{};
  }
  return ReadFields(provider, document).value_or(ProviderEventFields{});
}

}  // namespace

ProviderEventFields ReadProviderEventFields(Provider provider, std::string_view payload) {
  // A parser and a padded copy per thread, reused, for the usual payloads of a few KB; a large
  // one (up to the store's 4 MiB) gets its own, so that no thread keeps its size for good.
  constexpr std::size_t kReusedUpTo = 64 << 10;
  if (payload.size() > kReusedUpTo) {
    od::parser parser;
    std::string padded;
    return Read(provider, parser, padded, payload);
  }
  thread_local od::parser parser;
  thread_local std::string padded;
  return Read(provider, parser, padded, payload);
}

}  // namespace ledger::projections::orders
