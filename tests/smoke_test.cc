#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <xsimd/xsimd.hpp>
RC_GTEST_PROP(Smoke, AddCommutes, (int a, int b)) { RC_ASSERT(a + b == b + a); }
TEST(Smoke, Xsimd) { xsimd::batch<float, xsimd::sse2> b(1.f); EXPECT_EQ(xsimd::hadd(b), 4.f); }
