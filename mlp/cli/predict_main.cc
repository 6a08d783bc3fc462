// bazel run //mlp:predict -- --model=FILE.npz [--x=V ...| --input=FILE.csv] [--output=FILE]
// Evaluates a saved model in the user's units: x is normalized with the checkpoint's x_norm, the
// network runs on this CPU's kernels, and the output is mapped back with y_norm. Prints (or writes
// atomically to --output) CSV lines "x,prediction", each number in the shortest form that reads
// back to the same double.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "mlp/io/checkpoint.h"
#include "mlp/io/csv.h"
#include "mlp/io/file_io.h"
#include "mlp/core/model.h"
#include "mlp/text/number.h"

namespace simd_mlp::mlp {
namespace {

constexpr std::size_t kChunk = 512;  // samples per forward pass

constexpr char kUsage[] =
    "usage: bazel run //mlp:predict -- --model=FILE.npz [--x=V ...| --input=FILE.csv]\n"
    "                                  [--output=FILE]\n"
    "Predicts y for each x with a checkpoint saved by //mlp:train --save, in the units the\n"
    "model was trained in. Prints CSV lines 'x,prediction' (header 'x,prediction').\n\n"
    "  --model=FILE.npz   the checkpoint\n"
    "  --x=V              one input value; repeat for more\n"
    "  --input=FILE.csv   x in the first column (a y column, as in training data, is ignored);\n"
    "                     header optional\n"
    "  --output=FILE      write the CSV there (atomically) instead of standard output\n"
    "SIMD_MLP_ISA=ref|sse2|avx2|avx512 forces the kernels' instruction set.\n";

struct Options {
  std::string model, input, output;
  std::vector<double> xs;
  bool help = false;
};

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  bool have_x = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      o->help = true;
      return true;
    }
    const std::size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      *error = "bad argument '" + arg + "': expected --name=value (see --help)";
      return false;
    }
    const std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    if (name == "x") {
      double x;
      if (ParseNumber(value, &x) != NumberStatus::kOk) {
        *error = "--x: invalid value '" + value + "' (expected a finite number)";
        return false;
      }
      o->xs.push_back(x);
      have_x = true;
    } else if (name == "model" || name == "input" || name == "output") {
      if (value.empty()) {
        *error = "--" + name + ": empty file name";
        return false;
      }
      (name == "model" ? o->model : name == "input" ? o->input : o->output) = value;
    } else {
      *error = "unknown flag --" + name + " (see --help)";
      return false;
    }
  }
  if (o->model.empty()) {
    *error = "--model=FILE.npz is required (see --help)";
  } else if (have_x == !o->input.empty()) {
    *error = "give either --x=V (one or more) or --input=FILE.csv";
  } else if (!o->output.empty() && o->output == o->input) {
    *error = "--output must not overwrite --input";
  }
  return error->empty();
}

int Main(int argc, char** argv) {
  Options options;
  std::string error;
  if (!EnterBazelWorkingDirectory(&error)) {
    std::fprintf(stderr, "predict: error: %s\n", error.c_str());
    return 2;
  }
  if (!ParseArgs(argc, argv, &options, &error)) {
    std::fprintf(stderr, "predict: error: %s\n", error.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Checkpoint checkpoint;
  if (!LoadCheckpoint(options.model, &checkpoint, &error)) {
    std::fprintf(stderr, "predict: error: %s\n", error.c_str());
    return 2;
  }
  std::vector<double> xs = options.xs;
  std::vector<std::size_t> lines;  // for messages about --input rows
  if (!options.input.empty()) {
    NumericTable table;
    if (!ReadNumericCsv(options.input, 1, 2, &table, &error)) {
      std::fprintf(stderr, "predict: error: %s\n", error.c_str());
      return 2;
    }
    xs = std::move(table.values[0]);
    lines = std::move(table.lines);
  }
  const Normalization& norm = checkpoint.normalization;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!std::isfinite(norm.NormalizeX(xs[i]))) {
      const std::string where =
          lines.empty() ? "--x=" + ShortestText(xs[i]) : options.input + ":" + std::to_string(lines[i]);
      std::fprintf(stderr,
                   "predict: error: %s: x lies too far outside the training range to normalize "
                   "in float\n",
                   where.c_str());
      return 2;
    }
  }

  const auto& k = kernels::Kernels<float>();
  Model<float> model(k, checkpoint.config.hidden, checkpoint.config.output, kChunk);
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
  if (options.output.empty()) {
    std::fputs(csv.c_str(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  if (!WriteFileAtomically(options.output, csv, &error)) {
    std::fprintf(stderr, "predict: error: --output: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace simd_mlp::mlp

int main(int argc, char** argv) { return simd_mlp::mlp::Main(argc, argv); }
