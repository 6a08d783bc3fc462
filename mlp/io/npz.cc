#include "mlp/io/npz.h"

#include <zip.h>

#include <cstdint>
#include <stdexcept>

#include "mlp/text/printable.h"

namespace simd_mlp::mlp {

namespace {

// Deflate expands at most 1032:1; an entry claiming more than that from its compressed size lies
// about its size, and believing it would let a tiny file make us allocate gigabytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::uint64_t kMaxEntryOverhead = 4096;
// 1980-01-01 00:00 in MS-DOS date and time: a fixed timestamp keeps archives reproducible.
constexpr std::uint16_t kDosDate = (0 << 9) | (1 << 5) | 1, kDosTime = 0;

constexpr std::string_view kSuffix = ".npy";

// A zip archive written into memory. It owns the memory buffer and the open archive and releases
// both however it ends; libzip fails here only when memory runs out, which throws.
class ZipBuilder {
 public:
  ZipBuilder() {
    zip_error_t zerror;
    zip_error_init(&zerror);
    buffer_ = zip_source_buffer_create(nullptr, 0, 0, &zerror);
    archive_ = buffer_ ? zip_open_from_source(buffer_, ZIP_TRUNCATE, &zerror) : nullptr;
    const std::string reason = zip_error_strerror(&zerror);
    zip_error_fini(&zerror);
    if (archive_ == nullptr) {
      if (buffer_) zip_source_free(buffer_);
      throw std::runtime_error("cannot create a zip archive in memory: " + reason);
    }
    zip_source_keep(buffer_);  // the archive's bytes must outlive zip_close
  }
  ~ZipBuilder() {
    if (archive_ != nullptr) zip_discard(archive_);
    zip_source_free(buffer_);
  }
  ZipBuilder(const ZipBuilder&) = delete;
  ZipBuilder& operator=(const ZipBuilder&) = delete;

  // Adds `bytes` as the entry `name`, stored uncompressed with the fixed timestamp. The bytes
  // must stay alive until Finish.
  void Add(const std::string& name, std::string_view bytes) {
    zip_source_t* source = zip_source_buffer(archive_, bytes.data(), bytes.size(), 0);
    const zip_int64_t index =
        source ? zip_file_add(archive_, name.c_str(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE)
               : -1;
    if (index < 0 && source != nullptr) zip_source_free(source);
    if (index < 0 ||
        zip_set_file_compression(archive_, zip_uint64_t(index), ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_dostime(archive_, zip_uint64_t(index), kDosTime, kDosDate, 0) != 0) {
      throw std::runtime_error("cannot add '" + name +
                               "' to a zip archive: " + zip_strerror(archive_));
    }
  }

  // Writes the archive and returns its bytes.
  std::string Finish() {
    if (zip_close(archive_) != 0) {
      throw std::runtime_error(std::string("cannot write a zip archive in memory: ") +
                               zip_strerror(archive_));
    }
    archive_ = nullptr;  // closed: nothing left to discard
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_source_stat(buffer_, &stat) != 0 || zip_source_open(buffer_) != 0) {
      throw std::runtime_error("cannot read back an in-memory zip archive");
    }
    std::string bytes(stat.size, '\0');
    const zip_int64_t got = zip_source_read(buffer_, bytes.data(), bytes.size());
    zip_source_close(buffer_);
    if (got != zip_int64_t(bytes.size())) {
      throw std::runtime_error("cannot read back an in-memory zip archive");
    }
    return bytes;
  }

 private:
  zip_source_t* buffer_ = nullptr;
  zip_t* archive_ = nullptr;
};

}  // namespace

std::string EncodeNpz(const std::vector<std::pair<std::string, std::string>>& arrays) {
  ZipBuilder zip;
  for (const auto& [name, npy] : arrays) zip.Add(name + std::string(kSuffix), npy);
  return zip.Finish();
}

NpzReader::~NpzReader() {
  if (archive_ != nullptr) zip_discard(archive_);
}

bool NpzReader::Open(std::string_view bytes, const std::string& name, std::size_t max_arrays,
                     std::string* error) {
  name_ = PrintableName(name);
  zip_error_t zerror;
  zip_error_init(&zerror);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerror);
  if (source == nullptr) {
    *error = name_ + ": " + zip_error_strerror(&zerror);
    zip_error_fini(&zerror);
    return false;
  }
  archive_ = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &zerror);
  if (archive_ == nullptr) {
    *error = name_ + ": not a readable .npz (zip) archive: " + zip_error_strerror(&zerror);
    zip_error_fini(&zerror);
    zip_source_free(source);
    return false;
  }
  zip_error_fini(&zerror);

