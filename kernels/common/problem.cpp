#include "kernels/common/problem.hpp"

#include <algorithm>
#include <cmath>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace ccb {

WorkModel GemmProblem::work() const {
  const double md = static_cast<double>(m), nd = static_cast<double>(n),
               kd = static_cast<double>(k);
  WorkModel w;
  w.flops = 2.0 * md * nd * kd;
  w.bytes = footprint_bytes();
  w.bytes_actual = w.bytes;
  w.formula = "flops = 2*m*n*k; bytes = (m*k + k*n) * sizeof(input) + m*n * sizeof(output)";
  return w;
}

std::string GemmProblem::id() const {
  std::string s = fmt::format("gemm/{}/m{}n{}k{}", to_string(dtype), m, n, k);
  if (trans_a || trans_b) s += fmt::format("_{}{}", trans_a ? 't' : 'n', trans_b ? 't' : 'n');
  return s;
}

double GemmProblem::footprint_bytes() const {
  const double md = static_cast<double>(m), nd = static_cast<double>(n), kd = static_cast<double>(k);
  return (md * kd + kd * nd) * static_cast<double>(size_of(input_elem(dtype))) +
         md * nd * static_cast<double>(size_of(output_elem(dtype)));
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
constexpr std::array<StreamOpInfo, 10> kStreamOps{{
    {StreamOp::copy, "copy", 2, 1, 0, "c = a"},
    {StreamOp::scale, "scale", 2, 1, 1, "b = s*c"},
    {StreamOp::add, "add", 3, 1, 1, "c = a + b"},
    {StreamOp::triad, "triad", 3, 1, 2, "a = b + s*c"},
    {StreamOp::dot, "dot", 2, 0, 2, "sum(a*b)"},
    {StreamOp::copy_nt, "copy_nt", 2, 0, 0, "c = a (non-temporal stores)"},
    {StreamOp::triad_nt, "triad_nt", 3, 0, 2, "a = b + s*c (non-temporal stores)"},
    // Accelerator links: bytes that cross the link once; a device-to-device copy reads and
    // writes device memory, so it counts two arrays as STREAM's copy does.
    {StreamOp::h2d, "h2d", 1, 0, 0, "c = a, pinned host to device"},
    {StreamOp::d2h, "d2h", 1, 0, 0, "c = a, device to pinned host"},
    {StreamOp::d2d, "d2d", 2, 0, 0, "c = a, device to device (cudaMemcpy)"},
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

std::string_view stream_op_names() { return "copy, scale, add, triad, dot, copy_nt, triad_nt, h2d, d2h, d2d"; }
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

double StreamProblem::footprint_bytes() const {
  return kArrays * static_cast<double>(elements) * static_cast<double>(size_of(dtype));
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

std::string PeakProblem::id() const { return fmt::format("peak/{}/{}", target, to_string(dtype)); }

json PeakProblem::to_json() const { return json{{"target", target}, {"dtype", to_string(dtype)}, {"fmas", fmas}}; }

std::string_view to_string(Layout l) { return l == Layout::nchw ? "nchw" : "nhwc"; }

std::int64_t ConvProblem::out_h() const {
  return (h + 2 * pad_h - ((r - 1) * (dil_h + 1) + 1)) / stride_h + 1;
}
std::int64_t ConvProblem::out_w() const {
  return (w + 2 * pad_w - ((s - 1) * (dil_w + 1) + 1)) / stride_w + 1;
}

std::string ConvProblem::check() const {
  for (auto [v, name] : {std::pair{n, "mb"}, {c, "ic"}, {h, "ih"}, {w, "iw"}, {k, "oc"}, {r, "kh"}, {s, "kw"},
                         {stride_h, "sh"}, {stride_w, "sw"}, {groups, "g"}})
    if (v <= 0) return fmt::format("{} must be positive, got {}", name, v);
  for (auto [v, name] : {std::pair{pad_h, "ph"}, {pad_w, "pw"}, {dil_h, "dh"}, {dil_w, "dw"}})
    if (v < 0) return fmt::format("{} must not be negative, got {}", name, v);
  constexpr std::int64_t kMax = 1 << 24;
  for (auto [v, name] : {std::pair{n, "mb"}, {c, "ic"}, {h, "ih"}, {w, "iw"}, {k, "oc"}, {r, "kh"}, {s, "kw"},
                         {stride_h, "sh"}, {stride_w, "sw"}, {pad_h, "ph"}, {pad_w, "pw"}, {dil_h, "dh"},
                         {dil_w, "dw"}, {groups, "g"}})
    if (v > kMax) return fmt::format("{}{} exceeds the largest supported dimension {}", name, v, kMax);
  if (c % groups != 0) return fmt::format("g{} does not divide ic{}", groups, c);
  if (k % groups != 0) return fmt::format("g{} does not divide oc{}", groups, k);
  const auto eh = h + 2 * pad_h - ((r - 1) * (dil_h + 1) + 1), ew = w + 2 * pad_w - ((s - 1) * (dil_w + 1) + 1);
  if (eh < 0 || ew < 0)
    return fmt::format("the output would be empty: the kernel ({}x{} with dilation) is larger than the padded input "
                       "({}x{})", (r - 1) * (dil_h + 1) + 1, (s - 1) * (dil_w + 1) + 1, h + 2 * pad_h, w + 2 * pad_w);
  return "";
}

WorkModel ConvProblem::work() const {
  const double p = static_cast<double>(out_h()), q = static_cast<double>(out_w());
  const double cg = static_cast<double>(c / groups);
  WorkModel m;
  m.flops = 2.0 * n * k * cg * r * s * p * q;
  m.bytes = (static_cast<double>(n) * c * h * w + static_cast<double>(k) * cg * r * s) * size_of(input_elem(dtype)) +
            static_cast<double>(n) * k * p * q * size_of(output_elem(dtype));
  m.bytes_actual = m.bytes;
  m.formula = "flops = 2*n*k*(c/groups)*r*s*p*q; bytes = src + weights + dst";
  return m;
}

std::string ConvProblem::descriptor() const {
  std::string d;
  if (groups != 1) d += fmt::format("g{}", groups);
  d += fmt::format("mb{}ic{}ih{}", n, c, h);
  if (w != h) d += fmt::format("iw{}", w);
  d += fmt::format("oc{}kh{}", k, r);
  if (s != r) d += fmt::format("kw{}", s);
  if (stride_h != 1) d += fmt::format("sh{}", stride_h);
  if (stride_w != stride_h) d += fmt::format("sw{}", stride_w);
  if (pad_h != 0) d += fmt::format("ph{}", pad_h);
  if (pad_w != pad_h) d += fmt::format("pw{}", pad_w);
  if (dil_h != 0) d += fmt::format("dh{}", dil_h);
  if (dil_w != dil_h) d += fmt::format("dw{}", dil_w);
  return d;
}

std::string ConvProblem::id() const {
  return fmt::format("conv/{}/{}{}", to_string(dtype), descriptor(), layout == Layout::nhwc ? "_nhwc" : "");
}

double ConvProblem::footprint_bytes() const { return work().bytes; }

json ConvProblem::to_json() const {
  return json{{"descriptor", descriptor()}, {"mb", n}, {"ic", c}, {"ih", h}, {"iw", w}, {"oc", k},
              {"oh", out_h()}, {"ow", out_w()}, {"kh", r}, {"kw", s}, {"sh", stride_h}, {"sw", stride_w},
              {"ph", pad_h}, {"pw", pad_w}, {"dh", dil_h}, {"dw", dil_w}, {"g", groups},
              {"layout", to_string(layout)}, {"dtype", to_string(dtype)}};
}

ConvProblem parse_conv_descriptor(std::string_view desc) {
  std::map<std::string, std::int64_t> v;
  static const std::set<std::string> kKeys{"g", "mb", "ic", "ih", "iw", "oc", "oh", "ow",
                                           "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw"};
  std::size_t i = 0;
  while (i < desc.size()) {
    const std::size_t key_start = i;
    while (i < desc.size() && std::islower(static_cast<unsigned char>(desc[i]))) ++i;
    const std::string key(desc.substr(key_start, i - key_start));
    if (key.empty())
      throw std::invalid_argument(fmt::format("expected a key such as mb, ic, ih at position {}", key_start + 1));
    if (!kKeys.count(key))
      throw std::invalid_argument(fmt::format("unknown key \"{}\" (expected g mb ic ih iw oc oh ow kh kw sh sw ph pw dh dw)", key));
    const std::size_t num_start = i;
    while (i < desc.size() && std::isdigit(static_cast<unsigned char>(desc[i]))) ++i;
    if (i == num_start) throw std::invalid_argument(fmt::format("\"{}\" is not followed by a number", key));
    if (i - num_start > 9) throw std::invalid_argument(fmt::format("\"{}\": number too large", key));
    if (v.count(key)) throw std::invalid_argument(fmt::format("\"{}\" given twice", key));
    v[key] = std::stoll(std::string(desc.substr(num_start, i - num_start)));
  }
  for (const char* req : {"ic", "ih", "oc", "kh"})
    if (!v.count(req)) throw std::invalid_argument(fmt::format("missing \"{}\"", req));
  auto get = [&](const char* key, std::int64_t fallback) { return v.count(key) ? v[key] : fallback; };
  ConvProblem p;
  p.groups = get("g", 1);
  p.n = get("mb", 2);
  p.c = v["ic"];
  p.h = v["ih"];
  p.w = get("iw", p.h);
  p.k = v["oc"];
  p.r = v["kh"];
  p.s = get("kw", p.r);
  p.stride_h = get("sh", 1);
  p.stride_w = get("sw", p.stride_h);
  p.pad_h = get("ph", 0);
  p.pad_w = get("pw", p.pad_h);
  p.dil_h = get("dh", 0);
  p.dil_w = get("dw", p.dil_h);
  if (const auto err = p.check(); !err.empty()) throw std::invalid_argument(err);
  if (v.count("oh") && v["oh"] != p.out_h())
    throw std::invalid_argument(fmt::format("oh{} does not match the shape, which gives oh{}", v["oh"], p.out_h()));
  if (v.count("ow") && v["ow"] != p.out_w())
    throw std::invalid_argument(fmt::format("ow{} does not match the shape, which gives ow{}", v["ow"], p.out_w()));
  return p;
}

std::string_view to_string(NetPattern p) {
  switch (p) {
    case NetPattern::ring: return "ring";
    case NetPattern::random: return "random";
    case NetPattern::pairs: return "pairs";
    case NetPattern::allreduce: return "allreduce";
  }
  return "?";
}

std::optional<NetPattern> parse_net_pattern(std::string_view name) {
  for (NetPattern p : {NetPattern::ring, NetPattern::random, NetPattern::pairs, NetPattern::allreduce})
    if (to_string(p) == name) return p;
  return std::nullopt;
}

std::int64_t NetProblem::iterations() const {
  return std::clamp<std::int64_t>((std::int64_t{64} << 20) / std::max<std::int64_t>(bytes, 1), 1, 1000);
}

int NetProblem::source(int rank, int ranks) const {
  if (pattern == NetPattern::ring) return (rank + ranks - 1) % ranks;
  // A random order of the ranks (Fisher-Yates with a fixed seed), paired off two by two; with an
  // odd count the last one is its own partner.
  std::vector<int> order(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r) order[static_cast<std::size_t>(r)] = r;
  std::uint64_t state = kSeed;
  for (int r = ranks - 1; r > 0; --r) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    std::swap(order[static_cast<std::size_t>(r)], order[static_cast<std::size_t>((state >> 33) % static_cast<std::uint64_t>(r + 1))]);
  }
  const auto at = static_cast<std::size_t>(std::find(order.begin(), order.end(), rank) - order.begin());
  const std::size_t partner = at ^ 1;
  return partner < order.size() ? order[partner] : rank;
}

// The circle method: with m = ranks (odd) or ranks - 1 (even), in round r rank i < m meets
// (2r - i) mod m; the one that would meet itself meets rank m instead (even), or sits out (odd).
std::vector<int> NetProblem::pair_schedule(int rank, int ranks) {
  const int m = ranks % 2 ? ranks : ranks - 1;
  std::vector<int> partner(static_cast<std::size_t>(m));
  for (int r = 0; r < m; ++r) {
    int p = rank == m ? r : ((2 * r - rank) % m + m) % m;  // rank m (even count) meets the one left over
    if (p == rank && rank != m) p = ranks % 2 ? rank : m;
    partner[static_cast<std::size_t>(r)] = p;
  }
  return partner;
}

std::int64_t NetProblem::iterations_per_partner() const {
  return std::max<std::int64_t>(1, iterations() / std::max(1, ranks - 1));
}

WorkModel NetProblem::work() const {
  WorkModel w;
  if (pattern == NetPattern::pairs) {
    const int partners = std::max(1, ranks - 1);
    w.bytes = w.bytes_actual = static_cast<double>(bytes) * static_cast<double>(iterations_per_partner()) * partners;
    w.formula = fmt::format("bytes = bytes received by this rank = message bytes * {} iterations * {} partners",
                            iterations_per_partner(), partners);
    return w;
  }
  w.bytes = w.bytes_actual = static_cast<double>(bytes) * static_cast<double>(iterations());
  w.formula = pattern == NetPattern::allreduce
                  ? fmt::format("bytes = message bytes * {} iterations (algorithm bandwidth; bus bandwidth = "
                                "algorithm bandwidth * 2(n-1)/n)", iterations())
                  : fmt::format("bytes = bytes received by this rank = message bytes * {} iterations", iterations());
  return w;
}

std::string NetProblem::id() const { return fmt::format("net/{}/{}/b{}", to_string(dtype), to_string(pattern), bytes); }

json NetProblem::to_json() const {
  json j{{"pattern", to_string(pattern)}, {"bytes", bytes}, {"dtype", to_string(dtype)}, {"iterations", iterations()}};
  if (pattern == NetPattern::pairs) j.update(json{{"ranks", ranks}, {"iterations_per_partner", iterations_per_partner()}});
  return j;
}

std::int64_t HplProblem::n_for_memory(double fraction, double memory_bytes, std::int64_t nb) {
  const double n = std::sqrt(fraction * memory_bytes / 8.0);
  return static_cast<std::int64_t>(std::floor(n / static_cast<double>(nb))) * nb;
}

std::pair<int, int> HplProblem::grid_for(int ranks) {
  int p = 1;
  for (int d = 1; d * d <= ranks; ++d)
    if (ranks % d == 0) p = d;
  return {p, ranks / std::max(p, 1)};
}

WorkModel HplProblem::work() const {
  const double x = static_cast<double>(n);
  WorkModel w;
  w.flops = 2.0 / 3.0 * x * x * x + 1.5 * x * x;
  w.bytes = w.bytes_actual = 8.0 * x * x;
  w.formula = fmt::format("flops = 2/3 N^3 + 3/2 N^2 (HPL's operation count), N = {}; bytes = the matrix, 8 N^2", n);
  return w;
}

std::string HplProblem::id() const {
  std::string id = memory_fraction > 0 ? fmt::format("hpl/{}/mem{:g}nb{}", to_string(dtype), 100 * memory_fraction, nb)
                                       : fmt::format("hpl/{}/n{}nb{}", to_string(dtype), n, nb);
  if (p > 0) id += fmt::format("p{}q{}", p, q);
  if (processes > 0) id += fmt::format("r{}", processes);
  return id;
}

json HplProblem::to_json() const {
  json j{{"n", n}, {"nb", nb}, {"dtype", to_string(dtype)}};
  if (memory_fraction > 0) j["memory_fraction"] = memory_fraction;
  if (p > 0) j.update(json{{"p", p}, {"q", q}});
  if (processes > 0) j["processes"] = processes;
  if (!hosts.empty()) {
    json h = json::array();
    for (const auto& [host, cores] : hosts) h.push_back(json{{"host", host}, {"cores", cores}});
    j["hosts"] = h;
  }
  return j;
}

bool rated_in_bytes(std::string_view kernel) { return kernel == "stream" || kernel == "net"; }

std::string_view kernel_name(const Problem& p) {
  constexpr std::string_view kNames[] = {"gemm", "stream", "peak", "conv", "net", "hpl"};
  return kNames[p.index()];
}
std::string_view kernel_names() { return "gemm, stream, peak, conv, net, hpl"; }

WorkModel work_model(const Problem& p) {
  return std::visit([](const auto& x) { return x.work(); }, p);
}
std::string problem_id(const Problem& p) {
  return std::visit([](const auto& x) { return x.id(); }, p);
}
DType dtype_of(const Problem& p) {
  return std::visit([](const auto& x) { return x.dtype; }, p);
}
double footprint_bytes(const Problem& p) {
  return std::visit([](const auto& x) { return x.footprint_bytes(); }, p);
}
json problem_json(const Problem& p) {
  return std::visit([](const auto& x) { return x.to_json(); }, p);
}

}  // namespace ccb
