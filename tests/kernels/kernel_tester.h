// The kernels' property tests: each kernel of kernels/kernel_list.inc has a KernelTest, the list
// of its properties, and each family's test file registers every property of every kernel of the
// family, for float and double, on every optimized ISA, as one gtest named
//   <kernel name>.<property>        e.g. f32_gemm_bias_act__avx512.k_eq_1
// so --gtest_filter='f32_gemm_bias_act__avx512.*' runs one kernel on one ISA and '*__avx512.*'
// one ISA. Also here: the values a property draws (shapes that probe tile edges, strides, seeds),
// strided matrices with guard lanes, and comparisons that report position, reference, result,
// shape and kernel name on failure (rapidcheck adds the seed that reproduces it).
#ifndef SIMD_MLP_TESTS_KERNELS_KERNEL_TESTER_H_
#define SIMD_MLP_TESTS_KERNELS_KERNEL_TESTER_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/kernels.h"

namespace simd_mlp::testing {

using kernels::Isa;
using kernels::KernelId;

// Every optimized ISA: each property runs once per ISA and element type, and compares against
// the reference. ISAs this build or CPU lacks are skipped with the reason printed.
inline const Isa kOptimizedIsas[] = {
#define SIMD_MLP_ISA(enumerator, name) Isa::enumerator,
#include "kernels/isa_list.inc"
#undef SIMD_MLP_ISA
};

// One run of a property: the ISA under test and the test's name, <kernel name>.<property>, which
// every failure message starts with.
struct Case {
  Isa isa;
  std::string name;
};

// A named property of a kernel: check(c) runs it on c.isa (with rapidcheck, or on fixed inputs).
struct Property {
  std::string name;
  std::function<void(const Case&)> check;
};

// The properties of kernel `id`, for each element type T:
//   template <> struct KernelTest<KernelId::kGemmBiasAct> {
//     template <typename T> static std::vector<Property> Properties();
//   };
// specialized in tests/kernels/<family>_test.cc for each kernel of the family. (A kernel without
// one fails to compile there: "incomplete type KernelTest<KernelId::k...>".)
template <KernelId id>
struct KernelTest;

// Registers the gtest <kernel>.<property>, which runs property.check on `isa` (or skips, naming
// the reason, where this build or CPU lacks it).
void RegisterPropertyTest(const std::string& kernel, const Property& property, Isa isa,
                          const char* file);

// Registers the gtest <kernel name>.<property> of each property of kernel `id` for element type
// T, on each optimized ISA.
template <KernelId id, typename T>
void RegisterKernelTests(const char* file) {
  for (const Property& property : KernelTest<id>::template Properties<T>()) {
    for (Isa isa : kOptimizedIsas) {
      RegisterPropertyTest(kernels::KernelName(id, kernels::kElementName<T>, kernels::IsaName(isa)),
                           property, isa, file);
    }
  }
}

// At the end of tests/kernels/<family>_test.cc: registers the tests of every kernel that
// kernel_list.inc puts in `family`, each of which must have a KernelTest.
#define SIMD_MLP_REGISTER_KERNEL_TESTS(family_name)                            \
  [[maybe_unused]] const bool kKernelTestsRegistered = [] {                    \
    ::simd_mlp::kernels::ForEachKernel([](auto id) {                           \
      constexpr ::simd_mlp::kernels::KernelId kId = decltype(id)::value;       \
      if constexpr (::simd_mlp::kernels::Kernel(kId).family == #family_name) { \
        ::simd_mlp::testing::RegisterKernelTests<kId, float>(__FILE__);        \
        ::simd_mlp::testing::RegisterKernelTests<kId, double>(__FILE__);       \
      }                                                                        \
    });                                                                        \
    return true;                                                               \
  }()

// Runs a rapidcheck property inside a test, as one gtest expectation; a failure prints the shrunk
// counterexample, the message, and the RC_PARAMS="reproduce=..." line. (One function for every
// property, so rapidcheck's templates are compiled once, in kernel_tester.cc.)
void CheckProperty(const std::string& description, const std::function<void()>& property);

// The message a failure starts with: "f32_gemm_bias_act__avx512.random tanh m=5 n=17 ...".
inline std::string Describe(const Case& c, const std::string& details) {
  return c.name + " " + details;
}

// Values drawn inside a property (CheckProperty), by rapidcheck, which shrinks them when the
// property fails. (Functions, so that the tests compile no rapidcheck template: kernel_tester.cc.)
//
// A dimension that is often exactly at a tile or vector edge: 1, w−1, w, w+1 for every vector
// width and register tile of every ISA (2 … 16 lanes; tiles of 3 … 6 rows, one and two of them,
// and 2 … 7 vectors), the MLP's 100 and its padded 112, and sometimes anything in [1, max].
std::size_t DrawDim(std::size_t max = 130);
// A leading dimension for rows of `cols` elements: often exact, sometimes padded.
std::size_t DrawStride(std::size_t cols);
// Any seed for the random inputs.
std::uint64_t DrawSeed();
// An integer in [lo, hi).
std::size_t DrawIndex(std::size_t lo, std::size_t hi);
int DrawInt(int lo, int hi);
// One of `values`.
std::size_t DrawOneOf(std::initializer_list<std::size_t> values);
// Fails the property with `message` (rapidcheck then shrinks the values drawn).
[[noreturn]] void FailProperty(const std::string& message);

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
        FailProperty(out.str());
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
        FailProperty(what + ": wrote guard lane (" + std::to_string(i) + ", " + std::to_string(j) +
                     ")");
      }
    }
  }
}

// Unit roundoff of T: the bound of one rounding's relative error.
template <typename T>
constexpr double kUnitRoundoff = std::numeric_limits<T>::epsilon() / 2;

}  // namespace simd_mlp::testing

#endif  // SIMD_MLP_TESTS_KERNELS_KERNEL_TESTER_H_
