// What train shows on a terminal, on a clock the test moves. The live line: what it shows, that it
// redraws at most four times a second across epochs of any length, that it reads the clock
// rarely, fits the terminal's width and erases itself when asked. The table's lines: every N-th
// epoch, or a round N chosen from the pace on a terminal, every epoch elsewhere.
#include "mlp/cli/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace simd_mlp::mlp {
namespace {

// A FILE* whose contents the test can read back.
class CapturedFile {
 public:
  CapturedFile() : file_(open_memstream(&buffer_, &size_)) {}
  ~CapturedFile() {
    std::fclose(file_);
    std::free(buffer_);
  }
  std::FILE* get() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buffer_, size_);
  }

 private:
  char* buffer_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

struct FakeClock {
  double now = 100.0;
  int reads = 0;
};

TEST(ProgressLine, ShowsEpochBatchesLossRateAndEta) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), /*epochs=*/4, /*samples_per_epoch=*/8000, /*batch=*/32,
                    /*loss_scale=*/1, [&] { return clock.now; });
  line.StartEpoch(1);
  clock.now += 1.0;  // epoch 1 took 1 s
  line.StartEpoch(2);
  clock.now += 0.25;  // a quarter of epoch 2: 2,000 samples in 0.25 s
  // 2,000 samples = 62.5 batches → batch 63 (the last batch may be partial); loss 2e-2 / sample.
  const std::string text = line.Format(clock.now, 2000, 2000 * 2e-2);
  EXPECT_NE(text.find("epoch 2/4"), std::string::npos) << text;
  EXPECT_NE(text.find("batch 63/250"), std::string::npos) << text;
  EXPECT_NE(text.find("loss 2.0000e-02"), std::string::npos) << text;
  EXPECT_NE(text.find("8,000 samples/s"), std::string::npos) << text;
  // 1.25 epochs in 1.25 s → 2.75 epochs left ≈ 2.75 s.
  EXPECT_NE(text.find("ETA 2.8 s"), std::string::npos) << text;
}

TEST(ProgressLine, ShowsTheLossInTheUnitsOfTheRun) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), 4, 8000, 32, /*loss_scale=*/250000, [&] { return clock.now; });
  line.StartEpoch(1);
  clock.now += 0.25;
  const std::string text = line.Format(clock.now, 2000, 2000 * 2e-2);
  EXPECT_NE(text.find("loss 5.0000e+03"), std::string::npos) << text;
}

TEST(ProgressLine, RedrawsAtMostFourTimesASecondAndReadsTheClockRarely) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), 1, 8000 * 100, 1, 1, [&] {
    ++clock.reads;
    return clock.now;
  });
  line.StartEpoch(1);
  // 800,000 batches of 5 µs each: 4 s.
  constexpr int kBatches = 800000;
  for (int b = 1; b <= kBatches; ++b) {
    clock.now += 5e-6;
    line.AfterBatch(std::size_t(b), b * 1e-3);
  }
  EXPECT_LE(line.draws(), 17);  // 4 s at 4 per second (+1 for rounding)
  EXPECT_GE(line.draws(), 12);  // but it does keep drawing
  // A check every ~10 ms: ~400 reads in 4 s, not one per batch.
  EXPECT_LT(clock.reads, 1000) << "the clock is read too often";
  const std::string text = out.text();
  EXPECT_EQ(text.rfind('\r', 0), 0u) << "each draw starts at the line's beginning";
  EXPECT_EQ(text.find('\n'), std::string::npos) << "a progress line never ends a line";
}

// Epochs of 10 ms, 200 of them: the line keeps its pace across epochs (it is not erased at their
// ends), four draws a second, not one per epoch.
TEST(ProgressLine, ShortEpochsAreDrawnAtTheSamePace) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), 200, 8000, 32, 1, [&] { return clock.now; });
  for (int epoch = 1; epoch <= 200; ++epoch) {
    line.StartEpoch(epoch);
    for (std::size_t b = 1; b <= 250; ++b) {
      clock.now += 0.01 / 250;
      line.AfterBatch(b * 32, b * 32 * 1e-3);
    }
  }
  EXPECT_GE(line.draws(), 6);  // 2 s
  EXPECT_LE(line.draws(), 9);
  EXPECT_EQ(out.text().find("\033[K\r\033[K"), std::string::npos) << "erased between draws";
}