  const zip_int64_t count = zip_get_num_entries(archive_, 0);
  if (count < 0 || std::uint64_t(count) > max_arrays) {
    *error = name_ + ": " + std::to_string(count) + " entries; a checkpoint has at most " +
             std::to_string(max_arrays);
    return false;
  }
  for (zip_uint64_t i = 0; i < zip_uint64_t(count); ++i) {
    const std::string where = name_ + ": entry " + std::to_string(i);
    const char* entry_name = zip_get_name(archive_, i, 0);
    if (entry_name == nullptr) {
      *error = where + ": unreadable: " + zip_strerror(archive_);
      return false;
    }
    const std::string_view entry = entry_name;
    if (entry.size() <= kSuffix.size() || entry.substr(entry.size() - kSuffix.size()) != kSuffix) {
      *error = where + " ('" + Printable(entry, 60) + "') is not a .npy array";
      return false;
    }
    const std::string key(entry.substr(0, entry.size() - kSuffix.size()));
    if (index_.count(key) != 0) {
      *error =
          where + ": array '" + Printable(key) + "' repeats entry " + std::to_string(index_[key]);
      return false;
    }
    index_[key] = i;
  }
  return true;
}

std::vector<std::string> NpzReader::Keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, i] : index_) keys.push_back(key);
  return keys;
}

bool NpzReader::Read(const std::string& key, std::uint64_t max_bytes, std::string* data,
                     std::string* error) const {
  const zip_uint64_t i = index_.at(key);
  const std::string where = name_ + ": entry " + std::to_string(i);
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_, i, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) ||
      !(stat.valid & ZIP_STAT_COMP_SIZE)) {
    *error = where + ": unreadable: " + zip_strerror(archive_);
    return false;
  }
  const std::string shown = where + " ('" + Printable(key) + ".npy')";
  if (stat.size > max_bytes) {
    *error = shown + " holds " + std::to_string(stat.size) + " bytes, more than the " +
             std::to_string(max_bytes) + " its array can need: corrupt or not ours";
    return false;
  }
  if (stat.size > stat.comp_size * kMaxDeflateRatio + kMaxEntryOverhead) {
    *error = shown + " claims " + std::to_string(stat.size) + " bytes from " +
             std::to_string(stat.comp_size) + " compressed: corrupt";
    return false;
  }
  zip_file_t* file = zip_fopen_index(archive_, i, 0);
  if (file == nullptr) {
    *error = shown + ": " + zip_strerror(archive_);
    return false;
  }
  data->assign(stat.size, '\0');
  const zip_int64_t got = zip_fread(file, data->data(), data->size());
  // One more byte must not come: a shorter or longer entry than its directory says is corrupt.
  char extra;
  const zip_int64_t more = got == zip_int64_t(data->size()) ? zip_fread(file, &extra, 1) : 0;
  const std::string reason = got < 0 || more < 0 ? zip_file_strerror(file) : "";
  zip_fclose(file);
  if (got != zip_int64_t(data->size()) || more != 0) {
    *error = shown + " is truncated or corrupt" + (reason.empty() ? "" : ": " + reason);
    return false;
  }
  return true;
}

}  // namespace simd_mlp::mlp
