#include "bench/onednn_mlp.h"

#include <omp.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <oneapi/dnnl/dnnl.hpp>
#include <optional>
#include <utility>
#include <vector>

namespace simd_mlp::bench {

const char* OnednnWeightsName(OnednnWeights weights) {
  return weights == OnednnWeights::kBlocked ? "blocked" : "oi";
}

OnednnWeights OnednnFasterWeights(std::size_t batch) {
  // Blocked at 32 and 128 (by 4-5 %), oi at 1, 8, 512 (a tie) and 8000: docs/performance.md.
  return batch >= 32 && batch <= 128 ? OnednnWeights::kBlocked : OnednnWeights::kPlain;
}

OnednnWeights OnednnWeightsFor(std::size_t batch) {
  const char* env = std::getenv("SIMD_MLP_ONEDNN_WEIGHTS");
  if (env == nullptr || *env == '\0') return OnednnFasterWeights(batch);
  for (OnednnWeights weights : {OnednnWeights::kBlocked, OnednnWeights::kPlain}) {
    if (std::strcmp(env, OnednnWeightsName(weights)) == 0) return weights;
  }
  std::fprintf(stderr, "bench: error: SIMD_MLP_ONEDNN_WEIGHTS=%s: expected blocked or oi\n", env);
  std::exit(2);
}

namespace {

using dnnl::memory;
using kernels::Activation;
using Tag = memory::format_tag;
constexpr memory::data_type kF32 = memory::data_type::f32;

// The layers' fan-in and fan-out; the activations A0 (x) … A4 (ŷ) have widths kWidth[0…4].
constexpr int kLayers = 4;
constexpr memory::dim kWidth[kLayers + 1] = {1, 100, 100, 100, 1};

// The update: one pass over the flat arenas (parameters, gradients, RMSprop's mean squares),
// whatever layout the weights are in. The blocked layout's pad lanes start at zero and stay there
// (backward_weights leaves zeros in them: after training, each arena survives a round trip through
// the plain layout bit for bit), so the update moves none of them. A plain loop,
// as a user of a library with no optimizer would write it; g++ clones it for avx512f and avx2
// (chosen when the program is loaded, by the CPU) and vectorizes each clone (`omp simd`, with
// -fno-math-errno so that the square root may be a vector instruction: see bench/BUILD).
[[gnu::target_clones("avx512f", "avx2", "default")]] void Rmsprop(std::size_t n, float lr,
                                                                  float rho, float eps,
                                                                  const float* __restrict g,
                                                                  float* __restrict s,
                                                                  float* __restrict p) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const float s_new = rho * s[i] + (1.0f - rho) * g[i] * g[i];
    // s ≥ 0: a subnormal mean square is stored as 0, as kernels/optimizer.h does (and says why).
    s[i] = s_new < FLT_MIN ? 0.0f : s_new;
    p[i] -= lr * g[i] / std::sqrt(s[i] + eps);  // ε inside the root, as Keras
  }
}

[[gnu::target_clones("avx512f", "avx2", "default")]] void Sgd(std::size_t n, float lr,
                                                              const float* __restrict g,
                                                              float* __restrict p) {
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) p[i] -= lr * g[i];
}

// The eltwise algorithm of an activation, with its gradient taken from the activation's output
// (so the forward pass keeps no pre-activation); none for the identity.
std::optional<dnnl::algorithm> EltwiseOf(Activation act) {
  switch (act) {
    case Activation::kTanh:
      return dnnl::algorithm::eltwise_tanh_use_dst_for_bwd;
    case Activation::kRelu:
      return dnnl::algorithm::eltwise_relu_use_dst_for_bwd;  // α = 0: max(x, 0)
    case Activation::kIdentity:
      break;
  }
  return std::nullopt;
}

struct Free {
  void operator()(float* p) const { std::free(p); }
};
using Floats = std::unique_ptr<float[], Free>;

// n floats, zeroed (no page is first touched inside a timed epoch), 64-byte aligned.
Floats ZeroedFloats(std::size_t n) {
  const std::size_t bytes = (std::max<std::size_t>(n, 1) * sizeof(float) + 63) / 64 * 64;
  Floats f(static_cast<float*>(std::aligned_alloc(64, bytes)));
  if (!f) throw std::bad_alloc();
  std::memset(f.get(), 0, bytes);
  return f;
}

}  // namespace

