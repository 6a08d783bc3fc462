// Number formatting shared by the trainer's terminal output and its plots.
#ifndef SIMD_MLP_MLP_TEXT_TEXT_FORMAT_H_
#define SIMD_MLP_MLP_TEXT_TEXT_FORMAT_H_

#include <string>

namespace simd_mlp::mlp {

// 152000 → "152,000": sample counts and rates read at a glance.
inline std::string GroupThousands(unsigned long long n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(std::size_t(i), ",");
  return s;
}

}  // namespace simd_mlp::mlp

#endif  // SIMD_MLP_MLP_TEXT_TEXT_FORMAT_H_
