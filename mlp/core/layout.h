// The fixed topology 1-100-100-100-1 as one constexpr table of tensors; everything else (the
// arenas, the model's pointers, the initializer, the tests) is derived from this table.
//
// Weights are in (inputs, outputs) orientation, W_l is fan_in × fan_out, so a layer computes
// A·W + b with a row per sample, as the kernels expect (kernels/gemm.h).
//
// Storage: a matrix pads each row to a whole number of 16-lane vectors (one AVX-512 register of
// floats): 100 → 112, so every row starts on a 64-byte boundary. A vector (one row or one column,
// e.g. b2 or W4) is stored contiguously and padded at its end. Each tensor's size is a multiple of
// 16 elements, so with a 64-byte aligned base every tensor starts 64-byte aligned, for float and
// for double alike. Pad lanes are zero and stay zero: the kernels are given the logical sizes
// (n = k = 100) and never write them, and an optimizer step on a zero gradient moves nothing.
#ifndef SIMD_MLP_MLP_CORE_LAYOUT_H_
#define SIMD_MLP_MLP_CORE_LAYOUT_H_

#include <cstddef>

namespace simd_mlp::mlp {

inline constexpr std::size_t kHidden = 100;      // width of each of the three hidden layers
inline constexpr std::size_t kVectorLanes = 16;  // floats in one AVX-512 register
inline constexpr std::size_t kAlignment = 64;    // bytes: a cache line, an AVX-512 register

constexpr std::size_t RoundUp(std::size_t n, std::size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

// The stride (in elements) of every hidden-layer row: weights, activations and deltas alike.
inline constexpr std::size_t kPadded = RoundUp(kHidden, kVectorLanes);  // 112

struct TensorSpec {
  const char* name;
  std::size_t rows;  // fan_in for a weight, 1 for a bias
  std::size_t cols;  // fan_out
};

enum Tensor : std::size_t { kW1, kB1, kW2, kB2, kW3, kB3, kW4, kB4, kNumTensors };

inline constexpr TensorSpec kTensors[kNumTensors] = {
    {"W1", 1, kHidden},       {"b1", 1, kHidden},  // 1 → 100: an outer product
    {"W2", kHidden, kHidden}, {"b2", 1, kHidden},  // 100 → 100: a GEMM
    {"W3", kHidden, kHidden}, {"b3", 1, kHidden},  // 100 → 100: a GEMM
    {"W4", kHidden, 1},       {"b4", 1, 1},        // 100 → 1: a matrix-vector product
};

// Elements between the starts of consecutive rows.
constexpr std::size_t Stride(const TensorSpec& t) {
  return (t.rows == 1 || t.cols == 1) ? t.cols : RoundUp(t.cols, kVectorLanes);
}

// Elements the tensor occupies in an arena, pad lanes included.
constexpr std::size_t PaddedSize(const TensorSpec& t) {
  return RoundUp(t.rows * Stride(t), kVectorLanes);
}

// Where tensor t starts in an arena (in elements): the sum of the padded sizes before it.
constexpr std::size_t Offset(std::size_t t) {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < t; ++i) offset += PaddedSize(kTensors[i]);
  return offset;
}

// Elements in a whole arena (parameters, gradients or one optimizer state).
inline constexpr std::size_t kArenaSize = Offset(kNumTensors);

// Index, within tensor t's storage, of logical entry (r, c).
constexpr std::size_t IndexOf(const TensorSpec& t, std::size_t r, std::size_t c) {
  return r * Stride(t) + c;
}

// True if element i of tensor t's storage is a pad lane (no logical entry lives there).
constexpr bool IsPadLane(const TensorSpec& t, std::size_t i) {
  return i >= t.rows * Stride(t) || i % Stride(t) >= t.cols;
}

// The number of trainable parameters (pad lanes excluded).
constexpr std::size_t LogicalParameterCount() {
  std::size_t n = 0;
  for (const TensorSpec& t : kTensors) n += t.rows * t.cols;
  return n;
}

namespace layout_checks {
constexpr bool SameName(const char* a, const char* b) {
  return *a == *b && (*a == '\0' || SameName(a + 1, b + 1));
}
static_assert(SameName(kTensors[kW1].name, "W1") && SameName(kTensors[kB4].name, "b4"),
              "kTensors must list the tensors in the order of enum Tensor");
static_assert(kPadded == 112);
static_assert(Stride(kTensors[kW2]) == kPadded && Stride(kTensors[kW4]) == 1);
static_assert(Offset(kB1) == 112 && Offset(kW2) == 224, "W1 and b1 take one padded row each");
static_assert(LogicalParameterCount() == 20501);
static_assert(kArenaSize % kVectorLanes == 0);
}  // namespace layout_checks

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CORE_LAYOUT_H_