class OnednnMlp::Impl {
 public:
  // Creates every primitive: for batches of `batch` and, if n is not a multiple of it, for the
  // last partial batch, on the same master weight layout.
  Impl(OnednnWeights weights, const Step& spec, std::size_t batch, std::size_t n)
      : spec_(spec), batch_(batch), n_(n) {
    // Before the engine or any primitive exists: oneDNN plans each primitive for the thread
    // count it sees when it is created.
    omp_set_num_threads(1);
    engine_ = dnnl::engine(dnnl::engine::kind::cpu, 0);
    stream_ = dnnl::stream(engine_);

    const memory::dim capacity = memory::dim(std::min(batch, n));
    for (int l = 0; l < kLayers; ++l) {
      const memory::dims dims = {kWidth[l + 1], kWidth[l]};  // (fan_out, fan_in)
      weights_md_[l] =
          weights == OnednnWeights::kPlain
              ? memory::desc(dims, kF32, Tag::oi)
              : ForwardPd(l, capacity, memory::desc(dims, kF32, Tag::any)).weights_desc();
      bias_md_[l] = memory::desc({kWidth[l + 1]}, kF32, Tag::x);
    }
    // The arenas: W1, b1, …, W4, b4 in the primitives' layouts, each tensor 64-byte aligned.
    for (int l = 0; l < kLayers; ++l) {
      weights_offset_[l] = arena_size_;
      arena_size_ += Floats64(weights_md_[l].get_size());
      bias_offset_[l] = arena_size_;
      arena_size_ += Floats64(bias_md_[l].get_size());
    }
    params_ = ZeroedFloats(arena_size_);
    grads_ = ZeroedFloats(arena_size_);
    mean_square_ = ZeroedFloats(arena_size_);
    y_ = ZeroedFloats(std::size_t(capacity));
    for (int l = 0; l <= kLayers; ++l) {
      act_[l] = ZeroedFloats(std::size_t(capacity * kWidth[l]));
      // No gradient for the data: G0 has no buffer.
      if (l > 0) delta_[l] = ZeroedFloats(std::size_t(capacity * kWidth[l]));
    }

    if (n >= batch) full_ = MakeStep(memory::dim(batch));
    if (n % batch != 0) partial_ = MakeStep(memory::dim(n % batch));
    // One scratchpad serves every primitive (they run one at a time), allocated once.
    std::size_t scratchpad_bytes = 0;
    for (Primitives* step : {&full_, &partial_}) {
      for (Call& call : step->calls) {
        scratchpad_bytes = std::max(scratchpad_bytes, call.scratchpad.get_size());
      }
    }
    scratchpad_ = ZeroedFloats(scratchpad_bytes / sizeof(float) + 1);
    for (Primitives* step : {&full_, &partial_}) {
      for (Call& call : step->calls) {
        if (call.scratchpad.get_size() > 0) {
          call.args.push_back({DNNL_ARG_SCRATCHPAD, Bind(call.scratchpad, scratchpad_.get())});
        }
      }
    }
  }

  // The packed form of the interface: each weight (fan_in × fan_out) row-major — to oneDNN a
  // (fan_out, fan_in) matrix in format `io` — reordered into the master layout; biases copied.
  void Import(const float* packed) {
    for (int l = 0; l < kLayers; ++l) {
      memory user(PackedWeightsMd(l), engine_, const_cast<float*>(packed));
      memory master(weights_md_[l], engine_, params_.get() + weights_offset_[l]);
      dnnl::reorder(user, master).execute(stream_, user, master);
      packed += kWidth[l] * kWidth[l + 1];
      std::memcpy(params_.get() + bias_offset_[l], packed,
                  sizeof(float) * std::size_t(kWidth[l + 1]));
      packed += kWidth[l + 1];
    }
    stream_.wait();
  }

  void Export(float* packed) {
    for (int l = 0; l < kLayers; ++l) {
      memory user(PackedWeightsMd(l), engine_, packed);
      memory master(weights_md_[l], engine_, params_.get() + weights_offset_[l]);
      dnnl::reorder(master, user).execute(stream_, master, user);
      packed += kWidth[l] * kWidth[l + 1];
      std::memcpy(packed, params_.get() + bias_offset_[l],
                  sizeof(float) * std::size_t(kWidth[l + 1]));
      packed += kWidth[l + 1];
    }
    stream_.wait();
  }

