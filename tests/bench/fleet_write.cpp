// What rank 0 pays for one rewrite of a large fleet's document: a node's result document copied
// into every slot of an N-node fleet document, then to_json() and the atomic write, timed.
// ccbench-fleet-write [--nodes 512] [--node-document FILE] [--out FILE] [--repetitions 5]
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "harness/fleet.hpp"
#include "harness/result.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Times one rewrite of an N-node fleet document"};
  int nodes = 512, repetitions = 5;
  std::string node_document = CCBENCH_SOURCE_DIR "/tests/data/results/cpu-node.json";
  std::string out = (std::filesystem::temp_directory_path() / "ccbench-fleet-write.json").string();
  app.add_option("--nodes", nodes, "nodes in the fleet")->check(CLI::Range(1, 1 << 20));
  app.add_option("--node-document", node_document, "a node's result document")->check(CLI::ExistingFile);
  app.add_option("--out", out, "where to write");
  app.add_option("--repetitions", repetitions)->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(node_document);
  const ccb::json node = ccb::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  std::vector<std::string> names;
  for (int i = 0; i < nodes; ++i) names.push_back(fmt::format("cn{:05d}", i));
  ccb::FleetDocument fleet({"ccbench", "run"}, ccb::json::object(), names);
  for (int i = 0; i < nodes; ++i) fleet.set_document(i, node);
  std::vector<double> seconds;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fleet.write(out);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  fmt::print("{} nodes of {} ({} bytes each): {:.1f} MB written, median {:.3f} s per rewrite over {} rewrites\n", nodes,
             node_document, node.dump(2).size(), static_cast<double>(std::filesystem::file_size(out)) / 1e6,
             ccb::median_of(seconds), repetitions);
  std::filesystem::remove(out);
}
