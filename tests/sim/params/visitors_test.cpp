// The four visitors (YamlLoader, Validator, Describer, Emitter) driven by one small parameter
// table defined here, so these tests do not depend on the model's parameters.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/params/describer.hpp"
#include "sim/params/diagnostics.hpp"
#include "sim/params/emitter.hpp"
#include "sim/params/schema.hpp"
#include "sim/params/validator.hpp"
#include "sim/params/yaml_loader.hpp"

namespace toy {

using salonsim::params::Choice;

enum class Colour : std::uint8_t { kRed, kGreen, kBlue };
inline constexpr std::array<Choice<Colour>, 3> kColours{
    {{"red", Colour::kRed}, {"green", Colour::kGreen}, {"blue", Colour::kBlue}}};

struct Item {
  std::string label = "first";
  double weight = 1;
  bool operator==(const Item&) const = default;
};

template <class V>
void visit(V& v, Item& p) {
  v.text("label", p.label, {.doc = "item label"});
  v.number("weight", p.weight,
           {.unit = "kg",
            .doc = "item weight",
            .source = "assumption: toy",
            .min = 0,
            .min_exclusive = true});
}

struct Inner {
  double rate = 0.5;
  std::int32_t count = 3;
  bool operator==(const Inner&) const = default;
};

template <class V>
void visit(V& v, Inner& p) {
  v.number("rate", p.rate, {.unit = "1/year", .doc = "a rate", .min = 0, .max = 1});
  v.integer("count", p.count, {.doc = "a count", .min = 1, .max = 10});
}

struct Toy {
  std::string title = "toy";
  bool enabled = false;
  std::int64_t size = 10;
  Colour colour = Colour::kGreen;
  std::vector<double> point{0, 0};
  double low = 1;
  double high = 2;
  double offset = 0;
  Inner inner;
  std::vector<Item> items{Item{}};
  bool operator==(const Toy&) const = default;
};

template <class V>
void visit(V& v, Toy& p) {
  v.text("title", p.title, {.doc = "title"});
  v.flag("enabled", p.enabled, {.doc = "switch"});
  v.integer("size", p.size,
            {.unit = "things", .doc = "size", .source = "Toy et al. 2024", .min = 1});
  v.choice("colour", p.colour, kColours, {.doc = "colour"});
  v.numbers("point", p.point, {.unit = "m", .doc = "a point", .min = -100, .max = 100}, 2);
  v.number("low", p.low, {.doc = "lower end"});
  v.number("high", p.high, {.doc = "upper end"});
  v.rule("high", p.high > p.low, "must be greater than low");
  v.number("offset", p.offset, {.doc = "unbounded"});
  v.section("inner", p.inner);
  v.list("items", p.items, {.doc = "items", .min = 1});
}

}  // namespace toy

namespace salonsim::params {
namespace {

using toy::Colour;
using toy::Item;
using toy::Toy;

/// A toy struct with the diagnostics and locations of the layers applied to it.
struct Fixture {
  Toy toy;
  Diagnostics diagnostics;
  Locations locations;

