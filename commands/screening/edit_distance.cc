#include "commands/screening/edit_distance.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace ledger::commands::screening {

std::size_t BoundedOsaDistance(std::string_view a, std::string_view b, std::size_t max_distance) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  const std::size_t over =
      max_distance == std::numeric_limits<std::size_t>::max() ? max_distance : max_distance + 1;
  if ((n > m ? n - m : m - n) > max_distance) return over;
  // Three rows of the DP table: i-2, i-1 and i (transpositions look two rows back).
  std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  std::size_t previous_min = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    std::size_t row_min = current[0];
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, before[j - 2] + 1);
      }
      current[j] = d;
      row_min = std::min(row_min, d);
    }
    // Every later cell derives from row i or row i-1 (by transposition) and costs at least
    // as much: once both rows exceed the bound, so does the answer.
    if (row_min > max_distance && previous_min > max_distance) return over;
    previous_min = row_min;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], over);
}

std::size_t OsaDistance(std::string_view a, std::string_view b) {
  return BoundedOsaDistance(a, b, std::numeric_limits<std::size_t>::max());
}

std::size_t NearMissThreshold(std::size_t term_length) {
  if (term_length <= 4) return 0;
  if (term_length <= 8) return 1;
  if (term_length <= 12) return 2;
  return 3;
}

}  // namespace ledger::commands::screening
