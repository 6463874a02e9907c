#include "kernels/common/problem.hpp"

#include <array>

#include <fmt/format.h>

namespace ccb {

WorkModel GemmProblem::work() const {
  const double es = static_cast<double>(size_of(dtype));
  const double md = static_cast<double>(m), nd = static_cast<double>(n),
               kd = static_cast<double>(k);
  WorkModel w;
  w.flops = 2.0 * md * nd * kd;
  w.bytes = (md * kd + kd * nd + md * nd) * es;
  w.bytes_actual = w.bytes;
  w.formula = "flops = 2*m*n*k; bytes = (m*k + k*n + m*n) * sizeof(dtype)";
  return w;
}

std::string GemmProblem::id() const {
  std::string s = fmt::format("gemm/{}/m{}n{}k{}", to_string(dtype), m, n, k);
  if (trans_a || trans_b) s += fmt::format("_{}{}", trans_a ? 't' : 'n', trans_b ? 't' : 'n');
  return s;
}

std::uint64_t GemmProblem::footprint_bytes() const {
  const auto um = static_cast<std::uint64_t>(m), un = static_cast<std::uint64_t>(n),
             uk = static_cast<std::uint64_t>(k);
  return (um * uk + uk * un + um * un) * size_of(dtype);
}

json GemmProblem::to_json() const {
  return json{{"m", m},
              {"n", n},
              {"k", k},
              {"trans_a", trans_a},
              {"trans_b", trans_b},
              {"dtype", to_string(dtype)},
              {"layout", "row-major"}};
}

namespace {
struct StreamOpInfo {
  StreamOp op;
  std::string_view name;
  int touched;
  int allocating;
  int flops_per_element;
  std::string_view expr;
};
constexpr std::array<StreamOpInfo, 7> kStreamOps{{
    {StreamOp::copy, "copy", 2, 1, 0, "c = a"},
    {StreamOp::scale, "scale", 2, 1, 1, "b = s*c"},
    {StreamOp::add, "add", 3, 1, 1, "c = a + b"},
    {StreamOp::triad, "triad", 3, 1, 2, "a = b + s*c"},
    {StreamOp::dot, "dot", 2, 0, 2, "sum(a*b)"},
    {StreamOp::copy_nt, "copy_nt", 2, 0, 0, "c = a (non-temporal stores)"},
    {StreamOp::triad_nt, "triad_nt", 3, 0, 2, "a = b + s*c (non-temporal stores)"},
}};
const StreamOpInfo& info(StreamOp op) {
  for (const auto& i : kStreamOps)
    if (i.op == op) return i;
  return kStreamOps[0];
}
}  // namespace

std::string_view to_string(StreamOp op) { return info(op).name; }

std::optional<StreamOp> parse_stream_op(std::string_view name) {
  for (const auto& i : kStreamOps)
    if (i.name == name) return i.op;
  return std::nullopt;
}

std::string_view stream_op_names() { return "copy, scale, add, triad, dot, copy_nt, triad_nt"; }
int stream_arrays_touched(StreamOp op) { return info(op).touched; }
int stream_arrays_allocating(StreamOp op) { return info(op).allocating; }

WorkModel StreamProblem::work() const {
  const auto& i = info(op);
  const double per_array = static_cast<double>(elements) * static_cast<double>(size_of(dtype));
  WorkModel w;
  w.flops = i.flops_per_element * static_cast<double>(elements);
  w.bytes = i.touched * per_array;
  w.bytes_actual = (i.touched + i.allocating) * per_array;
  w.formula = fmt::format("{}: bytes = {} arrays * n * sizeof(dtype); write-allocate adds {}",
                          i.expr, i.touched, i.allocating);
  return w;
}

std::string StreamProblem::id() const {
  return fmt::format("stream/{}/{}/n{}", to_string(dtype), to_string(op), elements);
}

std::uint64_t StreamProblem::footprint_bytes() const {
  return static_cast<std::uint64_t>(kArrays) * static_cast<std::uint64_t>(elements) *
         size_of(dtype);
}

json StreamProblem::to_json() const {
  return json{{"op", to_string(op)},
              {"elements", elements},
              {"dtype", to_string(dtype)},
              {"scalar", kScalar}};
}

WorkModel PeakProblem::work() const {
  WorkModel w;
  w.flops = 2.0 * static_cast<double>(fmas);
  w.formula = "flops = 2 * fmas (register-resident, no memory traffic)";
  return w;
}

std::string PeakProblem::id() const { return fmt::format("peak/cpu/{}", to_string(dtype)); }

json PeakProblem::to_json() const { return json{{"dtype", to_string(dtype)}, {"fmas", fmas}}; }

std::string_view kernel_name(const Problem& p) {
  constexpr std::string_view kNames[] = {"gemm", "stream", "peak"};
  return kNames[p.index()];
}
std::string_view kernel_names() { return "gemm, stream, peak"; }

WorkModel work_model(const Problem& p) {
  return std::visit([](const auto& x) { return x.work(); }, p);
}
std::string problem_id(const Problem& p) {
  return std::visit([](const auto& x) { return x.id(); }, p);
}
DType dtype_of(const Problem& p) {
  return std::visit([](const auto& x) { return x.dtype; }, p);
}
std::uint64_t footprint_bytes(const Problem& p) {
  return std::visit([](const auto& x) { return x.footprint_bytes(); }, p);
}
json problem_json(const Problem& p) {
  return std::visit([](const auto& x) { return x.to_json(); }, p);
}

}  // namespace ccb
