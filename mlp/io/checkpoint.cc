#include "mlp/io/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <tuple>
#include <utility>

#include "mlp/io/file_io.h"
#include "mlp/io/npy.h"
#include "mlp/io/npz.h"
#include "mlp/runtime/rng.h"
#include "mlp/text/fields.h"
#include "mlp/text/number.h"
#include "mlp/text/printable.h"
#include "mlp/training/settings.h"

namespace simd_mlp::mlp {

namespace {

constexpr std::size_t kMaxEntries = 64;  // a checkpoint has at most 33 (Adam); more is not ours
// The bytes of an entry before its array's data (magic, version, header length, header): numpy
// writes 128 or fewer for our arrays; more is not a checkpoint's.
constexpr std::uint64_t kMaxNpyPreamble = 4096;
// The config text: a few hundred bytes, most of them the data's file name (≤ 4096).
constexpr std::uint64_t kMaxConfigBytes = std::uint64_t{1} << 16;
// Bytes per element an entry may have and still be read: 8, not the array's own size, so that an
// array saved as float64 gets its dtype named ("expected '<f4'") rather than its size refused.
constexpr std::uint64_t kMaxItemSize = 8;

// The logical (unpadded) numpy shape of tensor t: biases are vectors, weights matrices.
std::vector<std::size_t> TensorShape(std::size_t t) {
  const TensorSpec& spec = kTensors[t];
  if (spec.name[0] == 'b') return {spec.cols};
  return {spec.rows, spec.cols};
}

std::vector<float> Unpad(const Arena<float>& arena, std::size_t t) {
  const TensorSpec& spec = kTensors[t];
  std::vector<float> values;
  values.reserve(spec.rows * spec.cols);
  for (std::size_t r = 0; r < spec.rows; ++r) {
    for (std::size_t c = 0; c < spec.cols; ++c) values.push_back(arena.at(Tensor(t), r, c));
  }
  return values;
}

void Pad(const std::vector<float>& values, std::size_t t, Arena<float>* arena) {
  const TensorSpec& spec = kTensors[t];
  for (std::size_t r = 0; r < spec.rows; ++r) {
    for (std::size_t c = 0; c < spec.cols; ++c) {
      arena->at(Tensor(t), r, c) = values[r * spec.cols + c];
    }
  }
}

// The arrays of one arena's tensors: "W1" … "b4" after `prefix` ("" or "adam_m." …).
std::vector<std::string> ArenaKeys(const std::string& prefix) {
  std::vector<std::string> keys;
  for (const TensorSpec& t : kTensors) keys.push_back(prefix + t.name);
  return keys;
}

// ---- The config text: one key=value line per saved setting, then per fact about the data ----

// A line of the config text: its key and the part of the checkpoint it sets, and whether older
// checkpoints may lack it (Setting::added_later).
struct ConfigLine {
  std::string key;
  Field<Checkpoint> field;
  bool added_later = false;
};

const std::vector<ConfigLine>& ConfigLines() {
  static const auto* lines = [] {
    auto* v = new std::vector<ConfigLine>;
    for (const Setting& s : Settings()) {
      if (s.key != nullptr) {
        v->push_back({s.key, NestedField(s.field, &Checkpoint::config), s.added_later});
      }
    }
    using Data = DataDescription;
    for (const Field<Data>& f :
         {TextField<Data>("data", &Data::source, "", "", true),
          // No more points than a run can have: the shuffle order's size follows from this.
          IntegerField<Data>("train_points", &Data::train_points, 0, kMaxPoints, ""),
          IntegerField<Data>("test_points", &Data::test_points, 0, kMaxPoints, ""),
          IntegerField<Data>("data_fingerprint", &Data::fingerprint, 0, UINT64_MAX, "")}) {
      v->push_back({f.name, NestedField(f, &Checkpoint::data)});
    }
    return v;
  }();
  return *lines;
}

// The config text keeps one line per key, so values must not span lines.
std::string ConfigValue(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return s;
}

std::string ConfigText(const Checkpoint& c) {
  std::string text;
  for (const ConfigLine& line : ConfigLines()) {
    text += line.key + "=" + ConfigValue(line.field.format(c)) + "\n";
  }
  return text;
}

// Parses ConfigText's output. Every key must appear exactly once, but those added later may be
// absent (the setting then keeps its default).
bool ParseConfigText(std::string_view text, Checkpoint* c, std::string* error) {
  std::set<std::string, std::less<>> seen;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const std::string where = "config line " + std::to_string(line_number);
    for (char ch : line) {
      if (static_cast<unsigned char>(ch) < 0x20) {
        *error = where + " holds a control character";
        return false;
      }
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      *error = where + " is not key=value";
      return false;
    }
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    const auto& lines = ConfigLines();
    const auto known = std::find_if(lines.begin(), lines.end(),
                                    [key](const ConfigLine& l) { return l.key == key; });
    if (known == lines.end()) {
      *error = where + ": unknown key '" + Printable(key) + "'";
      return false;
    }
    if (!seen.insert(std::string(key)).second) {
      *error = where + ": '" + Printable(key) + "' given twice";
      return false;
    }
    if (!known->field.parse(value, c)) {
      *error = where + ": bad value for '" + std::string(key) + "': '" + Printable(value) + "'";
      return false;
    }
  }
  for (const ConfigLine& line : ConfigLines()) {
    if (seen.count(line.key) == 0 && !line.added_later) {
      *error = "config lacks '" + line.key + "'";
      return false;
    }
  }
  const std::string invalid = ValidateConfig(c->config);
  if (!invalid.empty()) {
    *error = "config: " + invalid;
    return false;
  }
  return true;
}

// ---- Reading the arrays ----

// The archive's arrays, each read and decoded on demand, and only if its entry is no larger than
// the array it should hold can need; every error names the file and the array.
class ArrayReader {
 public:
  ArrayReader(const std::string& name, const NpzReader& archive)
      : name_(PrintableName(name)), archive_(archive) {}

