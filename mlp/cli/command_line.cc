#include "mlp/cli/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <string_view>

namespace simd_mlp::mlp {

namespace {

constexpr std::size_t kDescriptionColumn = 30;  // where each flag's description starts

// The columns `text` takes on a terminal: its UTF-8 code points, not its bytes (the "…" of
// --threads' values is three bytes and one column).
std::size_t Columns(std::string_view text) {
  return std::size_t(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

// --help's layout: the usage line, the description, then each group of flags as
//   --name=VALUES               what it does (default: …)
// with every description from the same column (or under the flag when the flag is too long),
// then the footer.
class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(std::string usage) : usage_(std::move(usage)) {}

  std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const override {
    std::string out = usage_ + "\n" + app->get_description();
    for (const std::string& group : app->get_groups()) {
      out += "\n" + group + ":\n";
      for (const CLI::Option* option :
           app->get_options([&](const CLI::Option* o) { return o->get_group() == group; })) {
        out += make_option(option, false);
      }
    }
    return out + "\n" + app->get_footer();
  }

  std::string make_option(const CLI::Option* option, bool) const override {
    std::string flag = "  " + option->get_name(false, true);
    const std::string& values = option->get_type_name();
    if (!values.empty()) {
      flag += option->get_expected_max() == 0 ? "[=" + values + "]" : "=" + values;
    }
    const std::size_t columns = Columns(flag);
    flag += columns < kDescriptionColumn ? std::string(kDescriptionColumn - columns, ' ')
                                         : "\n" + std::string(kDescriptionColumn, ' ');
    return flag + Wrap(option->get_description(), kDescriptionColumn, kDescriptionColumn) + "\n";
  }

 private:
  std::string usage_;
};

// An App that knows the program's flags, in the order of `flags`; returns their options.
std::vector<CLI::Option*> AddFlags(const Program& program, const std::vector<Flag>& flags,
                                   CLI::App* app) {
  app->description(program.description);
  app->footer(program.footer);
  app->formatter(std::make_shared<HelpFormatter>(program.usage));
  app->allow_extras();  // unknown flags are ours to report (Read), with the nearest name
  std::vector<CLI::Option*> options;
  for (const Flag& flag : flags) {
    const std::string name = "--" + flag.name;
    const std::string description =
        flag.help + " (default: " + (flag.default_value.empty() ? "none" : flag.default_value) +
        ")";
    CLI::Option* option = flag.is_switch ? app->add_flag(name, description)
                                         : app->add_option(name, CLI::callback_t(), description)
                                               // none given: the empty value, an invalid one
                                               ->expected(0, 1);
    option->type_name(flag.syntax)
        ->group(flag.group)
        // every occurrence is kept: the program applies them in order, and the last one wins
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    options.push_back(option);
  }
  app->set_help_flag("-h,--help", "print this text and exit")->group(flags.back().group);
  return options;
}

// OSA distance: the edit distance that also counts a swap of neighbours ("inptu") as one edit.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The one-line error for an argument CLI11 left over: an unknown flag, or not a flag at all. The
// argument is the user's text: quoted (Printable), so a newline in it cannot start a second line.
std::string LeftOverError(const std::string& arg, const std::vector<Flag>& flags) {
  if (arg.rfind("--", 0) != 0) {
    return "bad argument " + Quoted(arg) + ": expected --name=value (see --help)";
  }
  const std::string name = arg.substr(2, arg.find('=') - 2);
  std::vector<std::string> names;
  for (const Flag& flag : flags) names.push_back(flag.name);
  const std::string nearest = NearestName(name, names);
  return "unknown flag --" + PrintableName(name) +
         (nearest.empty() ? " (see --help)" : " (did you mean --" + nearest + "?)");
}

}  // namespace

std::string Wrap(std::string_view text, std::size_t first_column, std::size_t indent,
                 std::string_view separator) {
  // What ends a line broken at the separator: the separator without its trailing blanks ("," of
  // ", ", nothing of " ").
  std::string_view line_end = separator;
  while (!line_end.empty() && line_end.back() == ' ') line_end.remove_suffix(1);
  std::string out;
  std::size_t at = first_column;
  bool line_empty = true;
  while (!text.empty()) {
    const std::size_t end = text.find(separator);
    const std::string_view piece = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + separator.size());
    if (!line_empty && at + Columns(separator) + Columns(piece) > kLineWidth) {
      out += std::string(line_end) + "\n" + std::string(indent, ' ');
      at = indent;
    } else if (!line_empty) {
      out += separator;
      at += Columns(separator);
    }
    out += piece;
    at += Columns(piece);
    line_empty = false;
  }
  return out;
}

std::string NearestName(const std::string& name, const std::vector<std::string>& names) {
  // Near enough: one edit in a short name, one in three in a longer one.
  const std::size_t most = std::max<std::size_t>(1, name.size() / 3);
  std::string nearest;
  std::size_t best = most + 1;
  for (const std::string& candidate : names) {
    const std::size_t distance = EditDistance(name, candidate);
    if (distance < best) {
      best = distance;
      nearest = candidate;
    }
  }
  return nearest;
}

CommandLine::CommandLine(Program program, std::vector<Flag> flags)
    : program_(std::move(program)), flags_(std::move(flags)) {}

CommandLine::Outcome CommandLine::Read(int argc, const char* const* argv,
                                       std::vector<GivenFlag>* given, std::string* error) const {
  CLI::App app;
  const std::vector<CLI::Option*> options = AddFlags(program_, flags_, &app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return Outcome::kHelp;
  } catch (const CLI::ParseError& e) {  // a switch given a value it cannot take ("--quiet=x y")
    *error = OneLine(e.what());         // CLI11's message may hold the argument as typed
    return Outcome::kError;
  }
  const std::vector<std::string> left_over = app.remaining();
  if (!left_over.empty()) {
    *error = LeftOverError(left_over.front(), flags_);
    return Outcome::kError;
  }
  // parse_order() names a flag once per value, in command-line order; results() holds the values.
  std::vector<std::size_t> values_taken(options.size(), 0);
  for (const CLI::Option* option : app.parse_order()) {
    const std::size_t i =
        std::size_t(std::find(options.begin(), options.end(), option) - options.begin());
    given->push_back({i, option->results()[values_taken[i]++]});
  }
  return Outcome::kFlags;
}

std::string CommandLine::Help() const {
  CLI::App app;
  AddFlags(program_, flags_, &app);
  return app.help();
}

}  // namespace simd_mlp::mlp
