// Checkpoints: the .npy encoding, the archive's round trip, exact resume for every optimizer, and
// saves that survive being killed half-way.
#include "mlp/io/checkpoint.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/io/file_io.h"
#include "mlp/io/npy.h"
#include "mlp/io/npz.h"
#include "mlp/training/trainer.h"
#include "tests/mlp/testing/helpers.h"

namespace simd_mlp::mlp {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

using testing::CosData;
using testing::SameBits;

TEST(Npy, HeaderIsPaddedTo64BytesAndReadsBack) {
  const float values[6] = {1, 2, 3, 4, 5, -0.0f};
  const std::string npy = EncodeNpyArray<float>({2, 3}, values);
  ASSERT_EQ((npy.size() - sizeof values) % 64, 0u);
  EXPECT_NE(npy.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"),
            std::string::npos);
  EXPECT_EQ(npy[npy.size() - sizeof values - 1], '\n');
  NpyView view;
  std::string error;
  ASSERT_TRUE(DecodeNpy(npy, &view, &error)) << error;
  std::vector<float> back;
  ASSERT_TRUE(NpyValues(view, {2, 3}, &back, &error)) << error;
  EXPECT_EQ(std::memcmp(back.data(), values, sizeof values), 0);
  EXPECT_FALSE(NpyValues(view, {3, 2}, &back, &error));
  EXPECT_EQ(error, "shape (2, 3), expected (3, 2)");
  std::vector<double> wrong;
  EXPECT_FALSE(NpyValues(view, {2, 3}, &wrong, &error));
  EXPECT_EQ(error, "dtype '<f4', expected '<f8'");
}

TEST(Npy, ShapesAsNumpyWritesThem) {
  EXPECT_EQ(ShapeString({}), "()");
  EXPECT_EQ(ShapeString({100}), "(100,)");
  EXPECT_EQ(ShapeString({100, 1}), "(100, 1)");
  const std::int64_t one = 1;
  NpyView view;
  std::string error;
  ASSERT_TRUE(DecodeNpy(EncodeNpyArray<std::int64_t>({}, &one), &view, &error)) << error;
  EXPECT_TRUE(view.shape.empty());
  EXPECT_EQ(view.count, 1u);
}

// What numpy would also refuse, or what we do not read, each with its reason.
TEST(Npy, RejectsMalformedHeaders) {
  auto header = [](const std::string& dict, std::size_t data_bytes) {
    std::string h = dict;
    h.resize(118 - 1, ' ');
    h += '\n';
    return std::string("\x93NUMPY\x01\x00", 8) + char(h.size() & 0xff) + char(h.size() >> 8) + h +
           std::string(data_bytes, '\0');
  };
  const std::pair<std::string, std::string> cases[] = {
      {"{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "fortran_order is True"},
      {"{'descr': '<f4', 'shape': (2,), }", "lacks 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", "an integer, not the tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "unknown key 'x'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "repeats"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "integers up to 2^40"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "structured"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "holds 8 bytes"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }",
       "needs more"},
      {"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "not a plain numeric"},
  };
  for (const auto& [dict, expected] : cases) {
    NpyView view;
    std::string error;
    EXPECT_FALSE(DecodeNpy(header(dict, 8), &view, &error)) << dict;
    EXPECT_NE(error.find(expected), std::string::npos) << dict << " → " << error;
  }
}

Checkpoint TrainedCheckpoint(Optimizer optimizer, int epochs) {
  TrainConfig c;
  EXPECT_TRUE(RecipeConfig("keras", &c));
  c.optimizer = optimizer;
  c.batch = 500;
  Trainer trainer(c, kernels::Kernels<float>(), CosData());
  EpochStats s;
  std::string error;
  for (int e = 0; e < epochs; ++e) EXPECT_TRUE(trainer.RunEpoch(&s, &error)) << error;
  Checkpoint checkpoint;
  checkpoint.config = c;
  checkpoint.data = {"cos", CosData().train_x.size(), CosData().test_x.size(),
                     Fingerprint(CosData())};
  checkpoint.normalization = CosNormalization();
  checkpoint.state = trainer.State();
  return checkpoint;
}

TEST(Checkpoint, EncodeDecodeRoundTripsEveryField) {
  for (const auto& [o, name] : kOptimizerNames) {
    const Checkpoint saved = TrainedCheckpoint(o, 1);
    const std::string bytes = EncodeCheckpoint(saved);
    EXPECT_EQ(bytes, EncodeCheckpoint(saved)) << "same state, different bytes";
    Checkpoint loaded;
    std::string error;
    ASSERT_TRUE(DecodeCheckpoint(bytes, "m.npz", &loaded, &error)) << error;
    EXPECT_EQ(DescribeConfig(loaded.config), DescribeConfig(saved.config));
    EXPECT_EQ(loaded.data.source, "cos");
    EXPECT_EQ(loaded.data.fingerprint, saved.data.fingerprint);
    EXPECT_EQ(loaded.normalization.x_scale, 20.0);
    EXPECT_EQ(loaded.normalization.x_min, -10.0);
    EXPECT_EQ(loaded.normalization.x_max, 10.0);
    EXPECT_TRUE(SameBits(loaded.state.params, saved.state.params)) << name;
    EXPECT_TRUE(SameBits(loaded.state.state1, saved.state.state1)) << name;
    EXPECT_TRUE(SameBits(loaded.state.state2, saved.state.state2)) << name;
    EXPECT_EQ(loaded.state.epoch, 1);
    EXPECT_EQ(loaded.state.adam_step, saved.state.adam_step);
    EXPECT_EQ(loaded.state.shuffle_rng, saved.state.shuffle_rng);
    EXPECT_EQ(loaded.state.shuffle_order, saved.state.shuffle_order);
  }
}

// The promise of --resume: N epochs in one run and N/2, save, load, N/2 more give the same
// weights and optimizer state, bit for bit, for every optimizer, with reshuffling on.
TEST(Checkpoint, ResumeIsBitExact) {
  constexpr int kEpochs = 4;
  for (const auto& [o, name] : kOptimizerNames) {
    const Checkpoint straight = TrainedCheckpoint(o, kEpochs);
    const Checkpoint half = TrainedCheckpoint(o, kEpochs / 2);
    Checkpoint loaded;
    std::string error;
    ASSERT_TRUE(DecodeCheckpoint(EncodeCheckpoint(half), "half.npz", &loaded, &error)) << error;
    Trainer resumed(loaded.config, kernels::Kernels<float>(), CosData());
    ASSERT_TRUE(resumed.Restore(loaded.state, &error)) << error;
    EpochStats s;
    for (int e = kEpochs / 2; e < kEpochs; ++e) ASSERT_TRUE(resumed.RunEpoch(&s, &error)) << error;
    const TrainingState end = resumed.State();
    EXPECT_TRUE(SameBits(end.params, straight.state.params)) << name;
    EXPECT_TRUE(SameBits(end.state1, straight.state.state1)) << name;
    EXPECT_TRUE(SameBits(end.state2, straight.state.state2)) << name;
    EXPECT_EQ(end.epoch, kEpochs);
    EXPECT_EQ(end.shuffle_order, straight.state.shuffle_order);
    // So the comparison can fail: one epoch more is not the same state.
    ASSERT_TRUE(resumed.RunEpoch(&s, &error)) << error;
    EXPECT_FALSE(SameBits(resumed.State().params, straight.state.params));
  }
}

// Init spread and a learning-rate schedule whose warm-up and decay both span the resume point
// (16 steps per epoch at B = 500): the settings travel in the config text, and the schedule, a
// function of the step the epoch counter gives, goes on bit for bit.
TEST(Checkpoint, ResumeContinuesTheLearningRateScheduleBitExact) {
  TrainConfig c;
  ASSERT_TRUE(RecipeConfig("keras-tanh", &c));
  c.init = Init::kSpread;
  c.spread_scale = 12.5;
  c.optimizer = Optimizer::kAdam;
  c.lr = 1e-2;
  c.warmup_epochs = 1.5;
  c.decay_epochs = 2;
  c.lr_final = 0.05;
  c.batch = 500;
  auto train = [](Trainer* trainer, int epochs) {
    EpochStats s;
    std::string error;
    for (int e = 0; e < epochs; ++e) ASSERT_TRUE(trainer->RunEpoch(&s, &error)) << error;
  };
  for (const auto& [decay, name] : kDecayNames) {
    if (decay == Decay::kNone) continue;
    c.decay = decay;
    Trainer straight(c, kernels::Kernels<float>(), CosData());
    train(&straight, 4);
    Trainer half(c, kernels::Kernels<float>(), CosData());
    train(&half, 2);
    Checkpoint saved;
    saved.config = c;
    saved.data = {"cos", CosData().train_x.size(), CosData().test_x.size(), Fingerprint(CosData())};
    saved.normalization = CosNormalization();
    saved.state = half.State();
    const std::string bytes = EncodeCheckpoint(saved);
    Checkpoint loaded;
    std::string error;
    ASSERT_TRUE(DecodeCheckpoint(bytes, "half.npz", &loaded, &error)) << error;
    EXPECT_EQ(DescribeConfig(loaded.config), DescribeConfig(c)) << name;
    EXPECT_EQ(loaded.config.init, Init::kSpread);
    EXPECT_EQ(loaded.config.spread_scale, 12.5);
    EXPECT_EQ(loaded.config.warmup_epochs, 1.5);
    EXPECT_EQ(loaded.config.decay, decay);
    EXPECT_EQ(loaded.config.decay_epochs, 2.0);
    EXPECT_EQ(loaded.config.lr_final, 0.05);
    Trainer resumed(loaded.config, kernels::Kernels<float>(), CosData());
    ASSERT_TRUE(resumed.Restore(loaded.state, &error)) << error;
    train(&resumed, 2);
    EXPECT_TRUE(SameBits(resumed.State().params, straight.State().params)) << name;
    EXPECT_TRUE(SameBits(resumed.State().state1, straight.State().state1)) << name;
    EXPECT_TRUE(SameBits(resumed.State().state2, straight.State().state2)) << name;
    // So the comparison can fail: the same state trained at the schedule's first rates differs.
    Checkpoint at_epoch_zero;
    ASSERT_TRUE(DecodeCheckpoint(bytes, "half.npz", &at_epoch_zero, &error)) << error;
    at_epoch_zero.state.epoch = 0;
    Trainer restarted(loaded.config, kernels::Kernels<float>(), CosData());
    ASSERT_TRUE(restarted.Restore(at_epoch_zero.state, &error)) << error;
    train(&restarted, 2);
    EXPECT_FALSE(SameBits(restarted.State().params, straight.State().params)) << name;
  }
}

// Checkpoints written before the schedule and init spread existed lack their five keys: they load,
// and train on at a constant rate, as they were trained.
// The arrays of a checkpoint's archive, by name.
std::map<std::string, std::string> Arrays(const std::string& bytes) {
  NpzReader reader;
  std::string error;
  EXPECT_TRUE(reader.Open(bytes, "m.npz", 64, &error)) << error;
  std::map<std::string, std::string> arrays;
  for (const std::string& key : reader.Keys()) {
    EXPECT_TRUE(reader.Read(key, bytes.size(), &arrays[key], &error)) << error;
  }
  return arrays;
}

TEST(Checkpoint, ConfigTextWithoutTheLaterKeysLoadsWithTheirDefaults) {
  const Checkpoint saved = TrainedCheckpoint(Optimizer::kAdam, 1);
  std::map<std::string, std::string> arrays = Arrays(EncodeCheckpoint(saved));
  std::string error;
  NpyView config;
  ASSERT_TRUE(DecodeNpy(arrays.at("config"), &config, &error)) << error;
  std::string older;
  int dropped = 0;
  for (std::string_view text = config.data; !text.empty();) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end == text.npos ? text.size() : end + 1);
    text.remove_prefix(line.size());
    bool later = false;
    for (const char* key :
         {"spread_scale=", "warmup_epochs=", "decay=", "decay_epochs=", "lr_final="}) {
      later = later || line.rfind(key, 0) == 0;
    }
    if (later) {
      ++dropped;
    } else {
      older += line;
    }
  }
  ASSERT_EQ(dropped, 5) << config.data;
  arrays["config"] = EncodeNpyBytes(older);
  Checkpoint loaded;
  ASSERT_TRUE(
      DecodeCheckpoint(EncodeNpz({arrays.begin(), arrays.end()}), "old.npz", &loaded, &error))
      << error;
  const TrainConfig defaults;
  EXPECT_EQ(loaded.config.spread_scale, defaults.spread_scale);
  EXPECT_EQ(loaded.config.warmup_epochs, 0.0);
  EXPECT_EQ(loaded.config.decay, Decay::kNone);
  EXPECT_EQ(loaded.config.decay_epochs, defaults.decay_epochs);
  EXPECT_EQ(loaded.config.lr_final, defaults.lr_final);
  EXPECT_EQ(DescribeConfig(loaded.config), DescribeConfig(saved.config));
  EXPECT_TRUE(SameBits(loaded.state.params, saved.state.params));

