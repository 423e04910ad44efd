// NamedType<T, Tag>: a distinct type around a plain value, so that a stream version can never
// be passed where a global position is expected. Comparison is the underlying value's.
#ifndef LEDGER_ENGINE_NAMED_TYPE_H_
#define LEDGER_ENGINE_NAMED_TYPE_H_

#include <compare>
#include <cstddef>
#include <functional>
#include <utility>

namespace ledger {

template <typename T, typename Tag>
class NamedType {
 public:
  using ValueType = T;

  constexpr NamedType() = default;
  constexpr explicit NamedType(T value) : value_(std::move(value)) {}

  constexpr const T& value() const { return value_; }

  friend constexpr auto operator<=>(const NamedType&, const NamedType&) = default;
  friend constexpr bool operator==(const NamedType&, const NamedType&) = default;

 private:
  T value_{};
};

}  // namespace ledger

template <typename T, typename Tag>
struct std::hash<ledger::NamedType<T, Tag>> {
  std::size_t operator()(const ledger::NamedType<T, Tag>& v) const noexcept {
    return std::hash<T>{}(v.value());
  }
};

#endif  // LEDGER_ENGINE_NAMED_TYPE_H_