  Fixture& apply(const std::string& yaml, const std::string& source = "toy.yaml",
                 const std::vector<std::string>& reserved = {}) {
    YamlLoader loader(source, diagnostics, locations);
    loader.apply(YAML::Load(yaml), toy, reserved);
    return *this;
  }
  Fixture& validate() {
    Validator(diagnostics, locations).check(toy);
    return *this;
  }
  const std::vector<Issue>& issues() const { return diagnostics.issues(); }
};

void expect_issue(const Issue& issue, const std::string& source, int line, int column,
                  const std::string& path, const std::string& message) {
  EXPECT_EQ(issue.where.source, source);
  EXPECT_EQ(issue.where.line, line);
  EXPECT_EQ(issue.where.column, column);
  EXPECT_EQ(issue.path, path);
  EXPECT_EQ(issue.message, message);
}

// ---- YamlLoader: applying values -------------------------------------------------------------

TEST(YamlLoader, AppliesEveryKindOfValue) {
  Fixture f;
  f.apply(
      "title: hello\n"
      "enabled: true\n"
      "size: 42\n"
      "colour: blue\n"
      "point: [1.5, -2]\n"
      "low: -1\n"
      "high: 0.25\n"
      "offset: 1e3\n"
      "inner:\n"
      "  rate: 0.1\n"
      "  count: 7\n"
      "items:\n"
      "  - label: a\n"
      "    weight: 2\n");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  EXPECT_EQ(f.toy.title, "hello");
  EXPECT_TRUE(f.toy.enabled);
  EXPECT_EQ(f.toy.size, 42);
  EXPECT_EQ(f.toy.colour, Colour::kBlue);
  EXPECT_EQ(f.toy.point, (std::vector<double>{1.5, -2}));
  EXPECT_EQ(f.toy.low, -1);
  EXPECT_EQ(f.toy.high, 0.25);
  EXPECT_EQ(f.toy.offset, 1000);
  EXPECT_EQ(f.toy.inner.rate, 0.1);
  EXPECT_EQ(f.toy.inner.count, 7);
  ASSERT_EQ(f.toy.items.size(), 1u);
  EXPECT_EQ(f.toy.items[0], (Item{"a", 2}));
}

TEST(YamlLoader, KeysNotGivenKeepTheirValues) {
  Fixture f;
  f.apply("inner:\n  count: 4\n");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  Toy expected;
  expected.inner.count = 4;
  EXPECT_EQ(f.toy, expected);
}

TEST(YamlLoader, EmptyDocumentChangesNothing) {
  Fixture f;
  f.apply("");
  f.apply("# only a comment\n");
  EXPECT_TRUE(f.diagnostics.ok());
  EXPECT_EQ(f.toy, Toy{});
  EXPECT_TRUE(f.locations.empty());
}

TEST(YamlLoader, RecordsWhereEachValueWasSet) {
  Fixture f;
  f.apply("size: 5\ninner:\n  rate: 0.2\n", "a.yaml");
  ASSERT_TRUE(f.locations.contains("size"));
  EXPECT_EQ(f.locations.at("size").source, "a.yaml");
  EXPECT_EQ(f.locations.at("size").line, 1);
  EXPECT_EQ(f.locations.at("size").column, 7);
  ASSERT_TRUE(f.locations.contains("inner.rate"));
  EXPECT_EQ(f.locations.at("inner.rate").line, 3);
  EXPECT_EQ(f.locations.at("inner.rate").column, 9);
  EXPECT_FALSE(f.locations.contains("inner.count"));
}

TEST(YamlLoader, TopLevelThatIsNotAMappingIsAnIssue) {
  Fixture f;
  f.apply("- a\n- b\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 1, "",
               "a scenario must be a mapping of sections (key: value)");
}

// ---- YamlLoader: unknown keys ----------------------------------------------------------------

TEST(YamlLoader, UnknownTopLevelKeySuggestsTheNearestKey) {
  Fixture f;
  f.apply("title: x\ntitel: y\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 1, "titel",
               "unknown key 'titel'; did you mean 'title'?");
}

TEST(YamlLoader, UnknownNestedKeyIsReportedAtTheKeyWithItsPath) {
  Fixture f;
  f.apply("title: a\ninner:\n  rat: 0.3\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 3, 3, "inner.rat",
               "unknown key 'rat'; did you mean 'rate'?");
  EXPECT_EQ(f.toy.inner.rate, 0.5);
}

TEST(YamlLoader, UnknownKeyInAListItemHasTheItemIndexInItsPath) {
  Fixture f;
  f.apply("items:\n  - label: a\n    wieght: 2\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 3, 5, "items[0].wieght",
               "unknown key 'wieght'; did you mean 'weight'?");
}

TEST(YamlLoader, UnknownKeyWithNothingCloseHasNoSuggestion) {
  Fixture f;
  f.apply("zzzzzzzz: 1\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 1, "zzzzzzzz", "unknown key 'zzzzzzzz'");
}

TEST(YamlLoader, ReservedKeysAreAcceptedAtTheTopLevelOnly) {
  Fixture f;
  f.apply("extends: base.yaml\ninner:\n  extends: other.yaml\n", "toy.yaml", {"extends"});
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].path, "inner.extends");
}

// YAML requires keys of a mapping to be unique; a second value must not be silently ignored.
TEST(YamlLoader, DuplicateKeyIsAnIssue) {
  Fixture f;
  f.apply("title: a\nsize: 5\ntitle: b\n");
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].where.line, 3);
  EXPECT_EQ(f.issues()[0].where.column, 1);
  EXPECT_EQ(f.issues()[0].path, "title");
  EXPECT_NE(f.issues()[0].message.find("duplicate"), std::string::npos) << f.issues()[0].message;
}