  // A key that was always there is still required.
  arrays["config"] = EncodeNpyBytes(older.substr(older.find('\n') + 1));  // without recipe=
  EXPECT_FALSE(
      DecodeCheckpoint(EncodeNpz({arrays.begin(), arrays.end()}), "old.npz", &loaded, &error));
  EXPECT_NE(error.find("config lacks 'recipe'"), std::string::npos) << error;
}

TEST(Checkpoint, WithoutAnXRangeTheRangeIsUnknown) {
  Checkpoint saved = TrainedCheckpoint(Optimizer::kSgd, 1);
  std::map<std::string, std::string> arrays = Arrays(EncodeCheckpoint(saved));
  ASSERT_EQ(arrays.count("x_range"), 1u);
  arrays.erase("x_range");  // as checkpoints were saved before it was kept
  const std::string older = EncodeNpz({arrays.begin(), arrays.end()});
  Checkpoint loaded;
  std::string error;
  ASSERT_TRUE(DecodeCheckpoint(older, "old.npz", &loaded, &error)) << error;
  EXPECT_FALSE(loaded.normalization.KnowsXRange());
  EXPECT_EQ(loaded.normalization.x_scale, 20.0);
  EXPECT_TRUE(SameBits(loaded.state.params, saved.state.params));
  // Saved again as it was loaded: still without one, the same bytes.
  EXPECT_EQ(Arrays(EncodeCheckpoint(loaded)).count("x_range"), 0u);

  for (const auto& [range, why] : std::vector<std::pair<std::vector<double>, const char*>>{
           {{2, 1}, "min > max"}, {{NAN, 1}, "NaN"}, {{0, INFINITY}, "Inf"}, {{0}, "one value"}}) {
    arrays["x_range"] = EncodeNpyArray<double>({range.size()}, range.data());
    EXPECT_FALSE(
        DecodeCheckpoint(EncodeNpz({arrays.begin(), arrays.end()}), "bad.npz", &loaded, &error))
        << why;
    EXPECT_NE(error.find("bad.npz: array 'x_range'"), std::string::npos) << error;
  }
}

