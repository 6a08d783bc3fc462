// The dispatcher: ISA names, the choice from SIMD_MLP_ISA, and the tables it hands out.
#include <gtest/gtest.h>

#include <string>

#include "kernels/kernels.h"

namespace simd_mlp::kernels {
namespace {

TEST(Isa, ChoosesEachSupportedIsaByName) {
  for (Isa isa : SupportedIsas()) {
    Isa chosen = Isa::kRef;
    std::string error;
    ASSERT_TRUE(ChooseIsa(IsaName(isa), &chosen, &error)) << error;
    EXPECT_EQ(chosen, isa);
    EXPECT_EQ(KernelsFor<float>(isa).isa, isa) << "table of " << IsaName(isa);
    EXPECT_EQ(KernelsFor<double>(isa).isa, isa) << "table of " << IsaName(isa);
  }
}

TEST(Isa, NoOverrideMeansBestSupported) {
  for (const char* value : {static_cast<const char*>(nullptr), ""}) {
    Isa chosen = Isa::kRef;
    std::string error;
    ASSERT_TRUE(ChooseIsa(value, &chosen, &error));
    EXPECT_EQ(chosen, BestSupportedIsa());
  }
}

TEST(Isa, UnknownNameIsAOneLineError) {
  Isa chosen = Isa::kRef;
  std::string error;
  EXPECT_FALSE(ChooseIsa("avx1024", &chosen, &error));
  EXPECT_NE(error.find("SIMD_MLP_ISA=avx1024"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown ISA"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

// The ISAs isa_copts.bzl gives the architecture this test is built for, and the one every CPU
// of it supports.
#if defined(__x86_64__)
constexpr Isa kArchitectureIsas[] = {Isa::kSse2, Isa::kAvx2Fma, Isa::kAvx512};
constexpr Isa kBaselineIsa = Isa::kSse2;  // every x86-64 CPU
#elif defined(__aarch64__)
constexpr Isa kArchitectureIsas[] = {Isa::kNeon};
constexpr Isa kBaselineIsa = Isa::kNeon;  // every ARMv8-A CPU Linux runs on here, qemu's included
#endif

bool OfThisArchitecture(Isa isa) {
  for (Isa own : kArchitectureIsas) {
    if (isa == own) return true;
  }
  return false;
}

TEST(Isa, BaselineIsAlwaysSupported) {
  EXPECT_TRUE(CpuSupports(Isa::kRef));
  EXPECT_TRUE(CpuSupports(kBaselineIsa)) << IsaName(kBaselineIsa);
}

// Bazel builds every ISA of the target architecture and no other; no CPU supports another
// architecture's; SupportedIsas is what is both built and runnable.
TEST(Isa, EveryIsaOfTheArchitectureIsCompiledAndSupportedIsasAreBoth) {
  for (Isa isa : kAllIsas) {
    const bool own = isa == Isa::kRef || OfThisArchitecture(isa);
    EXPECT_EQ(IsaCompiled(isa), own) << IsaName(isa);
    if (!own) {
      EXPECT_FALSE(CpuSupports(isa)) << IsaName(isa);
    }
  }
  for (Isa isa : SupportedIsas()) EXPECT_TRUE(IsaCompiled(isa) && CpuSupports(isa)) << IsaName(isa);
}

TEST(Isa, KernelNamesSayElementFieldAndIsa) {
  EXPECT_EQ(KernelsFor<float>(Isa::kRef).Name(KernelId::kGemmBiasAct), "f32_gemm_bias_act__ref");
#if defined(__x86_64__)
  EXPECT_EQ(KernelsFor<double>(Isa::kSse2).Name(KernelId::kMseLossGrad), "f64_mse_loss_grad__sse2");
#elif defined(__aarch64__)
  EXPECT_EQ(KernelsFor<double>(Isa::kNeon).Name(KernelId::kMseLossGrad), "f64_mse_loss_grad__neon");
#endif
  EXPECT_EQ(KernelName(KernelId::kAdam, "f32", "avx512"), "f32_adam__avx512");
}

}  // namespace
}  // namespace simd_mlp::kernels
