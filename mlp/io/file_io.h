// The files a program reads and writes, as two abstractions through which every file of
// //mlp:train and //mlp:predict goes:
//
//   InputFile   a file read whole or in chunks: a regular file or a pipe (never a device or a
//               directory), within a size limit the caller states, so that no file can make the
//               program read or allocate without bound (--data=/dev/zero, a sparse 1.5 GB file).
//   OutputFile  a file written whole and atomically, claimed before anything is written: its
//               name resolved (symlinks followed to the file they finally name), checked to be a
//               regular file or a new name in an existing, writable directory, and identified.
//   RunFiles    the files of one run, by the flag that names each: an output is refused if it is
//               the same file (by device and inode, not by name) as an input or another output.
//
// An atomic write creates the new contents in an unnamed temporary file in the target's directory
// (O_TMPFILE), flushes it to disk (fsync), gives it a name (linkat), renames that name over the
// target and flushes the directory: at every instant the target is the old file or the complete
// new one, and a kill before the rename leaves nothing behind, since the temporary file has no
// name. Where the file system has no O_TMPFILE, the temporary file is named
// .simd_mlp.PID.XXXXXX from the start; such a file left by a killed process (its PID no longer
// running) is removed by the next write to that directory. Either name is short and fixed in
// length, so every name the file system accepts can be written.
#ifndef SIMD_MLP_MLP_IO_FILE_IO_H_
#define SIMD_MLP_MLP_IO_FILE_IO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace simd_mlp::mlp {

// Which file a name means: the device and inode of the file it names (after following symlinks);
// for a name where no file is yet, those of the directory it would be created in, and the name.
struct FileIdentity {
  std::uint64_t device = 0, inode = 0;
  std::string new_name;  // empty for an existing file

  bool operator==(const FileIdentity& other) const {
    return device == other.device && inode == other.inode && new_name == other.new_name;
  }
};

// A file opened for reading. Movable, not copyable; closes its descriptor when destroyed.
class InputFile {
 public:
  InputFile() = default;
  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Opens `path`: a regular file of at most max_bytes, or a pipe (whose size shows only as it is
  // read). False with a one-line *error naming the file: missing, unreadable, a directory, a
  // device or socket, or larger than max_bytes.
  bool Open(const std::string& path, std::uint64_t max_bytes, std::string* error);

  // Reads up to `size` bytes; *got = 0 at the end of the file. False with a one-line *error on a
  // read error, or once the file has given more than max_bytes.
  bool Read(char* buffer, std::size_t size, std::size_t* got, std::string* error);

  // The rest of the file.
  bool ReadAll(std::string* contents, std::string* error);

  const std::string& path() const { return path_; }
  const FileIdentity& identity() const { return identity_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::uint64_t max_bytes_ = 0, bytes_read_ = 0;
  FileIdentity identity_;
};

// The whole of the file at `path`, of at most max_bytes (InputFile); its identity too, if asked.
bool ReadFile(const std::string& path, std::uint64_t max_bytes, std::string* contents,
              std::string* error, FileIdentity* identity = nullptr);

// A file to be written atomically. Claim checks everything that can be checked before the
// contents exist and creates nothing; Write replaces the file. Movable, not copyable.
class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Resolves `path`: a symlink is followed (through any number of links, up to the system's
  // limit) to the name it finally stands for, which is what Write replaces; the links stay links.
  // That name must be a regular file or not exist yet, in a directory where this process can
  // create a file. False with a one-line *error naming the path: a directory, a device, a FIFO
  // or a socket; a missing or unwritable directory; a loop of links.
  bool Claim(const std::string& path, std::string* error);

  // Replaces the claimed file with `contents` atomically (see above); the new file gets mode 0666
  // less the umask, as a plain open would give it. False with a one-line *error naming the file,
  // in which case the file is as it was and no temporary file is left.
  bool Write(std::string_view contents, std::string* error);

  // Write in parts, for contents too large to hold whole: Begin, Append any number of times,
  // Commit. Until Commit returns, the file is as it was; an OutputFile destroyed (or Begun again)
  // before Commit discards what was appended.
  bool Begin(std::string* error);
  bool Append(std::string_view bytes, std::string* error);
  bool Commit(std::string* error);

  const std::string& path() const { return path_; }
  const FileIdentity& identity() const { return identity_; }
  bool claimed() const { return dir_fd_ >= 0; }

 private:
  void Discard();
  bool Fail(const std::string& what, std::string* error);

  std::string path_;       // as the user gave it, for messages
  std::string dir_shown_;  // the directory of the resolved name, as a path, for messages
  std::string name_;       // the resolved name within dir_fd_
  int dir_fd_ = -1;
  FileIdentity identity_;
  bool cleaned_ = false;   // stale temporary files of this directory removed (once per claim)
  int temp_fd_ = -1;       // during Begin … Commit
  std::string temp_name_;  // non-empty if the temporary file has a name in the directory
};

// The files of one run under the flags that name them ("data", "save", ...), to refuse two flags
// that name one file: an output that is an input would be destroyed by the run (--data=d.csv
// --save=d.csv), two outputs would overwrite each other (--save=X --plot=X).
class RunFiles {
 public:
  // An input, read (and so opened) before any output is claimed.
  void AddInput(const std::string& flag, const std::string& path, const FileIdentity& identity);

  // Standard output, if it is a regular file: an output may not replace the file that the run's
  // own report goes to (train --metrics=log >log).
  void AddStandardOutput();

  // Claims `path` for the output `flag` (OutputFile::Claim), then refuses it if it is the same
  // file as an input (unless that input's flag is in `may_replace`: --save may name the
  // checkpoint that --resume read) or as an output claimed before. False with a one-line *error
  // starting "--FLAG: ".
  bool ClaimOutput(const std::string& flag, const std::string& path, OutputFile* output,
                   std::string* error, const std::vector<std::string>& may_replace = {});

 private:
  struct Named {
    std::string flag, path;  // flag empty for standard output
    FileIdentity identity;
    bool input;
  };
  std::vector<Named> files_;
};

// `bazel run` starts a binary in its runfiles tree and says where the user was in
// BUILD_WORKING_DIRECTORY; going back there makes relative file names mean what the user meant.
// Returns false with *error set if that directory cannot be entered.
bool EnterBazelWorkingDirectory(std::string* error);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_FILE_IO_H_
