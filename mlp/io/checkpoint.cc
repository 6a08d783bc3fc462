#include "mlp/io/checkpoint.h"

#include <zip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <tuple>

#include "mlp/io/file_io.h"
#include "mlp/io/npy.h"
#include "mlp/text/fields.h"
#include "mlp/text/number.h"
#include "mlp/text/printable.h"
#include "mlp/training/settings.h"

namespace simd_mlp::mlp {

namespace {

constexpr std::size_t kMaxEntries = 64;  // a checkpoint has at most 29; more is not ours
// Deflate expands at most 1032:1; an entry claiming more than that from its compressed size lies
// about its size, and believing it would let a tiny file make us allocate gigabytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::uint64_t kMaxEntryOverhead = 4096;
// 1980-01-01 00:00 in MS-DOS date and time: a fixed timestamp keeps archives reproducible.
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1, kDosTime = 0;

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

// ---- The config text: one key=value line per saved setting, then per fact about the data ----

// A line of the config text: its key and the part of the checkpoint it sets.
struct ConfigLine {
  std::string key;
  Field<Checkpoint> field;
};

const std::vector<ConfigLine>& ConfigLines() {
  static const auto* lines = [] {
    auto* v = new std::vector<ConfigLine>;
    for (const Setting& s : Settings()) {
      if (s.key != nullptr) v->push_back({s.key, NestedField(s.field, &Checkpoint::config)});
    }
    using Data = DataDescription;
    for (const Field<Data>& f : {TextField<Data>("data", &Data::source, "", "", true),
                                 IntegerField<Data>("train_points", &Data::train_points, 0,
                                                    UINT64_MAX, ""),
                                 IntegerField<Data>("test_points", &Data::test_points, 0,
                                                    UINT64_MAX, ""),
                                 IntegerField<Data>("data_fingerprint", &Data::fingerprint, 0,
                                                    UINT64_MAX, "")}) {
      v->push_back({f.name, NestedField(f, &Checkpoint::data)});
    }
    return v;
  }();
  return *lines;
}

// The config text keeps one line per key, so values must not span lines.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return s;
}

std::string ConfigText(const Checkpoint& c) {
  std::string text;
  for (const ConfigLine& line : ConfigLines()) {
    text += line.key + "=" + OneLine(line.field.format(c)) + "\n";
  }
  return text;
}

// Parses ConfigText's output. Every key must appear exactly once.
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
    if (seen.count(line.key) == 0) {
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

// Releases a libzip archive that was opened but not committed.
struct ZipDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipArchive = std::unique_ptr<zip_t, ZipDiscard>;

// The archive's entries by array name ("W1" for W1.npy), read in full and checked for size.
bool ReadEntries(std::string_view bytes, const std::string& name,
                 std::map<std::string, std::string>* entries, std::string* error) {
  zip_error_t zerror;
  zip_error_init(&zerror);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerror);
  if (source == nullptr) {
    *error = name + ": " + zip_error_strerror(&zerror);
    zip_error_fini(&zerror);
    return false;
  }
  ZipArchive archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &zerror));
  if (!archive) {
    *error = name + ": not a readable .npz (zip) archive: " + zip_error_strerror(&zerror);
    zip_error_fini(&zerror);
    zip_source_free(source);
    return false;
  }
  zip_error_fini(&zerror);

  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0 || std::uint64_t(count) > kMaxEntries) {
    *error = name + ": " + std::to_string(count) + " entries; a checkpoint has at most " +
             std::to_string(kMaxEntries);
    return false;
  }
  std::map<std::string, std::size_t> index_of;
  for (zip_uint64_t i = 0; i < zip_uint64_t(count); ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    const std::string where = name + ": entry " + std::to_string(i);
    if (zip_stat_index(archive.get(), i, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_NAME) ||
        !(stat.valid & ZIP_STAT_SIZE) || !(stat.valid & ZIP_STAT_COMP_SIZE)) {
      *error = where + ": unreadable: " + zip_strerror(archive.get());
      return false;
    }
    std::string entry_name = stat.name;
    if (entry_name.size() <= 4 || entry_name.compare(entry_name.size() - 4, 4, ".npy") != 0) {
      *error = where + " ('" + Printable(entry_name, 60) + "') is not a .npy array";
      return false;
    }
    std::string key = entry_name.substr(0, entry_name.size() - 4);
    if (index_of.count(key) != 0) {
      *error =
          where + ": array '" + Printable(key) + "' repeats entry " + std::to_string(index_of[key]);
      return false;
    }
    index_of[key] = i;
    if (stat.size > stat.comp_size * kMaxDeflateRatio + kMaxEntryOverhead) {
      *error = where + " ('" + Printable(entry_name) + "') claims " + std::to_string(stat.size) +
               " bytes from " + std::to_string(stat.comp_size) + " compressed: corrupt";
      return false;
    }
    zip_file_t* file = zip_fopen_index(archive.get(), i, 0);
    if (file == nullptr) {
      *error = where + " ('" + Printable(entry_name) + "'): " + zip_strerror(archive.get());
      return false;
    }
    std::string data(stat.size, '\0');
    const zip_int64_t got = zip_fread(file, data.data(), data.size());
    // One more byte must not come: a shorter or longer entry than its directory says is corrupt.
    char extra;
    const zip_int64_t more = got == zip_int64_t(data.size()) ? zip_fread(file, &extra, 1) : 0;
    std::string reason = got < 0 || more < 0 ? zip_file_strerror(file) : "";
    zip_fclose(file);
    if (got != zip_int64_t(data.size()) || more != 0) {
      *error = where + " ('" + Printable(entry_name) + "') is truncated or corrupt" +
               (reason.empty() ? "" : ": " + reason);
      return false;
    }
    (*entries)[key] = std::move(data);
  }
  return true;
}

