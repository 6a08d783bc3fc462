// The input and output abstractions every file of //mlp:train and //mlp:predict goes through:
// InputFile's kinds and limits, OutputFile's claim (kinds, symlinks, identity) and atomic write
// (no temporary file left, any valid name), RunFiles' refusal of an output that is an input or
// another output; and the streaming CSV reader's limits.
#include "mlp/io/file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "mlp/io/csv.h"

namespace simd_mlp::mlp {
namespace {

// A fresh, empty directory for one test.
std::string TestDir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp ? tmp : "/tmp") + "/file_io_test_" + name;
  EXPECT_EQ(std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str()), 0);
  return dir;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const std::string& path) {
  std::string text, error;
  EXPECT_TRUE(ReadFile(path, 1 << 20, &text, &error)) << error;
  return text;
}

// The names in `dir`, dot files included, sorted, space-separated.
std::string Listing(const std::string& dir) {
  std::string out;
  FILE* ls = popen(("ls -A '" + dir + "' | tr '\\n' ' '").c_str(), "r");
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, ls)) out += buffer;
  pclose(ls);
  return out;
}

TEST(InputFile, RefusesDevicesDirectoriesAndFilesOverItsLimit) {
  const std::string dir = TestDir("input");
  std::string text, error;
  EXPECT_FALSE(ReadFile("/dev/zero", 1 << 20, &text, &error));
  EXPECT_EQ(error, "cannot read '/dev/zero': it is a character device, not a file");
  EXPECT_FALSE(ReadFile(dir, 1 << 20, &text, &error));
  EXPECT_NE(error.find("it is a directory"), std::string::npos) << error;
  WriteText(dir + "/ten", "0123456789");
  EXPECT_FALSE(ReadFile(dir + "/ten", 9, &text, &error));
  EXPECT_NE(error.find("10 bytes, over the limit of 9"), std::string::npos) << error;
  EXPECT_TRUE(ReadFile(dir + "/ten", 10, &text, &error)) << error;
  EXPECT_EQ(text, "0123456789");
}

TEST(InputFile, AMissingRelativeNameSaysWhereItWasLookedFor) {
  char* saved = getcwd(nullptr, 0);
  ASSERT_EQ(chdir(TestDir("missing").c_str()), 0);
  char* here = getcwd(nullptr, 0);  // the directory's name with no symlink in it
  const std::string dir = here;
  std::free(here);
  std::string text, error;
  unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_FALSE(ReadFile("no.csv", 1 << 20, &text, &error));
  EXPECT_EQ(error, "cannot open 'no.csv': No such file or directory (looked for in '" + dir + "')");
  setenv("BUILD_WORKING_DIRECTORY", dir.c_str(), 1);  // as under `bazel run`
  EXPECT_FALSE(ReadFile("sub/no.csv", 1 << 20, &text, &error));
  EXPECT_EQ(error, "cannot open 'sub/no.csv': No such file or directory (looked for in '" + dir +
                       "', where bazel run was started)");
  unsetenv("BUILD_WORKING_DIRECTORY");
  // An absolute name says where it is itself.
  EXPECT_FALSE(ReadFile(dir + "/no.csv", 1 << 20, &text, &error));
  EXPECT_EQ(error, "cannot open '" + dir + "/no.csv': No such file or directory");
  ASSERT_EQ(chdir(saved), 0);
  std::free(saved);
}

TEST(InputFile, APipeIsReadUpToItsLimit) {
  std::string text, error;
  // A FIFO's size shows only as it is read.
  const std::string dir = TestDir("pipe");
  ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
  ASSERT_EQ(std::system(("(head -c 3000 /dev/zero > '" + dir + "/fifo' &)").c_str()), 0);
  EXPECT_FALSE(ReadFile(dir + "/fifo", 2000, &text, &error));
  EXPECT_NE(error.find("more than the limit of 2,000 bytes"), std::string::npos) << error;
}

TEST(OutputFile, ClaimsRegularFilesAndNewNamesOnly) {
  const std::string dir = TestDir("kinds");
  OutputFile out;
  std::string error;
  EXPECT_FALSE(out.Claim("/dev/null", &error));
  EXPECT_NE(error.find("'/dev/null' is a character device"), std::string::npos) << error;
  EXPECT_FALSE(out.Claim(dir, &error));
  EXPECT_NE(error.find("is a directory"), std::string::npos) << error;
  EXPECT_FALSE(out.Claim(dir + "/", &error));
  EXPECT_NE(error.find("names a directory"), std::string::npos) << error;
  ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
  EXPECT_FALSE(out.Claim(dir + "/fifo", &error));
  EXPECT_NE(error.find("is a FIFO"), std::string::npos) << error;
  ASSERT_EQ(symlink("/dev/null", (dir + "/null_link").c_str()), 0);
  EXPECT_FALSE(out.Claim(dir + "/null_link", &error));
  EXPECT_NE(error.find("(a link to '/dev/null') is a character device"), std::string::npos)
      << error;
  EXPECT_FALSE(out.Claim(dir + "/missing/x", &error));
  EXPECT_NE(error.find("cannot create a file in"), std::string::npos) << error;
  ASSERT_EQ(symlink("loop", (dir + "/loop").c_str()), 0);
  EXPECT_FALSE(out.Claim(dir + "/loop", &error));
  EXPECT_NE(error.find("too many levels of symbolic links"), std::string::npos) << error;
  // Nothing was created by any of these claims, nor by a good one.
  EXPECT_TRUE(out.Claim(dir + "/new", &error)) << error;
  EXPECT_EQ(Listing(dir), "fifo loop null_link ");
}

