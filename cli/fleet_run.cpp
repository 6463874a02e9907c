// ccbench run as one rank of a fleet (mpirun or srun, one rank per node): every node runs the
// suite at the same time, since shared power and cooling are part of installed capacity; rank 0
// gathers every node's result document into one fleet document, rewritten as each arrives.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "cli/run_session.hpp"
#include "harness/errors.hpp"
#include "harness/fleet.hpp"
#include "harness/fleet_comm.hpp"
#include "harness/sysinfo.hpp"
#include "reports/fleet_report.hpp"
#include "reports/run_rates.hpp"

namespace ccb::cli {
namespace {

using Clock = std::chrono::steady_clock;

// What every rank must agree on before anything is measured: the tool, the suite and its
// options, and the interconnect cases, which every rank runs together in the same order. The
// other cases may differ by node (a node that lost a GPU, another cache size): the fleet report
// names such a node by its missing cases.
std::string fingerprint(const RunSetup& s) {
  std::string net;
  for (const auto& c : s.suite.cases)
    if (std::holds_alternative<NetProblem>(c.problem)) net += problem_id(c.problem) + ";";
  return fmt::format("{} {} {} r{} t{} {:016x}", CCBENCH_VERSION, std::string(kGitSha).substr(0, 12), s.suite.name,
                     s.options.repetitions, s.options.min_time, std::hash<std::string>{}(net));
}

// Bad input only a fleet run has; UsageError naming the field.
void check_fleet_input(const RunSetup& s, const std::string& name) {
  if (name.empty() || name.size() > 255 ||
      std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    throw UsageError(fmt::format("--node-name: expected 1 to 255 printable characters, got \"{}\"", name.substr(0, 64)));
  if (s.options.min_time > 0)
    for (const auto& c : s.suite.cases)
      if (std::holds_alternative<NetProblem>(c.problem))
        throw UsageError(fmt::format("{}: min_time {} s: the interconnect cases need one run per repetition (0), so "
                                     "that every rank runs the same number of exchanges",
                                     s.suite.source, s.options.min_time));
}

std::string node_name(const RunArgs& a, const FleetComm& comm) {
  if (!a.node_name.empty()) {
    std::string name = a.node_name;
    for (auto at = name.find("{rank}"); at != std::string::npos; at = name.find("{rank}"))
      name.replace(at, 6, std::to_string(comm.rank()));
    return name;
  }
  if (const char* slurm = std::getenv("SLURMD_NODENAME"); slurm && *slurm) return slurm;
  return comm.processor_name();
}

struct Member {
  std::string fingerprint, node, host;
};

// Splits the "fingerprint\tnode\thost" of every rank.
std::vector<Member> members(const std::vector<std::string>& all) {
  std::vector<Member> out;
  for (const auto& line : all) {
    const auto a = line.find('\t'), b = line.find('\t', a + 1);
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  return out;
}

constexpr std::string_view kRefused = "refused: ";
// Rank 0's last word to the others: whether every rank answered to the end.
constexpr int kAllAlive = 1, kSomeLost = 2;
// How long the ranks wait for each other at the very end, before MPI_Finalize.
constexpr double kFinalBarrierSeconds = 60;

// Why these ranks cannot run together (empty when they can): bad input on some rank, another
// suite or ccbench on some rank, or two ranks on one node.
std::string disagreement(const std::vector<Member>& m) {
  for (std::size_t r = 0; r < m.size(); ++r)
    if (m[r].fingerprint.starts_with(kRefused))
      return fmt::format("rank {} (node {}): {}", r, m[r].node, m[r].fingerprint.substr(kRefused.size()));
  for (std::size_t r = 1; r < m.size(); ++r)
    if (m[r].fingerprint != m[0].fingerprint)
      return fmt::format("rank {} (node {}) runs another suite or ccbench than rank 0 (node {}): \"{}\" vs \"{}\"", r,
                         m[r].node, m[0].node, m[r].fingerprint, m[0].fingerprint);
  std::map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < m.size(); ++r)
    if (auto [it, fresh] = seen.emplace(m[r].node, r); !fresh)
      return fmt::format("ranks {} and {} both run on node {}: a fleet run takes one rank per node (mpirun --map-by "
                         "ppr:1:node, srun --ntasks-per-node=1)", it->second, r, m[r].node);
  return "";
}

void warn_shared_hosts(const std::vector<Member>& m) {
  std::map<std::string, int> per_host;
  for (const auto& x : m) ++per_host[x.host];
  for (const auto& [host, n] : per_host)
    if (n > 1)
      fmt::print(stderr, "ccbench: warning: {} ranks share host {} under different --node-name: they compete for its "
                 "cores and memory, so their figures are for testing only\n", n, host);
}

// Rank 0: waits until every rank of `ranks` delivered (`got`) or `timeout_s` passed. Returns the
// ranks that did not.
std::vector<int> await(const std::function<void()>& absorb, const std::vector<int>& ranks, const std::vector<bool>& got,
                       double timeout_s) {
  const auto start = Clock::now();
  auto waited = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto all_in = [&] { return std::all_of(ranks.begin(), ranks.end(), [&](int r) { return got[static_cast<std::size_t>(r)]; }); };
  do {
    absorb();
    if (all_in()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (waited() < timeout_s);
  std::vector<int> late;
  for (int r : ranks)
    if (!got[static_cast<std::size_t>(r)]) late.push_back(r);
  return late;
}

// Runs again the cases of `doc` whose keys (as ccbench fleet names them) are in `keys`, each new
// result replacing the first, which its notes quote. Bandwidth and clocks flutter: a node is
// called slow only when the second measurement is slow too.
void remeasure(RunSetup& s, PeakModel& peaks, ResultDocument& doc, const std::vector<std::string>& keys,
               const TestFault& fault, int rank) {
  const RunRates first = run_rates_of(ijson::parse(doc.to_json().dump()), "this node");
  for (std::size_t i = 0; i < first.cases.size() && i < s.suite.cases.size(); ++i) {
    const CaseRates& c = first.cases[i];
    if (std::find(keys.begin(), keys.end(), c.key) == keys.end()) continue;
    Result r = run_case(s, s.suite.cases[i], fault, rank);
    peaks.take(r);
    r.notes.push_back(fmt::format("measured twice: the first median, {:.4g} {}, was slow against the fleet; this is "
                                  "the second", median_of(c.rates), c.unit));
    doc.replace(i, std::move(r));
  }
  peaks.annotate_again(doc.results());
  doc.set_peaks(peaks.to_json(), node_ratings(s.bases, peaks, doc.results()));
}

// Per rank, the keys of its slow cases, but for the interconnect's: those need every rank.
std::vector<std::vector<std::string>> suspects(const FleetDocument& fleet, const std::filesystem::path& out) {
  const FleetReport report = analyse_fleet(fleet.as_fleet(out.string()), {});
  std::vector<std::vector<std::string>> keys(fleet.nodes().size());
  for (const auto& row : report.rows)
    if (row.verdict == "slow" && !row.key.starts_with("net/"))
      for (const auto& n : fleet.nodes())
        if (n.node == row.node) keys[static_cast<std::size_t>(n.rank)].push_back(row.key);
  return keys;
}

struct RootRun {
  const RunArgs& a;
  FleetComm& comm;
  RunSetup& s;
  const TestFault& fault;
  const std::filesystem::path& out;
  FleetDocument fleet;
  std::vector<bool> got;
  std::vector<int> lost;  // ranks that stopped answering after their first document
  Clock::time_point written{};
  Clock::duration write_took{};

  // Takes every payload that arrived: a node's document, or "{}" (nothing measured again), and
  // rewrites the file now and then (thousands of nodes arrive at once).
  void absorb() {
    bool changed = false;
    for (auto& [rank, payload] : comm.poll()) {
      got[static_cast<std::size_t>(rank)] = true;
      if (payload == "{}") continue;
      changed = true;
      try {
        fleet.set_document(rank, json::parse(payload));
      } catch (const json::exception& e) {
        fleet.set_missing(rank, fmt::format("its result document is not JSON: {}", e.what()));
      }
    }
    // At most every 2 s, and never more than a fifth of the time: one rewrite of a 512-node
    // document of the quick suite (38 MB) takes about 0.6 s (ccbench-fleet-write).
    if (changed && Clock::now() - written > std::max<Clock::duration>(std::chrono::seconds(2), 4 * write_took)) write();
  }

  void write() {
    const auto start = Clock::now();
    fleet.write(out);
    written = Clock::now();
    write_took = written - start;
  }

  // The second round: every measured node is told which of its cases were slow (rank 0 measures
  // its own here); each answers with its new document, or "{}" when it had none. A node that
  // does not answer keeps its first document and is lost for the end of the run.
  void second_round(PeakModel& peaks, ResultDocument& doc) {
    const auto keys = suspects(fleet, out);
    std::vector<int> asked;
    for (const auto& n : fleet.nodes()) {
      if (n.rank == 0 || n.status != "measured") continue;
      if (comm.tell(n.rank, json{{"remeasure", keys[static_cast<std::size_t>(n.rank)]}}.dump(), a.fleet_timeout))
        asked.push_back(n.rank);
      else
        lost.push_back(n.rank);
    }
    comm.expect_from(asked);
    for (int r : asked) got[static_cast<std::size_t>(r)] = false;
    if (!keys[0].empty()) {
      remeasure(s, peaks, doc, keys[0], fault, 0);
      fleet.set_document(0, doc.to_json());
    }
    for (int r : await([&] { absorb(); }, asked, got, a.fleet_timeout)) {
      lost.push_back(r);
      fleet.set_note(r, fmt::format("no answer to the second round within --fleet-timeout {} s: the first "
                                    "measurement is kept", a.fleet_timeout));
    }
  }
};

// Seconds the fleet-wide HPL cases may take (their deadlines): the other ranks wait that much
// longer for rank 0's final word.
double fleet_hpl_budget(const RunSetup& s) {
  double t = 0;
  for (const auto& c : s.suite.cases)
    if (const auto* h = std::get_if<HplProblem>(&c.problem)) t += h->timeout_s;
  return t;
}

// HPL across every node at once, for each HPL case of the suite, once every node has delivered:
// rank 0 starts hpcc on the hosts of all nodes (each node with the ranks of its own run), over
// the memory of all hosts for a share of memory; the grid as square as possible. The other
// ranks wait, idle, for the final word. The fleet's Rmax.
void fleet_hpl(RootRun& run, const std::vector<Member>& m) {
  for (const auto& c : run.s.suite.cases) {
    const auto* h = std::get_if<HplProblem>(&c.problem);
    if (!h) continue;
    HplProblem all = *h;
    all.p = all.q = all.processes = 0;
    std::vector<std::pair<std::string, int>> hosts;
    double memory = 0;
    for (const auto& n : run.fleet.nodes()) {
      const json sys = n.document.value("system", json::object());
      const int cores = sys.value("backends", json::object()).value("hpcc", json::object()).value("cores", 1);
      all.processes += h->ranks_for(run.a.threads, cores);
      const std::string& host = m[static_cast<std::size_t>(n.rank)].host;
      if (std::none_of(hosts.begin(), hosts.end(), [&](const auto& x) { return x.first == host; })) {
        hosts.emplace_back(host, cores);  // nodes that share a host (tests) share its cores and memory
        memory += sys.value("memory", json::object()).value("available_bytes", 0.0);
      }
    }
    if (h->memory_fraction > 0) all.n = HplProblem::n_for_memory(h->memory_fraction, memory, h->nb);
    all.hosts = hosts;
    Case fleet_case{c.backend, all, {fmt::format("across all {} nodes at once ({} hosts)", run.fleet.nodes().size(),
                                                 hosts.size())}, 0};
    if (!run.a.quiet) fmt::print(stderr, "fleet: {} across all {} nodes\n", problem_id(all), run.fleet.nodes().size());
    const auto node_files = run.s.files_dir;
    run.s.files_dir = files_dir_for(run.out) / "all-nodes";
    Result r = run_case(run.s, fleet_case, TestFault{}, 0);
    run.s.files_dir = node_files;
    run.fleet.add_fleet_result(r.to_json());
    run.write();
  }
}

int root_run(const RunArgs& a, const std::vector<std::string>& argv, FleetComm& comm, RunSetup& s,
             const std::vector<Member>& m, const TestFault& fault, const std::filesystem::path& out) {
  std::vector<std::string> names;
  for (const auto& x : m) names.push_back(x.node);
  RootRun run{a, comm, s, fault, out, FleetDocument(argv, s.suite_section, names), std::vector<bool>(names.size()), {}, {}, {}};
  std::vector<int> others;
  for (int r = 1; r < comm.size(); ++r) others.push_back(r);
  comm.expect_from(others);
  json system = probe_and_warn(s.registry);
  PeakModel peaks(s.hardware, system);
  ResultDocument doc(argv, s.suite_section, std::move(system));
  measure(s, peaks, doc, a.quiet, fault, 0, [&] {
    run.fleet.set_document(0, doc.to_json());
    run.absorb();
    run.fleet.write(out);
    comm.lockstep(a.fleet_timeout);
  });
  const auto end_of_own_run = Clock::now();
  for (int r : await([&] { run.absorb(); }, others, run.got, a.fleet_timeout))
    run.fleet.set_missing(r, fmt::format("no result document within --fleet-timeout {} s after rank 0 finished its "
                                         "own run: the rank died or hangs", a.fleet_timeout));
  const double waited = std::chrono::duration<double>(Clock::now() - end_of_own_run).count();
  if (!interrupted()) run.second_round(peaks, doc);
  if (!interrupted() && run.fleet.measured() == names.size() && run.lost.empty()) fleet_hpl(run, m);
  run.fleet.finish(waited);
  run.write();

  const FleetReport report = analyse_fleet(run.fleet.as_fleet(out.string()), {});
  if (!a.quiet) fmt::print("{}", render_fleet_table(report));
  const std::size_t measured = run.fleet.measured();
  fmt::print(stderr, "fleet: {} of {} nodes measured, gathered {:.2f} s after rank 0's own run; results: {}{}\n",
             measured, names.size(), waited, out.string(), interrupted() ? " (interrupted)" : "");
  // MPI_Finalize only when every rank is alive and passes the last barrier: it would wait for a
  // lost one.
  const bool all_alive = measured == names.size() && run.lost.empty();
  const std::string last = json{{"final", all_alive ? kAllAlive : kSomeLost}}.dump();
  for (const auto& n : run.fleet.nodes())
    if (n.rank != 0 && n.status == "measured") comm.tell(n.rank, last, 1.0);
  if (!all_alive) return 1;
  if (comm.barrier(kFinalBarrierSeconds)) comm.finish();
  if (interrupted()) return 130;
  return report.defective_nodes > 0 || report.fleet_wide_failures > 0 ? 1 : exit_code(doc);
}

// Rank 0's messages after this node delivered its document: measure some cases again, then the
// final word. Returns that word, or nullopt when rank 0 went silent past `deadline_s`.
std::optional<int> follow_root(FleetComm& comm, RunSetup& s, PeakModel& peaks, ResultDocument& doc,
                               const TestFault& fault, double deadline_s) {
  for (;;) {
    const auto message = comm.hear_from_root(deadline_s);
    if (!message) return std::nullopt;
    const json m = json::parse(*message);
    if (m.contains("final")) return m["final"].get<int>();
    const auto keys = m["remeasure"].get<std::vector<std::string>>();
    if (!keys.empty()) remeasure(s, peaks, doc, keys, fault, comm.rank());
    if (!comm.send_to_root(keys.empty() ? "{}" : doc.to_json().dump(), deadline_s)) return std::nullopt;
  }
}

int member_run(const RunArgs& a, const std::vector<std::string>& argv, FleetComm& comm, RunSetup& s,
               const TestFault& fault) {
  json system = probe_and_warn(s.registry);
  PeakModel peaks(s.hardware, system);
  ResultDocument doc(argv, s.suite_section, std::move(system));
  const auto start = Clock::now();
  measure(s, peaks, doc, true, fault, comm.rank(), [&] { comm.lockstep(a.fleet_timeout); });
  const double run_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!comm.send_to_root(doc.to_json().dump(), a.fleet_timeout)) {
    fmt::print(stderr, "ccbench: error: rank {}: rank 0 did not take this node's result document within "
               "--fleet-timeout {} s\n", comm.rank(), a.fleet_timeout);
    return 1;
  }
  // Rank 0 answers once it has gathered every node (or given up on the missing ones), and again
  // after the second round.
  const auto word =
      follow_root(comm, s, peaks, doc, fault, a.fleet_timeout + 2 * run_seconds + 60 + fleet_hpl_budget(s));
  if (word != kAllAlive) return word ? exit_code(doc) : 1;
  if (comm.barrier(kFinalBarrierSeconds)) comm.finish();
  return exit_code(doc);
}

}  // namespace

int run_fleet(const RunArgs& a, const std::vector<std::string>& argv) {
  std::unique_ptr<FleetComm> comm = make_fleet_comm();
  if (!comm)
    throw UsageError("started by mpirun or srun as one of several ranks, but this ccbench was built without MPI "
                     "(CCBENCH_ENABLE_MPI=OFF): install Open MPI (cmake/install-deps.sh) and rebuild, or run it "
                     "without a launcher");
  if (comm->size() == 1) {
    comm->finish();
    throw UsageError("started as one of several ranks (the launcher's environment says so), but MPI sees one rank: "
                     "launch with the MPI the ccbench build uses (mpirun, or srun --mpi=pmix)");
  }
  if (!a.history.empty() || !a.gbench_json.empty())
    throw UsageError("--history and --gbench-json are for one node: in a fleet run, store or convert a node's document "
                     "afterwards");
  // Bad input on any rank is carried to all of them, so that every rank refuses at once.
  RunSetup s;
  TestFault fault;
  std::filesystem::path out;
  const std::string name = node_name(a, *comm);
  std::string mine;
  try {
    set_up(a, s);
    check_fleet_input(s, name);
    for (auto& c : s.suite.cases)
      if (auto* n = std::get_if<NetProblem>(&c.problem)) {
        n->deadline_s = a.fleet_timeout;
        n->ranks = comm->size();
      }
    fault = test_fault_from_env();
    // Files a case leaves (hpcc's output) go beside the fleet document, one folder per node
    // (on a shared file system the ranks write side by side); a member rank without --out
    // leaves them where the case put them.
    if (comm->rank() == 0) {
      out = result_path(a.out, "fleet-" + name);
      s.files_dir = files_dir_for(out) / name;
    } else if (!a.out.empty()) {
      s.files_dir = files_dir_for(a.out) / name;
    }
    mine = fingerprint(s);
  } catch (const UsageError& e) {
    mine = std::string(kRefused) + e.what();
  }
  const std::string node = name.substr(0, 255), host = hostname().substr(0, 255);
  mine.resize(std::min(mine.size(), FleetComm::kSmallMessage - 3 - node.size() - host.size()));
  const auto all = comm->allgather(fmt::format("{}\t{}\t{}", mine, node, host), a.fleet_timeout);
  if (!all) {
    fmt::print(stderr, "ccbench: error: rank {}: not all {} ranks started within --fleet-timeout {} s: nothing "
               "measured\n", comm->rank(), comm->size(), a.fleet_timeout);
    return 1;
  }
  const std::vector<Member> m = members(*all);
  if (const std::string why = disagreement(m); !why.empty()) {
    if (comm->barrier(kFinalBarrierSeconds)) comm->finish();
    if (comm->rank() != 0) return 2;  // every rank sees the same; rank 0 says it
    throw UsageError(why + "; refused before measuring");
  }
  if (comm->rank() != 0) return member_run(a, argv, *comm, s, fault);
  warn_shared_hosts(m);
  return root_run(a, argv, *comm, s, m, fault, out);
}

}  // namespace ccb::cli
