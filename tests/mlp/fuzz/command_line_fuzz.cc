// Fuzz target: //mlp:train's command line (CLI11, the fields of mlp/training/settings.h and the
// run's flags, the recipe, the checks across flags) on arbitrary arguments: the input split at NUL
// bytes into argv[1...]. Properties: an error is one line with no control character in it (a
// flag's name or value is quoted, however hostile); a command line that is accepted gives a
// configuration ValidateConfig accepts, whose hyper-parameters survive their conversion to the
// floats training uses (a normal, finite lr and eps; mu, rho and the betas below 1).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "mlp/cli/flags.h"

namespace {

void CheckOneLine(const std::string& error) {
  if (error.empty()) std::abort();
  for (const char c : error) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
  }
}

bool NormalFloat(double v) {
  const float f = static_cast<float>(v);
  return std::isfinite(f) && f >= std::numeric_limits<float>::min();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace simd_mlp::mlp;
  std::vector<std::string> args = {"train"};
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty()) args.push_back(current);
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());

  CliOptions options;
  std::string error;
  switch (ParseFlags(int(argv.size()), argv.data(), &options, &error)) {
    case CommandLine::Outcome::kError:
      CheckOneLine(error);
      break;
    case CommandLine::Outcome::kHelp:
      break;
    case CommandLine::Outcome::kFlags: {
      const TrainConfig& c = options.config;
      if (!ValidateConfig(c).empty()) std::abort();
      if (!NormalFloat(c.lr) || !NormalFloat(c.eps)) std::abort();
      for (double v : {c.momentum, c.rho, c.beta1, c.beta2}) {
        if (!(v >= 0) || !(static_cast<float>(v) < 1.0f)) std::abort();
      }
      break;
    }
  }
  return 0;
}