  // One epoch over samples order[0…n) in batches. False if a batch loss is not finite (as
  // mlp::Trainer, which stops there).
  bool Epoch(const float* x, const float* y, const std::uint32_t* order) {
    for (std::size_t begin = 0; begin < n_; begin += batch_) {
      const std::size_t m = std::min(batch_, n_ - begin);  // the partial last batch: kept
      const Primitives& step = m == batch_ ? full_ : partial_;
      for (std::size_t i = 0; i < m; ++i) {
        act_[0][i] = x[order[begin + i]];
        y_[i] = y[order[begin + i]];
      }
      Run(step, 0, step.forward_calls);
      // The loss gradient per sample, ∂L/∂ŷ_i = 2(ŷ_i − y_i)/m; the batch sum happens in
      // backward_weights.
      const float* yhat = act_[kLayers].get();
      float* g4 = delta_[kLayers].get();
      float loss = 0;
      for (std::size_t i = 0; i < m; ++i) {
        g4[i] = yhat[i] - y_[i];
        loss += g4[i] * g4[i];
        g4[i] *= 2.0f / float(m);
      }
      if (!std::isfinite(loss / float(m))) return false;
      Run(step, step.forward_calls, step.calls.size());
      Update();
    }
    return true;
  }

 private:
  // A primitive with its arguments bound once, executed through the C API from that array:
  // the C++ execute() would build a new std::vector from a std::unordered_map at every call.
  struct Call {
    dnnl::primitive primitive;
    std::vector<dnnl_exec_arg_t> args;
    memory::desc scratchpad;  // bound once every primitive exists
  };
  // The primitives of one batch size: forward (the first forward_calls), then backward.
  struct Primitives {
    std::vector<Call> calls;
    std::size_t forward_calls = 0;
  };

  static std::size_t Floats64(std::size_t bytes) { return (bytes + 63) / 64 * 16; }

  memory::desc PackedWeightsMd(int l) const {
    return memory::desc({kWidth[l + 1], kWidth[l]}, kF32, Tag::io);
  }
  memory::desc ActMd(int l, memory::dim m) const {
    return memory::desc({m, kWidth[l]}, kF32, Tag::nc);
  }
  Activation ActivationOf(int l) const { return l == kLayers - 1 ? spec_.output : spec_.hidden; }

  static dnnl::primitive_attr Attr() {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return attr;
  }

  // Layer l (0-based) on m samples: A_{l+1} = act(A_l·Wᵀ + b), the activation a post-op.
  dnnl::inner_product_forward::primitive_desc ForwardPd(int l, memory::dim m,
                                                        const memory::desc& weights) const {
    dnnl::primitive_attr attr = Attr();
    if (const auto alg = EltwiseOf(ActivationOf(l))) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, *alg, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    return {{dnnl::prop_kind::forward_training, ActMd(l, m), weights, bias_md_[l], ActMd(l + 1, m)},
            attr,
            engine_};
  }

  // A memory object over our buffer, kept alive as long as the trainer; its C handle.
  dnnl_memory_t Bind(const memory::desc& md, float* data) {
    memories_.emplace_back(md, engine_, data);
    return memories_.back().get();
  }

  void Add(Primitives* step, const dnnl::primitive_desc& pd,
           std::initializer_list<std::pair<int, dnnl_memory_t>> args) {
    Call call{dnnl::primitive(pd), {}, pd.scratchpad_desc()};
    for (const auto& [arg, mem] : args) call.args.push_back({arg, mem});
    step->calls.push_back(std::move(call));
  }