// ---- YamlLoader: wrong types -----------------------------------------------------------------

TEST(YamlLoader, TextWhereAnIntegerIsExpectedNamesThePath) {
  Fixture f;
  f.apply("size: big\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 7, "size", "expected an integer, got 'big'");
  EXPECT_EQ(f.toy.size, 10);
}

// YAML 1.1 reads 010 as octal 8, YAML 1.2 as 10: such a number is refused, not guessed.
TEST(YamlLoader, LeadingZeroIsRefusedNotReadAsOctal) {
  Fixture f;
  f.apply("size: 010\nlow: 07\n");
  ASSERT_EQ(f.issues().size(), 2u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 7, "size",
               "'010' has a leading zero, which some YAML readers take as octal; write the number "
               "without it");
  EXPECT_EQ(f.issues()[1].path, "low");
  EXPECT_EQ(f.toy.size, 10);
}

TEST(YamlLoader, IntegersAreDecimalOnly) {
  for (const char* text : {"size: 0x10\n", "size: 0o10\n", "size: 1e3\n", "size: 1_000\n"}) {
    Fixture f;
    f.apply(text);
    ASSERT_EQ(f.issues().size(), 1u) << text;
    EXPECT_EQ(f.issues()[0].message.rfind("expected an integer", 0), 0u) << text;
  }
  Fixture f;
  f.apply("size: +12\nlow: 0\n");
  EXPECT_TRUE(f.issues().empty());
  EXPECT_EQ(f.toy.size, 12);
}

// An unknown-key check that compared every key with every other did not finish on big files.
TEST(YamlLoader, ManyUnknownKeysAreCheckedInLinearTimeAndReportedBriefly) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "unknown_" + std::to_string(i) + ": 1\n";
  Fixture f;
  f.apply(text);
  EXPECT_EQ(f.diagnostics.count(), 200000u);
  EXPECT_EQ(f.issues().size(), kMaxKeptIssues);
  const std::string report = f.diagnostics.report();
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), static_cast<long>(kMaxShownIssues) + 1);
  EXPECT_NE(report.find("... and 199950 more (the first 50 are shown)"), std::string::npos);
}

TEST(YamlLoader, LongKeysAreShortenedInMessages) {
  Fixture f;
  f.apply("? " + std::string(100000, 'k') + "\n: 1\n");  // an explicit key: no length limit
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_LT(f.issues()[0].message.size(), 200u);
  EXPECT_LT(f.issues()[0].path.size(), 200u);
}

TEST(YamlLoader, FractionWhereAnIntegerIsExpectedIsAnIssue) {
  Fixture f;
  f.apply("size: 1.5\n");
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].message, "expected an integer, got '1.5'");
}

TEST(YamlLoader, IntegerOutsideItsTypeIsAnIssue) {
  Fixture f;
  f.apply("inner:\n  count: 3000000000\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 10, "inner.count", "integer out of range: 3000000000");
  EXPECT_EQ(f.toy.inner.count, 3);
}

// A negative value of a signed integer is a valid integer; whether it is allowed is the range's
// business, reported by the Validator with the range text.
TEST(YamlLoader, NegativeValueOfASignedIntegerIsLoaded) {
  Fixture f;
  f.apply("inner:\n  count: -5\n");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  EXPECT_EQ(f.toy.inner.count, -5);
  f.validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 10, "inner.count", "must be in [1, 10], got -5");
}

