#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "kernels/common/problem.hpp"
#include "kernels/common/validation.hpp"
#include "kernels/hpl/hpcc_files.hpp"

namespace ccb {
namespace {

std::string recorded(const std::string& name) {
  std::ifstream in(std::string(CCBENCH_TEST_DATA_DIR) + "/hpcc/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << name;
  return s.str();
}

// The recorded runs are two HPL runs of N = 2000, NB = 192 on a 1 x 2 grid.
Validation check(const std::string& name, int runs = 2, std::int64_t n = 2000, bool mpirun_ok = true) {
  HplProblem p;
  p.n = n;
  p.nb = 192;
  return validate_hpl(p, HplView(parse_hpcc_output(recorded(name)), runs, 1, 2, mpirun_ok).view());
}

TEST(HplProblem, SizeGridWorkAndId) {
  // N = floor(sqrt(0.8 * 23e9 / 8) / 192) * 192
  EXPECT_EQ(HplProblem::n_for_memory(0.8, 23e9, 192), 47808);
  EXPECT_EQ(HplProblem::n_for_memory(0.8, 1e6, 192), 192);  // sqrt(1e5) = 316
  EXPECT_EQ(HplProblem::n_for_memory(0.8, 2e5, 192), 0);    // sqrt(2e4) = 141: no whole block
  EXPECT_EQ(HplProblem::grid_for(1), std::make_pair(1, 1));
  EXPECT_EQ(HplProblem::grid_for(2), std::make_pair(1, 2));
  EXPECT_EQ(HplProblem::grid_for(12), std::make_pair(3, 4));
  EXPECT_EQ(HplProblem::grid_for(16), std::make_pair(4, 4));
  EXPECT_EQ(HplProblem::grid_for(7), std::make_pair(1, 7));
  HplProblem p;
  p.n = 1000;
  EXPECT_DOUBLE_EQ(p.work().flops, 2.0 / 3.0 * 1e9 + 1.5e6);
  EXPECT_EQ(p.id(), "hpl/fp64/n1000nb192");
  p.memory_fraction = 0.8;
  p.p = 2;
  p.q = 4;
  EXPECT_EQ(p.id(), "hpl/fp64/mem80nb192p2q4");
  EXPECT_DOUBLE_EQ(p.footprint_bytes(), 8e6);
}

TEST(HpccInput, IsHplDatWithTheRunsNbAndGrid) {
  const std::string text = hpccinf_text({{6000, 6000, 6000}, 256, 2, 3});
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 36u);  // HPL.dat's 31 lines, the separator, PTRANS's 4
  EXPECT_EQ(lines[4].substr(0, 1), "3");
  EXPECT_EQ(lines[5].substr(0, 15), "6000 6000 6000 ");
  EXPECT_EQ(lines[7].substr(0, 3), "256");
  EXPECT_EQ(lines[10].substr(0, 1), "2");
  EXPECT_EQ(lines[11].substr(0, 1), "3");
  EXPECT_NE(lines[12].find("threshold"), std::string::npos);
  EXPECT_EQ(lines[12].substr(0, 4), "16.0");
}

TEST(HpccOutput, ReadsTheRunsResidualsCountsAndSummary) {
  const HpccOutput o = parse_hpcc_output(recorded("passed.txt"));
  ASSERT_EQ(o.runs.size(), 2u);
  EXPECT_EQ(o.runs[0].variant, "WR11C2R4");
  EXPECT_EQ(o.runs[0].n, 2000);
  EXPECT_EQ(o.runs[0].nb, 192);
  EXPECT_EQ(o.runs[0].p, 1);
  EXPECT_EQ(o.runs[0].q, 2);
  EXPECT_DOUBLE_EQ(o.runs[0].gflops, 56.91);
  EXPECT_DOUBLE_EQ(*o.runs[1].residual, 0.00351);
  EXPECT_EQ(o.runs[1].residual_verdict, "PASSED");
  EXPECT_DOUBLE_EQ(*o.threshold, 16.0);
  // HPL's counts, not PTRANS's ("Finished 10 tests" earlier in the file).
  EXPECT_EQ(*o.finished, 2);
  EXPECT_EQ(*o.passed, 2);
  EXPECT_EQ(*o.failed, 0);
  EXPECT_TRUE(o.summary_complete);
  EXPECT_EQ(*o.number("Success"), 1);
  EXPECT_EQ(*o.number("HPL_N"), 2000);
  EXPECT_FALSE(o.number("VersionRelease"));  // "f": not a number
  EXPECT_EQ(*parse_hpcc_output(recorded("eleven-passed.txt")).passed, 11);  // a number, not a substring
}

TEST(HpccOutput, NumbersAreWholeTokens) {
  EXPECT_EQ(*parse_number("5.691e+01"), 56.91);
  EXPECT_FALSE(parse_number("1e400"));
  EXPECT_FALSE(parse_number("12abc"));
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_FALSE(parse_number(""));
}

TEST(HplValidation, PassesARealRunAndCatchesEveryPlantedFault) {
  const Validation ok = check("passed.txt");
  EXPECT_TRUE(ok.ok) << ok.detail;
  EXPECT_EQ(ok.method, "hpl-scaled-residual");
  EXPECT_NEAR(ok.max_error, 0.00351, 1e-9);
  EXPECT_EQ(ok.tolerance, 16.0);

  const Validation residual = check("failed-residual.txt");
  EXPECT_FALSE(residual.ok);
  EXPECT_NE(residual.detail.find("HPL run 2: scaled residual 23.4817 is not below 16"), std::string::npos)
      << residual.detail;
  EXPECT_GT(residual.max_error, residual.tolerance);

  const Validation eleven = check("eleven-passed.txt");
  EXPECT_FALSE(eleven.ok);
  EXPECT_NE(eleven.detail.find("11 passed"), std::string::npos) << eleven.detail;

  const Validation success = check("success-zero.txt");
  EXPECT_FALSE(success.ok);
  EXPECT_NE(success.detail.find("Success=0"), std::string::npos) << success.detail;

  const Validation cut = check("truncated.txt");  // hpcc died in the second run
  EXPECT_FALSE(cut.ok);
  EXPECT_NE(cut.detail.find("1 HPL runs where 2 were asked for"), std::string::npos) << cut.detail;

  EXPECT_FALSE(check("passed.txt", 3).ok);           // fewer runs than asked for
  EXPECT_FALSE(check("passed.txt", 2, 4000).ok);     // another N than asked for
  EXPECT_FALSE(check("passed.txt", 2, 2000, false).ok);  // mpirun failed
}

}  // namespace
}  // namespace ccb
