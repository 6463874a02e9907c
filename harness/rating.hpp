#pragma once
// Rating bases (configs/ratings/) put measured figures on the basis compute centers publish,
// and published centers (configs/centers/) give something to compare a whole center with.
// No figure is ever converted between precisions: each basis stands on its own.
#include <filesystem>
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

// The per-node figures on every basis, from the device peaks and the passed GEMM and HPL
// results: {basis: {title, spec_peak_flops, sustained_flops, spec_detail, sustained_detail,
// missing}}. On a device where HPL passed, the sustained figure is Rmax (its best run; the
// detail's "measure" says "hpl", with the best GEMM beside it as "gemm_proxy"); elsewhere the
// best GEMM's median.
json node_ratings(const std::vector<RatingBasis>& bases, const PeakModel& peaks,
                  const std::vector<Result>& results);

}  // namespace ccb
