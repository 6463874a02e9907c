// HPL through the HPC Challenge suite: backend "hpcc", kernel family "hpl". ccbench writes
// hpccinf.txt in a private directory, runs `mpirun -np R hpcc` there (one rank per core of this
// node by default, single-threaded BLAS; or across the hosts of a fleet run), and reads
// hpccoutf.txt: one sample per HPL run, timed by HPL itself. The directory, with hpcc's output and
// mpirun's log, is kept for anyone who wants to check the figures; its path is in the details.
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "kernels/backend.hpp"
#include "kernels/hpl/child_process.hpp"
#include "kernels/hpl/hpcc_files.hpp"

extern char** environ;

namespace ccb {
namespace {

// Physical cores this process may run on (distinct core ids among the allowed CPUs).
int allowed_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  std::set<std::string> cores;
  int cpus = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &set)) continue;
    ++cpus;
    const std::string base = fmt::format("/sys/devices/system/cpu/cpu{}/topology/", cpu);
    std::ifstream pkg(base + "physical_package_id"), core(base + "core_id");
    std::string a, b;
    if (pkg >> a && core >> b) cores.insert(a + ":" + b);
  }
  return cores.empty() ? std::max(cpus, 1) : static_cast<int>(cores.size());
}

// The environment for mpirun: this process's, less what an MPI launcher gave it (a fleet run's
// rank must not look like a rank to the mpirun it starts), with `threads` BLAS threads per rank.
// A run on this node only also drops Slurm's variables: inside a job step mpirun would take its
// slots from the step's allocation instead of this node's cores.
std::vector<std::string> child_environment(int threads, bool this_node_only) {
  static const char* kLauncherMca[] = {"OMPI_MCA_orte_", "OMPI_MCA_ess", "OMPI_MCA_pmix", "OMPI_MCA_initial_wdir",
                                       "OMPI_MCA_mpi_oversubscribe", "OMPI_MCA_shmem_RUNTIME_QUERY_hint",
                                       "OMPI_MCA_prte_", "OMPI_MCA_rmaps_"};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    auto starts = [&](const char* p) { return v.rfind(p, 0) == 0; };
    if (starts("PMIX_") || starts("PMI_") || starts("OPENBLAS_NUM_THREADS=") || starts("OMP_NUM_THREADS=")) continue;
    if (this_node_only && starts("SLURM_")) continue;
    if (starts("OMPI_") && !starts("OMPI_ALLOW_RUN_AS_ROOT") && !starts("OMPI_MCA_")) continue;
    bool launcher = false;
    for (const char* p : kLauncherMca) launcher = launcher || starts(p);
    if (!launcher) env.push_back(v);
  }
  env.push_back(fmt::format("OPENBLAS_NUM_THREADS={}", threads));
  env.push_back(fmt::format("OMP_NUM_THREADS={}", threads));
  return env;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last lines of a log, for an error message.
std::string tail(const std::string& text, std::size_t lines = 6) {
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  std::string t = text.substr(pos == std::string::npos ? 0 : pos + 1);
  for (char& c : t)
    if (c == '\n') c = ' ';
  return t;
}

struct Programs {
  std::filesystem::path hpcc, mpirun;
};

Programs find_programs() {
  const char* hpcc = std::getenv("CCBENCH_HPCC");
  const char* mpirun = std::getenv("CCBENCH_MPIRUN");
  return {find_program(hpcc && *hpcc ? hpcc : "hpcc"), find_program(mpirun && *mpirun ? mpirun : "mpirun")};
}

class HpccRun final : public KernelInstance {
 public:
  HpccRun(const HplProblem& p, Programs programs, int threads) : p_(p), programs_(std::move(programs)) {
    const int cores = allowed_cores();
    ranks_ = p.ranks_for(threads, cores);
    threads_ = p.hosts.empty() ? std::max(1, cores / ranks_) : 1;
    grid_ = p.p > 0 ? std::pair{p.p, p.q} : HplProblem::grid_for(ranks_);
    if (grid_.first * grid_.second != ranks_)
      throw std::invalid_argument(fmt::format("a {}x{} grid is not {} ranks", grid_.first, grid_.second, ranks_));
  }

