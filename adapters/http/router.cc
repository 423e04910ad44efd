#include "adapters/http/router.h"

#include <optional>

namespace ledger::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  Route route{std::move(method), std::move(pattern), {}, 0, std::move(handler)};
  for (std::string_view segment : SplitPath(route.pattern)) {
    route.segments.emplace_back(segment);
    if (!IsParameter(segment)) ++route.literals;
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  const std::vector<std::string_view> segments = SplitPath(path);
  const Route* best = nullptr;
  std::map<std::string, std::string> best_params;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& want = route.segments[i];
      if (!IsParameter(want)) {
        matches = want == segments[i];
        continue;
      }
      std::optional<std::string> value = PercentDecode(segments[i]);
      matches = value.has_value() && !value->empty();
      if (matches) params[want.substr(1, want.size() - 2)] = std::move(*value);
    }
    if (!matches) continue;
    if (route.method != method) {
      match.status = 405;
      match.allow += (match.allow.empty() ? "" : ", ") + route.method;
      continue;
    }
    if (best == nullptr || route.literals > best->literals) {
      best = &route;
      best_params = std::move(params);
    }
  }
  if (best != nullptr) {
    match.handler = &best->handler;
    match.status = 200;
    match.allow.clear();
    match.pattern = best->pattern;
    match.params = std::move(best_params);
  }
  return match;
}

std::string_view Router::RouteLabel(std::string_view method, std::string_view path) const {
  Match match = Find(method, path);
  return match.handler != nullptr ? match.pattern : "unmatched";
}

}  // namespace ledger::http
