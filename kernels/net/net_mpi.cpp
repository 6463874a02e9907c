// The interconnect over MPI: backend "mpi", kernel family "net". It runs in a fleet run, where
// every rank runs the same cases in the same order, so that the ranks meet in each exchange.
// Each exchange has a deadline: a partner that died makes the case an error, never a hang. After
// such an error the requests of the failed exchange may still be live in MPI, so their buffers
// are never freed, and the backend is unavailable for the rest of the run: later exchanges
// could match the failed one's messages.
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "kernels/common/buffer.hpp"
#include "kernels/common/fill.hpp"
#include "kernels/net/mpi_deadline.hpp"

namespace ccb {
namespace {

constexpr int kNetTag = 7201;

// Why the interconnect failed in this process; empty while it works.
std::string& broken() {
  static std::string why;
  return why;
}

void check_mpi(int status, const char* what) {
  if (status != MPI_SUCCESS) throw std::runtime_error(fmt::format("{} failed (MPI error {})", what, status));
}

class NetMpi final : public KernelInstance {
 public:
  explicit NetMpi(const NetProblem& p) : p_(p), count_(static_cast<std::size_t>(p.bytes / 8)) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
    if (p.pattern == NetPattern::pairs) {
      for (int partner : NetProblem::pair_schedule(rank_, ranks_))
        if (partner != rank_) partners_.push_back(partner);
      link_seconds_.resize(partners_.size());
    }
    send_ = std::make_unique<AlignedBuffer>(p.bytes);
    recv_ = std::make_unique<AlignedBuffer>(p.bytes * static_cast<std::int64_t>(std::max<std::size_t>(1, partners_.size())));
    double* s = send_->as<double>();
    for (std::size_t i = 0; i < count_; ++i) s[i] = NetProblem::value(rank_, static_cast<std::int64_t>(i));
    where_[0] = rank_;
    where_[1] = ranks_;
    if (p.pattern == NetPattern::ring || p.pattern == NetPattern::random) {
      from_ = p.source(rank_, ranks_);
      to_ = p.pattern == NetPattern::ring ? (rank_ + 1) % ranks_ : from_;  // random pairs are symmetric
    }
  }

  ~NetMpi() override {
    if (!broken().empty()) {  // MPI may still use them: see the top of this file
      send_.release();
      recv_.release();
    }
  }

  void run() override {
    if (p_.pattern == NetPattern::pairs) return run_pairs();
    const int n = static_cast<int>(count_);
    for (std::int64_t it = 0; it < p_.iterations(); ++it) {
      MPI_Request reqs[2];
      if (p_.pattern == NetPattern::allreduce) {
        check_mpi(MPI_Iallreduce(send_->as<double>(), recv_->as<double>(), n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD, &reqs[0]),
                  "MPI_Iallreduce");
        wait(reqs[0], "the allreduce", false);
        continue;
      }
      check_mpi(MPI_Irecv(recv_->as<double>(), n, MPI_DOUBLE, from_, kNetTag, MPI_COMM_WORLD, &reqs[0]), "MPI_Irecv");
      check_mpi(MPI_Isend(send_->as<double>(), n, MPI_DOUBLE, to_, kNetTag, MPI_COMM_WORLD, &reqs[1]), "MPI_Isend");
      wait(reqs[0], "the message from rank " + std::to_string(from_));
      wait(reqs[1], "the message to rank " + std::to_string(to_));
    }
  }

  void clear_output() override {
    fill_all_ones(recv_->as<void>(), count_ * 8 * std::max<std::size_t>(1, partners_.size()));
  }

  HostView output() override {
    const std::size_t count = count_ * std::max<std::size_t>(1, partners_.size());
    return HostView{{{"recv", Elem::f64, recv_->as<double>(), count}, {"rank", Elem::f64, where_, 2}}, std::nullopt};
  }

  std::string implementation() const override {
    switch (p_.pattern) {
      case NetPattern::allreduce: return fmt::format("MPI_Iallreduce over {} ranks", ranks_);
      case NetPattern::pairs:
        return fmt::format("MPI_Isend/Irecv with each of {} partners in turn, a barrier between rounds", partners_.size());
      default: return fmt::format("MPI_Isend/Irecv, rank {} receives from rank {}", rank_, from_);
    }
  }

  json details() override {
    json d{{"rank", rank_}, {"ranks", ranks_}, {"iterations", p_.iterations()}};
    if (p_.pattern == NetPattern::allreduce) {
      d["bus_bandwidth_factor"] = 2.0 * (ranks_ - 1) / ranks_;  // nccl-tests: busbw = algbw * 2(n-1)/n
    } else if (p_.pattern == NetPattern::pairs) {
      // Per link into this rank: the median over the runs of one round's time (the round's
      // exchanges only, not the barrier before it).
      json links = json::array();
      const double moved = static_cast<double>(p_.bytes) * static_cast<double>(p_.iterations_per_partner());
      for (std::size_t i = 0; i < partners_.size(); ++i) {
        std::vector<double> t = link_seconds_[i];
        if (t.empty()) continue;
        std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
        const double median = t[t.size() / 2];
        links.push_back(json{{"from_rank", partners_[i]}, {"seconds", median}, {"bytes_per_s", moved / median}});
      }
      d["links"] = std::move(links);
    } else {
      d["from_rank"] = from_;
      if (from_ == rank_) d["partner"] = "none (an odd number of ranks): a send to itself";
    }
    return d;
  }