TEST(Checkpoint, RestoreRefusesAnOrderThatIsNotAPermutation) {
  Checkpoint c = TrainedCheckpoint(Optimizer::kSgd, 1);
  Trainer trainer(c.config, kernels::Kernels<float>(), CosData());
  std::string error;
  c.state.shuffle_order[10] = c.state.shuffle_order[11];
  EXPECT_FALSE(trainer.Restore(c.state, &error));
  EXPECT_NE(error.find("shuffle order entry 11"), std::string::npos) << error;
  c.state.shuffle_order.pop_back();
  EXPECT_FALSE(trainer.Restore(c.state, &error));
  EXPECT_EQ(trainer.epoch(), 0) << "a refused state must leave the trainer as it was";
}

// A save killed half-way (here by the kernel, for exceeding RLIMIT_FSIZE while writing the
// temporary file: SIGXFSZ, whose default action is to terminate) leaves the previous checkpoint
// exactly as it was.
TEST(Checkpoint, KilledSaveLeavesThePreviousCheckpoint) {
  const std::string path = TempPath("killed.npz");
  const Checkpoint old_checkpoint = TrainedCheckpoint(Optimizer::kAdam, 1);
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, old_checkpoint, &error)) << error;
  const std::string old_bytes = EncodeCheckpoint(old_checkpoint);
  const Checkpoint newer = TrainedCheckpoint(Optimizer::kAdam, 2);

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const rlimit limit = {old_bytes.size() / 2, old_bytes.size() / 2};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::string child_error;
    SaveCheckpoint(path, newer, &child_error);
    _exit(0);  // not reached: the write past the limit kills the child
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ)
      << "the child was not killed mid-save (status " << status << ")";

  std::string bytes;
  ASSERT_TRUE(ReadFile(path, kMaxCheckpointBytes, &bytes, &error)) << error;
  EXPECT_EQ(bytes, old_bytes);
  Checkpoint loaded;
  EXPECT_TRUE(LoadCheckpoint(path, &loaded, &error)) << error;
}