  bool Has(const std::string& key) const { return archive_.Has(key); }
  std::vector<std::string> Keys() const { return archive_.Keys(); }

  // A one-line error about the file; returns false.
  bool Fail(const std::string& message, std::string* error) const {
    *error = name_ + ": " + message;
    return false;
  }

  // Decodes array `key` with the given shape into *values.
  template <typename T>
  bool Read(const std::string& key, const std::vector<std::size_t>& shape, std::vector<T>* values,
            std::string* error) const {
    std::uint64_t count = 1;
    for (std::size_t d : shape) count *= d;  // our shapes: at most kMaxPoints elements
    std::string bytes, why;
    NpyView view;
    if (!archive_.Read(key, kMaxNpyPreamble + count * kMaxItemSize, &bytes, error)) return false;
    if (!DecodeNpy(bytes, &view, &why) || !NpyValues(view, shape, values, &why)) {
      return Fail("array '" + key + "': " + why, error);
    }
    return true;
  }

  // A one-dimensional array of at most max_count elements.
  template <typename T>
  bool Vector(const std::string& key, std::uint64_t max_count, std::vector<T>* values,
              std::string* error) const {
    std::string bytes, why;
    NpyView view;
    if (!archive_.Read(key, kMaxNpyPreamble + max_count * kMaxItemSize, &bytes, error)) {
      return false;
    }
    if (DecodeNpy(bytes, &view, &why) && view.shape.size() != 1) {
      why = "shape " + ShapeString(view.shape) + ", expected one dimension";
    }
    if (!why.empty() || !NpyValues(view, view.shape, values, &why)) {
      return Fail("array '" + key + "': " + why, error);
    }
    return true;
  }

  template <typename T>
  bool Scalar(const std::string& key, T* value, std::string* error) const {
    std::vector<T> values;
    if (!Read(key, {}, &values, error)) return false;
    *value = values[0];
    return true;
  }

  // A 0-d byte string (|S<n>), as numpy.array(b"...") stores it; numpy drops trailing NULs.
  bool Text(const std::string& key, std::string* text, std::string* error) const {
    std::string bytes, why;
    NpyView view;
    if (!archive_.Read(key, kMaxNpyPreamble + kMaxConfigBytes, &bytes, error)) return false;
    if (!DecodeNpy(bytes, &view, &why)) {
      return Fail("array '" + key + "': " + why, error);
    }
    if (view.descr.compare(0, 2, "|S") != 0 || !view.shape.empty()) {
      return Fail("array '" + key + "': dtype '" + view.descr + "' shape " +
                      ShapeString(view.shape) + ", expected a byte string ('|S', shape ())",
                  error);
    }
    std::string_view data = view.data;
    while (!data.empty() && data.back() == '\0') data.remove_suffix(1);
    *text = data;
    return true;
  }