TEST(YamlLoader, TextWhereANumberIsExpectedNamesThePath) {
  Fixture f;
  f.apply("inner:\n  rate: high\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 9, "inner.rate", "expected a number, got 'high'");
}

TEST(YamlLoader, NonBooleanFlagIsAnIssue) {
  Fixture f;
  f.apply("enabled: maybe\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 10, "enabled", "expected true or false, got 'maybe'");
}

TEST(YamlLoader, ListWhereTextIsExpectedIsAnIssue) {
  Fixture f;
  f.apply("title: [a, b]\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 8, "title", "expected text, got a list");
}

TEST(YamlLoader, ScalarWhereASectionIsExpectedIsAnIssue) {
  Fixture f;
  f.apply("inner: 5\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 8, "inner",
               "expected a section (key: value pairs), got '5'");
}

TEST(YamlLoader, NullSectionChangesNothing) {
  Fixture f;
  f.apply("inner:\n");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  EXPECT_EQ(f.toy, Toy{});
}

// ---- YamlLoader: choices ---------------------------------------------------------------------

TEST(YamlLoader, ChoiceNotInTheListSuggestsTheNearest) {
  Fixture f;
  f.apply("colour: gren\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 9, "colour",
               "'gren' is not one of {red, green, blue}; did you mean 'green'?");
  EXPECT_EQ(f.toy.colour, Colour::kGreen);
}

TEST(YamlLoader, ChoiceFarFromEveryNameHasNoSuggestion) {
  Fixture f;
  f.apply("colour: magenta\n");
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].message, "'magenta' is not one of {red, green, blue}");
}

TEST(YamlLoader, ChoiceGivenAsAListIsAnIssue) {
  Fixture f;
  f.apply("colour: [red]\n");
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].message, "expected one of {red, green, blue}, got a list");
}

// ---- YamlLoader: lists of numbers ------------------------------------------------------------

TEST(YamlLoader, NumbersWithTheWrongCountAreAnIssueAndKeepTheOldValues) {
  Fixture f;
  f.apply("point: [1, 2, 3]\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 8, "point", "expected 2 numbers, got 3");
  EXPECT_EQ(f.toy.point, (std::vector<double>{0, 0}));
}

TEST(YamlLoader, NonNumberInNumbersIsReportedAtTheElement) {
  Fixture f;
  f.apply("point: [1, x]\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 12, "point[1]", "expected a number, got 'x'");
  EXPECT_EQ(f.toy.point, (std::vector<double>{0, 0}));
}

TEST(YamlLoader, ScalarWhereNumbersAreExpectedIsAnIssue) {
  Fixture f;
  f.apply("point: 3\n");
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].message, "expected a list of numbers, got '3'");
}

// ---- YamlLoader: lists of items --------------------------------------------------------------

TEST(YamlLoader, SequenceReplacesTheWholeList) {
  Fixture f;
  f.apply("items:\n  - label: a\n  - {label: b, weight: 3}\n  - {}\n");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  ASSERT_EQ(f.toy.items.size(), 3u);
  EXPECT_EQ(f.toy.items[0], (Item{"a", 1}));  // fields not given take the item defaults
  EXPECT_EQ(f.toy.items[1], (Item{"b", 3}));
  EXPECT_EQ(f.toy.items[2], Item{});
}

TEST(YamlLoader, MapOfIndicesPatchesExistingItems) {
  Fixture f;
  f.apply("items: [{label: a, weight: 2}, {label: b, weight: 3}]\n");
  f.apply("items:\n  \"[1]\":\n    weight: 7\n", "--set");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  ASSERT_EQ(f.toy.items.size(), 2u);
  EXPECT_EQ(f.toy.items[0], (Item{"a", 2}));
  EXPECT_EQ(f.toy.items[1], (Item{"b", 7}));
  EXPECT_EQ(f.locations.at("items[1].weight").source, "--set");
  EXPECT_EQ(f.locations.at("items[0].weight").source, "toy.yaml");
}

