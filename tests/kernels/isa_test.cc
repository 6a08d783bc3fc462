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

TEST(Isa, BaselineIsAlwaysSupported) {
  EXPECT_TRUE(CpuSupports(Isa::kRef));
  EXPECT_TRUE(CpuSupports(Isa::kSse2));  // every x86-64 CPU
}

// Bazel builds every ISA of the architecture; SupportedIsas is what is both built and runnable.
TEST(Isa, EveryIsaIsCompiledAndSupportedIsasAreBoth) {
  for (Isa isa : kAllIsas) EXPECT_TRUE(IsaCompiled(isa)) << IsaName(isa);
  for (Isa isa : SupportedIsas()) EXPECT_TRUE(IsaCompiled(isa) && CpuSupports(isa)) << IsaName(isa);
}

TEST(Isa, KernelNamesSayElementFieldAndIsa) {
  EXPECT_EQ(KernelsFor<float>(Isa::kRef).Name(KernelId::kGemmBiasAct), "f32_gemm_bias_act__ref");
  EXPECT_EQ(KernelsFor<double>(Isa::kSse2).Name(KernelId::kMseLossGrad), "f64_mse_loss_grad__sse2");
  EXPECT_EQ(KernelName(KernelId::kAdam, "f32", "avx512"), "f32_adam__avx512");
}

}  // namespace
}  // namespace simd_mlp::kernels
