// Finite-difference gradient checking of the whole model in double.
//
// The analytic gradient is whatever is in model.grads() when CheckGradients is called (so a test
// can plant a wrong one); the numeric one is a central difference of the batch loss L(θ) with the
// 4-point stencil (8[L(θ+h) − L(θ−h)] − [L(θ+2h) − L(θ−2h)]) / 12h: truncation error O(h⁴·L⁽⁵⁾),
// rounding error ≈ u·|L|/h (u = 1.1e-16).
//
// No single h serves every point: from N(0, 1) weights a linear network's loss is ~1e5 (rounding
// needs h ≥ 1e-3), while a saturated tanh output has huge high derivatives (truncation needs
// h ≤ 1e-4). So each entry is differenced at h = 1e-3, 1e-4 and 1e-5 and judged by the step that
// agrees best of those tried (see below): both errors shrink toward the right h, while a wrong
// analytic gradient disagrees with every step (the planted wrong gradients are off by O(1) at all
// three).
//
// Relative error of one entry: |a − n| / max(|a|, |n|, kGradFloor·max(1, L)). The rounding noise
// grows with |L| (≈ 1e-13·|L| at h = 1e-3), so below that floor the comparison is absolute, at
// 1e-10·max(1, L): 10× the noise, and ~1e8× below the error of the planted wrong gradients.
//
// Most entries agree to ~1e-9 at the first step: the smaller steps are then not tried (each costs
// four forward passes). That cannot change a verdict, which needs one step within the tolerance,
// and kGradAcceptEarly is 100× below it, so the reported worst error still tells a comfortable
// pass from a marginal one.
//
// ReLU is not differentiable at 0: a step whose stencil moves any pre-activation across 0 (the
// ReLU pattern of the batch changes) is not used; an entry with no usable step is skipped and
// counted, and the tests bound the count.
#ifndef SIMD_MLP_TESTS_MLP_CORE_GRAD_CHECK_H_
#define SIMD_MLP_TESTS_MLP_CORE_GRAD_CHECK_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "mlp/core/model.h"
#include "mlp/runtime/rng.h"

namespace simd_mlp::mlp::testing {

inline constexpr double kGradSteps[] = {1e-3, 1e-4, 1e-5};
inline constexpr double kGradFloor = 1e-4;
inline constexpr double kGradCheckTolerance = 1e-6;
inline constexpr double kGradAcceptEarly = kGradCheckTolerance / 100;

struct Entry {
  Tensor tensor;
  std::size_t r, c;
};

// All entries of the tensors in `all`, plus `sample` random entries of each tensor in `sampled`.
inline std::vector<Entry> EntriesToCheck(const std::vector<Tensor>& all,
                                         const std::vector<Tensor>& sampled, std::size_t sample,
                                         std::uint64_t seed) {
  std::vector<Entry> entries;
  for (Tensor t : all) {
    for (std::size_t r = 0; r < kTensors[t].rows; ++r) {
      for (std::size_t c = 0; c < kTensors[t].cols; ++c) entries.push_back({t, r, c});
    }
  }
  Rng rng(seed, RngStream::kTest);
  for (Tensor t : sampled) {
    for (std::size_t i = 0; i < sample; ++i) {
      entries.push_back({t, rng.Below(kTensors[t].rows), rng.Below(kTensors[t].cols)});
    }
  }
  return entries;
}

struct GradCheckResult {
  double worst = 0;         // largest relative error
  std::string worst_entry;  // where, with both values
  std::size_t checked = 0;
  std::size_t skipped_at_kink = 0;
  double max_abs_gradient = 0;  // so a test can tell a vacuous check (all zero) from a real one
};

namespace internal {

// Which ReLU units (and a ReLU output) are active over the batch.
inline std::vector<bool> ReluPattern(Model<double>& model, std::size_t m) {
  std::vector<bool> pattern;
  Workspace<double>& w = model.workspace();
  if (model.hidden() == Activation::kRelu) {
    for (const double* a : {w.a1, w.a2, w.a3}) {
      for (std::size_t i = 0; i < w.matrix_size(); ++i) pattern.push_back(a[i] > 0);
    }
  }
  if (model.output() == Activation::kRelu) {
    for (std::size_t i = 0; i < m; ++i) pattern.push_back(w.yhat[i] > 0);
  }
  return pattern;
}

}  // namespace internal

// Compares model.grads() with central differences of the loss over the m samples in the
// workspace, at the given entries. Restores every parameter it perturbs.
inline GradCheckResult CheckGradients(Model<double>& model, std::size_t m,
                                      const std::vector<Entry>& entries) {
  auto loss = [&] {
    model.Forward(m);
    return model.SeedMseGradient(m);  // overwrites g4 only; grads() is untouched
  };
  model.Forward(m);
  const std::vector<bool> base = internal::ReluPattern(model, m);
  const double floor = kGradFloor * std::max(1.0, double(model.SeedMseGradient(m)));
  GradCheckResult result;
  for (const Entry& e : entries) {
    double& p = model.params().at(e.tensor, e.r, e.c);
    const double saved = p;
    const double analytic = model.grads().at(e.tensor, e.r, e.c);
    double numeric = 0, rel = 0;
    bool usable = false;
    for (double h : kGradSteps) {
      double l[4];
      const double offsets[4] = {2 * h, h, -h, -2 * h};
      bool kink = false;
      for (int s = 0; s < 4; ++s) {
        p = saved + offsets[s];
        l[s] = loss();
        kink = kink || internal::ReluPattern(model, m) != base;
      }
      p = saved;
      if (kink) continue;
      const double n = (8 * (l[1] - l[2]) - (l[0] - l[3])) / (12 * h);
      const double scale = std::max({std::fabs(analytic), std::fabs(n), floor});
      const double r = std::fabs(analytic - n) / scale;
      if (!usable || r < rel) {
        rel = r;
        numeric = n;
      }
      usable = true;
      if (rel <= kGradAcceptEarly) break;
    }
    if (!usable) {
      ++result.skipped_at_kink;
      continue;
    }
    ++result.checked;
    result.max_abs_gradient = std::max(result.max_abs_gradient, std::fabs(analytic));
    if (result.worst_entry.empty() || rel > result.worst) {
      result.worst = rel;
      std::ostringstream out;
      out.precision(10);
      out << kTensors[e.tensor].name << "[" << e.r << "][" << e.c << "]: analytic " << analytic
          << ", numeric " << numeric << ", rel " << rel;
      result.worst_entry = out.str();
    }
  }
  return result;
}

}  // namespace simd_mlp::mlp::testing

#endif  // SIMD_MLP_TESTS_MLP_CORE_GRAD_CHECK_H_
