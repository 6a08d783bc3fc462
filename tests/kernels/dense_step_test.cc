// dense_backward_step (kernels/dense_step.h), every optimizer, on inputs whose products are exact
// (small multiples of 1/64, sums of at most 8 × 130 of them: every partial sum is a float, in any
// order): then dX must be the reference's bits, and W, b and their state the bits of that ISA's
// flat optimizer kernel given dW = Aᵀ·G and db = Σ G. What this tests is the order of things
// (dX from W before its step), the wiring of each optimizer and the edges of the shapes: batches
// of 1 to 8, one output (the last layer, W a column) or one input (the first, no dX), the MLP's
// hidden layer, strides padded or exact. Guard lanes past each row hold NaN in the inputs (a
// kernel that reads one poisons its result) and finite values in W and its state, which an update
// reaching past a row would change.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/kernels/step_tester.h"

namespace simd_mlp::testing {
namespace {

using kernels::Activation;

// Multiples of 1/64 in [−1, 1] in the used lanes (products multiples of 2^-12, exact in float
// with sums up to 2^12); the guard lanes are left as they are.
template <typename T>
void FillDyadic(Matrix<T>& m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> dist(-64, 64);
  for (std::size_t i = 0; i < m.rows; ++i) {
    for (std::size_t j = 0; j < m.cols; ++j) m.at(i, j) = T(dist(rng)) / T(64);
  }
}

struct Dims {
  std::size_t m, n, k, ldw = 0;  // ldw = 0: drawn (exact or padded)
  bool input_deltas = true;
};

template <typename T>
void CheckDenseBackwardStep(const Case& c, Dims d) {
  const kernels::KernelTable<T>& table = kernels::KernelsFor<T>(c.isa);
  const std::size_t m = d.m, n = d.n, k = d.k;
  const std::size_t lda = DrawStride(k), ldg = DrawStride(n), lddx = DrawStride(k);
  const std::size_t ldw = d.ldw != 0 ? d.ldw : DrawStride(n);
  const Activation act = Activation(DrawInt(0, 2));
  const auto seed = DrawSeed();
  Matrix<T> a(m, k, lda), g(m, n, ldg), dx(m, k, lddx), dx_ref(m, k, lddx);
  FillRandom(dx, seed + 8);
  FillRandom(dx_ref, seed + 8);
  for (auto [input, s] : {std::pair{&a, seed}, {&g, seed + 1}}) {
    FillRandom(*input, s);  // NaN in the guard lanes
    FillDyadic(*input, s);
  }
  Slots<T> w(k, n, ldw, seed + 2), b(1, n, n, seed + 5);
  FillDyadic(w.params, seed + 2);  // the products' other factor: exact sums for dX
  const OptimizerStep<T> step = GenStep(&w, &b);
  Slots<T> w_ref = w, b_ref = b, w_flat = w, b_flat = b;

  T* const dx_ptr = d.input_deltas ? dx.ptr() : nullptr;
  table.dense_backward_step(act, m, n, k, a.ptr(), lda, g.ptr(), ldg, dx_ptr, lddx, step,
                            w.target(), ldw, b.target());
  kernels::ref::DenseBackwardStep<T>(act, m, n, k, a.ptr(), lda, g.ptr(), ldg,
                                     d.input_deltas ? dx_ref.ptr() : nullptr, lddx, step,
                                     w_ref.target(), ldw, b_ref.target());
  // The exact gradients, through the flat kernels of the ISA.
  std::vector<T> row(n);
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j) {
      T sum = 0;
      for (std::size_t i = 0; i < m; ++i) sum += a.at(i, p) * g.at(i, j);
      row[j] = sum;
    }
    const UpdateTarget<T> at = {w_flat.params.ptr() + p * ldw, w_flat.state1.ptr() + p * ldw,
                                w_flat.state2.ptr() + p * ldw};
    kernels::ApplyStep(table, n, step, row.data(), at);
  }
  for (std::size_t j = 0; j < n; ++j) {
    T sum = 0;
    for (std::size_t i = 0; i < m; ++i) sum += g.at(i, j);
    row[j] = sum;
  }
  kernels::ApplyStep(table, n, step, row.data(), b_flat.target());

  const std::string what = Describe(
      c, std::string(kernels::ActivationName(act)) + " " + StepName(step.index()) +
             " m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
             " ldw=" + std::to_string(ldw) + (d.input_deltas ? "" : " no dX"));
  if (d.input_deltas) {
    RcExpectSameBits(dx_ref, dx, what + " dX");
    RcExpectGuardsIntact(dx, what + " dX");
  }
  RcExpectSameBits(w_flat.params, w.params, what + " W");
  RcExpectSameBits(w_flat.state1, w.state1, what + " W's state1");
  RcExpectSameBits(w_flat.state2, w.state2, what + " W's state2");
  RcExpectSameBits(b_flat.params, b.params, what + " b");
  RcExpectSameBits(b_flat.state1, b.state1, what + " b's state1");
  RcExpectSameBits(b_flat.state2, b.state2, what + " b's state2");
}

template <typename T>
Property MatchesTheFlatStep(const char* name, Dims (*draw)()) {
  return {name, [draw](const Case& c) {
            CheckProperty(c.name, [&] { CheckDenseBackwardStep<T>(c, draw()); });
          }};
}

std::size_t DrawBatch() { return DrawIndex(1, kernels::kDenseStepMaxBatch + 1); }

}  // namespace

template <>
struct KernelTest<KernelId::kDenseBackwardStep> {
  template <typename T>
  static std::vector<Property> Properties() {
    return {
        MatchesTheFlatStep<T>("random",
                              [] {
                                return Dims{DrawBatch(), DrawDim(), DrawDim()};
                              }),
        // The last layer: one output, W a contiguous column (the vectors run along its rows).
        MatchesTheFlatStep<T>("n_eq_1",
                              [] {
                                return Dims{DrawBatch(), 1, DrawDim(), 1};
                              }),
        // The first layer: one input, no dX.
        MatchesTheFlatStep<T>("k_eq_1_no_dx",
                              [] {
                                return Dims{DrawBatch(), DrawDim(), 1, 0, false};
                              }),
        // The MLP's hidden layers: 100 × 100, rows 112 apart.
        MatchesTheFlatStep<T>("mlp_hidden_layer",
                              [] {
                                return Dims{DrawBatch(), 100, 100, 112};
                              }),
    };
  }
};

SIMD_MLP_REGISTER_KERNEL_TESTS(dense_step);

}  // namespace simd_mlp::testing
