#include "mlp/io/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace simd_mlp::mlp {

namespace {

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

std::string Reason() { return std::strerror(errno); }

// The directory holding `path` ("." for a bare name) and the name within it.
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

// Creates .BASE.tmp.XXXXXX beside path; returns its descriptor, or −1 with *error set.
int CreateTemporary(const std::string& path, std::string* temp, std::string* error) {
  std::string dir, base;
  SplitPath(path, &dir, &base);
  if (base.empty()) {
    *error = Quoted(path) + " names a directory, not a file";
    return -1;
  }
  std::string name = (dir == "/" ? "" : dir) + "/." + base + ".tmp.XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int fd = mkstemp(buffer.data());
  if (fd < 0) {
    *error =
        "cannot create a file in " + Quoted(dir) + " to save " + Quoted(path) + ": " + Reason();
    return -1;
  }
  *temp = buffer.data();
  return fd;
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

mode_t DefaultFileMode() {
  const mode_t mask = umask(0);  // the only way to read the umask; restored at once
  umask(mask);
  return 0666 & ~mask;
}

}  // namespace

bool ReadFile(const std::string& path, std::string* contents, std::string* error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = "cannot open " + Quoted(path) + ": " + Reason();
    return false;
  }
  struct stat info;
  if (fstat(fd, &info) != 0) {
    *error = "cannot read " + Quoted(path) + ": " + Reason();
    close(fd);
    return false;
  }
  if (S_ISDIR(info.st_mode)) {
    *error = "cannot read " + Quoted(path) + ": it is a directory";
    close(fd);
    return false;
  }
  std::string out;
  if (S_ISREG(info.st_mode)) out.reserve(static_cast<std::size_t>(info.st_size));
  char chunk[1 << 16];
  while (true) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = "cannot read " + Quoted(path) + ": " + Reason();
      close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);
  *contents = std::move(out);
  return true;
}

bool WriteFileAtomically(const std::string& path, std::string_view contents, std::string* error) {
  std::string temp;
  const int fd = CreateTemporary(path, &temp, error);
  if (fd < 0) return false;
  auto fail = [&](const std::string& what) {
    *error = what + " " + Quoted(temp) + " (saving " + Quoted(path) + "): " + Reason();
    unlink(temp.c_str());
    return false;
  };
  if (fchmod(fd, DefaultFileMode()) != 0) {
    close(fd);
    return fail("cannot set the mode of");
  }
  if (!WriteAll(fd, contents)) {
    close(fd);
    return fail("cannot write");
  }
  // The data must be on disk before the rename makes it the checkpoint: otherwise a power loss
  // can leave the new name pointing at a file of zeros.
  if (fsync(fd) != 0) {
    close(fd);
    return fail("cannot flush");
  }
  if (close(fd) != 0) return fail("cannot close");
  if (rename(temp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename " + Quoted(temp) + " to " + Quoted(path) + ": " + Reason();
    unlink(temp.c_str());
    return false;
  }
  // The rename itself lives in the directory: flush it too, or a crash may undo it.
  std::string dir, base;
  SplitPath(path, &dir, &base);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || fsync(dir_fd) != 0) {
    *error = "saved " + Quoted(path) + " but cannot flush its directory " + Quoted(dir) + ": " +
             Reason();
    if (dir_fd >= 0) close(dir_fd);
    return false;
  }
  close(dir_fd);
  return true;
}

bool CheckWritable(const std::string& path, std::string* error) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    *error = Quoted(path) + " is a directory";
    return false;
  }
  std::string temp;
  const int fd = CreateTemporary(path, &temp, error);
  if (fd < 0) return false;
  close(fd);
  unlink(temp.c_str());
  return true;
}

bool EnterBazelWorkingDirectory(std::string* error) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0' || chdir(dir) == 0) return true;
  *error = "cannot enter BUILD_WORKING_DIRECTORY " + Quoted(dir) + ": " + Reason();
  return false;
}

}  // namespace simd_mlp::mlp
