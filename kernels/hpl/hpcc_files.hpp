#pragma once
// The HPC Challenge suite's files: the input hpccinf.txt that ccbench writes, and the output
// hpccoutf.txt that it reads (HPL's result and residual lines, the summary section).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/host_view.hpp"

namespace ccb {

struct HpccInput {
  std::vector<std::int64_t> ns;  // one HPL run per entry
  std::int64_t nb = 192;
  int p = 1, q = 1;
};
// hpccinf.txt: HPL.dat's layout (the example of Debian's hpcc package) with one NB and one grid,
// and PTRANS at HPCC's defaults.
std::string hpccinf_text(const HpccInput& in);

// One HPL run: its result line (T/V N NB P Q Time Gflops) and the scaled residual after it.
struct HplRunLine {
  std::string variant;  // the T/V code, e.g. WR11C2R4
  std::int64_t n = 0, nb = 0;
  int p = 0, q = 0;
  double seconds = 0, gflops = 0;
  std::optional<double> residual;  // ||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)
  std::string residual_verdict;    // PASSED or FAILED, as HPL printed it
};

struct HpccOutput {
  std::vector<HplRunLine> runs;
  std::optional<double> threshold;  // "Computational tests pass if scaled residuals are less than"
  // "Finished N tests with the following results": the counts, read as whole numbers.
  std::optional<std::int64_t> finished, passed, failed, skipped;
  std::map<std::string, std::string> summary;  // key=value lines of the summary section
  bool summary_complete = false;               // both "Begin of" and "End of Summary section." seen
  bool hpl_section_complete = false;           // likewise for "HPL section."; the runs come from it

  // A summary value as a number: nullopt when absent or not wholly a number.
  std::optional<double> number(const std::string& key) const;
};

// Reads hpccoutf.txt. Never throws: what is missing stays empty, for the validation to name.
HpccOutput parse_hpcc_output(std::string_view text);

// What validate_hpl reads, from hpcc's output and what was asked for: "residual" per run (-1:
// none printed), "run" per run {N, NB, P, Q}, "counts" {threshold, Success, finished, passed,
// failed} (-1: absent; Success 0 when mpirun failed), "asked" {runs, P, Q}.
class HplView {
 public:
  HplView(const HpccOutput& out, int runs, int p, int q, bool mpirun_ok);
  HostView view() const;

 private:
  std::vector<double> residual_, run_, counts_, asked_;
};

// A whole token as a finite number (no trailing characters); nullopt otherwise.
std::optional<double> parse_number(std::string_view token);

}  // namespace ccb