 private:
  // One round per partner (the schedule is the same on every rank): a barrier, so that every
  // pair starts together, then this round's exchanges, timed.
  void run_pairs() {
    const int n = static_cast<int>(count_);
    for (std::size_t i = 0; i < partners_.size(); ++i) {
      MPI_Request barrier;
      check_mpi(MPI_Ibarrier(MPI_COMM_WORLD, &barrier), "MPI_Ibarrier");
      wait(barrier, "the barrier before round " + std::to_string(i), false);
      const int partner = partners_[i];
      double* recv = recv_->as<double>() + i * count_;
      const double start = MPI_Wtime();
      for (std::int64_t it = 0; it < p_.iterations_per_partner(); ++it) {
        MPI_Request reqs[2];
        check_mpi(MPI_Irecv(recv, n, MPI_DOUBLE, partner, kNetTag, MPI_COMM_WORLD, &reqs[0]), "MPI_Irecv");
        check_mpi(MPI_Isend(send_->as<double>(), n, MPI_DOUBLE, partner, kNetTag, MPI_COMM_WORLD, &reqs[1]), "MPI_Isend");
        wait(reqs[0], "the message from rank " + std::to_string(partner));
        wait(reqs[1], "the message to rank " + std::to_string(partner));
      }
      link_seconds_[i].push_back(MPI_Wtime() - start);
    }
  }

  void wait(MPI_Request& req, const std::string& what, bool cancel = true) {
    if (wait_until_deadline(req, p_.deadline_s, cancel)) return;
    broken() = fmt::format("{} did not complete within {} s: a rank died or hangs", what, p_.deadline_s);
    throw std::runtime_error(broken());
  }

  NetProblem p_;
  std::size_t count_;
  std::unique_ptr<AlignedBuffer> send_, recv_;
  int rank_ = 0, ranks_ = 1, from_ = 0, to_ = 0;
  std::vector<int> partners_;                    // pairs: in round order, rounds sat out left out
  std::vector<std::vector<double>> link_seconds_;  // pairs: per partner, one per run()
  double where_[2] = {0, 1};
};

class MpiBackend final : public Backend {
 public:
  std::string name() const override { return "mpi"; }

  Availability availability() const override {
    int initialized = 0, finalized = 0, ranks = 1;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    if (!initialized || finalized || ranks < 2)
      return {false, "not a fleet run: the interconnect is measured between the ranks of mpirun or srun on several "
                     "nodes"};
    if (!broken().empty()) return {false, "an earlier interconnect exchange failed: " + broken()};
    return {};
  }

  json device_info() const override {
    char version[MPI_MAX_LIBRARY_VERSION_STRING] = {};
    int len = 0;
    MPI_Get_library_version(version, &len);
    json info{{"library", std::string(version, static_cast<std::size_t>(len))}};
    if (availability().ok) {
      int ranks = 0;
      MPI_Comm_size(MPI_COMM_WORLD, &ranks);
      info["ranks"] = ranks;
    }
    return info;
  }

  std::vector<std::string> kernels() const override { return {"net"}; }

  Availability supports(std::string_view kernel, DType dtype) const override {
    if (kernel != "net") return {false, fmt::format("mpi has no {} kernel", kernel)};
    if (dtype != DType::fp64) return {false, fmt::format("the interconnect kernels move fp64 values, not {}", to_string(dtype))};
    return availability();
  }

  Availability supports_problem(const Problem& p) const override {
    if (const auto* n = std::get_if<NetProblem>(&p); n && (n->bytes % 8 != 0 || n->bytes / 8 > INT_MAX))
      return {false, fmt::format("{} bytes is not a whole number of fp64 values that one MPI message takes", n->bytes)};
    if (const Availability a = supports(kernel_name(p), dtype_of(p)); !a.ok) return a;
    if (const auto* n = std::get_if<NetProblem>(&p); n && n->pattern == NetPattern::pairs) {
      int ranks = 0;
      MPI_Comm_size(MPI_COMM_WORLD, &ranks);
      if (ranks > NetProblem::kMaxPairsRanks)
        return {false, fmt::format("all pairs of {} ranks would take {} rounds: pairs is measured up to {} ranks; "
                                   "random pairs and the ring cover any number", ranks, ranks - 1 + ranks % 2,
                                   NetProblem::kMaxPairsRanks)};
      if (n->ranks != ranks)
        return {false, fmt::format("the case was set up for {} ranks, not the {} of this run", n->ranks, ranks)};
    }
    return {};
  }

  void set_threads(int) override {}

  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    return std::make_unique<NetMpi>(std::get<NetProblem>(p));
  }
};

}  // namespace

std::unique_ptr<Backend> make_mpi_backend() { return std::make_unique<MpiBackend>(); }

}  // namespace ccb
