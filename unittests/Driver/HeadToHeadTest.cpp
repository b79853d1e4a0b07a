//===- HeadToHeadTest.cpp - When a tuned schedule replaces the default ----===//

#include "kernelforge/Driver/Tuner.h"

#include <gtest/gtest.h>

#include <vector>

using namespace mlir::kf;

namespace {

// A leader clearly faster in every alternating round replaces the default.
TEST(HeadToHead, ClearWinReplacesTheDefault) {
  std::vector<double> ours = {0.90, 0.91, 0.89, 0.92, 0.90};
  std::vector<double> theirs = {1.00, 1.01, 0.99, 1.02, 1.00};
  EXPECT_TRUE(beatsDefault(ours, theirs));
}

// One round lost to noise (a busy moment during the leader's turn) is
// allowed out of five; two are not.
TEST(HeadToHead, OneNoisyRoundOfFiveIsForgiven) {
  std::vector<double> theirs = {1.00, 1.00, 1.00, 1.00, 1.00};
  EXPECT_TRUE(beatsDefault({0.90, 1.30, 0.90, 0.91, 0.90}, theirs));
  EXPECT_FALSE(beatsDefault({0.90, 1.30, 0.90, 1.20, 0.90}, theirs));
  // With three rounds, none may be lost.
  EXPECT_FALSE(beatsDefault({0.90, 1.01, 0.90}, {1.0, 1.0, 1.0}));
}

// Level times, or a win smaller than the margin, keep the default, even when
// the leader is faster in every round.
TEST(HeadToHead, SmallOrNoWinKeepsTheDefault) {
  std::vector<double> theirs = {1.00, 1.00, 1.00, 1.00, 1.00};
  EXPECT_FALSE(beatsDefault(theirs, theirs));
  EXPECT_FALSE(beatsDefault({0.99, 0.99, 0.99, 0.99, 0.99}, theirs));
  EXPECT_TRUE(beatsDefault({0.97, 0.97, 0.97, 0.97, 0.97}, theirs));
  EXPECT_FALSE(beatsDefault({0.97, 0.97, 0.97, 0.97, 0.97}, theirs,
                            /*margin=*/0.05));
}

// Rounds are paired: a slow minute that slows both of a round's timings does
// not decide it, where comparing the two sides' medians alone would.
TEST(HeadToHead, RoundsArePaired) {
  // The machine was twice as slow during the last three rounds; the leader
  // wins each round by 5%.
  std::vector<double> theirs = {1.0, 1.0, 2.0, 2.0, 2.0};
  std::vector<double> ours = {0.95, 0.95, 1.9, 1.9, 1.9};
  EXPECT_TRUE(beatsDefault(ours, theirs));
  // Level in every round, the slow rounds falling on the default's side of
  // the medians (1.0 against 2.0) do not make the leader a winner.
  EXPECT_FALSE(
      beatsDefault({1.0, 1.0, 1.0, 2.0, 2.0}, {1.0, 1.0, 2.0, 2.0, 2.0}));
}

// The median round's ratio, which a winner's recorded time is scaled by:
// paired, so drift between rounds does not enter it.
TEST(HeadToHead, MedianRatioIsPaired) {
  EXPECT_DOUBLE_EQ(
      medianRatio({0.95, 0.95, 1.9, 1.9, 1.9}, {1.0, 1.0, 2.0, 2.0, 2.0}),
      0.95);
  EXPECT_DOUBLE_EQ(medianRatio({0.5, 1.0, 0.9}, {1.0, 1.0, 1.0}), 0.9);
  // Even counts take the slower of the middle two.
  EXPECT_DOUBLE_EQ(medianRatio({0.8, 0.9, 1.0, 1.1}, {1.0, 1.0, 1.0, 1.0}),
                   1.0);
  EXPECT_DOUBLE_EQ(medianRatio({}, {}), 1.0);
  EXPECT_DOUBLE_EQ(medianRatio({0.5}, {0.0}), 1.0);
}

// Mismatched, empty or meaningless times never replace the default.
TEST(HeadToHead, MalformedTimesKeepTheDefault) {
  EXPECT_FALSE(beatsDefault({}, {}));
  EXPECT_FALSE(beatsDefault({0.5, 0.5}, {1.0, 1.0, 1.0}));
  EXPECT_FALSE(beatsDefault({0.0, 0.5, 0.5}, {1.0, 1.0, 1.0}));
  EXPECT_FALSE(beatsDefault({0.5, 0.5, 0.5}, {1.0, -1.0, 1.0}));
}

// kernelforge-tune warns when other work held a quarter of the cores or more
// over the last minute, and names the load and the cores.
TEST(HeadToHead, BusyMachineWarning) {
  EXPECT_EQ(busyMachineWarning(0.1, 2), "");
  EXPECT_EQ(busyMachineWarning(0.49, 2), "");
  std::string busy = busyMachineWarning(1.5, 2);
  EXPECT_NE(busy.find("load average 1.50"), std::string::npos) << busy;
  EXPECT_NE(busy.find("2 cores"), std::string::npos) << busy;
  EXPECT_EQ(busyMachineWarning(3.0, 16), "");
  EXPECT_NE(busyMachineWarning(4.0, 16), "");
  EXPECT_EQ(busyMachineWarning(1.0, 0), "");
}

} // namespace