class ArrayReader {
 public:
  ArrayReader(const std::string& name, const std::map<std::string, std::string>& entries)
      : name_(name), entries_(entries) {}

  // Decodes array `key` with the given shape into *values.
  template <typename T>
  bool Read(const std::string& key, const std::vector<std::size_t>& shape, std::vector<T>* values,
            std::string* error) {
    NpyView view;
    std::string why;
    if (!DecodeNpy(entries_.at(key), &view, &why) || !NpyValues(view, shape, values, &why)) {
      *error = name_ + ": array '" + key + "': " + why;
      return false;
    }
    return true;
  }

  // A one-dimensional array of any length.
  template <typename T>
  bool Vector(const std::string& key, std::vector<T>* values, std::string* error) {
    NpyView view;
    std::string why;
    if (DecodeNpy(entries_.at(key), &view, &why) && view.shape.size() != 1) {
      why = "shape " + ShapeString(view.shape) + ", expected one dimension";
    }
    if (!why.empty() || !NpyValues(view, view.shape, values, &why)) {
      *error = name_ + ": array '" + key + "': " + why;
      return false;
    }
    return true;
  }

  template <typename T>
  bool Scalar(const std::string& key, T* value, std::string* error) {
    std::vector<T> values;
    if (!Read(key, {}, &values, error)) return false;
    *value = values[0];
    return true;
  }

  // A 0-d byte string (|S<n>), as numpy.array(b"...") stores it; numpy drops trailing NULs.
  bool Text(const std::string& key, std::string* text, std::string* error) {
    NpyView view;
    std::string why;
    if (!DecodeNpy(entries_.at(key), &view, &why)) {
      *error = name_ + ": array '" + key + "': " + why;
      return false;
    }
    if (view.descr.compare(0, 2, "|S") != 0 || !view.shape.empty()) {
      *error = name_ + ": array '" + key + "': dtype '" + view.descr + "' shape " +
               ShapeString(view.shape) + ", expected a byte string ('|S', shape ())";
      return false;
    }
    std::string_view data = view.data;
    while (!data.empty() && data.back() == '\0') data.remove_suffix(1);
    *text = data;
    return true;
  }

  // Float32 values that must all be finite (and, for second moments, not negative).
  bool Finite(const std::string& key, const std::vector<std::size_t>& shape,
              std::vector<float>* values, bool non_negative, std::string* error) {
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
      *error = name_ + ": array '" + key + "' element " + position + " is " +
               (std::isnan(v)   ? "NaN"
                : std::isinf(v) ? "Inf"
                                : "negative") +
               (std::isfinite(v) ? " (" + ShortestText(v) + "), but it is a mean square" : "");
      return false;
    }
    return true;
  }

 private:
  const std::string& name_;
  const std::map<std::string, std::string>& entries_;
};

