#include "common/apportion.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace bg {

__extension__ using Int128 = __int128;  // products of two 64-bit amounts

std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights) {
  const int64_t sum = std::accumulate(weights.begin(), weights.end(), int64_t{0});
  std::vector<int64_t> out(weights.size(), 0);
  if (sum == 0 || total == 0) return out;
  std::vector<std::pair<Int128, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Int128 product = static_cast<Int128>(total) * weights[i];
    out[i] = static_cast<int64_t>(product / sum);
    given += out[i];
    remainders.push_back({product % sum, i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < total && k < remainders.size(); ++k) {
    ++out[remainders[k].second];
    ++given;
  }
  return out;
}

}  // namespace bg