  // Float32 values that must all be finite (and, for second moments, not negative).
  bool Finite(const std::string& key, const std::vector<std::size_t>& shape,
              std::vector<float>* values, bool non_negative, std::string* error) const {
    if (!Read(key, shape, values, error)) return false;
    for (std::size_t i = 0; i < values->size(); ++i) {
      const float v = (*values)[i];
      if (std::isfinite(v) && !(non_negative && v < 0)) continue;
      std::string position = "(";
      std::size_t rest = i;
      for (std::size_t d = shape.size(); d-- > 0;) {
        position.insert(1, std::to_string(rest % shape[d]) + (d + 1 < shape.size() ? ", " : ""));
        rest /= shape[d];
      }
      position += shape.size() == 1 ? ",)" : ")";
      return Fail(
          "array '" + key + "' element " + position + " is " +
              (std::isnan(v)   ? "NaN"
               : std::isinf(v) ? "Inf"
                               : "negative") +
              (std::isfinite(v) ? " (" + ShortestText(v) + "), but it is a mean square" : ""),
          error);
    }
    return true;
  }

 private:
  const std::string name_;
  const NpzReader& archive_;
};

// ---- DecodeCheckpoint's steps, in order: each reads what the next one relies on ----

// The version first: a file of another version may differ in everything else.
bool ReadVersion(const ArrayReader& reader, std::string* error) {
  if (!reader.Has("format_version")) {
    return reader.Fail("no array 'format_version': not a simd_mlp checkpoint", error);
  }
  std::int64_t version = 0;
  if (!reader.Scalar("format_version", &version, error)) return false;
  if (version != kCheckpointFormatVersion) {
    return reader.Fail("format version " + std::to_string(version) + "; this build reads version " +
                           std::to_string(kCheckpointFormatVersion),
                       error);
  }
  return true;
}

// The config, which says which optimizer state arrays to expect.
bool ReadConfig(const ArrayReader& reader, Checkpoint* c, std::string* error) {
  if (!reader.Has("config")) return reader.Fail("missing array 'config'", error);
  std::string text, why;
  if (!reader.Text("config", &text, error)) return false;
  if (!ParseConfigText(text, c, &why)) return reader.Fail("array 'config': " + why, error);
  return true;
}

// The arrays a checkpoint may lack: those that older checkpoints do not have.
const char* const kAddedLaterArrays[] = {"x_range"};

// Exactly the arrays a checkpoint of this optimizer has: none missing (but those added later),
// none more.
bool CheckEntrySet(const ArrayReader& reader, Optimizer optimizer, std::string* error) {
  std::vector<std::string> expected = {"format_version", "config",       "x_norm",
                                       "y_norm",         "epoch",        "adam_step",
                                       "shuffle_rng",    "shuffle_order"};
  std::vector<std::string> allowed = expected;
  allowed.insert(allowed.end(), std::begin(kAddedLaterArrays), std::end(kAddedLaterArrays));
  std::vector<std::string> prefixes = {""};
  for (const std::string& slot : OptimizerSlots(optimizer)) prefixes.push_back(slot + ".");
  for (const std::string& prefix : prefixes) {
    for (const std::string& key : ArenaKeys(prefix)) {
      expected.push_back(key);
      allowed.push_back(key);
    }
  }
  std::vector<std::string> unexpected;
  for (const std::string& key : reader.Keys()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      unexpected.push_back(key);
    }
  }
  for (const std::string& key : expected) {
    if (!reader.Has(key)) {
      return reader.Fail(
          "missing array '" + key + "'" +
              (unexpected.empty() ? ""
                                  : " (it has an unexpected '" + Printable(unexpected[0]) + "')"),
          error);
    }
  }
  if (!unexpected.empty()) {
    return reader.Fail("unexpected array '" + Printable(unexpected[0]) + "' for optimizer " +
                           OptimizerName(optimizer),
                       error);
  }
  return true;
}