// The same limit with SIGXFSZ ignored: write() fails with EFBIG instead, the save reports it,
// removes its temporary file and leaves the old checkpoint.
TEST(Checkpoint, FailedSaveReportsAndCleansUp) {
  const std::string dir = TempPath("failed_save");
  ASSERT_EQ(system(("rm -rf " + dir + " && mkdir " + dir).c_str()), 0);
  const std::string path = dir + "/m.npz";
  const Checkpoint old_checkpoint = TrainedCheckpoint(Optimizer::kSgd, 1);
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, old_checkpoint, &error)) << error;
  const std::string old_bytes = EncodeCheckpoint(old_checkpoint);

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit = {old_bytes.size() / 2, old_bytes.size() / 2};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::string child_error;
    const bool saved = SaveCheckpoint(path, TrainedCheckpoint(Optimizer::kSgd, 2), &child_error);
    _exit(!saved && child_error.find("cannot write") != std::string::npos ? 42 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 42) << "status " << status;
  std::string bytes;
  ASSERT_TRUE(ReadFile(path, kMaxCheckpointBytes, &bytes, &error)) << error;
  EXPECT_EQ(bytes, old_bytes);
  // Nothing but the checkpoint is left in the directory.
  EXPECT_EQ(system(("test \"$(ls -A " + dir + ")\" = m.npz").c_str()), 0);
}

