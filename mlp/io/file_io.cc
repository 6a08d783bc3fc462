#include "mlp/io/file_io.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "mlp/text/number.h"
#include "mlp/text/printable.h"

namespace simd_mlp::mlp {

namespace {

// Symlinks followed before a name is taken for a loop: the kernel's own limit (MAXSYMLINKS).
constexpr int kMaxLinks = 40;
// Temporary names: kTempPrefix, the writer's PID, '.', kTempSuffixLength random characters.
constexpr char kTempPrefix[] = ".simd_mlp.";
constexpr std::size_t kTempSuffixLength = 6;
constexpr std::size_t kChunk = std::size_t{1} << 16;

std::string Reason() { return std::strerror(errno); }

// What a file that is not a regular one is, for messages.
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// The directory holding `path` ("." for a bare name) and the name within it (empty for "dir/").
void SplitPath(const std::string& path, std::string* dir, std::string* base) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    *dir = ".";
    *base = path;
  } else {
    *dir = slash == 0 ? "/" : path.substr(0, slash);
    *base = path.substr(slash + 1);
  }
}

// For a relative name that was not found: where it was looked for, as the end of the message. The
// working directory is where the user was, even under `bazel run` (EnterBazelWorkingDirectory),
// which is not where a user who knows that Bazel runs binaries in their runfiles tree expects.
std::string LookedFor(const std::string& path) {
  if (path.empty() || path[0] == '/') return "";
  std::unique_ptr<char, decltype(&std::free)> cwd(getcwd(nullptr, 0), &std::free);
  if (cwd == nullptr) return "";
  const char* bazel = std::getenv("BUILD_WORKING_DIRECTORY");
  return " (looked for in " + Quoted(cwd.get()) +
         (bazel != nullptr && *bazel != '\0' ? ", where bazel run was started" : "") + ")";
}

// A fresh temporary name: .simd_mlp.PID.XXXXXX (at most 28 bytes, whatever the target's name).
std::string TemporaryName() {
  static unsigned counter = 0;
  std::uint64_t bits = std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) *
                           0x9E3779B97F4A7C15u +
                       (std::uint64_t(getpid()) << 32) + ++counter * 0xBF58476D1CE4E5B9u;
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string name = kTempPrefix + std::to_string(getpid()) + ".";
  for (std::size_t i = 0; i < kTempSuffixLength; ++i) {
    name += kAlphabet[bits % 36];
    bits = bits / 36 ^ (bits << 29);
  }
  return name;
}

// The PID in a name TemporaryName made, or 0 if `name` is not one.
pid_t TemporaryNamePid(std::string_view name) {
  const std::string_view prefix = kTempPrefix;
  if (name.substr(0, prefix.size()) != prefix) return 0;
  name.remove_prefix(prefix.size());
  const std::size_t dot = name.find('.');
  if (dot == 0 || dot == std::string_view::npos || name.size() - dot - 1 != kTempSuffixLength) {
    return 0;
  }
  std::uint64_t pid = 0;
  if (!ParseUnsigned(name.substr(0, dot), &pid) || name[0] == '+' || pid == 0 || pid > INT32_MAX) {
    return 0;
  }
  return static_cast<pid_t>(pid);
}

// Removes the temporary files that writers killed before their rename left in the directory:
// names TemporaryName makes whose process is gone. (A live process's file is never touched.)
void RemoveStaleTemporaries(int dir_fd) {
  const int fd = dup(dir_fd);
  if (fd < 0) return;
  DIR* dir = fdopendir(fd);
  if (dir == nullptr) {
    close(fd);
    return;
  }
  rewinddir(dir);
  while (const dirent* entry = readdir(dir)) {
    const pid_t pid = TemporaryNamePid(entry->d_name);
    if (pid == 0 || pid == getpid()) continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;  // running, or not ours to know
    unlinkat(dir_fd, entry->d_name, 0);
  }
  closedir(dir);
}

// Whether open(O_TMPFILE) failed because the file system (or kernel) lacks it.
bool TmpfileUnsupported(int error) {
  return error == EOPNOTSUPP || error == EISDIR || error == EINVAL;
}

// Creates a new, named temporary file in the directory; −1 with errno set on failure.
int CreateNamedTemporary(int dir_fd, std::string* name) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    *name = TemporaryName();
    const int fd = openat(dir_fd, name->c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;
}