  Primitives MakeStep(memory::dim m) {
    Primitives step;
    dnnl_memory_t a[kLayers + 1], g[kLayers + 1] = {};  // A0 (x) … A4 (ŷ); G1 … G4
    dnnl_memory_t w[kLayers], b[kLayers], dw[kLayers], db[kLayers];
    for (int l = 0; l <= kLayers; ++l) {
      a[l] = Bind(ActMd(l, m), act_[l].get());
      if (l > 0) g[l] = Bind(ActMd(l, m), delta_[l].get());
    }
    for (int l = 0; l < kLayers; ++l) {
      w[l] = Bind(weights_md_[l], params_.get() + weights_offset_[l]);
      b[l] = Bind(bias_md_[l], params_.get() + bias_offset_[l]);
      dw[l] = Bind(weights_md_[l], grads_.get() + weights_offset_[l]);
      db[l] = Bind(bias_md_[l], grads_.get() + bias_offset_[l]);
    }
    dnnl::inner_product_forward::primitive_desc forward[kLayers];
    for (int l = 0; l < kLayers; ++l) {
      forward[l] = ForwardPd(l, m, weights_md_[l]);
      Add(&step, forward[l],
          {{DNNL_ARG_SRC, a[l]},
           {DNNL_ARG_WEIGHTS, w[l]},
           {DNNL_ARG_BIAS, b[l]},
           {DNNL_ARG_DST, a[l + 1]}});
    }
    step.forward_calls = step.calls.size();
    for (int l = kLayers - 1; l >= 0; --l) {
      const memory::desc in = ActMd(l, m), out = ActMd(l + 1, m);
      if (const auto alg = EltwiseOf(ActivationOf(l))) {  // G ⊙= act'(A), in place
        const dnnl::eltwise_forward::primitive_desc hint(
            {dnnl::prop_kind::forward_training, *alg, out, 0.0f, 0.0f}, engine_);
        Add(&step,
            dnnl::eltwise_backward::primitive_desc({*alg, out, out, 0.0f, 0.0f}, Attr(), engine_,
                                                   hint),
            {{DNNL_ARG_DST, a[l + 1]},
             {DNNL_ARG_DIFF_DST, g[l + 1]},
             {DNNL_ARG_DIFF_SRC, g[l + 1]}});
      }
      Add(&step,
          dnnl::inner_product_backward_weights::primitive_desc(
              {in, weights_md_[l], bias_md_[l], out}, Attr(), engine_, forward[l]),
          {{DNNL_ARG_SRC, a[l]},
           {DNNL_ARG_DIFF_DST, g[l + 1]},
           {DNNL_ARG_DIFF_WEIGHTS, dw[l]},
           {DNNL_ARG_DIFF_BIAS, db[l]}});
      if (l == 0) break;  // the data: no gradient
      Add(&step,
          dnnl::inner_product_backward_data::primitive_desc({in, weights_md_[l], out}, Attr(),
                                                            engine_, forward[l]),
          {{DNNL_ARG_DIFF_DST, g[l + 1]}, {DNNL_ARG_WEIGHTS, w[l]}, {DNNL_ARG_DIFF_SRC, g[l]}});
    }
    return step;
  }

  // Calls [first, last) of a step, in order. The CPU stream runs each at once, on this thread.
  void Run(const Primitives& step, std::size_t first, std::size_t last) {
    for (std::size_t i = first; i < last; ++i) {
      const Call& call = step.calls[i];
      const dnnl_status_t status = dnnl_primitive_execute(call.primitive.get(), stream_.get(),
                                                          int(call.args.size()), call.args.data());
      if (status != dnnl_success) {
        std::fprintf(stderr, "oneDNN baseline: a primitive failed (status %d)\n", int(status));
        std::abort();
      }
    }
  }

  void Update() {
    if (spec_.rmsprop) {
      Rmsprop(arena_size_, spec_.lr, spec_.rho, spec_.eps, grads_.get(), mean_square_.get(),
              params_.get());
    } else {
      Sgd(arena_size_, spec_.lr, grads_.get(), params_.get());
    }
  }

  Step spec_;
  std::size_t batch_, n_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  memory::desc weights_md_[kLayers], bias_md_[kLayers];
  std::size_t weights_offset_[kLayers] = {}, bias_offset_[kLayers] = {}, arena_size_ = 0;
  Floats params_, grads_, mean_square_;  // arenas of arena_size_ floats, one layout
  Floats act_[kLayers + 1], delta_[kLayers + 1], y_, scratchpad_;
  std::vector<memory> memories_;  // every memory object a Call's arguments name
  Primitives full_, partial_;
};

OnednnMlp::OnednnMlp(OnednnWeights weights, const Step& step, std::size_t batch, std::size_t n)
    : impl_(std::make_unique<Impl>(weights, step, batch, n)) {}
OnednnMlp::~OnednnMlp() = default;
void OnednnMlp::Import(const float* packed) { impl_->Import(packed); }
void OnednnMlp::Export(float* packed) { impl_->Export(packed); }
bool OnednnMlp::Epoch(const float* x, const float* y, const std::uint32_t* order) {
  return impl_->Epoch(x, y, order);
}

namespace {

template <OnednnWeights kWeights>
bool Train(Activation hidden, Activation output, bool rmsprop, float lr, float rho, float eps,
           std::size_t batch, std::size_t n, const float* x, const float* y,
           const std::uint32_t* (*next_epoch)(void* context), void* context, float* params) {
  OnednnMlp trainer(kWeights, {hidden, output, rmsprop, lr, rho, eps}, batch, n);
  trainer.Import(params);
  bool finite = true;
  while (const std::uint32_t* order = next_epoch(context)) {
    if (!trainer.Epoch(x, y, order)) {
      finite = false;
      break;
    }
  }
  trainer.Export(params);
  return finite;
}

}  // namespace

MlpTrainFn OnednnMlpTrain(OnednnWeights weights) {
  return weights == OnednnWeights::kBlocked ? &Train<OnednnWeights::kBlocked>
                                            : &Train<OnednnWeights::kPlain>;
}

}  // namespace simd_mlp::bench