TEST(OutputFile, WritesThroughSymlinksAndKeepsThem) {
  const std::string dir = TestDir("links");
  ASSERT_EQ(mkdir((dir + "/real").c_str(), 0700), 0);
  ASSERT_EQ(symlink("real/target", (dir + "/link").c_str()), 0);  // dangling: created
  ASSERT_EQ(symlink("link", (dir + "/link2").c_str()), 0);        // a link to a link
  OutputFile out;
  std::string error;
  ASSERT_TRUE(out.Claim(dir + "/link2", &error)) << error;
  ASSERT_TRUE(out.Write("one", &error)) << error;
  ASSERT_TRUE(out.Write("two", &error)) << error;  // replacing it the second time
  struct stat info;
  ASSERT_EQ(lstat((dir + "/link2").c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(ReadText(dir + "/real/target"), "two");
  EXPECT_EQ(Listing(dir + "/real"), "target ");
}

TEST(OutputFile, AnyNameTheFileSystemTakes) {
  const std::string dir = TestDir("long");
  const std::string name = dir + "/" + std::string(254, 'n');
  OutputFile out;
  std::string error;
  ASSERT_TRUE(out.Claim(name, &error)) << error;
  ASSERT_TRUE(out.Write("x", &error)) << error;
  EXPECT_EQ(ReadText(name), "x");
}

TEST(OutputFile, UncommittedWritesLeaveNothingAndStaleTemporariesGo) {
  const std::string dir = TestDir("atomic");
  WriteText(dir + "/f", "old");
  WriteText(dir + "/.simd_mlp.999999999.abcdef", "left by a killed writer");
  WriteText(dir + "/.simd_mlp.1.abcdef", "pid 1 runs: not ours to remove");
  {
    OutputFile out;
    std::string error;
    ASSERT_TRUE(out.Claim(dir + "/f", &error)) << error;
    ASSERT_TRUE(out.Begin(&error)) << error;
    ASSERT_TRUE(out.Append("half of the new", &error)) << error;
    EXPECT_EQ(ReadText(dir + "/f"), "old");
  }  // destroyed before Commit
  EXPECT_EQ(ReadText(dir + "/f"), "old");
  EXPECT_EQ(Listing(dir), ".simd_mlp.1.abcdef f ");
}

TEST(RunFiles, AnOutputIsNeverAnInputOrAnotherOutput) {
  const std::string dir = TestDir("identity");
  WriteText(dir + "/in.csv", "1,2\n");
  ASSERT_EQ(link((dir + "/in.csv").c_str(), (dir + "/hard.csv").c_str()), 0);
  ASSERT_EQ(symlink("in.csv", (dir + "/soft.csv").c_str()), 0);
  std::string text, error;
  FileIdentity identity;
  ASSERT_TRUE(ReadFile(dir + "/in.csv", 100, &text, &error, &identity)) << error;
  RunFiles files;
  files.AddInput("data", dir + "/in.csv", identity);
  OutputFile a, b, c;
  for (const char* name : {"/in.csv", "/./in.csv", "/hard.csv", "/soft.csv"}) {
    EXPECT_FALSE(files.ClaimOutput("save", dir + name, &a, &error)) << name;
    EXPECT_NE(error.find("is the file --data reads"), std::string::npos) << error;
  }
  EXPECT_TRUE(files.ClaimOutput("save", dir + "/in.csv", &a, &error, {"data"})) << error;
  ASSERT_TRUE(files.ClaimOutput("metrics", dir + "/new.jsonl", &b, &error)) << error;
  EXPECT_FALSE(files.ClaimOutput(
      "plot", dir + "/../" + dir.substr(dir.rfind('/') + 1) + "/new.jsonl", &c, &error));
  EXPECT_NE(error.find("is also the output of --metrics"), std::string::npos) << error;
  EXPECT_EQ(ReadText(dir + "/in.csv"), "1,2\n");
}

TEST(Csv, LinesAndFieldsAreBounded) {
  NumericTable t;
  std::string error;
  EXPECT_FALSE(
      ParseNumericCsv(std::string(kMaxCsvLineBytes + 1, ','), "c.csv", {2, 2}, &t, &error));
  EXPECT_EQ(error, "c.csv:1: line longer than 65,536 bytes");
  // A name with a newline is quoted in every message.
  EXPECT_FALSE(ParseNumericCsv("1,2\n3\n", "a\nb.csv", {2, 2}, &t, &error));
  EXPECT_EQ(error, "a\\x0ab.csv:2: 1 field, expected 2 as on line 1");
}

TEST(Csv, AFileIsReadInChunksAsTheTextIsParsedWhole) {
  const std::string dir = TestDir("csv");
  std::string text = "x,y\n";
  for (int i = 0; i < 30000; ++i)
    text += std::to_string(i) + ".25,\"" + std::to_string(-i) + "\"\r\n";
  WriteText(dir + "/d.csv", text);
  NumericTable whole, read;
  std::string error;
  ASSERT_TRUE(ParseNumericCsv(text, "d.csv", {2, 2}, &whole, &error)) << error;
  ASSERT_TRUE(ReadNumericCsv(dir + "/d.csv", {2, 2}, &read, &error)) << error;
  EXPECT_EQ(read.values, whole.values);
  EXPECT_EQ(read.lines, whole.lines);
  EXPECT_EQ(read.rows(), 30000u);
}

TEST(Csv, ColumnsAfterTheNumericOnesAreIgnored) {
  NumericTable t;
  std::string error;
  ASSERT_TRUE(ParseNumericCsv("x,y\n1,\n2,abc\n", "in.csv", {1, 2, 1}, &t, &error)) << error;
  EXPECT_EQ(t.columns, 2u);
  ASSERT_EQ(t.values.size(), 1u);
  EXPECT_EQ(t.values[0], (std::vector<double>{1, 2}));
}

}  // namespace
}  // namespace simd_mlp::mlp
