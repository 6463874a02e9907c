#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "kernels/common/check.hpp"

namespace ccb {
namespace {

std::string failure_of(bool ok, const char* message) {
  try {
    if (message)
      CCB_CHECK(ok, message);
    else
      CCB_CHECK(ok);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(Check, PassesSilentlyAndFailsWithFileLineExpressionAndMessage) {
  EXPECT_EQ(failure_of(true, nullptr), "");
  EXPECT_EQ(failure_of(true, "never shown"), "");
  const std::string bare = failure_of(false, nullptr);
  EXPECT_NE(bare.find("check_test.cpp:"), std::string::npos) << bare;
  EXPECT_NE(bare.find("check failed: ok"), std::string::npos) << bare;
  EXPECT_EQ(bare.find("ok: "), std::string::npos) << bare;
  const std::string with_message = failure_of(false, "the buffer is too small");
  EXPECT_NE(with_message.find("check failed: ok: the buffer is too small"), std::string::npos) << with_message;
}

TEST(Check, EvaluatesItsConditionOnceAndItsMessageOnlyOnFailure) {
  int conditions = 0, messages = 0;
  auto condition = [&] { return ++conditions > 0; };
  auto message = [&] { return "built " + std::to_string(++messages); };
  CCB_CHECK(condition(), message());
  EXPECT_EQ(conditions, 1);
  EXPECT_EQ(messages, 0);
  try {
    CCB_CHECK(!condition(), message());
    ADD_FAILURE() << "a false condition did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("built 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(conditions, 2);
  EXPECT_EQ(messages, 1);
}

}  // namespace
}  // namespace ccb
