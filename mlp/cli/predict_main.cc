// bazel run //mlp:predict -- --model=FILE.npz [--x=V ...| --input=FILE.csv] [--output=FILE]
// Evaluates a saved model in the user's units: x is normalized with the checkpoint's x_norm, the
// network runs on this CPU's kernels, and the output is mapped back with y_norm. Prints (or writes
// atomically to --output) CSV lines "x,prediction", each number in the shortest form that reads
// back to the same double. Every error is one line; the exit status is 2 for a mistake in the
// command line or the files it names, 1 for an output that could not be written.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/cli/command_line.h"
#include "mlp/core/model.h"
#include "mlp/io/checkpoint.h"
#include "mlp/io/csv.h"
#include "mlp/io/file_io.h"
#include "mlp/text/number.h"

namespace simd_mlp::mlp {
namespace {

constexpr int kUsageError = 2;  // the command line, or a file it names
constexpr int kRunError = 1;    // the output could not be written

constexpr std::size_t kChunk = 512;  // samples per forward pass

// The one way an error leaves: one line on stderr.
int ReportError(int status, const std::string& message) {
  std::fprintf(stderr, "predict: error: %s\n", message.c_str());
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
                     "x in the first column (a y column, as in training data, is ignored); "
                     "header optional"),
        TextField<O>("output", &O::output, "FILE",
                     "write the CSV there (atomically) instead of standard output"),
    };
    std::vector<Flag> shown;
    for (const Field<O>& field : fields) shown.push_back(FlagOf(field, O{}, "Flags"));
    Program program{
        "usage: bazel run //mlp:predict -- --model=FILE.npz [--x=V ...| --input=FILE.csv]\n"
        "                                  [--output=FILE]",
        "Predicts y for each x with a checkpoint saved by //mlp:train --save, in the units the\n"
        "model was trained in. Prints CSV lines 'x,prediction' (header 'x,prediction').\n",
        "SIMD_MLP_ISA=ref|sse2|avx2|avx512 forces the kernels' instruction set.\n"};
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
  } else if (!options->output.empty() && options->output == options->input) {
    *error = "--output must not overwrite --input";
  }
  return error->empty() ? CommandLine::Outcome::kFlags : CommandLine::Outcome::kError;
}

// The x values (--x, or --input's first column), each one the model can normalize; false with a
// one-line *error naming the value (or the line of --input).
bool ReadInputs(const Options& options, const Normalization& norm, std::vector<double>* xs,
                std::string* error) {
  std::vector<std::size_t> lines;  // for messages about --input rows
  if (options.input.empty()) {
    *xs = options.xs;
  } else {
    NumericTable table;
    if (!ReadNumericCsv(options.input, 1, 2, &table, error)) return false;
    *xs = std::move(table.values[0]);
    lines = std::move(table.lines);
  }
  for (std::size_t i = 0; i < xs->size(); ++i) {
    if (std::isfinite(norm.NormalizeX((*xs)[i]))) continue;
    *error = (lines.empty() ? "--x=" + ShortestText((*xs)[i])
                            : options.input + ":" + std::to_string(lines[i])) +
             ": x lies too far outside the training range to normalize in float";
    return false;
  }
  return true;
}

// The CSV of (x, prediction) lines, with its header.
std::string Predict(const Checkpoint& checkpoint, const std::vector<double>& xs) {
  const Normalization& norm = checkpoint.normalization;
  Model<float> model(kernels::Kernels<float>(), checkpoint.config.hidden, checkpoint.config.output,
                     kChunk);
  model.params().CopyFrom(checkpoint.state.params);
  std::string csv = "x,prediction\n";
  for (std::size_t begin = 0; begin < xs.size(); begin += kChunk) {
    const std::size_t m = std::min(kChunk, xs.size() - begin);
    for (std::size_t i = 0; i < m; ++i) model.workspace().x[i] = norm.NormalizeX(xs[begin + i]);
    model.Forward(m);
    for (std::size_t i = 0; i < m; ++i) {
      csv += ShortestText(xs[begin + i]) + "," +
             ShortestText(norm.DenormalizeY(model.workspace().yhat[i])) + "\n";
    }
  }
  return csv;
}

int Main(int argc, char** argv) {
  Options options;
  std::string error;
  if (!EnterBazelWorkingDirectory(&error)) return ReportError(kUsageError, error);
  switch (ParseOptions(argc, argv, &options, &error)) {
    case CommandLine::Outcome::kHelp:
      std::fputs(Flags().command_line.Help().c_str(), stdout);
      return 0;
    case CommandLine::Outcome::kError:
      return ReportError(kUsageError, error);
    case CommandLine::Outcome::kFlags:
      break;
  }
  Checkpoint checkpoint;
  std::vector<double> xs;
  if (!LoadCheckpoint(options.model, &checkpoint, &error) ||
      !ReadInputs(options, checkpoint.normalization, &xs, &error)) {
    return ReportError(kUsageError, error);
  }
  const std::string csv = Predict(checkpoint, xs);
  if (options.output.empty()) {
    std::fputs(csv.c_str(), stdout);
    return std::fflush(stdout) == 0 ? 0 : kRunError;
  }
  if (!WriteFileAtomically(options.output, csv, &error)) {
    return ReportError(kRunError, "--output: " + error);
  }
  return 0;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) { return simd_mlp::mlp::Main(argc, argv); }
