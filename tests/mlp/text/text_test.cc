// The one number parser and formatter of the project, the enum name tables, and the fields that
// read and print a struct's members through them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "mlp/text/enum_names.h"
#include "mlp/text/fields.h"
#include "mlp/text/number.h"
#include "mlp/text/printable.h"

namespace simd_mlp::mlp {
namespace {

TEST(ParseNumber, ReadsDecimalNumbersWhole) {
  const std::pair<const char*, double> cases[] = {
      {"0.001", 0.001}, {"-3", -3}, {"+4e1", 40}, {"1e-7", 1e-7}, {"-0", -0.0}, {"1e-310", 1e-310}};
  for (const auto& [text, want] : cases) {
    double v = 0;
    ASSERT_EQ(ParseNumber(text, &v), NumberStatus::kOk) << text;
    EXPECT_EQ(v, want) << text;
  }
}

TEST(ParseNumber, SaysWhyATextIsNotAFiniteNumber) {
  const std::pair<const char*, NumberStatus> cases[] = {
      {"", NumberStatus::kEmpty},
      {"fast", NumberStatus::kNotANumber},
      {" 1", NumberStatus::kNotANumber},
      {"1 ", NumberStatus::kNotANumber},
      {"0x1p3", NumberStatus::kNotANumber},
      {"+-1", NumberStatus::kNotANumber},
      {"+", NumberStatus::kNotANumber},
      {"1e999", NumberStatus::kOutOfRange},
      {"-1e400", NumberStatus::kOutOfRange},
      {"nan", NumberStatus::kNotFinite},
      {"-inf", NumberStatus::kNotFinite},
  };
  for (const auto& [text, want] : cases) {
    double v = 42;
    EXPECT_EQ(ParseNumber(text, &v), want) << "'" << text << "'";
    EXPECT_EQ(v, 42) << "'" << text << "' changed the value";
  }
}

TEST(ParseUnsigned, DigitsOnlyWithinRange) {
  std::uint64_t v = 0;
  EXPECT_TRUE(ParseUnsigned("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  // A '+' as ParseNumber takes it: "+5" is 5 for --batch as for --lr.
  EXPECT_TRUE(ParseUnsigned("+5", &v));
  EXPECT_EQ(v, 5u);
  for (const char* bad :
       {"", "-1", "+", "++1", "+-1", " 1", "1 ", "+ 1", "1.0", "18446744073709551616", "0x10"}) {
    EXPECT_FALSE(ParseUnsigned(bad, &v)) << bad;
  }
}

TEST(ShortestText, ReadsBackToTheSameDouble) {
  EXPECT_EQ(ShortestText(0.001), "0.001");
  EXPECT_EQ(ShortestText(1e-7), "1e-07");
  EXPECT_EQ(ShortestText(20), "20");
  for (double v : {0.1, 1.0 / 3, -2.5e-300, std::numeric_limits<double>::max(), 5e-324}) {
    double back = 0;
    ASSERT_EQ(ParseNumber(ShortestText(v), &back), NumberStatus::kOk) << ShortestText(v);
    EXPECT_EQ(back, v);
  }
}

TEST(ShortestText, FewestDigitsThatStillStandForTheValue) {
  // A float32 as a double: the digits of the float, not the 17 of the double it widens to.
  const auto same_float = [](float f) { return [f](double v) { return float(v) == f; }; };
  EXPECT_EQ(ShortestText(double(0.1f), same_float(0.1f)), "0.1");
  EXPECT_EQ(ShortestText(double(1.0f / 3), same_float(1.0f / 3)), "0.33333334");
  EXPECT_EQ(ShortestText(double(-2.5e-30f), same_float(-2.5e-30f)), "-2.5e-30");
  for (float f : {1e-45f, 3.4028235e38f, 617.2839f, -0.0f, 7.0f}) {
    double back = 0;
    const std::string text = ShortestText(double(f), same_float(f));
    ASSERT_EQ(ParseNumber(text, &back), NumberStatus::kOk) << text;
    EXPECT_EQ(float(back), f) << text;
  }
  // Known to a thousandth near 1e6: ten digits, where a float32 would keep seven.
  const auto thousandth = [](double center) {
    return [center](double v) { return std::abs(v - center) < 5e-4; };
  };
  EXPECT_EQ(ShortestText(1000000.8123456, thousandth(1000000.8123456)), "1000000.812");
  // Nothing shorter taken: the value itself, in full.
  EXPECT_EQ(ShortestText(0.1 + 0.2, [](double v) { return v == 0.1 + 0.2; }),
            ShortestText(0.1 + 0.2));
  EXPECT_EQ(ShortestText(2.5, [](double) { return false; }), "2.5");
}

TEST(GroupThousands, CommasEveryThreeDigits) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(152000), "152,000");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
}

TEST(Printable, QuotesHostileBytesAndCuts) {
  EXPECT_EQ(Printable("a'b\\c\n\x01\xff"), "a\\x27b\\x5cc\\x0a\\x01\\xff");
  EXPECT_EQ(Printable("abcdef", 3), "abc...");
}

TEST(Printable, NamesAreQuotedWholeOnOneLine) {
  EXPECT_EQ(Quoted("no\nsuch.csv"), "'no\\x0asuch.csv'");
  EXPECT_EQ(PrintableName("data.csv"), "data.csv");
  const std::string long_name(300, 'n');  // longer than Printable's 40, shorter than PATH_MAX
  EXPECT_EQ(Quoted(long_name), "'" + long_name + "'");
  EXPECT_EQ(Quoted(std::string(5000, 'n')).size(), 1 + kMaxShownName + 3 + 1);
}

TEST(Printable, OneLineEscapesWhatNoCallerQuoted) {
  EXPECT_EQ(OneLine("SIMD_MLP_ISA=a\nb: unknown"), "SIMD_MLP_ISA=a\\x0ab: unknown");
  // Printable's own escapes and UTF-8 ("…") pass unchanged.
  EXPECT_EQ(OneLine("'a\\x0ab' in 1…64"), "'a\\x0ab' in 1…64");
}

enum class Color { kRed, kGreen };
constexpr NameTable<Color, 2> kColors = {{{Color::kRed, "red"}, {Color::kGreen, "green"}}};

TEST(EnumNames, NameAndValueBothWays) {
  static_assert(NameOf(kColors, Color::kGreen)[0] == 'g');
  EXPECT_STREQ(NameOf(kColors, Color::kRed), "red");
  EXPECT_STREQ(NameOf(kColors, Color(7)), "unknown");
  Color c = Color::kRed;
  EXPECT_TRUE(ValueOf(kColors, "green", &c));
  EXPECT_EQ(c, Color::kGreen);
  EXPECT_FALSE(ValueOf(kColors, "Green", &c));
  EXPECT_EQ(c, Color::kGreen);
  EXPECT_EQ(NameList(kColors), "red|green");
  EXPECT_EQ(NameList(kColors, ", "), "red, green");
}

struct Settings {
  double rate = 0.5;
  int count = 0;
  bool on = false;
  Color color = Color::kRed;
  std::string file;
};

TEST(Fields, EachKindReadsWhatItPrints) {
  using S = Settings;
  const Field<S> fields[] = {
      NumberField<S>("rate", &S::rate, ""),
      IntegerField<S>("count", &S::count, 1, 8, "", "auto"),
      SwitchField<S>("on", &S::on, ""),
      ChoiceField<S>("color", &S::color, kColors, ""),
      TextField<S>("file", &S::file, "FILE", ""),
  };
  const char* values[] = {"1e-07", "5", "true", "green", "a b.csv"};
  S s;
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    ASSERT_TRUE(fields[i].parse(values[i], &s)) << fields[i].name;
    EXPECT_EQ(fields[i].format(s), values[i]) << fields[i].name;
  }
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(fields[1].syntax, "1…8|auto");
  EXPECT_EQ(fields[3].syntax, "red|green");
  EXPECT_TRUE(fields[2].is_switch);
}

TEST(Fields, RefuseWhatTheirSyntaxDoesNotName) {
  using S = Settings;
  S s;
  EXPECT_FALSE(NumberField<S>("rate", &S::rate, "", "FRACTION", [](double v) {
                 return v >= 0 && v < 1;
               }).parse("1", &s));
  const Field<S> count = IntegerField<S>("count", &S::count, 1, 8, "", "auto");
  EXPECT_FALSE(count.parse("0", &s));
  EXPECT_FALSE(count.parse("9", &s));
  ASSERT_TRUE(count.parse("auto", &s));
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(count.format(s), "auto");
  EXPECT_FALSE(SwitchField<S>("on", &S::on, "").parse("maybe", &s));
  EXPECT_FALSE(TextField<S>("file", &S::file, "FILE", "").parse("", &s));
  EXPECT_TRUE(TextField<S>("file", &S::file, "FILE", "", true).parse("", &s));
}

struct Outer {
  Settings inner;
};

TEST(Fields, NestedFieldReachesTheInnerStruct) {
  const Field<Outer> rate =
      NestedField(NumberField<Settings>("rate", &Settings::rate, "learning rate"), &Outer::inner);
  Outer o;
  ASSERT_TRUE(rate.parse("0.25", &o));
  EXPECT_EQ(o.inner.rate, 0.25);
  EXPECT_EQ(rate.format(o), "0.25");
  EXPECT_STREQ(rate.name, "rate");
  EXPECT_EQ(rate.help, "learning rate");
}

}  // namespace
}  // namespace simd_mlp::mlp
