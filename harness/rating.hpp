#pragma once
// Rating bases (configs/ratings/) put measured figures on the basis compute centers publish,
// and published centers (configs/centers/) give something to compare a whole center with.
// No figure is ever converted between precisions: each basis stands on its own.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/json_input.hpp"
#include "harness/peak_model.hpp"

namespace ccb {

struct RatingBasis {
  std::string id, title, unit, description, source;  // unit: FLOPS, or OPS for integer bases
  std::vector<std::string> spec_precisions;  // dense peaks; the largest per device counts
  std::vector<std::string> sustained_dtypes;  // passed GEMMs; the best per device counts
  // "FP16/BF16" for messages.
  std::string label() const;
  // Every *.json in `dir`, sorted by id. Throws UsageError naming file and field.
  static std::vector<RatingBasis> load_all(const std::filesystem::path& dir);
};

struct Center {
  std::string id, name, rating_text, basis, basis_note, scope, source;
  std::optional<std::string> date, hardware;
  double rating = 0;  // FLOP/s
  static std::vector<Center> load_all(const std::filesystem::path& dir);
};

// The per-node figures on every basis, from the device peaks and the passed GEMM results:
// {basis: {title, spec_peak_flops, sustained_flops, spec_detail, sustained_detail, missing}}.
json node_ratings(const std::vector<RatingBasis>& bases, const PeakModel& peaks,
                  const std::vector<Result>& results);

}  // namespace ccb

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
  std::int64_t nodes = 1;
  std::optional<std::string> basis;     // --basis
  std::optional<double> declared;       // --declared, FLOP/s
  std::optional<std::string> center;    // --center
  std::optional<Convention> convention;  // --convention
};

// Projects the per-node figures of a result document (`doc`, read from `source`) to `nodes`
// nodes, compares them with a declared rating or a published center, and says how many such
// nodes the rating corresponds to. Throws UsageError for a file that is not a ccbench result,
// an unknown basis or center, or a selected basis with no figures at all.
json rate_report(const ijson& doc, const std::string& source, const RateRequest& req,
                 const std::vector<RatingBasis>& bases, const std::vector<Center>& centers);

}  // namespace ccb
