// bazel run //mlp:predict -- --model=FILE.npz [--x=V ...| --input=FILE.csv] [--output=FILE]
// Evaluates a saved model in the user's units: x is normalized with the checkpoint's x_norm, the
// network runs on this CPU's kernels, and the output is mapped back with y_norm. Prints (or writes
// atomically to --output) CSV lines "x,prediction": x in the shortest form that reads back to the
// same double, the prediction in the shortest that reads back to the same float32 (PredictionText).
// Everything is read and checked, and the output claimed, before any output is written; a
// prediction that is not finite is refused, not printed. x outside the range the model was trained
// on is predicted, with one warning on stderr that says how many and the range. Every error is one
// line; the exit status is 2 for a mistake in the command line or the files it names (an x the
// model cannot predict included), 1 for an output that could not be written or memory that ran out.
// docs/cli.md says all this for users.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/cli/command_line.h"
#include "mlp/core/model.h"
#include "mlp/io/checkpoint.h"
#include "mlp/io/csv.h"
#include "mlp/io/file_io.h"
#include "mlp/text/number.h"
#include "mlp/text/printable.h"
#include "mlp/training/data.h"

namespace simd_mlp::mlp {
namespace {

constexpr int kUsageError = 2;  // the command line, or a file it names
constexpr int kRunError = 1;    // the output could not be written

constexpr std::size_t kChunk = 512;  // samples per forward pass

// The one way an error leaves: one line on stderr (OneLine: the last guard of the one-line rule).
int ReportError(int status, const std::string& message) {
  std::fprintf(stderr, "predict: error: %s\n", OneLine(message).c_str());
  return status;
}

struct Options {
  std::string model, input, output;
  std::vector<double> xs;  // --x, in the order given
};

struct PredictFlags {
  std::vector<Field<Options>> fields;
  CommandLine command_line;
};

const PredictFlags& Flags() {
  static const PredictFlags* flags = [] {
    using O = Options;
    const Field<O> x = {"x", "NUMBER", "one input value; repeat for more",
                        [](std::string_view text, O* o) {
                          double value;
                          if (ParseNumber(text, &value) != NumberStatus::kOk) return false;
                          o->xs.push_back(value);
                          return true;
                        },
                        [](const O&) { return std::string(); }};
    std::vector<Field<O>> fields = {
        TextField<O>("model", &O::model, "FILE.npz", "the checkpoint"),
        x,
        TextField<O>("input", &O::input, "FILE.csv",
                     "x in the first column (a second column, such as the y of training data, "
                     "is ignored, whatever it holds); header optional"),
        TextField<O>("output", &O::output, "FILE",
                     "write the CSV there (atomically) instead of standard output"),
    };
    std::vector<Flag> shown;
    for (const Field<O>& field : fields) shown.push_back(FlagOf(field, O{}, "Flags"));
    Program program{
        "usage: bazel run //mlp:predict -- --model=FILE.npz [--x=V ...| --input=FILE.csv]\n"
        "                                  [--output=FILE]",
        "Predicts y for each x with a checkpoint saved by //mlp:train --save, in the units the\n"
        "model was trained in. Prints CSV lines 'x,prediction' (header 'x,prediction'), each\n"
        "prediction with the fewest digits that read back as the same float32. x outside the\n"
        "range the model was trained on is predicted too, with a warning on stderr.\n",
        "SIMD_MLP_ISA=ref|sse2|avx2|avx512|neon forces the kernels' instruction set.\n"
        "--output may not be --model or --input; it is written atomically, only once every\n"
        "prediction is a number (an x too far out to predict is an error). Limits, symlinks and\n"
        "exit statuses: docs/cli.md.\n"};
    return new PredictFlags{std::move(fields), CommandLine(std::move(program), std::move(shown))};
  }();
  return *flags;
}

// Reads the command line into *options; kError: a one-line *error.
CommandLine::Outcome ParseOptions(int argc, char** argv, Options* options, std::string* error) {
  std::vector<GivenFlag> given;
  const CommandLine::Outcome outcome = Flags().command_line.Read(argc, argv, &given, error);
  if (outcome != CommandLine::Outcome::kFlags) return outcome;
  for (const GivenFlag& flag : given) {
    if (!SetFlag(Flags().fields[flag.flag], flag.value, options, error)) {
      return CommandLine::Outcome::kError;
    }
  }
  if (options->model.empty()) {
    *error = "--model=FILE.npz is required (see --help)";
  } else if (options->xs.empty() == options->input.empty()) {
    *error = "give either --x=V (one or more) or --input=FILE.csv";
  }
  return error->empty() ? CommandLine::Outcome::kFlags : CommandLine::Outcome::kError;
}

// Where x number i came from, for a message: "--x=V", or "FILE:LINE" of --input.
std::string Where(const Options& options, const std::vector<std::size_t>& lines,
                  const std::vector<double>& xs, std::size_t i) {
  return lines.empty() ? "--x=" + ShortestText(xs[i])
                       : PrintableName(options.input) + ":" + std::to_string(lines[i]);
}

// The x values (--x, or --input's first column; a second column is not read), each one the model
// can normalize, and where each came from for messages (the line of --input, or none for --x);
// false with a one-line *error naming the value (or the line of --input).
bool ReadInputs(const Options& options, const Normalization& norm, RunFiles* files,
                std::vector<double>* xs, std::vector<std::size_t>* lines, std::string* error) {
  if (options.input.empty()) {
    *xs = options.xs;
  } else {
    NumericTable table;
    FileIdentity identity;
    // As many rows as a training set may have points (kMaxPoints): x, its line and its
    // prediction take 20 bytes each.
    if (!ReadNumericCsv(options.input, {1, 2, 1, kMaxPoints}, &table, error, &identity)) {
      return false;
    }
    files->AddInput("input", options.input, identity);
    *xs = std::move(table.values[0]);
    *lines = std::move(table.lines);
  }
  for (std::size_t i = 0; i < xs->size(); ++i) {
    if (std::isfinite(norm.NormalizeX((*xs)[i]))) continue;
    *error = Where(options, *lines, *xs, i) +
             ": x lies too far outside the training range to normalize in float";
    return false;
  }
  return true;
}

// Every prediction, in the network's units (float: 4 bytes an x); false with a one-line *error
// naming the first x whose prediction is not finite in the user's units (far enough outside the
// training range, the network or the map back overflows): a number that is not one is never
// printed as a prediction.
bool Predict(const Checkpoint& checkpoint, const Options& options, const std::vector<double>& xs,
             const std::vector<std::size_t>& lines, std::vector<float>* predictions,
             std::string* error) {
  const Normalization& norm = checkpoint.normalization;
  Model<float> model(kernels::Kernels<float>(), checkpoint.config.hidden, checkpoint.config.output,
                     kChunk);
  model.params().CopyFrom(checkpoint.state.params);
  predictions->resize(xs.size());
  for (std::size_t begin = 0; begin < xs.size(); begin += kChunk) {
    const std::size_t m = std::min(kChunk, xs.size() - begin);
    for (std::size_t i = 0; i < m; ++i) model.workspace().x[i] = norm.NormalizeX(xs[begin + i]);
    model.Forward(m);
    for (std::size_t i = 0; i < m; ++i) {
      const float yhat = model.workspace().yhat[i];
      const double y = norm.DenormalizeY(yhat);
      if (!std::isfinite(y)) {
        *error = Where(options, lines, xs, begin + i) + ": the prediction is " + ShortestText(y) +
                 ", not a number: x lies too far outside the training range";
        return false;
      }
      (*predictions)[begin + i] = yhat;
    }
  }
  return true;
}

// The warning for x outside the range the model was trained on (how many, and the range), or for
// a checkpoint that does not say what its range was; empty if every x is inside it.
std::string ExtrapolationWarning(const Options& options, const Normalization& norm,
                                 const std::vector<double>& xs) {
  if (!norm.KnowsXRange()) {
    return Quoted(options.model) +
           " does not record the x range it was trained on (an older checkpoint): an x outside "
           "it cannot be told; train and save it again to record it";
  }
  const std::size_t outside = std::size_t(std::count_if(
      xs.begin(), xs.end(), [&](double x) { return x < norm.x_min || x > norm.x_max; }));
  if (outside == 0) return "";
  return GroupThousands(outside) + " of " + GroupThousands(xs.size()) + " x " +
         (outside == 1 ? "lies" : "lie") + " outside [" + ShortestText(norm.x_min) + ", " +
         ShortestText(norm.x_max) + "], the x range the model was trained on: " +
         (outside == 1 ? "its prediction is an extrapolation" : "their predictions extrapolate");
}

// A prediction as text: the fewest digits that read back as the same float32, as long as a
// float32 of y is no coarser than the model itself (twice its step at most); otherwise the fewest
// within half the model's step. The model's step in y's units is its output's float32 step (of 1
// at least: an output near 0 is no finer than the sums that made it) times y_scale. A float32 of
// y falls short only when the y values sit far from 0 compared with their spread: for y near 1e6
// spread over 1, float32 steps are 0.06 there, the model's 1.2e-7.
std::string PredictionText(const Normalization& norm, float yhat) {
  const auto step = [](float f) {
    f = std::abs(f);
    return double(std::nextafter(f, INFINITY) - f);
  };
  const double y = norm.DenormalizeY(yhat);
  const double model_step = step(std::max(1.0f, std::abs(yhat))) * norm.y_scale;
  const float y32 = static_cast<float>(y);
  if (std::isfinite(y32) && step(y32) <= 2 * model_step) {
    return ShortestText(double(y32), [y32](double v) { return static_cast<float>(v) == y32; });
  }
  return ShortestText(y, [&](double v) { return std::abs(v - y) <= model_step / 2; });
}

// Writes the CSV, its header first, through `write` (standard output, or --output's parts) a
// chunk of lines at a time: the text is never held whole.
template <typename Write>
bool WriteCsv(const Normalization& norm, const std::vector<double>& xs,
              const std::vector<float>& predictions, Write write) {
  std::string chunk = "x,prediction\n";
  for (std::size_t i = 0; i < xs.size(); ++i) {
    chunk += ShortestText(xs[i]) + "," + PredictionText(norm, predictions[i]) + "\n";
    if (chunk.size() < (std::size_t{1} << 16)) continue;
    if (!write(chunk)) return false;
    chunk.clear();
  }
  return write(chunk);
}

int Main(int argc, char** argv) {
  Options options;
  std::string error;
  if (!EnterBazelWorkingDirectory(&error)) return ReportError(kUsageError, error);
  switch (ParseOptions(argc, argv, &options, &error)) {
    case CommandLine::Outcome::kHelp:
      std::fputs(Flags().command_line.Help().c_str(), stdout);
      return std::fflush(stdout) == 0 && !std::ferror(stdout)
                 ? 0
                 : ReportError(kRunError, "cannot write standard output");
    case CommandLine::Outcome::kError:
      return ReportError(kUsageError, error);
    case CommandLine::Outcome::kFlags:
      break;
  }
  // Every input first (the environment, the model, the x values), then the output's claim; only
  // then is anything computed or written.
  kernels::Isa isa;
  if (!kernels::ChooseIsa(std::getenv("SIMD_MLP_ISA"), &isa, &error)) {
    return ReportError(kUsageError, error);
  }
  RunFiles files;
  FileIdentity identity;
  Checkpoint checkpoint;
  std::vector<double> xs;
  std::vector<float> predictions;
  std::vector<std::size_t> lines;
  OutputFile output;
  if (!LoadCheckpoint(options.model, &checkpoint, &error, &identity)) {
    return ReportError(kUsageError, error);
  }
  files.AddInput("model", options.model, identity);
  if (!ReadInputs(options, checkpoint.normalization, &files, &xs, &lines, &error) ||
      (!options.output.empty() && !files.ClaimOutput("output", options.output, &output, &error)) ||
      !Predict(checkpoint, options, xs, lines, &predictions, &error)) {
    return ReportError(kUsageError, error);
  }
  const Normalization& norm = checkpoint.normalization;
  if (options.output.empty()) {
    errno = 0;
    const bool written = WriteCsv(norm, xs, predictions, [](const std::string& text) {
      return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
    });
    if (!written || std::fflush(stdout) != 0 || std::ferror(stdout)) {
      return ReportError(kRunError,
                         std::string("cannot write standard output") +
                             (errno != 0 ? std::string(": ") + std::strerror(errno) : ""));
    }
  } else if (!output.Begin(&error) ||
             !WriteCsv(norm, xs, predictions,
                       [&](const std::string& text) { return output.Append(text, &error); }) ||
             !output.Commit(&error)) {
    return ReportError(kRunError, "--output: " + error);
  }
  // Once the predictions are out, the last line a terminal shows: a run that fails says only why.
  if (const std::string warning = ExtrapolationWarning(options, norm, xs); !warning.empty()) {
    std::fprintf(stderr, "predict: warning: %s\n", OneLine(warning).c_str());
  }
  return 0;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) {
  // One handler for what no step expects: running out of memory is one line and status 1, not an
  // abort. (Inputs are bounded, mlp/io/file_io.h, so this takes a machine already short of it.)
  try {
    return simd_mlp::mlp::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    return simd_mlp::mlp::ReportError(simd_mlp::mlp::kRunError, "out of memory");
  } catch (const std::exception& e) {
    return simd_mlp::mlp::ReportError(simd_mlp::mlp::kRunError,
                                      std::string("unexpected: ") + e.what());
  }
}
