#include "harness/rating.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ccb {
namespace {

struct Figure {
  double flops = 0;
  json detail = json::array();
};

// The largest theoretical peak per device among the basis' precisions, summed over devices.
Figure spec_peak(const RatingBasis& b, const PeakModel& peaks) {
  Figure f;
  for (const auto& dev : peaks.devices()) {
    const PrecisionPeak* best = nullptr;
    for (const auto& p : b.spec_precisions)
      if (const auto* pp = dev.find(p);
          pp && pp->theoretical_nominal && (!best || *pp->theoretical_nominal > *best->theoretical_nominal))
        best = pp;
    if (!best) continue;
    f.flops += *best->theoretical_nominal;
    f.detail.push_back(json{{"device", dev.device},
                            {"precision", best->precision},
                            {"flops", *best->theoretical_nominal},
                            {"formula", best->formula},
                            {"certainty", best->certainty}});
  }
  return f;
}

// The best passed result of `kernel` per device on the basis' dtypes, by `rate` (a GEMM's
// median; HPL's best run, which is Rmax).
std::vector<std::pair<std::string, const Result*>> best_per_device(const RatingBasis& b, const std::vector<Result>& results,
                                                                   const std::string& kernel, double Rate::*rate) {
  std::vector<std::pair<std::string, const Result*>> best;
  for (const auto& r : results) {
    if (r.kernel != kernel || r.status != Status::passed || !r.rate()) continue;
    if (std::find(b.sustained_dtypes.begin(), b.sustained_dtypes.end(), r.dtype) == b.sustained_dtypes.end())
      continue;
    auto it = std::find_if(best.begin(), best.end(), [&](const auto& e) { return e.first == r.device; });
    if (it == best.end())
      best.emplace_back(r.device, &r);
    else if ((*r.rate()).*rate > (*it->second->rate()).*rate)
      it->second = &r;
  }
  return best;
}

// Per device, summed over devices: Rmax where a passed HPL ran on the device (the best HPL run,
// as TOP500 counts it), else the best passed GEMM (the proxy, which then stays beside it).
Figure sustained(const RatingBasis& b, const std::vector<Result>& results) {
  const auto gemm = best_per_device(b, results, "gemm", &Rate::median);
  const auto hpl = best_per_device(b, results, "hpl", &Rate::best);
  Figure f;
  for (const auto& [device, r] : hpl) {
    f.flops += r->rate()->best * 1e9;
    json d{{"device", device}, {"result", r->name()}, {"flops", r->rate()->best * 1e9}, {"measure", "hpl"}};
    if (const auto g = std::find_if(gemm.begin(), gemm.end(), [&](const auto& e) { return e.first == device; });
        g != gemm.end())
      d["gemm_proxy"] = json{{"result", g->second->name()}, {"flops", g->second->rate()->median * 1e9}};
    f.detail.push_back(std::move(d));
  }
  for (const auto& [device, r] : gemm) {
    if (std::any_of(hpl.begin(), hpl.end(), [&](const auto& e) { return e.first == device; })) continue;
    f.detail.push_back(json{{"device", device}, {"result", r->name()}, {"flops", r->rate()->median * 1e9}, {"measure", "gemm"}});
    f.flops += r->rate()->median * 1e9;
  }
  return f;
}

}  // namespace

json node_ratings(const std::vector<RatingBasis>& bases, const PeakModel& peaks,
                  const std::vector<Result>& results) {
  json out = json::object();
  for (const auto& b : bases) {
    const Figure spec = spec_peak(b, peaks), sus = sustained(b, results);
    json missing = json::array();
    if (spec.detail.empty()) missing.push_back(fmt::format("no {} peak known for any device of this node", b.label()));
    if (sus.detail.empty()) missing.push_back(fmt::format("no passed {} GEMM or HPL in this result", b.label()));
    out[b.id] = json{{"title", b.title},
                     {"unit", b.unit},
                     {"spec_peak_flops", spec.detail.empty() ? json(nullptr) : json(spec.flops)},
                     {"sustained_flops", sus.detail.empty() ? json(nullptr) : json(sus.flops)},
                     {"spec_detail", spec.detail},
                     {"sustained_detail", sus.detail},
                     {"missing", missing}};
  }
  return out;
}

}  // namespace ccb
