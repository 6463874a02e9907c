#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "kernels/common/problem.hpp"
#include "kernels/common/validation.hpp"

namespace ccb {
namespace {

TEST(NetProblem, WorkIdAndIterations) {
  const NetProblem p{NetPattern::ring, 1 << 20};
  EXPECT_EQ(p.id(), "net/fp64/ring/b1048576");
  EXPECT_EQ(p.iterations(), 64);
  EXPECT_DOUBLE_EQ(p.work().bytes, 64.0 * (1 << 20));
  EXPECT_EQ(NetProblem({NetPattern::allreduce, 8}).iterations(), 1000);
  EXPECT_EQ(NetProblem({NetPattern::ring, std::int64_t{1} << 30}).iterations(), 1);
  EXPECT_NE(NetProblem({NetPattern::allreduce, 8}).work().formula.find("2(n-1)/n"), std::string::npos);
}

TEST(NetProblem, RandomPairingPairsEveryRankButTheOddOneOut) {
  for (int ranks : {2, 3, 4, 7, 64, 513}) {
    const NetProblem p{NetPattern::random, 8};
    int alone = 0;
    for (int r = 0; r < ranks; ++r) {
      const int s = p.source(r, ranks);
      ASSERT_GE(s, 0);
      ASSERT_LT(s, ranks);
      EXPECT_EQ(p.source(s, ranks), r) << "pairs are symmetric";
      alone += s == r;
    }
    EXPECT_EQ(alone, ranks % 2) << ranks << " ranks";
  }
  // Not simply neighbours: the pairing is random (seeded, the same on every rank).
  const NetProblem p{NetPattern::random, 8};
  int neighbours = 0;
  for (int r = 0; r < 64; ++r) neighbours += std::abs(p.source(r, 64) - r) == 1;
  EXPECT_LT(neighbours, 32);
  EXPECT_EQ(NetProblem({NetPattern::ring, 8}).source(0, 4), 3);
}

TEST(NetProblem, PairScheduleMeetsEveryOtherRankOnceInMatchedRounds) {
  for (int ranks : {2, 3, 4, 5, 8, 17, 63, 64}) {
    std::vector<std::vector<int>> s;
    for (int r = 0; r < ranks; ++r) s.push_back(NetProblem::pair_schedule(r, ranks));
    const std::size_t rounds = static_cast<std::size_t>(ranks % 2 ? ranks : ranks - 1);
    for (int r = 0; r < ranks; ++r) {
      ASSERT_EQ(s[static_cast<std::size_t>(r)].size(), rounds) << ranks;
      std::set<int> met;
      for (std::size_t k = 0; k < rounds; ++k) {
        const int p = s[static_cast<std::size_t>(r)][k];
        ASSERT_GE(p, 0);
        ASSERT_LT(p, ranks);
        EXPECT_EQ(s[static_cast<std::size_t>(p)][k], r) << "round " << k << " of " << ranks << " is a matching";
        if (p != r) EXPECT_TRUE(met.insert(p).second) << r << " meets " << p << " twice";
      }
      EXPECT_EQ(met.size(), static_cast<std::size_t>(ranks - 1)) << "rank " << r << " of " << ranks;
    }
  }
  NetProblem p{NetPattern::pairs, 1 << 20};
  p.ranks = 8;
  EXPECT_EQ(p.iterations_per_partner(), 64 / 7);
  EXPECT_DOUBLE_EQ(p.work().bytes, 7.0 * 9 * (1 << 20));
  EXPECT_DOUBLE_EQ(p.footprint_bytes(), 8.0 * (1 << 20));
  EXPECT_EQ(p.id(), "net/fp64/pairs/b1048576");
}

struct Received {
  std::vector<double> recv;
  double where[2];
  HostView view() const {
    return HostView{{{"recv", Elem::f64, recv.data(), recv.size()}, {"rank", Elem::f64, where, 2}}, std::nullopt};
  }
};

Received ring_received(const NetProblem& p, int rank, int ranks) {
  Received r{std::vector<double>(static_cast<std::size_t>(p.bytes / 8)), {double(rank), double(ranks)}};
  for (std::size_t i = 0; i < r.recv.size(); ++i) r.recv[i] = NetProblem::value(p.source(rank, ranks), std::int64_t(i));
  return r;
}

TEST(NetValidation, CatchesAWrongValueAWrongSenderAndNothingReceived) {
  const NetProblem p{NetPattern::random, 1 << 20};
  Received r = ring_received(p, 5, 8);
  EXPECT_TRUE(validate_net(p, r.view()).ok);
  r.recv[77777] += 1;  // one value off by one: exact comparison
  const auto one = validate_net(p, r.view());
  EXPECT_FALSE(one.ok);
  EXPECT_NE(one.detail.find("recv[77777]"), std::string::npos) << one.detail;
  const NetProblem ring{NetPattern::ring, 1 << 20};
  r = ring_received(ring, 4, 8);  // what the ring delivers: from rank 3, not the random partner
  if (ring.source(4, 8) != p.source(4, 8)) {
    r.where[0] = 4;
    EXPECT_FALSE(validate_net(p, r.view()).ok);
  }
  std::fill(r.recv.begin(), r.recv.end(), 0.0);
  EXPECT_TRUE(validate_net(ring, r.view()).mostly_zero);
}

TEST(NetValidation, PairsChecksEveryPartnersMessage) {
  NetProblem p{NetPattern::pairs, 4096};
  p.ranks = 7;
  const int rank = 3;
  std::vector<int> from;
  for (int q : NetProblem::pair_schedule(rank, 7))
    if (q != rank) from.push_back(q);
  Received r{std::vector<double>(512 * from.size()), {double(rank), 7}};
  for (std::size_t i = 0; i < r.recv.size(); ++i) r.recv[i] = NetProblem::value(from[i / 512], std::int64_t(i % 512));
  EXPECT_TRUE(validate_net(p, r.view()).ok);
  // The last partner's message replaced by another's: one message of six from the wrong rank.
  for (std::size_t i = 0; i < 512; ++i) r.recv[5 * 512 + i] = r.recv[i];
  const auto v = validate_net(p, r.view());
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.detail.find(fmt::format("recv[{}]", 5 * 512)), std::string::npos) << v.detail;
  r.recv.resize(512 * 5);  // one message short
  EXPECT_FALSE(validate_net(p, r.view()).ok);
}

TEST(NetValidation, AllreduceIsTheExactSumOverAllRanks) {
  const NetProblem p{NetPattern::allreduce, 4096};
  Received r{std::vector<double>(512), {2, 6}};
  for (std::size_t i = 0; i < r.recv.size(); ++i)
    for (int src = 0; src < 6; ++src) r.recv[i] += NetProblem::value(src, std::int64_t(i));
  EXPECT_TRUE(validate_net(p, r.view()).ok);
  r.where[1] = 5;  // a sum over 6 ranks is not the sum over 5: a rank left out is caught
  EXPECT_FALSE(validate_net(p, r.view()).ok);
}

}  // namespace
}  // namespace ccb
