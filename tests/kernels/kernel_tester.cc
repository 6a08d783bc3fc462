#include "tests/kernels/kernel_tester.h"

#include <rapidcheck.h>

namespace simd_mlp::testing {
namespace {

class PropertyTest : public ::testing::Test {
 public:
  PropertyTest(Case c, std::function<void(const Case&)> check)
      : case_(std::move(c)), check_(std::move(check)) {}

  void TestBody() override {
    if (!kernels::IsaSupported(case_.isa)) {
      GTEST_SKIP() << "this build or CPU lacks " << kernels::IsaName(case_.isa);
    }
    check_(case_);
  }

 private:
  Case case_;
  std::function<void(const Case&)> check_;
};

}  // namespace

void RegisterPropertyTest(const std::string& kernel, const Property& property, Isa isa,
                          const char* file) {
  Case c{isa, kernel + "." + property.name};
  ::testing::RegisterTest(
      kernel.c_str(), property.name.c_str(), nullptr, nullptr, file, 0,
      [c, check = property.check]() -> ::testing::Test* { return new PropertyTest(c, check); });
}

void CheckProperty(const std::string& description, const std::function<void()>& property) {
  EXPECT_TRUE(rc::check(description, property));
}

std::size_t DrawDim(std::size_t max) {
  static const std::vector<std::size_t> kEdges = {
      1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 15, 16, 17,  23,  24,  25,  31,
      32, 33, 47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 99, 100, 101, 111, 112, 113};
  std::vector<std::size_t> edges;
  for (std::size_t e : kEdges) {
    if (e <= max) edges.push_back(e);
  }
  return *rc::gen::oneOf(rc::gen::elementOf(edges), rc::gen::inRange<std::size_t>(1, max + 1));
}

std::size_t DrawStride(std::size_t cols) {
  return *rc::gen::oneOf(rc::gen::just(cols), rc::gen::inRange<std::size_t>(cols, cols + 20));
}

std::uint64_t DrawSeed() { return *rc::gen::arbitrary<std::uint64_t>(); }

std::size_t DrawIndex(std::size_t lo, std::size_t hi) {
  return *rc::gen::inRange<std::size_t>(lo, hi);
}

int DrawInt(int lo, int hi) { return *rc::gen::inRange(lo, hi); }

std::size_t DrawOneOf(std::initializer_list<std::size_t> values) {
  return *rc::gen::elementOf(std::vector<std::size_t>(values));
}

void FailProperty(const std::string& message) { RC_FAIL(message); }

}  // namespace simd_mlp::testing