// Gives the unnamed (O_TMPFILE) file `fd` a temporary name in the directory; false with errno set
// if neither way of linking it works here (no /proc, and no CAP_DAC_READ_SEARCH for
// AT_EMPTY_PATH).
bool LinkTemporary(int fd, int dir_fd, std::string* name) {
  char proc[64];
  std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  for (int attempt = 0; attempt < 100; ++attempt) {
    *name = TemporaryName();
    if (linkat(AT_FDCWD, proc, dir_fd, name->c_str(), AT_SYMLINK_FOLLOW) == 0) return true;
    if (errno == EEXIST) continue;
    if (linkat(fd, "", dir_fd, name->c_str(), AT_EMPTY_PATH) == 0) return true;
    if (errno != EEXIST) return false;
  }
  return false;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Copies the whole of `from` (from its start) to `to`.
bool CopyAll(int from, int to) {
  char buffer[kChunk];
  for (off_t at = 0;;) {
    const ssize_t n = pread(from, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    if (!WriteAll(to, std::string_view(buffer, std::size_t(n)))) return false;
    at += n;
  }
}

}  // namespace

// ---- InputFile ----

InputFile::~InputFile() {
  if (fd_ >= 0) close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept { *this = std::move(other); }

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    max_bytes_ = other.max_bytes_;
    bytes_read_ = other.bytes_read_;
    identity_ = std::move(other.identity_);
  }
  return *this;
}

bool InputFile::Open(const std::string& path, std::uint64_t max_bytes, std::string* error) {
  *this = InputFile();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const bool missing = errno == ENOENT || errno == ENOTDIR;
    *error = "cannot open " + Quoted(path) + ": " + Reason() + (missing ? LookedFor(path) : "");
    return false;
  }
  struct stat info;
  std::string problem;
  if (fstat(fd, &info) != 0) {
    problem = Reason();
  } else if (S_ISDIR(info.st_mode)) {
    problem = "it is a directory";
  } else if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode)) {
    problem = std::string("it is ") + KindOf(info.st_mode) + ", not a file";
  } else if (S_ISREG(info.st_mode) && std::uint64_t(info.st_size) > max_bytes) {
    problem = GroupThousands(std::uint64_t(info.st_size)) + " bytes, over the limit of " +
              GroupThousands(max_bytes) + " for this file (docs/cli.md)";
  }
  if (!problem.empty()) {
    *error = "cannot read " + Quoted(path) + ": " + problem;
    close(fd);
    return false;
  }
  fd_ = fd;
  path_ = path;
  max_bytes_ = max_bytes;
  identity_ = {std::uint64_t(info.st_dev), std::uint64_t(info.st_ino), ""};
  return true;
}

bool InputFile::Read(char* buffer, std::size_t size, std::size_t* got, std::string* error) {
  ssize_t n;
  do {
    n = read(fd_, buffer, size);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    *error = "cannot read " + Quoted(path_) + ": " + Reason();
    return false;
  }
  bytes_read_ += std::uint64_t(n);
  if (bytes_read_ > max_bytes_) {
    *error = "cannot read " + Quoted(path_) + ": more than the limit of " +
             GroupThousands(max_bytes_) + " bytes for this file (docs/cli.md)";
    return false;
  }
  *got = std::size_t(n);
  return true;
}

bool InputFile::ReadAll(std::string* contents, std::string* error) {
  std::string out;
  struct stat info;
  if (fstat(fd_, &info) == 0 && S_ISREG(info.st_mode)) {
    out.reserve(std::size_t(std::min<std::uint64_t>(std::uint64_t(info.st_size), max_bytes_)));
  }
  char chunk[kChunk];
  for (std::size_t got = 1; got > 0;) {
    if (!Read(chunk, sizeof chunk, &got, error)) return false;
    out.append(chunk, got);
  }
  *contents = std::move(out);
  return true;
}

bool ReadFile(const std::string& path, std::uint64_t max_bytes, std::string* contents,
              std::string* error, FileIdentity* identity) {
  InputFile file;
  if (!file.Open(path, max_bytes, error) || !file.ReadAll(contents, error)) return false;
  if (identity != nullptr) *identity = file.identity();
  return true;
}

// ---- OutputFile ----

OutputFile::~OutputFile() {
  Discard();
  if (dir_fd_ >= 0) close(dir_fd_);
}

