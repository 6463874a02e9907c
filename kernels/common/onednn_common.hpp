#pragma once
// Shared pieces of the oneDNN backend: one CPU engine and stream, dtype mapping, and moving
// data between the user's layout and the format a primitive chose ("any"), outside timing.
#include <oneapi/dnnl/dnnl.hpp>

#include "kernels/common/problem.hpp"

namespace ccb::onednn {

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};
Context& context();

inline dnnl::memory::data_type dt(Elem e) {
  using T = dnnl::memory::data_type;
  switch (e) {
    case Elem::f32: return T::f32;
    case Elem::bf16: return T::bf16;
    case Elem::s8: return T::s8;
    case Elem::s32: return T::s32;
    default: return T::undef;
  }
}

// A memory in the primitive's format: `user` itself when the formats agree, else a new
// memory filled from `user` by a reorder.
inline dnnl::memory in_format(const dnnl::memory& user, const dnnl::memory::desc& want) {
  if (user.get_desc() == want) return user;
  dnnl::memory m(want, context().engine);
  dnnl::reorder(user, m).execute(context().stream, const_cast<dnnl::memory&>(user), m);
  context().stream.wait();
  return m;
}

// Copies `from` into `to` (any formats) and waits.
inline void copy(dnnl::memory& from, dnnl::memory& to) {
  if (from.get_data_handle() == to.get_data_handle()) return;
  dnnl::reorder(from, to).execute(context().stream, from, to);
  context().stream.wait();
}

}  // namespace ccb::onednn
