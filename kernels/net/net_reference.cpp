// Interconnect validation: every received value against the gold value of the rank it came
// from (NetProblem::value; for pairs, each partner's message in the schedule's order), or for
// allreduce against the exact sum over all ranks. The values are integers below 2^53, so the
// comparison is exact.
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/validation.hpp"

namespace ccb {

Validation validate_net(const NetProblem& p, const HostView& view) {
  const HostArray& recv = view.get("recv");
  const double* got = recv.as<double>();
  const double* where = view.get("rank").as<double>();  // {rank, ranks}
  const int rank = static_cast<int>(where[0]), ranks = static_cast<int>(where[1]);
  Validation v;
  v.method = p.pattern == NetPattern::allreduce ? "exact-sum" : "gold-values";
  v.zero_fraction = zero_fraction(recv);
  v.mostly_zero = v.zero_fraction > kMostlyZeroFraction;
  v.tolerance = 0;
  // The rank each message came from, in the order they lie in recv (-1: the sum over all).
  std::vector<int> sources;
  if (p.pattern == NetPattern::pairs) {
    for (int partner : NetProblem::pair_schedule(rank, ranks))
      if (partner != rank) sources.push_back(partner);
  } else {
    sources.push_back(p.pattern == NetPattern::allreduce ? -1 : p.source(rank, ranks));
  }
  const auto per_message = static_cast<std::size_t>(p.bytes / 8);
  if (recv.count != per_message * sources.size()) {
    v.detail = fmt::format("{} values received where {} messages of {} were expected", recv.count, sources.size(), per_message);
    return v;
  }
  const double n = ranks;
  for (std::size_t i = 0; i < recv.count; ++i) {
    const auto k = static_cast<std::int64_t>(i % per_message);
    const int source = sources[i / per_message];
    const double want = source >= 0 ? NetProblem::value(source, k)
                                    : 1048576.0 * n * (n + 1) / 2 + n * static_cast<double>(k % 1048576);
    const double err = std::abs(got[i] - want) / want;
    if (err > v.max_error) {
      if (v.max_error == 0)
        v.detail = fmt::format("recv[{}] = {} where {} was expected ({})", i, got[i], want,
                               source >= 0 ? fmt::format("from rank {}", source) : std::string("the sum over all ranks"));
      v.max_error = err;
    }
  }
  v.checked = recv.count;
  v.ok = v.max_error <= v.tolerance;
  if (v.ok) v.detail.clear();
  return v;
}

}  // namespace ccb
