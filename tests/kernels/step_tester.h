// What the fused-step kernels' tests share (gemm_step_test.cc, dense_step_test.cc): a parameter
// tensor with its optimizer state, a drawn optimizer step, and a bit-for-bit comparison.
#ifndef SIMD_MLP_TESTS_KERNELS_STEP_TESTER_H_
#define SIMD_MLP_TESTS_KERNELS_STEP_TESTER_H_

#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>

#include "tests/kernels/kernel_tester.h"

namespace simd_mlp::testing {

using kernels::OptimizerStep;
using kernels::UpdateTarget;

// A parameter tensor and its two state arrays, rows × cols with stride ld.
template <typename T>
struct Slots {
  Matrix<T> params, state1, state2;
  Slots(std::size_t rows, std::size_t cols, std::size_t ld, std::uint64_t seed)
      : params(rows, cols, ld), state1(rows, cols, ld), state2(rows, cols, ld) {
    FillRandom(params, seed);
    FillRandom(state1, seed + 1);  // a velocity, or Adam's first moment: any sign
    FillRandom(state2, seed + 2, T(0), T(1));
    for (Matrix<T>* m : {&params, &state1, &state2}) {
      for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = cols; j < ld; ++j) m->at(i, j) = T(0.375);
      }
    }
  }
  UpdateTarget<T> target() { return {params.ptr(), state1.ptr(), state2.ptr()}; }
};

// RMSprop's mean square is state1: non-negative, like every mean square.
template <typename T>
OptimizerStep<T> GenStep(Slots<T>* w, Slots<T>* b) {
  const T lr = T(DrawInt(1, 1000)) * T(1e-4);
  switch (DrawInt(0, 5)) {
    case 0:
      return kernels::SgdParams<T>{lr};
    case 1:
      return kernels::MomentumParams<T>{lr, T(0.9), false};
    case 2:
      return kernels::MomentumParams<T>{lr, T(0.9), true};
    case 3:
      for (Slots<T>* s : {w, b}) s->state1 = s->state2;
      return kernels::RmspropParams<T>{lr, T(0.9), T(1e-7)};
    default:
      return kernels::AdamStepParams<T>{{lr, T(0.9), T(0.999), T(1e-7)}, DrawInt(1, 1000)};
  }
}

inline const char* StepName(std::size_t index) {
  static const char* const kNames[] = {"sgd", "momentum", "rmsprop", "adam"};
  return kNames[index];
}

template <typename T>
void RcExpectSameBits(const Matrix<T>& want, const Matrix<T>& got, const std::string& what) {
  if (std::memcmp(want.ptr(), got.ptr(), want.data.size() * sizeof(T)) == 0) return;
  for (std::size_t i = 0; i < want.rows; ++i) {
    for (std::size_t j = 0; j < want.ld; ++j) {
      if (std::memcmp(&want.at(i, j), &got.at(i, j), sizeof(T)) != 0) {
        std::ostringstream out;
        out.precision(17);
        out << what << ": differs at (" << i << ", " << j << "): unfused " << want.at(i, j)
            << ", got " << got.at(i, j);
        FailProperty(out.str());
      }
    }
  }
}

}  // namespace simd_mlp::testing

#endif  // SIMD_MLP_TESTS_KERNELS_STEP_TESTER_H_