TEST(ProgressLine, ClearErasesOnlyAShownLine) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), 2, 8000, 32, 1, [&] { return clock.now; });
  line.StartEpoch(1);
  line.AfterBatch(32, 1.0);  // at once: nothing drawn before 250 ms have passed
  line.Clear();
  EXPECT_EQ(out.text(), "") << "a short epoch must leave no trace";

  line.StartEpoch(2);
  clock.now += 0.5;
  // The clock is read every few batches only: a draw comes within a few calls.
  for (int i = 0; i < 8 && line.draws() == 0; ++i) line.AfterBatch(64, 1.0);
  ASSERT_EQ(line.draws(), 1);
  line.Clear();
  const std::string text = out.text();
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K") << "the line is not erased";
  line.Clear();
  EXPECT_EQ(out.text(), text) << "erased twice";
}

TEST(ProgressLine, FitsTheTerminalsWidth) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(
      out.get(), 2, 8000, 32, 1, [&] { return clock.now; }, [] { return 40; });
  line.StartEpoch(1);
  clock.now += 0.5;
  for (int i = 0; i < 8 && line.draws() == 0; ++i) line.AfterBatch(64, 1.0);
  ASSERT_EQ(line.draws(), 1);
  const std::string text = out.text();  // "\r" + the line + "\033[K"
  EXPECT_EQ(text.size(), 1 + 39 + 3) << text;
  EXPECT_EQ(text.substr(1, 39), line.Format(clock.now, 64, 1.0).substr(0, 39));
}

TEST(EpochLines, EveryNthWhenAsked) {
  FakeClock clock;
  EpochLines lines(/*every=*/10, /*terminal=*/true, 100, [&] { return clock.now; });
  std::string due;
  for (int epoch = 1; epoch <= 35; ++epoch) {
    clock.now += 0.001;
    if (lines.Due(epoch)) due += std::to_string(epoch) + " ";
  }
  EXPECT_EQ(due, "10 20 30 ");
}

TEST(EpochLines, EveryEpochToAFileOrAPipe) {
  FakeClock clock;
  EpochLines lines(0, /*terminal=*/false, 200, [&] { return clock.now; });
  for (int epoch = 1; epoch <= 200; ++epoch) {
    clock.now += 0.001;
    EXPECT_TRUE(lines.Due(epoch)) << epoch;
  }
}

// On a terminal: 200 epochs of 10 ms, the cos task's pace, show 10 lines (a round number of epochs
// apart that takes 0.5 s would be 50, but a short run keeps a tenth of its epochs); 2,000 show
// every 50th; epochs of a second show every one.
TEST(EpochLines, OnATerminalARoundNumberFromThePace) {
  const auto due = [](int epochs, double seconds) {
    FakeClock clock;
    EpochLines lines(0, /*terminal=*/true, epochs, [&] { return clock.now; });
    int count = 0;
    for (int epoch = 1; epoch <= epochs; ++epoch) {
      clock.now += seconds;
      count += lines.Due(epoch) ? 1 : 0;
    }
    return std::pair{count, lines.every()};
  };
  EXPECT_EQ(due(200, 0.010), std::pair(10, 20));
  EXPECT_EQ(due(2000, 0.010), std::pair(40, 50));
  EXPECT_EQ(due(30, 1.0), std::pair(30, 1));
  EXPECT_EQ(due(5, 0.010), std::pair(5, 1));
  // A slow first epoch (threads starting, pages faulting in) then fast ones: the round grows.
  FakeClock clock;
  EpochLines lines(0, true, 1000, [&] { return clock.now; });
  clock.now += 0.2;
  lines.Due(1);
  EXPECT_EQ(lines.every(), 5);
  for (int epoch = 2; epoch <= 100; ++epoch) {
    clock.now += 0.005;
    lines.Due(epoch);
  }
  EXPECT_EQ(lines.every(), 100);  // 0.7 s / 100 epochs: 7 ms each, 72 of them in 0.5 s
}

// A resumed run starts at a later epoch: the time left is that of the epochs still to come, at
// the pace of this session.
TEST(ProgressLine, EtaAfterAResumeCountsThisSessionOnly) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), /*epochs=*/10, 8000, 32, 1, [&] { return clock.now; });
  line.StartEpoch(7);
  clock.now += 2.0;  // epoch 7 took 2 s
  line.StartEpoch(8);
  clock.now += 1.0;  // half of epoch 8
  // 1.5 epochs in 3 s → 2 s each; 2.5 epochs left (the rest of 8, then 9 and 10) → 5 s.
  const std::string text = line.Format(clock.now, 4000, 4000 * 1e-2);
  EXPECT_NE(text.find("epoch 8/10"), std::string::npos) << text;
  EXPECT_NE(text.find("ETA 5.0 s"), std::string::npos) << text;
}

}  // namespace
}  // namespace simd_mlp::mlp
