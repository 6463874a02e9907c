#include <gtest/gtest.h>

#include "harness/units.hpp"

namespace ccb {

TEST(Units, ParsesSiQuantities) {
  EXPECT_DOUBLE_EQ(*parse_si("40P"), 40e15);
  EXPECT_DOUBLE_EQ(*parse_si("45E"), 45e18);
  EXPECT_DOUBLE_EQ(*parse_si("181.9 PFLOPS"), 181.9e15);
  EXPECT_DOUBLE_EQ(*parse_si("7.1 TFLOPS"), 7.1e12);
  EXPECT_DOUBLE_EQ(*parse_si("1979 TOPS"), 1979e12);
  EXPECT_DOUBLE_EQ(*parse_si("2.5e3 GFLOP/s"), 2.5e12);
  EXPECT_DOUBLE_EQ(*parse_si("4e16"), 4e16);
  EXPECT_DOUBLE_EQ(*parse_si("125 kFLOPS"), 125e3);
}

TEST(Units, RejectsMalformedQuantities) {
  for (const char* bad : {"40Q", "-3P", "P40", "", " ", "0P", "0", "nan", "inf", "40PP", "40 P FLOPS", ".5P", "5.P",
                          "40 pflops", "40 PFLOPS extra", "1e", "+40P", "40K", "1e400", "45E3", "40E-3P"})
    EXPECT_FALSE(parse_si(bad)) << "'" << bad << "'";
}

TEST(Units, FormatsWithTheLargestPrefix) {
  EXPECT_EQ(format_si(40e15), "40.0 PFLOPS");
  EXPECT_EQ(format_si(181.9e15), "182 PFLOPS");
  EXPECT_EQ(format_si(5.324e12), "5.32 TFLOPS");
  EXPECT_EQ(format_si(1.06e13, "OPS"), "10.6 TOPS");
  EXPECT_EQ(format_si(12.0), "12.0 FLOPS");
  EXPECT_DOUBLE_EQ(*parse_si(format_si(45e18)), 45e18);
}

}  // namespace ccb
