#pragma once
// The tensors of a convolution in the problem's (user) layout, filled with random data, and
// their host view for validation. Backends that compute in other formats reorder from these.
#include <cstdint>

#include "kernels/backend.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"

namespace ccb {

template <class TIn, class TOut>
struct ConvBuffers {
  explicit ConvBuffers(const ConvProblem& p)
      : src_count(static_cast<std::size_t>(p.n * p.c * p.h * p.w)),
        wei_count(static_cast<std::size_t>(p.k * (p.c / p.groups) * p.r * p.s)),
        dst_count(static_cast<std::size_t>(p.n * p.k * p.out_h() * p.out_w())),
        src(sizeof(TIn) * src_count),
        wei(sizeof(TIn) * wei_count),
        dst(sizeof(TOut) * dst_count) {
    const bool integer = std::is_integral_v<TIn>;
    fill_uniform(src.as<TIn>(), src_count, 21, integer ? -64.0 : -1.0, integer ? 64.0 : 1.0);
    fill_uniform(wei.as<TIn>(), wei_count, 22, integer ? -64.0 : -1.0, integer ? 64.0 : 1.0);
    auto* d = dst.as<TOut>();
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(dst_count); ++i) d[i] = TOut(7);  // a no-op must fail
  }
  HostView view(DType dtype) const {
    return HostView{{{"src", input_elem(dtype), src.as<TIn>(), src_count},
                     {"wei", input_elem(dtype), wei.as<TIn>(), wei_count},
                     {"dst", output_elem(dtype), dst.as<TOut>(), dst_count}},
                    std::nullopt};
  }

  std::size_t src_count, wei_count, dst_count;
  AlignedBuffer src, wei, dst;
};

}  // namespace ccb
