// Shared machinery for the kernel property tests: ISA-parameterized fixtures, rapidcheck
// generators for the shapes that probe tile edges, strided matrices with guard lanes, and a
// comparison that reports position, reference, result, shape and ISA on failure (rapidcheck adds
// the seed that reproduces it).
#ifndef SIMD_MLP_TESTS_KERNELS_KERNEL_TESTER_H_
#define SIMD_MLP_TESTS_KERNELS_KERNEL_TESTER_H_

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernels.h"

namespace simd_mlp::testing {

using kernels::Isa;

// Every optimized ISA; each test runs once per ISA and compares against the reference. ISAs this
// build or CPU lacks are skipped with the reason printed.
inline const Isa kOptimizedIsas[] = {
#define SIMD_MLP_ISA(enumerator, name) Isa::enumerator,
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
};

class IsaTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!kernels::IsaSupported(GetParam())) {
      GTEST_SKIP() << "this build or CPU lacks " << kernels::IsaName(GetParam());
    }
  }
  Isa isa() const { return GetParam(); }
  template <typename T>
  const kernels::KernelTable<T>& Optimized() const {
    return kernels::KernelsFor<T>(GetParam());
  }
  template <typename T>
  const kernels::KernelTable<T>& Reference() const {
    return kernels::KernelsFor<T>(Isa::kRef);
  }
};

inline std::string IsaParamName(const ::testing::TestParamInfo<Isa>& info) {
  return kernels::IsaName(info.param);
}

// Names the instances Fixture/Isa.Test/avx512, so --gtest_filter='*avx512*' selects one ISA.
#define SIMD_MLP_INSTANTIATE_ISA_TESTS(Fixture)                                                    \
  INSTANTIATE_TEST_SUITE_P(Isa, Fixture, ::testing::ValuesIn(::simd_mlp::testing::kOptimizedIsas), \
                           ::simd_mlp::testing::IsaParamName)

// Runs a rapidcheck property inside a (parameterized) gtest; a failure prints the shrunk
// counterexample, our message, and the RC_PARAMS="reproduce=..." line.
#define SIMD_MLP_CHECK_PROPERTY(description, ...) \
  EXPECT_TRUE(::rc::check(std::string(description) + " on " + kernels::IsaName(isa()), __VA_ARGS__))

// A dimension that is often exactly at a tile or vector edge: 1, w−1, w, w+1 for every vector
// width and register tile of every ISA (2 … 16 lanes; tiles of 3 … 5 rows, one and two of them,
// and 2 … 7 vectors), the MLP's 100 and its padded 112, and sometimes anything in [1, max].
inline rc::Gen<std::size_t> GenDim(std::size_t max = 130) {
  static const std::vector<std::size_t> kEdges = {
      1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 15, 16, 17, 23,  24,  25,  31,  32,
      33, 47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 99, 100, 101, 111, 112, 113};
  std::vector<std::size_t> edges;
  for (std::size_t e : kEdges) {
    if (e <= max) edges.push_back(e);
  }
  return rc::gen::oneOf(rc::gen::elementOf(edges), rc::gen::inRange<std::size_t>(1, max + 1));
}

// A leading dimension for rows of `cols` elements: often exact, sometimes padded.
inline rc::Gen<std::size_t> GenStride(std::size_t cols) {
  return rc::gen::oneOf(rc::gen::just(cols), rc::gen::inRange<std::size_t>(cols, cols + 20));
}

// A row-major rows×cols matrix with leading dimension ld. Storage is exactly rows·ld elements
// (no slack after the last row, so an over-read past the end is caught under ASan), and the lanes
// between cols and ld are guard lanes that kernels must neither use nor write.
template <typename T>
struct Matrix {
  std::size_t rows = 0, cols = 0, ld = 0;
  std::vector<T> data;

  Matrix(std::size_t r, std::size_t c, std::size_t l) : rows(r), cols(c), ld(l), data(r * l) {}
  T* ptr() { return data.data(); }
  const T* ptr() const { return data.data(); }
  T& at(std::size_t i, std::size_t j) { return data[i * ld + j]; }
  const T& at(std::size_t i, std::size_t j) const { return data[i * ld + j]; }
};

// Fills the used lanes with uniform values in [lo, hi] and the guard lanes with NaN (a kernel that
// reads a guard lane poisons its result; one that writes one is caught by ExpectGuardsIntact).
template <typename T>
void FillRandom(Matrix<T>& m, std::uint64_t seed, T lo = T(-1), T hi = T(1)) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<T> dist(lo, hi);
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = 0; j < m.ld; ++j) {
      m.at(i, j) = j < m.cols ? dist(rng) : std::numeric_limits<T>::quiet_NaN();
    }
  }
}

template <typename T>
std::vector<T> RandomVector(std::size_t n, std::uint64_t seed, T lo = T(-1), T hi = T(1)) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<T> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = dist(rng);
  return v;
}

inline std::string Describe(const char* kernel, Isa isa, const std::string& shape) {
  std::ostringstream out;
  out << kernel << "__" << kernels::IsaName(isa) << " " << shape;
  return out.str();
}

// Compares every used element of `got` with `want`; `tolerance(i, j)` is the allowed absolute
// error there. On the first mismatch fails the property with everything needed to debug it.
template <typename T, typename Tolerance>
void RcExpectNear(const Matrix<T>& want, const Matrix<T>& got, Tolerance tolerance,
                  const std::string& what) {
  for (std::size_t i = 0; i < want.rows; ++i) {
    for (std::size_t j = 0; j < want.cols; ++j) {
      const T w = want.at(i, j), g = got.at(i, j);
      const double tol = tolerance(i, j);
      const bool same_nan = std::isnan(w) && std::isnan(g);
      if (!same_nan && !(std::fabs(double(w) - double(g)) <= tol)) {
        std::ostringstream out;
        out.precision(9);
        out << what << ": mismatch at (" << i << ", " << j << "): reference " << w << ", got " << g
            << ", |diff| " << std::fabs(double(w) - double(g)) << " > tolerance " << tol;
        RC_FAIL(out.str());
      }
    }
  }
}

// The guard lanes of `m` (between cols and ld) must still hold NaN: the kernel wrote nothing
// outside the shape it was given.
template <typename T>
void RcExpectGuardsIntact(const Matrix<T>& m, const std::string& what) {
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = m.cols; j < m.ld; ++j) {
      if (!std::isnan(m.at(i, j))) {
        RC_FAIL(what + ": wrote guard lane (" + std::to_string(i) + ", " + std::to_string(j) + ")");
      }
    }
  }
}

// Unit roundoff of T: the bound of one rounding's relative error.
template <typename T>
constexpr double kUnitRoundoff = std::numeric_limits<T>::epsilon() / 2;

}  // namespace simd_mlp::testing

#endif  // SIMD_MLP_TESTS_KERNELS_KERNEL_TESTER_H_