// A checkpoint the loader would refuse is never written: the save runs the loader's checks.
TEST(Checkpoint, SaveRefusesWhatTheLoaderWouldRefuse) {
  const std::string path = TempPath("refused.npz");
  const Checkpoint good = TrainedCheckpoint(Optimizer::kAdam, 1);
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, good, &error)) << error;
  Checkpoint bad = TrainedCheckpoint(Optimizer::kAdam, 1);
  bad.state.params.at(Tensor::kW3, 4, 7) = NAN;
  EXPECT_FALSE(SaveCheckpoint(path, bad, &error));
  EXPECT_NE(error.find("would not load: "), std::string::npos) << error;
  EXPECT_NE(error.find("array 'W3' element (4, 7) is NaN"), std::string::npos) << error;
  bad = TrainedCheckpoint(Optimizer::kAdam, 1);
  bad.state.adam_step = INT64_MAX;
  EXPECT_FALSE(SaveCheckpoint(path, bad, &error));
  EXPECT_NE(error.find("adam_step 9223372036854775807 is more than"), std::string::npos) << error;
  std::string bytes;
  ASSERT_TRUE(ReadFile(path, kMaxCheckpointBytes, &bytes, &error)) << error;
  EXPECT_EQ(bytes, EncodeCheckpoint(good));
}

TEST(Checkpoint, LoadNamesAMissingFile) {
  Checkpoint c;
  std::string error;
  EXPECT_FALSE(LoadCheckpoint(TempPath("no_such.npz"), &c, &error));
  EXPECT_NE(error.find("no_such.npz': No such file or directory"), std::string::npos) << error;
}

}  // namespace
}  // namespace simd_mlp::mlp