OutputFile::OutputFile(OutputFile&& other) noexcept { *this = std::move(other); }

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    Discard();
    if (dir_fd_ >= 0) close(dir_fd_);
    path_ = std::move(other.path_);
    dir_shown_ = std::move(other.dir_shown_);
    name_ = std::move(other.name_);
    dir_fd_ = std::exchange(other.dir_fd_, -1);
    identity_ = std::move(other.identity_);
    cleaned_ = other.cleaned_;
    temp_fd_ = std::exchange(other.temp_fd_, -1);
    temp_name_ = std::move(other.temp_name_);
  }
  return *this;
}

bool OutputFile::Claim(const std::string& path, std::string* error) {
  *this = OutputFile();
  std::string current = path, dir, base;
  bool followed = false;
  int dir_fd = -1;
  struct stat info;
  bool exists = false;
  for (int links = 0;; ++links) {
    SplitPath(current, &dir, &base);
    if (base.empty() || base == "." || base == "..") {
      *error = Quoted(path) + " names a directory, not a file";
      return false;
    }
    dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
      *error =
          "cannot create a file in " + Quoted(dir) + " (for " + Quoted(path) + "): " + Reason();
      return false;
    }
    if (fstatat(dir_fd, base.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) {
        *error = "cannot inspect " + Quoted(current) + ": " + Reason();
        close(dir_fd);
        return false;
      }
      break;  // a new file
    }
    if (!S_ISLNK(info.st_mode)) {
      exists = true;
      break;
    }
    // A symlink: what it names is the output (the link is kept).
    std::string target(std::size_t(info.st_size > 0 ? info.st_size : 4096) + 1, '\0');
    const ssize_t n = readlinkat(dir_fd, base.c_str(), target.data(), target.size());
    close(dir_fd);
    dir_fd = -1;
    if (n < 0 || std::size_t(n) >= target.size()) {
      *error = "cannot read the link " + Quoted(current) + ": " +
               (n < 0 ? Reason() : std::string("it changed while being read"));
      return false;
    }
    if (links + 1 > kMaxLinks) {
      *error = Quoted(path) + ": too many levels of symbolic links";
      return false;
    }
    target.resize(std::size_t(n));
    current = target[0] == '/' || dir == "." ? target : (dir == "/" ? "" : dir) + "/" + target;
    followed = true;
  }
  const std::string shown =
      Quoted(path) + (followed ? " (a link to " + Quoted(dir + "/" + base) + ")" : "");
  if (exists && !S_ISREG(info.st_mode)) {
    *error = shown + " is " + KindOf(info.st_mode) +
             ": outputs are regular files only, created or replaced whole";
    close(dir_fd);
    return false;
  }
  struct stat dir_info;
  if (fstat(dir_fd, &dir_info) != 0) {
    *error = "cannot inspect the directory " + Quoted(dir) + ": " + Reason();
    close(dir_fd);
    return false;
  }
  // Can a file be created there? Probed with an unnamed file where the file system has them, so
  // that nothing appears in the directory; with a named one (removed at once) where not.
  int probe = openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (probe < 0 && TmpfileUnsupported(errno)) {
    std::string temp;
    probe = CreateNamedTemporary(dir_fd, &temp);
    if (probe >= 0) unlinkat(dir_fd, temp.c_str(), 0);
  }
  if (probe < 0) {
    *error = "cannot create a file in " + Quoted(dir) + " (for " + Quoted(path) + "): " + Reason();
    close(dir_fd);
    return false;
  }
  close(probe);
  path_ = path;
  dir_shown_ = dir;
  name_ = base;
  dir_fd_ = dir_fd;
  identity_ =
      exists ? FileIdentity{std::uint64_t(info.st_dev), std::uint64_t(info.st_ino), ""}
             : FileIdentity{std::uint64_t(dir_info.st_dev), std::uint64_t(dir_info.st_ino), base};
  return true;
}

void OutputFile::Discard() {
  if (temp_fd_ >= 0) close(temp_fd_);
  temp_fd_ = -1;
  if (!temp_name_.empty()) unlinkat(dir_fd_, temp_name_.c_str(), 0);
  temp_name_.clear();
}

bool OutputFile::Fail(const std::string& what, std::string* error) {
  *error = what + " " + Quoted(path_) + ": " + Reason();
  const int saved = errno;
  Discard();
  errno = saved;
  return false;
}

