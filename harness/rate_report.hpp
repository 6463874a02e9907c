#pragma once
// ccbench rate: a node's figures (the per-node ratings of a result file) projected to a whole
// center, compared with a declared or published rating.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/json_input.hpp"
#include "harness/rating.hpp"

namespace ccb {

// An explicit cross-precision convention, for organizations that add figures of different
// precisions into one total (e.g. "FP32-equivalent"). ccbench ships none: no official factor
// exists. Figures converted under a convention are always reported with its id.
struct Convention {
  std::string id, title, target, description, source;
  std::map<std::string, double> factors;  // basis id -> multiplier into `target`
  // Throws UsageError naming the file and field.
  static Convention load(const std::filesystem::path& path);
};

struct RateRequest {
  std::int64_t nodes = 0;  // --nodes; 0: not given (a fleet counts its own measured nodes)
  std::optional<std::string> basis;     // --basis
  std::optional<double> declared;       // --declared, FLOP/s
  std::optional<std::string> center;    // --center
  std::optional<Convention> convention;  // --convention
};

// Projects the per-node figures of a result document (`doc`, read from `source`) to `nodes`
// nodes, or sums what the measured nodes of a fleet document delivered (nodes beyond them, up to
// `nodes`, counted at the fleet median), compares them with a declared rating or a published center, and says how many such
// nodes the rating corresponds to. Throws UsageError for a file that is not a ccbench result,
// an unknown basis or center, or a selected basis with no figures at all.
json rate_report(const ijson& doc, const std::string& source, const RateRequest& req,
                 const std::vector<RatingBasis>& bases, const std::vector<Center>& centers);

}  // namespace ccb
