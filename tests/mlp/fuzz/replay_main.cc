// Runs a libFuzzer target over files without libFuzzer: each argument is a file, or a directory
// whose files (recursively) are each one input. Bazel builds every fuzz target with this main into
// a regular test that replays the corpus, so `bazel test //...` runs the fuzz targets' properties
// with g++; tools/ci/fuzz.sh links the same targets with libFuzzer instead.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool Replay(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else {
      inputs.push_back(arg);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...: no inputs\n", argv[0]);
    return 2;
  }
  for (const auto& input : inputs) {
    if (!Replay(input)) {
      std::fprintf(stderr, "cannot read %s\n", input.c_str());
      return 2;
    }
  }
  std::printf("replayed %zu inputs\n", inputs.size());
  return 0;
}
