// Aligned, zero-filled storage carved by the tensor table of layout.h.
//
// Parameters, gradients and each optimizer state (momentum, RMSprop's mean square, Adam's two
// moments) are separate Arena<T> objects of identical carve, so an optimizer is one flat loop over
// kArenaSize elements and never sees the layers. T is float for training, double for the gradient
// checks.
#ifndef SIMD_MLP_MLP_CORE_ARENA_H_
#define SIMD_MLP_MLP_CORE_ARENA_H_

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "mlp/core/layout.h"

namespace simd_mlp::mlp {

// One 64-byte aligned, zero-filled allocation of n elements of T.
template <typename T>
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t n) : size_(n) {
    const std::size_t bytes = RoundUp(n * sizeof(T), kAlignment);
    data_.reset(static_cast<T*>(std::aligned_alloc(kAlignment, bytes == 0 ? kAlignment : bytes)));
    if (!data_) throw std::bad_alloc();
    std::memset(data_.get(), 0, bytes);  // zero pad lanes are part of the contract
  }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  std::size_t size_;
};

template <typename T>
class Arena {
 public:
  Arena() : buffer_(kArenaSize) {}

  T* data() { return buffer_.data(); }
  const T* data() const { return buffer_.data(); }
  static constexpr std::size_t size() { return kArenaSize; }

  T* operator[](Tensor t) { return data() + Offset(t); }
  const T* operator[](Tensor t) const { return data() + Offset(t); }

  // Logical entry (r, c) of tensor t.
  T& at(Tensor t, std::size_t r, std::size_t c) { return (*this)[t][IndexOf(kTensors[t], r, c)]; }
  T at(Tensor t, std::size_t r, std::size_t c) const {
    return (*this)[t][IndexOf(kTensors[t], r, c)];
  }

  void Zero() { std::memset(data(), 0, kArenaSize * sizeof(T)); }

  // Copies every element (pad lanes included), converting the type: float weights → double for a
  // gradient check at the same point.
  template <typename U>
  void CopyFrom(const Arena<U>& other) {
    for (std::size_t i = 0; i < kArenaSize; ++i) data()[i] = static_cast<T>(other.data()[i]);
  }

 private:
  AlignedBuffer<T> buffer_;
};

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_CORE_ARENA_H_
