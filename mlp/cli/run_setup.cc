#include "mlp/cli/run_setup.h"

#include <cstdio>

#include "mlp/io/csv.h"
#include "mlp/runtime/cores.h"
#include "mlp/text/printable.h"

namespace simd_mlp::mlp {

// A --data file holds at most kMaxCsvBytes; rows of two numbers take 4 bytes at least ("0,0\n").
static_assert(kMaxCsvBytes / 4 <= kMaxPoints,
              "a --data file can hold more points than a run takes");

bool LoadRunData(const std::string& data_path, std::uint64_t data_seed, RunData* data,
                 std::string* error, FileIdentity* identity) {
  RunData out;
  if (data_path.empty()) {
    out.dataset = MakeCosDataset<float>(data_seed);
    out.normalization = CosNormalization();
    out.description.source = "cos";
  } else {
    NumericTable table;
    if (!ReadNumericCsv(data_path, {2, 2, 2, kMaxPoints}, &table, error, identity)) return false;
    std::string why;
    if (!MakeXyDataset(table.values[0], table.values[1], data_seed, &out.dataset,
                       &out.normalization, &why, &table.lines)) {
      *error = PrintableName(data_path) + ": " + why;
      return false;
    }
    out.description.source = data_path;
  }
  out.description.train_points = out.dataset.train_x.size();
  out.description.test_points = out.dataset.test_x.size();
  out.description.fingerprint = Fingerprint(out.dataset);
  *data = std::move(out);
  return true;
}

bool HoldOutValidation(double fraction, RunData* data, std::string* error) {
  const std::size_t n = data->dataset.train_x.size();
  const std::size_t held_out = ValidationPoints(fraction, n);
  if (held_out == 0 || held_out >= n) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "--validation-split=%g leaves %s of the %zu training points",
                  fraction, held_out == 0 ? "no validation point" : "no training point", n);
    *error = buf;
    return false;
  }
  data->validation = SplitOffValidation(&data->dataset, held_out);
  data->description.train_points = data->dataset.train_x.size();
  data->description.fingerprint = Fingerprint(data->dataset);
  return true;
}

bool ResolveConfig(const CliOptions& options, Checkpoint* resume, TrainConfig* config,
                   std::string* error, FileIdentity* identity) {
  if (options.resume_path.empty()) {
    *config = options.config;
    return true;
  }
  if (!LoadCheckpoint(options.resume_path, resume, error, identity)) return false;
  *config = resume->config;
  for (const std::string& flag : options.given) {
    if (flag == "epochs") config->epochs = options.config.epochs;
    if (flag == "threads") config->threads = options.config.threads;
  }
  if (resume->state.epoch >= config->epochs) {
    *error = PrintableName(options.resume_path) + ": the run is already at epoch " +
             std::to_string(resume->state.epoch) + " of " + std::to_string(config->epochs) +
             "; pass --epochs=N with N > " + std::to_string(resume->state.epoch) + " to go on";
    return false;
  }
  return true;
}

std::string CheckSameData(const std::string& resume_path, const Checkpoint& resume,
                          const RunData& data) {
  const DataDescription& saved = resume.data;
  const DataDescription& now = data.description;
  if (saved.train_points == now.train_points && saved.test_points == now.test_points &&
      saved.fingerprint == now.fingerprint) {
    return "";
  }
  std::string hint;
  if (saved.source != "cos" && now.source == "cos") {
    hint =
        "; pass --data=" + PrintableName(saved.source) + " (or the same data under another name)";
  } else if (saved.source == "cos" && now.source != "cos") {
    hint = "; it was trained on the cos task: drop --data";
  } else if (saved.source == now.source && saved.test_points == now.test_points &&
             saved.train_points != now.train_points) {
    hint = "; resume with the --validation-split it was saved with";
  }
  return PrintableName(resume_path) + ": trained on " + Quoted(saved.source) + " (" +
         std::to_string(saved.train_points) + " training and " + std::to_string(saved.test_points) +
         " test points), not on " + Quoted(now.source) + " (" + std::to_string(now.train_points) +
         " and " + std::to_string(now.test_points) +
         (saved.train_points == now.train_points && saved.test_points == now.test_points
              ? ", other values"
              : "") +
         ")" + hint;
}

std::string CapThreads(TrainConfig* config) {
  const int cores = AvailableCores();
  if (config->threads <= cores) return "";
  const std::string line = "threads: --threads=" + std::to_string(config->threads) +
                           " capped at the " + std::to_string(cores) +
                           " cores this process may use (more threads would only wait for each "
                           "other; the results are the same on any number)";
  config->threads = cores;
  return line;
}

Checkpoint MakeCheckpoint(const TrainConfig& config, const RunData& data, const Trainer& trainer) {
  Checkpoint c;
  c.config = config;
  c.data = data.description;
  c.normalization = data.normalization;
  c.state = trainer.State();
  return c;
}

}  // namespace simd_mlp::mlp