TEST(YamlLoader, IndexPastTheEndIsAnIssue) {
  Fixture f;
  f.apply("items:\n  \"[5]\":\n    weight: 7\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 3, "items",
               "expected a list, or an item index [0..1) to change, got '[5]'");
  EXPECT_EQ(f.toy.items, std::vector<Item>{Item{}});
}

TEST(YamlLoader, KeyThatIsNotAnIndexIsAnIssue) {
  Fixture f;
  f.apply("items:\n  label: x\n");
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].path, "items");
  EXPECT_EQ(f.issues()[0].message,
            "expected a list, or an item index [0..1) to change, got 'label'");
}

TEST(YamlLoader, NullListClearsIt) {
  Fixture f;
  f.apply("items: ~\n");
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
  EXPECT_TRUE(f.toy.items.empty());
}

TEST(YamlLoader, ListItemThatIsNotAMappingIsAnIssue) {
  Fixture f;
  f.apply("items: [3]\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 9, "items[0]",
               "expected a list item of key: value pairs, got '3'");
}

TEST(YamlLoader, ScalarWhereAListIsExpectedIsAnIssue) {
  Fixture f;
  f.apply("items: 3\n");
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 8, "items", "expected a list, got '3'");
}

// ---- Validator -------------------------------------------------------------------------------

TEST(Validator, DefaultsAreValid) {
  Fixture f;
  f.validate();
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
}

