#pragma once
// Problems: immutable named-field descriptions of one unit of work. Each family computes its
// own work model (FLOPs, bytes, formula) and reproducible id here, and nowhere else.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/common/dtype.hpp"

namespace ccb {

using json = nlohmann::ordered_json;

// Work done by one run of a kernel. `bytes` is the headline traffic (what STREAM counts);
// `bytes_actual` adds write-allocate traffic of ordinary stores (equal to `bytes` otherwise).
struct WorkModel {
  double flops = 0;
  double bytes = 0;
  double bytes_actual = 0;
  std::string formula;
};

// C(m x n) = op(A)(m x k) * op(B)(k x n), row-major, alpha = 1, beta = 0.
struct GemmProblem {
  std::int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  DType dtype = DType::fp64;

  WorkModel work() const;
  std::string id() const;  // gemm/fp64/m4096n4096k4096, with _tn style suffix if transposed
  double footprint_bytes() const;  // in double: sizes near the limits must not wrap
  json to_json() const;
};

enum class StreamOp { copy, scale, add, triad, dot, copy_nt, triad_nt, h2d, d2h, d2d };
std::string_view to_string(StreamOp op);
std::optional<StreamOp> parse_stream_op(std::string_view name);
std::string_view stream_op_names();
// Arrays read plus written by one element of the op (copy 2, scale 2, add 3, triad 3, dot 2).
int stream_arrays_touched(StreamOp op);
// Arrays written with ordinary (write-allocating) stores.
int stream_arrays_allocating(StreamOp op);

// One STREAM operation over three arrays a, b, c of `elements` each:
// copy c=a, scale b=s*c, add c=a+b, triad a=b+s*c, dot sum(a*b); *_nt use non-temporal stores;
// h2d, d2h, d2d copy a to c across an accelerator's link or within its memory.
struct StreamProblem {
  StreamOp op = StreamOp::triad;
  std::int64_t elements = 0;
  DType dtype = DType::fp64;

  static constexpr double kScalar = 0.4;
  static constexpr int kArrays = 3;

  WorkModel work() const;
  std::string id() const;  // stream/fp64/triad/n268435456
  double footprint_bytes() const;  // in double: sizes near the limits must not wrap
  json to_json() const;
};

// FMA-throughput microkernel over all threads: `fmas` scalar fused multiply-adds (2 FLOPs
// each) in independent register-resident chains of the widest vector ISA of the build (CPU),
// or over all SMs (GPU).
struct PeakProblem {
  DType dtype = DType::fp64;
  // 3 * 2^32: divisible by every (lanes x chains) the kernels use, about 0.1 s on two cores.
  static constexpr std::int64_t kFmas = 3LL << 32;
  // 3 * 2^38: a few milliseconds even at an H100's FP16 rate.
  static constexpr std::int64_t kGpuFmas = 3LL << 38;
  std::int64_t fmas = kFmas;
  std::string target = "cpu";  // "cpu" or "gpu": what the id says the kernel ran on

  // The GPU variant: target "gpu", kGpuFmas.
  static PeakProblem on_gpu(DType d) { return PeakProblem{d, kGpuFmas, "gpu"}; }

  WorkModel work() const;
  std::string id() const;  // peak/cpu/fp64, peak/gpu/fp16
  double footprint_bytes() const { return 0; }
  json to_json() const;
};

enum class Layout { nchw, nhwc };
std::string_view to_string(Layout l);

// Forward convolution, benchdnn's conventions: symmetric padding, dilation 0 = none (the
// kernel spans (kh-1)*(dh+1)+1 rows), weights laid out [oc][ic/g][kh][kw].
struct ConvProblem {
  std::int64_t n = 2, c = 0, h = 0, w = 0, k = 0, r = 0, s = 0;
  std::int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 0, dil_w = 0, groups = 1;
  Layout layout = Layout::nchw;
  DType dtype = DType::fp32;

  std::int64_t out_h() const;
  std::int64_t out_w() const;
  // Empty when the shape is valid; otherwise what is wrong with it.
  std::string check() const;
  WorkModel work() const;
  std::string descriptor() const;  // g2mb32ic256ih14oc256kh3ph1: non-default fields only
  std::string id() const;          // conv/fp32/<descriptor>[_nhwc]
  double footprint_bytes() const;  // in double: sizes near the limits must not wrap
  json to_json() const;
};

// Parses a benchdnn-style descriptor: keys g mb ic ih iw oc oh ow kh kw sh sw ph pw dh dw, each
// followed by a non-negative integer; ic, ih, oc and kh are required; iw, kw, sw, pw, dw default
// to their h counterparts, mb to 2 and g to 1 (as in benchdnn). Throws std::invalid_argument
// saying what is wrong (unknown key, missing number, invalid shape).
ConvProblem parse_conv_descriptor(std::string_view desc);

enum class NetPattern { ring, random, pairs, allreduce };
std::string_view to_string(NetPattern p);
std::optional<NetPattern> parse_net_pattern(std::string_view name);

// The interconnect between the ranks of a fleet run (one per node), over MPI. Each run() does
// `iterations()` exchanges of `bytes`:
// - ring: every rank sends to rank + 1 and receives from rank - 1, all at once; in lockstep, the
//   slowest link sets every rank's pace, so the ring is a figure of the whole fleet;
// - random: ranks in random pairs (seeded, the same on every rank), each pair exchanging both
//   ways: a rank's figure is its pair's link, so a slow link is named by its two nodes (with an
//   odd number of ranks, the one left over sends to itself, which its details say);
// - pairs: every pair of ranks, in rounds (a round-robin schedule: in each round every rank
//   exchanges both ways with one partner, all pairs at once); each link's rate is in the
//   details, so a slow link is named by its two nodes. Up to kMaxPairsRanks ranks: the rounds
//   grow with the fleet;
// - allreduce: MPI_Allreduce (sum) of bytes / 8 fp64 values; the headline is the algorithm
//   bandwidth (bytes / time), the bus bandwidth of nccl-tests (x 2(n-1)/n) is in the details.
// A rank's figure is the link into it, so a slow link is named by the node at its end.
struct NetProblem {
  NetPattern pattern = NetPattern::ring;
  std::int64_t bytes = 0;
  DType dtype = DType::fp64;  // the payload's element type (fp64: values are checked exactly)