// x_norm and y_norm: [centre, scale] with a finite scale > 0; x_range, if there, [min, max].
bool ReadNormalization(const ArrayReader& reader, Normalization* n, std::string* error) {
  std::vector<double> norm;
  for (const auto& [key, center, scale] : {std::tuple{"x_norm", &n->x_center, &n->x_scale},
                                           std::tuple{"y_norm", &n->y_center, &n->y_scale}}) {
    if (!reader.Read(key, {2}, &norm, error)) return false;
    if (!std::isfinite(norm[0]) || !std::isfinite(norm[1]) || !(norm[1] > 0)) {
      return reader.Fail(
          std::string("array '") + key + "' is not [centre, scale] with a finite scale > 0", error);
    }
    *center = norm[0];
    *scale = norm[1];
  }
  if (!reader.Has("x_range")) return true;  // an older checkpoint: the range stays unknown
  if (!reader.Read("x_range", {2}, &norm, error)) return false;
  if (!std::isfinite(norm[0]) || !std::isfinite(norm[1]) || !(norm[0] <= norm[1])) {
    return reader.Fail("array 'x_range' is not [min, max] with finite min <= max", error);
  }
  n->x_min = norm[0];
  n->x_max = norm[1];
  return true;
}

// The weights and the optimizer's state, into padded arenas.
bool ReadArenas(const ArrayReader& reader, Optimizer optimizer, TrainingState* state,
                std::string* error) {
  std::vector<float> values;
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    if (!reader.Finite(kTensors[t].name, TensorShape(t), &values, false, error)) return false;
    Pad(values, t, &state->params);
  }
  const std::vector<std::string> slots = OptimizerSlots(optimizer);
  Arena<float>* states[2] = {&state->state1, &state->state2};
  for (std::size_t s = 0; s < slots.size(); ++s) {
    // Second moments (RMSprop's mean square, Adam's v) are sums of squares: a negative one would
    // turn the next update's square root into NaN.
    const bool non_negative = slots[s] == "mean_square" || slots[s] == "adam_v";
    for (std::size_t t = 0; t < kNumTensors; ++t) {
      if (!reader.Finite(slots[s] + "." + kTensors[t].name, TensorShape(t), &values, non_negative,
                         error)) {
        return false;
      }
      Pad(values, t, states[s]);
    }
  }
  return true;
}

// The counters and the shuffle stream, checked against the config. The shuffle order's length
// comes from the array itself (Trainer::Restore checks it against the data), bounded by the
// config's count of training points.
bool ReadProgress(const ArrayReader& reader, const TrainConfig& config, std::uint64_t train_points,
                  TrainingState* state, std::string* error) {
  if (!reader.Scalar("epoch", &state->epoch, error) ||
      !reader.Scalar("adam_step", &state->adam_step, error)) {
    return false;
  }
  if (state->epoch < 0 || state->epoch > config.epochs || state->adam_step < 0) {
    return reader.Fail("epoch " + std::to_string(state->epoch) + " and adam_step " +
                           std::to_string(state->adam_step) + " are not counters of a run of " +
                           std::to_string(config.epochs) + " epochs",
                       error);
  }
  // Adam's t is the updates made so far: at most one per batch of every epoch completed (an
  // epoch ≤ kMaxEpochs, batches ≤ kMaxPoints: the product fits). Beyond that it is not a count
  // of this run's, and t + 1 near INT64_MAX would make the next step's size NaN.
  const std::uint64_t batches = (train_points + config.batch - 1) / config.batch;
  if (std::uint64_t(state->adam_step) > std::uint64_t(state->epoch) * batches) {
    return reader.Fail("adam_step " + std::to_string(state->adam_step) + " is more than the " +
                           std::to_string(std::uint64_t(state->epoch) * batches) + " updates of " +
                           std::to_string(state->epoch) + " epochs of " + std::to_string(batches) +
                           " batches",
                       error);
  }
  if (!reader.Vector("shuffle_rng", Mt19937_64::kStateSize, &state->shuffle_rng, error) ||
      !reader.Vector("shuffle_order", train_points, &state->shuffle_order, error)) {
    return false;
  }
  if (state->shuffle_order.size() != train_points) {
    return reader.Fail("array 'shuffle_order' has " + std::to_string(state->shuffle_order.size()) +
                           " entries, but config says " + std::to_string(train_points) +
                           " training points",
                       error);
  }
  return true;
}

}  // namespace

std::vector<std::string> OptimizerSlots(Optimizer optimizer) {
  switch (optimizer) {
    case Optimizer::kSgd:
      return {};
    case Optimizer::kMomentum:
    case Optimizer::kNesterov:
      return {"velocity"};
    case Optimizer::kRmsprop:
      return {"mean_square"};
    case Optimizer::kAdam:
      return {"adam_m", "adam_v"};
  }
  return {};
}