// Adds one stored entry (the bytes must outlive zip_close).
bool AddEntry(zip_t* archive, const std::string& key, const std::string& bytes) {
  zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
  if (source == nullptr) return false;
  const zip_int64_t index =
      zip_file_add(archive, (key + ".npy").c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (index < 0) {
    zip_source_free(source);
    return false;
  }
  return zip_set_file_compression(archive, zip_uint64_t(index), ZIP_CM_STORE, 0) == 0 &&
         zip_file_set_dostime(archive, zip_uint64_t(index), kDosTime, kDosDate, 0) == 0;
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
  // Every entry's bytes, in the order they are added: they must stay alive until zip_close.
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back("format_version",
                       EncodeNpyArray<std::int64_t>({}, &kCheckpointFormatVersion));
  entries.emplace_back("config", EncodeNpyBytes(ConfigText(c)));
  const double x_norm[2] = {c.normalization.x_center, c.normalization.x_scale};
  const double y_norm[2] = {c.normalization.y_center, c.normalization.y_scale};
  entries.emplace_back("x_norm", EncodeNpyArray<double>({2}, x_norm));
  entries.emplace_back("y_norm", EncodeNpyArray<double>({2}, y_norm));
  auto add_arena = [&entries](const std::string& prefix, const Arena<float>& arena) {
    for (std::size_t t = 0; t < kNumTensors; ++t) {
      entries.emplace_back(prefix + kTensors[t].name,
                           EncodeNpyArray<float>(TensorShape(t), Unpad(arena, t).data()));
    }
  };
  add_arena("", c.state.params);
  const std::vector<std::string> slots = OptimizerSlots(c.config.optimizer);
  const Arena<float>* states[2] = {&c.state.state1, &c.state.state2};
  for (std::size_t s = 0; s < slots.size(); ++s) add_arena(slots[s] + ".", *states[s]);
  entries.emplace_back("epoch", EncodeNpyArray<std::int64_t>({}, &c.state.epoch));
  entries.emplace_back("adam_step", EncodeNpyArray<std::int64_t>({}, &c.state.adam_step));
  entries.emplace_back("shuffle_rng", EncodeNpyArray<std::uint64_t>({c.state.shuffle_rng.size()},
                                                                    c.state.shuffle_rng.data()));
  entries.emplace_back(
      "shuffle_order",
      EncodeNpyArray<std::uint32_t>({c.state.shuffle_order.size()}, c.state.shuffle_order.data()));

  // The archive is built in memory and written by the caller, so a failure can never leave a
  // partial file behind; libzip fails here only when memory runs out.
  zip_error_t zerror;
  zip_error_init(&zerror);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &zerror);
  zip_t* archive = buffer ? zip_open_from_source(buffer, ZIP_TRUNCATE, &zerror) : nullptr;
  if (archive == nullptr) {
    const std::string reason = zip_error_strerror(&zerror);
    zip_error_fini(&zerror);
    if (buffer) zip_source_free(buffer);
    throw std::runtime_error("cannot create a zip archive in memory: " + reason);
  }
  zip_error_fini(&zerror);
  zip_source_keep(buffer);  // keep the bytes after zip_close
  for (const auto& [key, bytes] : entries) {
    if (!AddEntry(archive, key, bytes)) {
      const std::string reason = zip_strerror(archive);
      zip_discard(archive);
      zip_source_free(buffer);
      throw std::runtime_error("cannot add '" + key + "' to a zip archive: " + reason);
    }
  }
  if (zip_close(archive) != 0) {
    const std::string reason = zip_strerror(archive);
    zip_discard(archive);
    zip_source_free(buffer);
    throw std::runtime_error("cannot write a zip archive in memory: " + reason);
  }
  std::string out;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(buffer, &stat) != 0 || zip_source_open(buffer) != 0) {
    zip_source_free(buffer);
    throw std::runtime_error("cannot read back an in-memory zip archive");
  }
  out.resize(stat.size);
  const zip_int64_t got = zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  if (got != zip_int64_t(out.size())) {
    throw std::runtime_error("cannot read back an in-memory zip archive");
  }
  return out;
}