bool OutputFile::Begin(std::string* error) {
  Discard();
  if (!cleaned_) {
    RemoveStaleTemporaries(dir_fd_);
    cleaned_ = true;
  }
  temp_fd_ = openat(dir_fd_, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
  if (temp_fd_ < 0 && TmpfileUnsupported(errno)) {
    temp_fd_ = CreateNamedTemporary(dir_fd_, &temp_name_);
  }
  if (temp_fd_ < 0) {
    *error = "cannot create a file in " + Quoted(dir_shown_) + " (for " + Quoted(path_) +
             "): " + Reason();
    return false;
  }
  return true;
}

bool OutputFile::Append(std::string_view bytes, std::string* error) {
  if (!WriteAll(temp_fd_, bytes)) return Fail("cannot write", error);
  return true;
}

bool OutputFile::Commit(std::string* error) {
  // The data must be on disk before the rename makes it the file: otherwise a power loss can
  // leave the name pointing at a file of zeros.
  if (fsync(temp_fd_) != 0) return Fail("cannot flush", error);
  if (temp_name_.empty() && !LinkTemporary(temp_fd_, dir_fd_, &temp_name_)) {
    // No way to name an unnamed file here: copy it into a named one.
    temp_name_.clear();
    const int named = CreateNamedTemporary(dir_fd_, &temp_name_);
    if (named < 0) {
      temp_name_.clear();
      return Fail("cannot create a temporary file for", error);
    }
    const bool copied = CopyAll(temp_fd_, named) && fsync(named) == 0;
    close(temp_fd_);
    temp_fd_ = named;
    if (!copied) return Fail("cannot write", error);
  }
  // Still a regular file (or none) where the claim found one: never rename over anything else.
  struct stat info;
  if (fstatat(dir_fd_, name_.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(info.st_mode) &&
      !S_ISLNK(info.st_mode)) {
    errno = EEXIST;
    return Fail(std::string("refusing to replace ") + KindOf(info.st_mode) + " at", error);
  }
  if (renameat(dir_fd_, temp_name_.c_str(), dir_fd_, name_.c_str()) != 0) {
    return Fail("cannot rename a temporary file over", error);
  }
  temp_name_.clear();
  close(temp_fd_);
  temp_fd_ = -1;
  // The rename itself lives in the directory: flush it too, or a crash may undo it.
  if (fsync(dir_fd_) != 0) {
    *error = "wrote " + Quoted(path_) + " but cannot flush its directory " + Quoted(dir_shown_) +
             ": " + Reason();
    return false;
  }
  return true;
}

bool OutputFile::Write(std::string_view contents, std::string* error) {
  return Begin(error) && Append(contents, error) && Commit(error);
}

// ---- RunFiles ----

void RunFiles::AddInput(const std::string& flag, const std::string& path,
                        const FileIdentity& identity) {
  files_.push_back({flag, path, identity, true});
}

void RunFiles::AddStandardOutput() {
  struct stat info;
  if (fstat(STDOUT_FILENO, &info) == 0 && S_ISREG(info.st_mode)) {
    files_.push_back({"", "", {std::uint64_t(info.st_dev), std::uint64_t(info.st_ino), ""}, false});
  }
}

bool RunFiles::ClaimOutput(const std::string& flag, const std::string& path, OutputFile* output,
                           std::string* error, const std::vector<std::string>& may_replace) {
  std::string why;
  if (!output->Claim(path, &why)) {
    *error = "--" + flag + ": " + why;
    return false;
  }
  for (const Named& file : files_) {
    if (!(file.identity == output->identity())) continue;
    if (file.input &&
        std::find(may_replace.begin(), may_replace.end(), file.flag) != may_replace.end()) {
      continue;
    }
    const std::string also =
        file.path.empty() || file.path == path ? "" : " (as " + Quoted(file.path) + ")";
    if (file.flag.empty()) {
      *error = "--" + flag + ": " + Quoted(path) +
               " is the file standard output goes to; the run's report would be lost";
    } else if (file.input) {
      *error = "--" + flag + ": " + Quoted(path) + " is the file --" + file.flag + " reads" + also +
               "; an output never replaces an input";
    } else {
      *error = "--" + flag + ": " + Quoted(path) + " is also the output of --" + file.flag + also;
    }
    *output = OutputFile();
    return false;
  }
  files_.push_back({flag, path, output->identity(), false});
  return true;
}

bool EnterBazelWorkingDirectory(std::string* error) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0' || chdir(dir) == 0) return true;
  *error = "cannot enter BUILD_WORKING_DIRECTORY " + Quoted(dir) + ": " + Reason();
  return false;
}

}  // namespace simd_mlp::mlp