std::string EncodeCheckpoint(const Checkpoint& c) {
  std::vector<std::pair<std::string, std::string>> arrays;
  arrays.emplace_back("format_version",
                      EncodeNpyArray<std::int64_t>({}, &kCheckpointFormatVersion));
  arrays.emplace_back("config", EncodeNpyBytes(ConfigText(c)));
  const double x_norm[2] = {c.normalization.x_center, c.normalization.x_scale};
  const double y_norm[2] = {c.normalization.y_center, c.normalization.y_scale};
  arrays.emplace_back("x_norm", EncodeNpyArray<double>({2}, x_norm));
  arrays.emplace_back("y_norm", EncodeNpyArray<double>({2}, y_norm));
  if (c.normalization.KnowsXRange()) {
    const double x_range[2] = {c.normalization.x_min, c.normalization.x_max};
    arrays.emplace_back("x_range", EncodeNpyArray<double>({2}, x_range));
  }
  auto add_arena = [&arrays](const std::string& prefix, const Arena<float>& arena) {
    const std::vector<std::string> keys = ArenaKeys(prefix);
    for (std::size_t t = 0; t < kNumTensors; ++t) {
      arrays.emplace_back(keys[t], EncodeNpyArray<float>(TensorShape(t), Unpad(arena, t).data()));
    }
  };
  add_arena("", c.state.params);
  const std::vector<std::string> slots = OptimizerSlots(c.config.optimizer);
  const Arena<float>* states[2] = {&c.state.state1, &c.state.state2};
  for (std::size_t s = 0; s < slots.size(); ++s) add_arena(slots[s] + ".", *states[s]);
  arrays.emplace_back("epoch", EncodeNpyArray<std::int64_t>({}, &c.state.epoch));
  arrays.emplace_back("adam_step", EncodeNpyArray<std::int64_t>({}, &c.state.adam_step));
  arrays.emplace_back("shuffle_rng", EncodeNpyArray<std::uint64_t>({c.state.shuffle_rng.size()},
                                                                   c.state.shuffle_rng.data()));
  arrays.emplace_back("shuffle_order", EncodeNpyArray<std::uint32_t>({c.state.shuffle_order.size()},
                                                                     c.state.shuffle_order.data()));
  return EncodeNpz(arrays);
}

bool DecodeCheckpoint(std::string_view bytes, const std::string& name, Checkpoint* checkpoint,
                      std::string* error) {
  NpzReader archive;
  if (!archive.Open(bytes, name, kMaxEntries, error)) return false;
  const ArrayReader reader(name, archive);
  Checkpoint c;
  if (!ReadVersion(reader, error) || !ReadConfig(reader, &c, error) ||
      !CheckEntrySet(reader, c.config.optimizer, error) ||
      !ReadNormalization(reader, &c.normalization, error) ||
      !ReadArenas(reader, c.config.optimizer, &c.state, error) ||
      !ReadProgress(reader, c.config, c.data.train_points, &c.state, error)) {
    return false;
  }
  *checkpoint = std::move(c);
  return true;
}

bool SaveCheckpoint(OutputFile* file, const Checkpoint& checkpoint, std::string* error) {
  const std::string bytes = EncodeCheckpoint(checkpoint);
  // The loader's own checks, one rule for both ends: a checkpoint that would not load (a NaN
  // weight, a counter out of range) is refused here, and the file keeps what it had.
  Checkpoint loaded;
  std::string why;
  if (!DecodeCheckpoint(bytes, file->path(), &loaded, &why)) {
    *error = "not saved, since the checkpoint would not load: " + why;
    return false;
  }
  return file->Write(bytes, error);
}

bool SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint, std::string* error) {
  OutputFile file;
  return file.Claim(path, error) && SaveCheckpoint(&file, checkpoint, error);
}

bool LoadCheckpoint(const std::string& path, Checkpoint* checkpoint, std::string* error,
                    FileIdentity* identity) {
  std::string bytes;
  if (!ReadFile(path, kMaxCheckpointBytes, &bytes, error, identity)) return false;
  return DecodeCheckpoint(bytes, path, checkpoint, error);
}

}  // namespace simd_mlp::mlp
