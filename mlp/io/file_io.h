// Whole-file reads, and writes that never leave a half-written file where a good one was.
//
// WriteFileAtomically writes a temporary file in the target's directory, flushes it to disk
// (fsync), renames it over the target and fsyncs the directory, so that at every instant the
// target is either the old file or the complete new one: a crash, a kill or a full disk during a
// save leaves the previous checkpoint intact (at worst with a stray .NAME.tmp.XXXXXX beside it,
// which a kill cannot clean up).
#ifndef SIMD_MLP_MLP_IO_FILE_IO_H_
#define SIMD_MLP_MLP_IO_FILE_IO_H_

#include <string>
#include <string_view>

namespace simd_mlp::mlp {

// The whole of `path`. False with a one-line *error naming the file and the reason (missing,
// unreadable, a directory).
bool ReadFile(const std::string& path, std::string* contents, std::string* error);

// Replaces `path` with `contents` atomically (see above). The new file gets mode 0666 less the
// umask, as a plain open would give it. False with a one-line *error naming the file, in which case
// `path` is untouched and the temporary file removed.
bool WriteFileAtomically(const std::string& path, std::string_view contents, std::string* error);

// Whether WriteFileAtomically(path, ...) can create its temporary file: checked before a long run
// so that a typo in a directory name is found before the training, not after it.
bool CheckWritable(const std::string& path, std::string* error);

// `bazel run` starts a binary in its runfiles tree and says where the user was in
// BUILD_WORKING_DIRECTORY; going back there makes relative file names mean what the user meant.
// Returns false with *error set if that directory cannot be entered.
bool EnterBazelWorkingDirectory(std::string* error);

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_IO_FILE_IO_H_