  void run() override { throw std::logic_error("HPL runs through run_all"); }

  std::optional<std::vector<double>> run_all(int repetitions) override {
    runs_ = repetitions;
    std::string tmpl = (std::filesystem::temp_directory_path() / "ccbench-hpl-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a private directory for hpcc in " + tmpl);
    dir_ = tmpl;
    {
      std::ofstream in(dir_ / "hpccinf.txt");
      in << hpccinf_text(HpccInput{std::vector<std::int64_t>(static_cast<std::size_t>(repetitions), p_.n), p_.nb,
                                   grid_.first, grid_.second});
      if (!in) throw std::runtime_error("cannot write " + (dir_ / "hpccinf.txt").string());
    }
    const ChildOutcome o = run_child(command(), dir_, child_environment(threads_, p_.hosts.empty()), dir_ / "mpirun.log", p_.timeout_s);
    const std::string log = read_file(dir_ / "mpirun.log");
    if (o.timed_out)
      throw std::runtime_error(fmt::format("hpcc did not finish within {} s and was ended (output in {})", p_.timeout_s,
                                           dir_.string()));
    if (!std::filesystem::exists(dir_ / "hpccoutf.txt"))
      throw std::runtime_error(fmt::format("mpirun exited with {} and hpcc wrote no hpccoutf.txt: {}", o.exit_code, tail(log)));
    out_ = parse_hpcc_output(read_file(dir_ / "hpccoutf.txt"));
    if (o.exit_code != 0 && out_.runs.empty())
      throw std::runtime_error(fmt::format("mpirun exited with {}: {}", o.exit_code, tail(log)));
    exit_code_ = o.exit_code;
    // HPL prints its time with two decimals but its rate with four digits, both from the same
    // clock and operation count: the time back from the rate keeps those digits.
    std::vector<double> seconds;
    const double flops = p_.work().flops;
    for (const auto& r : out_.runs) seconds.push_back(r.gflops > 0 ? flops / (r.gflops * 1e9) : r.seconds);
    return seconds;
  }

  // Nothing to clear: each HPL run is a new solve that hpcc checks by its own residual.
  void clear_output() override {}

  HostView output() override {
    view_.emplace(out_, runs_, grid_.first, grid_.second, exit_code_ == 0);
    return view_->view();
  }

  std::string implementation() const override {
    return fmt::format("HPL of the HPC Challenge suite ({}) under {}: {} ranks on a {}x{} grid, {} BLAS thread{} each",
                       programs_.hpcc.string(), programs_.mpirun.string(), ranks_, grid_.first, grid_.second, threads_,
                       threads_ == 1 ? "" : "s");
  }

  json details() override {
    json runs = json::array();
    for (const auto& r : out_.runs)
      runs.push_back(json{{"variant", r.variant}, {"n", r.n}, {"nb", r.nb}, {"p", r.p}, {"q", r.q}, {"seconds", r.seconds},
                          {"gflops", r.gflops}, {"residual", r.residual ? json(*r.residual) : json(nullptr)},
                          {"verdict", r.residual_verdict}});
    // HPCC's other figures from the same run, as it reports them (per rank for Star*, of the
    // whole job for MPI*).
    json hpcc = json::object();
    for (const char* key : {"HPL_Tflops", "StarDGEMM_Gflops", "SingleDGEMM_Gflops", "StarSTREAM_Triad",
                            "SingleSTREAM_Triad", "PTRANS_GBs", "MPIRandomAccess_GUPs", "StarRandomAccess_GUPs",
                            "MPIFFT_Gflops", "StarFFT_Gflops", "MaxPingPongLatency_usec", "MinPingPongBandwidth_GBytes"})
      if (const auto v = out_.number(key)) hpcc[key] = *v;
    std::string version;
    for (const char* part : {"VersionMajor", "VersionMinor", "VersionMicro"})
      if (const auto it = out_.summary.find(part); it != out_.summary.end()) version += (version.empty() ? "" : ".") + it->second;
    return json{{"ranks", ranks_},     {"grid", {{"p", grid_.first}, {"q", grid_.second}}},
                {"threads_per_rank", threads_}, {"hpcc_version", version},
                {"command", command()}, {"output_dir", dir_.string()},
                {"hpl_runs", runs},    {"hpcc", hpcc}};
  }

