// The terminal progress line, on a clock the test moves: what it shows, that it redraws at most
// 10 times a second, that it reads the clock rarely, and that it erases itself at epoch end.
#include "mlp/cli/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

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
                    [&] { return clock.now; });
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

TEST(ProgressLine, RedrawsAtMostTenTimesASecondAndReadsTheClockRarely) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), 1, 8000 * 100, 1, [&] {
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
  EXPECT_LE(line.draws(), 41);  // 4 s at 10 per second (+1 for rounding)
  EXPECT_GE(line.draws(), 30);  // but it does keep drawing
  // A check every ~10 ms: ~400 reads in 4 s, not one per batch.
  EXPECT_LT(clock.reads, 1000) << "the clock is read too often";
  const std::string text = out.text();
  EXPECT_EQ(text.rfind('\r', 0), 0u) << "each draw starts at the line's beginning";
  EXPECT_EQ(text.find('\n'), std::string::npos) << "a progress line never ends a line";
}

TEST(ProgressLine, EndEpochErasesOnlyAShownLine) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), 2, 8000, 32, [&] { return clock.now; });
  line.StartEpoch(1);
  line.AfterBatch(32, 1.0);  // at once: nothing drawn before 100 ms have passed
  line.EndEpoch();
  EXPECT_EQ(out.text(), "") << "a short epoch must leave no trace";

  line.StartEpoch(2);
  clock.now += 0.5;
  // The clock is read every few batches only: a draw comes within a few calls.
  for (int i = 0; i < 8 && line.draws() == 0; ++i) line.AfterBatch(64, 1.0);
  ASSERT_EQ(line.draws(), 1);
  line.EndEpoch();
  const std::string text = out.text();
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K") << "the line is not erased";
}

// A resumed run starts at a later epoch: the time left is that of the epochs still to come, at
// the pace of this session.
TEST(ProgressLine, EtaAfterAResumeCountsThisSessionOnly) {
  CapturedFile out;
  FakeClock clock;
  ProgressLine line(out.get(), /*epochs=*/10, 8000, 32, [&] { return clock.now; });
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