TEST(Validator, RangeViolationSaysTheRangeAndTheValue) {
  Fixture f;
  f.apply("items:\n  - weight: -5\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 13, "items[0].weight", "must be > 0, got -5");
}

TEST(Validator, IntegerRangeViolationIsReported) {
  Fixture f;
  f.apply("size: 0\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 1, 7, "size", "must be >= 1, got 0");
}

TEST(Validator, EachOfSeveralNumbersIsChecked) {
  Fixture f;
  f.apply("point: [0, 500]\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  // The element has no location of its own: it is reported where the list was set.
  expect_issue(f.issues()[0], "toy.yaml", 1, 8, "point[1]", "must be in [-100, 100], got 500");
}

TEST(Validator, NaNIsOutOfEveryRange) {
  Fixture f;
  f.apply("inner:\n  rate: .nan\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 9, "inner.rate", "must be in [0, 1], got nan");
}

// An unbounded number still must be finite, and the message must say so (not start with ",").
TEST(Validator, InfinityInAnUnboundedNumberSaysItMustBeFinite) {
  Fixture f;
  f.apply("offset: .inf\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  EXPECT_EQ(f.issues()[0].path, "offset");
  const std::string& message = f.issues()[0].message;
  EXPECT_NE(message.find("finite"), std::string::npos) << message;
  EXPECT_NE(message.find("got inf"), std::string::npos) << message;
  EXPECT_NE(message.front(), ',') << message;
}

TEST(Validator, TooFewListItemsIsReportedAtTheList) {
  Fixture f;
  f.apply("title: t\nitems: ~\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 8, "items", "number of items must be >= 1, got 0");
}

TEST(Validator, RuleFailureIsReportedAtTheFieldItNames) {
  Fixture f;
  f.apply("low: 3\nhigh: 2\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "toy.yaml", 2, 7, "high", "must be greater than low");
}

TEST(Validator, RuleFailureOnAValueNeverSetIsReportedAsDefault) {
  Fixture f;
  f.apply("low: 5\n").validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "default", 0, 0, "high", "must be greater than low");
}

TEST(Validator, ValueNeverSetIsReportedAsDefault) {
  Fixture f;
  f.toy.inner.rate = 2;
  f.validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "default", 0, 0, "inner.rate", "must be in [0, 1], got 2");
  EXPECT_EQ(format_issue(f.issues()[0]), "default: inner.rate: must be in [0, 1], got 2");
}

TEST(Validator, ProblemIsReportedInTheLayerThatSetTheValue) {
  Fixture f;
  f.apply("title: base\ninner:\n  rate: 2\n", "base.yaml");
  f.apply("title: child\n", "child.yaml");
  f.validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "base.yaml", 3, 9, "inner.rate", "must be in [0, 1], got 2");
}

TEST(Validator, ProblemIsReportedInTheLastLayerThatSetTheValue) {
  Fixture f;
  f.apply("inner:\n  rate: 2\n", "base.yaml");
  f.apply("inner: {rate: 3}\n", "child.yaml");
  f.validate();
  ASSERT_EQ(f.issues().size(), 1u);
  expect_issue(f.issues()[0], "child.yaml", 1, 15, "inner.rate", "must be in [0, 1], got 3");
}

TEST(Validator, LaterLayerMayFixAnEarlierOne) {
  Fixture f;
  f.apply("inner:\n  rate: 2\n", "base.yaml");
  f.apply("inner:\n  rate: 0.5\n", "child.yaml");
  f.validate();
  EXPECT_TRUE(f.diagnostics.ok()) << f.diagnostics.report();
}

TEST(Validator, ReplacedListForgetsWhereItsOldItemsWereSet) {
  Fixture f;
  f.apply("items:\n  - weight: 2\n", "base.yaml");
  f.apply("items:\n  - label: x\n", "child.yaml");
  f.toy.items[0].weight = -1;  // not set by any layer since the list was replaced
  f.validate();
  ASSERT_EQ(f.issues().size(), 1u);
  // Reported at the item of the list that replaced the old one.
  expect_issue(f.issues()[0], "child.yaml", 2, 5, "items[0].weight", "must be > 0, got -1");
}

TEST(Validator, ReportsEveryProblemAtOnce) {
  Fixture f;
  f.apply("size: 0\ninner: {rate: 2, count: 0}\nlow: 3\nhigh: 1\n").validate();
  ASSERT_EQ(f.issues().size(), 4u) << f.diagnostics.report();
  EXPECT_EQ(f.issues()[0].path, "size");
  EXPECT_EQ(f.issues()[1].path, "high");
  EXPECT_EQ(f.issues()[2].path, "inner.rate");
  EXPECT_EQ(f.issues()[3].path, "inner.count");
}

// ---- Describer -------------------------------------------------------------------------------

const DictionaryRow* find_row(const std::vector<DictionaryRow>& rows, const std::string& path) {
  for (const DictionaryRow& row : rows)
    if (row.path == path) return &row;
  return nullptr;
}

TEST(Describer, HasOneRowPerLeafInVisitOrderWithBracketsForListItems) {
  const std::vector<DictionaryRow> rows = Describer().describe(Toy{});
  std::vector<std::string> paths;
  for (const DictionaryRow& row : rows) paths.push_back(row.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"title", "enabled", "size", "colour", "point", "low",
                                             "high", "offset", "inner.rate", "inner.count", "items",
                                             "items[].label", "items[].weight"}));
}

TEST(Describer, RowsCarryDefaultUnitRangeDocAndSource) {
  const std::vector<DictionaryRow> rows = Describer().describe(Toy{});
  const DictionaryRow* size = find_row(rows, "size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->default_value, "10");
  EXPECT_EQ(size->unit, "things");
  EXPECT_EQ(size->range, "must be >= 1");
  EXPECT_EQ(size->doc, "size");
  EXPECT_EQ(size->source, "Toy et al. 2024");

  const DictionaryRow* weight = find_row(rows, "items[].weight");
  ASSERT_NE(weight, nullptr);
  EXPECT_EQ(weight->default_value, "1");
  EXPECT_EQ(weight->unit, "kg");
  EXPECT_EQ(weight->range, "must be > 0");
  EXPECT_EQ(weight->source, "assumption: toy");

  const DictionaryRow* rate = find_row(rows, "inner.rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->default_value, "0.5");
  EXPECT_EQ(rate->range, "must be in [0, 1]");
  EXPECT_EQ(rate->unit, "1/year");
}

TEST(Describer, DescribesEachKindOfValue) {
  const std::vector<DictionaryRow> rows = Describer().describe(Toy{});
  const auto expect_row = [&](const std::string& path, const std::string& value,
                              const std::string& range) {
    const DictionaryRow* row = find_row(rows, path);
    ASSERT_NE(row, nullptr) << path;
    EXPECT_EQ(row->default_value, value) << path;
    EXPECT_EQ(row->range, range) << path;
  };
  expect_row("title", "toy", "");
  expect_row("enabled", "false", "true or false");
  expect_row("colour", "green", "one of red, green, blue");
  expect_row("point", "[0, 0]", "2 numbers, each must be in [-100, 100]");
  expect_row("offset", "0", "");
  expect_row("items", "1 items", "number of items must be >= 1");
  expect_row("items[].label", "first", "");
}

TEST(Describer, DescribesTheValuesItIsGiven) {
  Toy toy;
  toy.size = 42;
  toy.items = {Item{"custom", 9}, Item{"second", 1}};
  const std::vector<DictionaryRow> rows = Describer().describe(toy);
  EXPECT_EQ(find_row(rows, "size")->default_value, "42");
  EXPECT_EQ(find_row(rows, "items")->default_value, "2 items");
  EXPECT_EQ(find_row(rows, "items[].label")->default_value, "custom");  // the first item
}

TEST(Describer, EmptyListIsDescribedFromADefaultItem) {
  Toy toy;
  toy.items.clear();
  const std::vector<DictionaryRow> rows = Describer().describe(toy);
  EXPECT_EQ(find_row(rows, "items")->default_value, "0 items");
  ASSERT_NE(find_row(rows, "items[].weight"), nullptr);
  EXPECT_EQ(find_row(rows, "items[].weight")->default_value, "1");
}

// ---- Emitter ---------------------------------------------------------------------------------

/// Emits `toy` as YAML text and loads that text into a fresh Toy.
Toy round_trip(Toy toy, Diagnostics& diagnostics) {
  YAML::Emitter out;
  out << Emitter().emit(toy);
  Locations locations;
  Toy fresh;
  YamlLoader("emitted", diagnostics, locations).apply(YAML::Load(out.c_str()), fresh);
  return fresh;
}

TEST(Emitter, RoundTripOfDefaultsGivesEqualValues) {
  Diagnostics diagnostics;
  EXPECT_EQ(round_trip(Toy{}, diagnostics), Toy{});
  EXPECT_TRUE(diagnostics.ok()) << diagnostics.report();
}

TEST(Emitter, RoundTripOfChangedValuesGivesEqualValues) {
  Toy toy;
  toy.title = "a: b # not a comment";
  toy.enabled = true;
  toy.size = 9'000'000'000;
  toy.colour = Colour::kRed;
  toy.point = {0.1, -1.0 / 3.0};
  toy.low = -1e-300;
  toy.high = 1e300;
  toy.offset = 0.1 + 0.2;
  toy.inner = {2.0 / 3.0, 9};
  toy.items = {Item{"x", 0.7}, Item{"", 12.5}, Item{"second item", 1e-9}};
  Diagnostics diagnostics;
  const Toy reloaded = round_trip(toy, diagnostics);
  EXPECT_TRUE(diagnostics.ok()) << diagnostics.report();
  EXPECT_EQ(reloaded, toy);
}

TEST(Emitter, RoundTripOfTextThatLooksLikeOtherTypesKeepsItText) {
  Toy toy;
  toy.title = "null";
  toy.items = {Item{"true", 1}, Item{"~", 1}, Item{"12", 1}};
  Diagnostics diagnostics;
  const Toy reloaded = round_trip(toy, diagnostics);
  EXPECT_TRUE(diagnostics.ok()) << diagnostics.report();
  EXPECT_EQ(reloaded, toy);
}

TEST(Emitter, RoundTripOfAnEmptyListKeepsItEmpty) {
  Toy toy;
  toy.items.clear();
  Diagnostics diagnostics;
  const Toy reloaded = round_trip(toy, diagnostics);
  EXPECT_TRUE(diagnostics.ok()) << diagnostics.report();
  EXPECT_TRUE(reloaded.items.empty());
}

TEST(Emitter, SameDocumentIsWhatComparingTheWrittenTextsSays) {
  // Optional sections are left out when they equal their defaults; same_document decides it
  // without writing both out. Each pair here is checked against YAML::Dump's texts.
  auto map = [](std::initializer_list<std::pair<const char*, YAML::Node>> entries) {
    YAML::Node node(YAML::NodeType::Map);
    for (const auto& [key, value] : entries) node[key] = value;
    return node;
  };
  auto flow = [](std::initializer_list<const char*> values, bool flow_style) {
    YAML::Node node(YAML::NodeType::Sequence);
    if (flow_style) node.SetStyle(YAML::EmitterStyle::Flow);
    for (const char* v : values) node.push_back(v);
    return node;
  };
  const YAML::Node base = map({{"a", YAML::Node("1")},
                               {"b", flow({"x", "y"}, true)},
                               {"c", map({{"d", YAML::Node(true)}})}});
  const std::vector<std::pair<YAML::Node, bool>> others = {
      {map({{"a", YAML::Node("1")},
            {"b", flow({"x", "y"}, true)},
            {"c", map({{"d", YAML::Node(true)}})}}),
       true},
      {map({{"a", YAML::Node("2")},
            {"b", flow({"x", "y"}, true)},
            {"c", map({{"d", YAML::Node(true)}})}}),
       false},  // a scalar differs
      {map({{"b", flow({"x", "y"}, true)},
            {"a", YAML::Node("1")},
            {"c", map({{"d", YAML::Node(true)}})}}),
       false},  // the keys in another order
      {map({{"a", YAML::Node("1")},
            {"b", flow({"x", "y"}, false)},
            {"c", map({{"d", YAML::Node(true)}})}}),
       false},  // a list in block style
      {map({{"a", YAML::Node("1")},
            {"b", flow({"x"}, true)},
            {"c", map({{"d", YAML::Node(true)}})}}),
       false},  // a shorter list
      {map({{"a", YAML::Node("1")},
            {"b", flow({"x", "y"}, true)},
            {"c", map({{"d", YAML::Node(false)}})}}),
       false},                                                                // deep inside
      {map({{"a", YAML::Node("1")}, {"b", flow({"x", "y"}, true)}}), false},  // a key fewer
  };
  for (std::size_t i = 0; i < others.size(); ++i) {
    const YAML::Node& other = others[i].first;
    EXPECT_EQ(same_document(base, other), others[i].second) << i;
    EXPECT_EQ(same_document(base, other), YAML::Dump(base) == YAML::Dump(other)) << i;
  }
  EXPECT_TRUE(same_document(YAML::Node(), YAML::Node()));
  EXPECT_FALSE(same_document(YAML::Node(), YAML::Node("")));
}

TEST(Emitter, WritesNumbersInTheirShortestForm) {
  Toy toy;
  toy.inner.rate = 0.1;
  toy.point = {1.5, -2};
  const YAML::Node node = Emitter().emit(toy);
  EXPECT_EQ(node["inner"]["rate"].Scalar(), "0.1");
  EXPECT_EQ(node["point"][0].Scalar(), "1.5");
  EXPECT_EQ(node["point"][1].Scalar(), "-2");
  EXPECT_EQ(node["colour"].Scalar(), "green");
  EXPECT_EQ(node["size"].Scalar(), "10");
}

}  // namespace
}  // namespace salonsim::params