 private:
  std::vector<std::string> command() const {
    std::vector<std::string> c{programs_.mpirun.string()};
    if (geteuid() == 0) c.push_back("--allow-run-as-root");  // ccbench itself runs as root here
    c.insert(c.end(), {"-np", std::to_string(ranks_), "-x", "OPENBLAS_NUM_THREADS", "-x", "OMP_NUM_THREADS"});
    if (p_.hosts.empty()) {
      if (ranks_ > allowed_cores()) c.insert(c.end(), {"--oversubscribe", "--bind-to", "none"});
    } else {
      std::string hosts;
      for (const auto& [host, slots] : p_.hosts) hosts += fmt::format("{}{}:{}", hosts.empty() ? "" : ",", host, slots);
      // Each host with its cores as slots: more ranks than that (nodes sharing a host, in tests)
      // is oversubscription, for which mpirun makes idle ranks yield their core.
      c.insert(c.end(), {"--host", hosts, "--oversubscribe", "--bind-to", "none"});
    }
    c.push_back(programs_.hpcc.string());
    return c;
  }

  HplProblem p_;
  Programs programs_;
  int ranks_ = 0, threads_ = 1, runs_ = 0, exit_code_ = 0;
  std::pair<int, int> grid_{1, 1};
  std::filesystem::path dir_;
  HpccOutput out_;
  std::optional<HplView> view_;
};

class HpccBackend final : public Backend {
 public:
  std::string name() const override { return "hpcc"; }

  Availability availability() const override {
    const Programs p = find_programs();
    if (p.hpcc.empty())
      return {false, "hpcc (the HPC Challenge suite, Debian package hpcc, installed by cmake/install-deps.sh) is not on "
                     "PATH; CCBENCH_HPCC names another"};
    if (p.mpirun.empty()) return {false, "mpirun (Open MPI, Debian package openmpi-bin) is not on PATH; CCBENCH_MPIRUN names another"};
    return {};
  }

  json device_info() const override {
    const Programs p = find_programs();
    return json{{"hpcc", p.hpcc.string()}, {"mpirun", p.mpirun.string()}, {"cores", allowed_cores()}};
  }

  std::vector<std::string> kernels() const override { return {"hpl"}; }

  Availability supports(std::string_view kernel, DType dtype) const override {
    if (kernel != "hpl") return {false, fmt::format("hpcc has no {} kernel", kernel)};
    if (dtype != DType::fp64) return {false, fmt::format("HPL solves in fp64, not {}", to_string(dtype))};
    return availability();
  }

  Availability supports_problem(const Problem& p) const override {
    if (const Availability a = supports(kernel_name(p), dtype_of(p)); !a.ok) return a;
    const auto& h = std::get<HplProblem>(p);
    if (h.n < h.nb) return {false, fmt::format("N = {} is below one block of NB = {}", h.n, h.nb)};
    const int ranks = h.ranks_for(threads_, allowed_cores());
    if (h.p > 0 && h.p * h.q != ranks)
      return {false, fmt::format("a {}x{} grid is {} ranks, not the {} of this run", h.p, h.q, h.p * h.q, ranks)};
    return {};
  }

  void set_threads(int threads) override { threads_ = threads; }

  std::unique_ptr<KernelInstance> create(const Problem& p) override {
    return std::make_unique<HpccRun>(std::get<HplProblem>(p), find_programs(), threads_);
  }

 private:
  int threads_ = 0;
};

}  // namespace

std::unique_ptr<Backend> make_hpcc_backend() { return std::make_unique<HpccBackend>(); }

}  // namespace ccb