bool DecodeCheckpoint(std::string_view bytes, const std::string& name, Checkpoint* checkpoint,
                      std::string* error) {
  std::map<std::string, std::string> entries;
  if (!ReadEntries(bytes, name, &entries, error)) return false;
  ArrayReader reader(name, entries);

  // The version first: a file of another version may differ in everything else.
  if (entries.count("format_version") == 0) {
    *error = name + ": no array 'format_version': not a simd_mlp checkpoint";
    return false;
  }
  std::int64_t version = 0;
  if (!reader.Scalar("format_version", &version, error)) return false;
  if (version != kCheckpointFormatVersion) {
    *error = name + ": format version " + std::to_string(version) + "; this build reads version " +
             std::to_string(kCheckpointFormatVersion);
    return false;
  }

  // The config says which optimizer state arrays to expect.
  Checkpoint c;
  std::string text, why;
  if (entries.count("config") == 0) {
    *error = name + ": missing array 'config'";
    return false;
  }
  if (!reader.Text("config", &text, error)) return false;
  if (!ParseConfigText(text, &c, &why)) {
    *error = name + ": array 'config': " + why;
    return false;
  }

  std::vector<std::string> expected = {"format_version", "config",       "x_norm",
                                       "y_norm",         "epoch",        "adam_step",
                                       "shuffle_rng",    "shuffle_order"};
  const std::vector<std::string> slots = OptimizerSlots(c.config.optimizer);
  for (const std::string& prefix : [&] {
         std::vector<std::string> p = {""};
         for (const std::string& s : slots) p.push_back(s + ".");
         return p;
       }()) {
    for (const TensorSpec& t : kTensors) expected.push_back(prefix + t.name);
  }
  std::vector<std::string> unexpected;
  for (const auto& [key, bytes] : entries) {
    if (std::find(expected.begin(), expected.end(), key) == expected.end()) {
      unexpected.push_back(key);
    }
  }
  for (const std::string& key : expected) {
    if (entries.count(key) == 0) {
      *error =
          name + ": missing array '" + key + "'" +
          (unexpected.empty() ? "" : " (it has an unexpected '" + Printable(unexpected[0]) + "')");
      return false;
    }
  }
  if (!unexpected.empty()) {
    *error = name + ": unexpected array '" + Printable(unexpected[0]) + "' for optimizer " +
             OptimizerName(c.config.optimizer);
    return false;
  }

  std::vector<double> norm;
  for (const auto& [key, center, scale] :
       {std::tuple{"x_norm", &c.normalization.x_center, &c.normalization.x_scale},
        std::tuple{"y_norm", &c.normalization.y_center, &c.normalization.y_scale}}) {
    if (!reader.Read(key, {2}, &norm, error)) return false;
    if (!std::isfinite(norm[0]) || !std::isfinite(norm[1]) || !(norm[1] > 0)) {
      *error = name + ": array '" + key + "' is not [centre, scale] with a finite scale > 0";
      return false;
    }
    *center = norm[0];
    *scale = norm[1];
  }

  std::vector<float> values;
  for (std::size_t t = 0; t < kNumTensors; ++t) {
    if (!reader.Finite(kTensors[t].name, TensorShape(t), &values, false, error)) return false;
    Pad(values, t, &c.state.params);
  }
  Arena<float>* states[2] = {&c.state.state1, &c.state.state2};
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

  if (!reader.Scalar("epoch", &c.state.epoch, error) ||
      !reader.Scalar("adam_step", &c.state.adam_step, error)) {
    return false;
  }
  if (c.state.epoch < 0 || c.state.epoch > c.config.epochs || c.state.adam_step < 0) {
    *error = name + ": epoch " + std::to_string(c.state.epoch) + " and adam_step " +
             std::to_string(c.state.adam_step) + " are not counters of a run of " +
             std::to_string(c.config.epochs) + " epochs";
    return false;
  }
  // Lengths come from the arrays themselves; Trainer::Restore checks them against the data.
  if (!reader.Vector("shuffle_rng", &c.state.shuffle_rng, error) ||
      !reader.Vector("shuffle_order", &c.state.shuffle_order, error)) {
    return false;
  }
  if (c.state.shuffle_order.size() != c.data.train_points) {
    *error = name + ": array 'shuffle_order' has " + std::to_string(c.state.shuffle_order.size()) +
             " entries, but config says " + std::to_string(c.data.train_points) +
             " training points";
    return false;
  }
  *checkpoint = std::move(c);
  return true;
}

bool SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint, std::string* error) {
  return WriteFileAtomically(path, EncodeCheckpoint(checkpoint), error);
}

bool LoadCheckpoint(const std::string& path, Checkpoint* checkpoint, std::string* error) {
  std::string bytes;
  if (!ReadFile(path, &bytes, error)) return false;
  return DecodeCheckpoint(bytes, path, checkpoint, error);
}

}  // namespace simd_mlp::mlp
