// The CSV reader's accepted forms and positions in its errors, and the user-data split with its
// normalization fitted on the training part.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "mlp/io/csv.h"
#include "mlp/training/data.h"

namespace simd_mlp::mlp {
namespace {

TEST(Csv, AcceptsHeaderBlanksQuotesCrlfAndBom) {
  NumericTable t;
  std::string error;
  ASSERT_TRUE(ParseNumericCsv("\xEF\xBB\xBFx,y\r\n1.5, -2\r\n\r\n \"3\",+4e1\n", "d.csv", {2, 2},
                              &t, &error))
      << error;
  EXPECT_EQ(t.columns, 2u);
  EXPECT_EQ(t.values[0], (std::vector<double>{1.5, 3}));
  EXPECT_EQ(t.values[1], (std::vector<double>{-2, 40}));
  EXPECT_EQ(t.lines, (std::vector<std::size_t>{2, 4}));
}

TEST(Csv, HeaderIsOptional) {
  NumericTable t;
  std::string error;
  ASSERT_TRUE(ParseNumericCsv("1,2\n3,4", "d.csv", {2, 2}, &t, &error)) << error;
  EXPECT_EQ(t.rows(), 2u);
}

TEST(Csv, ColumnCountIsFixedByTheFirstRow) {
  NumericTable t;
  std::string error;
  ASSERT_TRUE(ParseNumericCsv("x\n1\n2\n", "in.csv", {1, 2}, &t, &error)) << error;
  EXPECT_EQ(t.columns, 1u);
  EXPECT_FALSE(ParseNumericCsv("1\n2,3\n", "in.csv", {1, 2}, &t, &error));
  EXPECT_EQ(error, "in.csv:2: 2 fields, expected 1 as on line 1");
}

TEST(Csv, ErrorsNameFileLineAndColumn) {
  const std::pair<std::string, std::string> cases[] = {
      {"x,y\n1,2\n3,  4x\n", "d.csv:3:5: '4x' is not a number"},
      {"1,2\n3,inf\n", "d.csv:2:3: 'inf' is not finite"},
      {"1,2\n-1e400,0\n", "d.csv:2:1: '-1e400' is beyond the range of double"},
      {"1,2\n3\n", "d.csv:2: 1 field, expected 2 as on line 1"},
      {"", "d.csv: no data rows (the file is empty)"},
      {"\n\n", "d.csv: no data rows (only a header or blank lines)"},
      {"1,2\n,3\n", "d.csv:2:1: empty field, expected a number"},
      {"1,2\n3,\"a\tb\"\n", "d.csv:2:4: 'a\\x09b' is not a number"},
      // Another delimiter: the one found is named.
      {"x;y\n1;2\n",
       "d.csv:1: 1 field, expected 2: the line separates its fields with ';', but a comma is the "
       "separator"},
      {"1\t2\n",
       "d.csv:1: 1 field, expected 2: the line separates its fields with tabs, but a "
       "comma is the separator"},
      {"1,2\n\t3\t\n", "d.csv:2: 1 field, expected 2 as on line 1"},  // blanks around a field
  };
  for (const auto& [text, expected] : cases) {
    NumericTable t;
    std::string error;
    EXPECT_FALSE(ParseNumericCsv(text, "d.csv", {2, 2}, &t, &error)) << text;
    EXPECT_EQ(error, expected);
  }
  // One column wanted (predict's --input): the line's one field is not a number, and says why.
  NumericTable t;
  std::string error;
  EXPECT_FALSE(ParseNumericCsv("x;y\n1;2\n", "d.csv", {1, 2, 1}, &t, &error));
  EXPECT_EQ(error,
            "d.csv:2:1: '1;2' is not a number: the line separates its fields with ';', but a comma "
            "is the separator");
}

TEST(XyDataset, SplitsEightyTwentyAndFitsNormalizationOnTrainingPart) {
  std::vector<double> x, y;
  for (int i = 0; i < 100; ++i) {
    x.push_back(1000 + i);
    y.push_back(3.0 * i);
  }
  Dataset<float> data;
  Normalization norm;
  std::string error;
  ASSERT_TRUE(MakeXyDataset(x, y, 7, &data, &norm, &error)) << error;
  ASSERT_EQ(data.train_x.size(), 80u);
  ASSERT_EQ(data.test_x.size(), 20u);
  float lo = 1e30f, hi = -1e30f, ylo = 1e30f, yhi = -1e30f;
  for (std::size_t i = 0; i < 80; ++i) {
    lo = std::min(lo, data.train_x[i]);
    hi = std::max(hi, data.train_x[i]);
    ylo = std::min(ylo, data.train_y[i]);
    yhi = std::max(yhi, data.train_y[i]);
    // The pair stays a pair: y = 3(x − 1000) survives both maps.
    const double raw_x = data.train_x[i] * norm.x_scale + norm.x_center;
    EXPECT_NEAR(norm.DenormalizeY(data.train_y[i]), 3.0 * (raw_x - 1000), 1e-3);
  }
  EXPECT_EQ(lo, -0.5f);
  EXPECT_EQ(hi, 0.5f);
  EXPECT_EQ(ylo, -1.0f);
  EXPECT_EQ(yhi, 1.0f);
  // The range kept is the training points' x, exactly: where predictions interpolate.
  EXPECT_EQ(norm.NormalizeX(norm.x_min), -0.5f);
  EXPECT_EQ(norm.NormalizeX(norm.x_max), 0.5f);
  EXPECT_GE(norm.x_min, 1000);
  EXPECT_LE(norm.x_max, 1099);
  // MSEs in y's units: y spans 3 × (its range of i), so normalized errors scale by (span / 2)².
  EXPECT_EQ(norm.MseInDataUnits(1.0), norm.y_scale * norm.y_scale);
  // Same seed, same split; another seed, another one.
  Dataset<float> again, other;
  Normalization n2;
  ASSERT_TRUE(MakeXyDataset(x, y, 7, &again, &n2, &error));
  ASSERT_TRUE(MakeXyDataset(x, y, 8, &other, &n2, &error));
  EXPECT_EQ(Fingerprint(again), Fingerprint(data));
  EXPECT_NE(Fingerprint(other), Fingerprint(data));
}

TEST(XyDataset, ConstantColumnIsCentredNotDividedByZero) {
  Dataset<float> data;
  Normalization norm;
  std::string error;
  ASSERT_TRUE(MakeXyDataset({1, 2, 3, 4, 5}, {7, 7, 7, 7, 7}, 0, &data, &norm, &error)) << error;
  EXPECT_EQ(norm.y_scale, 1.0);
  for (float v : data.train_y) EXPECT_EQ(v, 0.0f);
}

TEST(XyDataset, ConstantXIsItsOwnRange) {
  Dataset<float> data;
  Normalization norm;
  std::string error;
  ASSERT_TRUE(MakeXyDataset({2, 2, 2, 2, 2}, {1, 2, 3, 4, 5}, 0, &data, &norm, &error)) << error;
  EXPECT_EQ(norm.x_min, 2.0);
  EXPECT_EQ(norm.x_max, 2.0);  // x_norm's centre ± scale / 2 would say [1.5, 2.5]
}

TEST(XyDataset, YSpanKeepsMsesInItsUnitsWithinDouble) {
  Dataset<float> data;
  Normalization norm;
  std::string error;
  // 1e130 is the most, 1e-130 the least (but 0: a constant column). Two of five points carry
  // each extreme, so that one is a training point whichever goes to the test set.
  ASSERT_TRUE(MakeXyDataset({1, 2, 3, 4, 5}, {0, 1e130, 0, 1e130, 0}, 1, &data, &norm, &error))
      << error;
  EXPECT_TRUE(std::isfinite(norm.MseInDataUnits(3.4028235e38)));
  ASSERT_TRUE(MakeXyDataset({1, 2, 3, 4, 5}, {0, 1e-130, 0, 1e-130, 0}, 1, &data, &norm, &error))
      << error;
  EXPECT_GE(norm.MseInDataUnits(1.4e-45), 2.2250738585072014e-308);
  EXPECT_FALSE(
      MakeXyDataset({1, 2, 3, 4, 5}, {0, 4.9e307, 0, 4.9e307, 0}, 1, &data, &norm, &error));
  EXPECT_EQ(error,
            "the y values span 4.9e+307, more than 1e+130: MSEs in their units would overflow a "
            "double; rescale y");
  EXPECT_FALSE(MakeXyDataset({1, 2, 3, 4, 5}, {0, 1e-200, 0, 1e-200, 0}, 1, &data, &norm, &error));
  EXPECT_EQ(error,
            "the y values span 1e-200, less than 1e-130: MSEs in their units would underflow a "
            "double; rescale y");
}

TEST(XyDataset, CosNormalizationMatchesTheCosTask) {
  const Dataset<float> cos = MakeCosDataset<float>(0);
  const Normalization norm = CosNormalization();
  // linspace(−10, 10, 10000)[i] normalized the cos task's way and Normalization's way.
  for (int i : {0, 1, 4999, 5000, 9998, 9999}) {
    const double x = -10.0 + 20.0 * i / 9999.0;
    EXPECT_EQ(norm.NormalizeX(x), static_cast<float>((x + 10.0) / 20.0 - 0.5)) << i;
  }
  EXPECT_EQ(cos.train_x.size(), kCosTrainPoints);
  EXPECT_EQ(norm.x_min, -10.0);
  EXPECT_EQ(norm.x_max, 10.0);
  EXPECT_EQ(norm.MseInDataUnits(0.125), 0.125);  // y as it is
}

}  // namespace
}  // namespace simd_mlp::mlp