  static constexpr std::uint64_t kSeed = 0x5eedc0ffeeULL;  // the random permutation's
  // How long one exchange may take before the case is an error (a partner died or hangs): a
  // setting of the run (a fleet run's --fleet-timeout), not part of the problem's identity.
  double deadline_s = 120;
  // The ranks of the fleet run (a setting of the run, like deadline_s): the work of pairs
  // depends on it. 0 outside a fleet run.
  int ranks = 0;
  static constexpr int kMaxPairsRanks = 64;

  // Exchanges per run(): enough that one run moves about 64 MiB, at most 1000.
  std::int64_t iterations() const;
  // The value rank `source` sends at element i: integer-valued, so sums over up to 2^16 ranks
  // of them are exact in fp64.
  static double value(int source, std::int64_t i) {
    return static_cast<double>(source + 1) * 1048576.0 + static_cast<double>(i % 1048576);
  }
  // The rank `rank` receives from (and, for random, sends to) in pattern ring or random, of `ranks`.
  int source(int rank, int ranks) const;
  // pairs: `rank`'s partner in each round (itself in the round it sits out, with an odd count).
  static std::vector<int> pair_schedule(int rank, int ranks);
  // pairs: exchanges per partner in one run(), so that a run moves about as much as the others.
  std::int64_t iterations_per_partner() const;

  WorkModel work() const;
  std::string id() const;  // net/fp64/ring/b1048576
  // A send buffer and a receive buffer (pairs: one per partner).
  double footprint_bytes() const {
    return static_cast<double>(bytes) * (1.0 + (pattern == NetPattern::pairs ? std::max(1, ranks - 1) : 1));
  }
  json to_json() const;
};

// HPL (the LU solve of a dense N x N fp64 system, TOP500's Rmax), run by the HPC Challenge
// suite's `hpcc` under mpirun: `processes` MPI ranks on a P x Q grid, blocks of NB. N is given,
// or derived from a fraction of memory: N = floor(sqrt(f * memory / 8) / NB) * NB.
struct HplProblem {
  std::int64_t n = 0;          // the order solved
  double memory_fraction = 0;  // > 0 when N came from a fraction of memory (part of the id)
  std::int64_t nb = 192;
  int p = 0, q = 0;            // the grid; 0 = as square as possible with P <= Q
  int processes = 0;           // MPI ranks; 0 = one per core of this node (a fleet-wide run: all)
  DType dtype = DType::fp64;
  // Settings of the run, not of the problem's identity: the deadline of one hpcc run (which
  // holds every repetition), and for a fleet-wide run the hosts and their ranks.
  double timeout_s = 4 * 3600;
  std::vector<std::pair<std::string, int>> hosts;  // host and its cores; empty: this node only

  // N from a fraction of `memory_bytes` (the sum over the nodes for a fleet-wide run).
  static std::int64_t n_for_memory(double fraction, double memory_bytes, std::int64_t nb);
  // P x Q for `ranks`: the divisor pair closest to square, P <= Q.
  static std::pair<int, int> grid_for(int ranks);
  // MPI ranks on a node with `cores` cores under --threads `threads` (0: unset): `processes`
  // when given, else the threads, else one per core.
  int ranks_for(int threads, int cores) const { return processes > 0 ? processes : threads > 0 ? threads : cores; }

  WorkModel work() const;
  std::string id() const;  // hpl/fp64/n20000nb192, hpl/fp64/mem80nb192, + p2q4 when given
  double footprint_bytes() const { return 8.0 * static_cast<double>(n) * static_cast<double>(n); }
  json to_json() const;
};

using Problem = std::variant<GemmProblem, StreamProblem, PeakProblem, ConvProblem, NetProblem, HplProblem>;

// Whether a kernel family's headline rate is in bytes per second (stream, net), not FLOP/s.
bool rated_in_bytes(std::string_view kernel);

// Kernel family name of a problem: "gemm", "stream", "peak", "conv", "net", "hpl".
std::string_view kernel_name(const Problem& p);
// Known kernel family names, comma-separated, for messages.
std::string_view kernel_names();
WorkModel work_model(const Problem& p);
std::string problem_id(const Problem& p);
DType dtype_of(const Problem& p);
// Bytes of buffers a problem allocates, computed in double so that huge sizes cannot wrap.
double footprint_bytes(const Problem& p);
json problem_json(const Problem& p);

}  // namespace ccb
