// The rule condition language: every operator and precedence level, level literals on the
// matrix's own order, none, params, message templates and explanations.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "rules/evaluator.h"
#include "rules/matrix_file.h"
#include "rules/rule_set.h"
#include "support.h"

using namespace riskreg;
using namespace riskreg::rules;
using riskreg::test::source_path;

namespace {

const Matrix& darlington() {
  static const Matrix m = load_matrix_file(source_path("rules/matrix.toml"));
  return m;
}

const Matrix& numeric() {
  static const Matrix m = load_matrix_file(source_path("tests/fixtures/matrices/numeric-5x5.toml"));
  return m;
}

/// R5 of the seed: C2 (high, above appetite), no target, no owner, no priority, fed by
/// three risks of which two are above appetite, previously D2.
RiskFacts r5() {
  const Matrix& m = darlington();
  Cell c = *m.parse("C2"), p = *m.parse("D2");
  RiskFacts f;
  f.id = "R5";
  f.title = "Capacity to deliver MTFP";
  f.likelihood = c.likelihood;
  f.impact = c.impact;
  f.cell = m.index(c);
  f.band = m.band(c).rank;
  f.above_appetite = true;
  f.previous_likelihood = p.likelihood;
  f.previous_impact = p.impact;
  f.previous_cell = m.index(p);
  f.previous_band = m.band(p).rank;
  f.direction = Direction::Worse;
  f.days_since_assessment = 30;
  f.priorities = 0;
  f.actions = 0;
  f.upstream = 3;
  f.upstream_above = 2;
  return f;
}

const std::vector<Param> kParams = {{"stale_days", Type::Number, 91, ""}, {"team", Type::String, 0, "Finance"}};

bool eval(const std::string& cond, const RiskFacts& f = r5(), const Matrix& m = darlington()) {
  Scope scope{&m, &kParams};
  return Program::compile(cond, scope).matches(f);
}

std::string compile_error(const std::string& cond, const Matrix& m = darlington()) {
  Scope scope{&m, &kParams};
  try {
    Program::compile(cond, scope);
  } catch (const ConditionError& e) {
    return std::to_string(e.offset()) + ": " + e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("rules: literals and boolean fields", "[rules]") {
  CHECK(eval("true"));
  CHECK_FALSE(eval("false"));
  CHECK(eval("above_appetite"));
  CHECK_FALSE(eval("has_target"));
  CHECK_FALSE(eval("has_owner"));
  CHECK(eval("has_previous"));
  CHECK(eval("worsened"));
}

TEST_CASE("rules: comparisons on numbers", "[rules]") {
  CHECK(eval("upstream == 3"));
  CHECK(eval("upstream != 2"));
  CHECK(eval("upstream_above < 3"));
  CHECK(eval("upstream_above <= 2"));
  CHECK_FALSE(eval("upstream_above <= 1"));
  CHECK(eval("upstream > 2"));
  CHECK(eval("upstream >= 3"));
  CHECK_FALSE(eval("upstream > 3"));
  CHECK(eval("2.5 < upstream"));  // literal on the left
  CHECK(eval("days_since_assessment == 30"));
}

TEST_CASE("rules: arithmetic and its precedence", "[rules]") {
  CHECK(eval("upstream + upstream_above == 5"));
  CHECK(eval("upstream - upstream_above == 1"));
  CHECK(eval("upstream * upstream_above == 6"));
  CHECK(eval("upstream / 2 == 1.5"));
  CHECK(eval("1 + 2 * 3 == 7"));    // * before +
  CHECK(eval("(1 + 2) * 3 == 9"));  // parentheses first
  CHECK(eval("10 - 4 - 3 == 3"));   // left to right
  CHECK(eval("12 / 2 / 3 == 2"));   // left to right
  CHECK(eval("-upstream == -3"));   // unary minus
  CHECK(eval("- -3 == 3"));
  CHECK(eval("-2 * -2 == 4"));             // unary binds tighter than *
  CHECK(eval("upstream + 1 > upstream"));  // arithmetic before comparison
  CHECK_FALSE(eval("upstream / 0 == 0"));  // division by zero is none
  CHECK(eval("upstream / 0 != 0"));
}

TEST_CASE("rules: and, or, not and their precedence", "[rules]") {
  CHECK(eval("above_appetite and worsened"));
  CHECK_FALSE(eval("above_appetite and has_target"));
  CHECK(eval("has_target or worsened"));
  CHECK_FALSE(eval("has_target or has_owner"));
  CHECK(eval("not has_target"));
  CHECK(eval("not not above_appetite"));
  CHECK(eval("true or true and false"));  // and binds tighter than or
  CHECK_FALSE(eval("(true or true) and false"));
  CHECK(eval("not false and true"));  // not binds tighter than and
  CHECK_FALSE(eval("not (true and true)"));
  CHECK(eval("not upstream > 5"));  // comparison binds tighter than not
  CHECK(eval("upstream > 1 and upstream < 5 or false"));
}

TEST_CASE("rules: set membership", "[rules]") {
  CHECK(eval("upstream in (1, 2, 3)"));
  CHECK_FALSE(eval("upstream in (1, 2)"));
  CHECK(eval("upstream not in (1, 2)"));
  CHECK(eval("id in (\"R5\", \"R6\", \"R7\")"));
  CHECK(eval("likelihood in (B, C)"));
  CHECK(eval("impact in (1, 2)"));
  CHECK_FALSE(eval("impact in (3, 4)"));
  CHECK(eval("cell in (\"C2\", \"B2\")"));
  CHECK(eval("band in (\"high\", \"very-high\")"));
  CHECK(eval("upstream in (upstream_above + 1)"));  // items may be expressions
}

TEST_CASE("rules: strings compare by equality", "[rules]") {
  CHECK(eval("id == \"R5\""));
  CHECK(eval("id != \"R6\""));
  CHECK_FALSE(eval("id == \"r5\""));  // case matters
  CHECK(eval("title == \"Capacity to deliver MTFP\""));
  CHECK_FALSE(eval("team == id"));
  CHECK(eval("team == \"Finance\""));
}

TEST_CASE("rules: scale positions follow the matrix's own order", "[rules]") {
  // Darlington: A is the most likely, 1 the worst impact. R5 is C2.
  CHECK(eval("likelihood >= C"));
  CHECK(eval("likelihood >= D"));
  CHECK_FALSE(eval("likelihood >= B"));
  CHECK(eval("likelihood < B"));
  CHECK(eval("likelihood == 'C'"));
  CHECK(eval("likelihood == \"C\""));
  CHECK(eval("impact >= 2"));
  CHECK_FALSE(eval("impact >= 1"));
  CHECK(eval("impact >= II"));  // an alias
  CHECK(eval("impact > '3'"));
  CHECK(eval("B > likelihood"));  // literal on the left
  CHECK(eval("band >= \"high\""));
  CHECK(eval("band < \"very-high\""));
  CHECK(eval("band == \"high\""));
  CHECK(eval("cell == C2"));
  CHECK(eval("cell != \"B2\""));
  CHECK(eval("likelihood > previous_likelihood"));  // C is above D
  CHECK(eval("impact == previous_impact"));
  CHECK(eval("band == previous_band"));
  CHECK(eval("direction == \"worse\""));
  CHECK(eval("direction != better"));

  // The 5x5 numeric matrix: 5 is the most likely; "likelihood at least 4" means 4 or 5.
  const Matrix& n = numeric();
  RiskFacts f;
  f.id = "N1";
  Cell c = *n.parse("4x3");
  f.likelihood = c.likelihood;
  f.impact = c.impact;
  f.cell = n.index(c);
  f.band = n.band(c).rank;
  f.score = n.score(c);
  f.above_appetite = n.above_appetite(c);
  CHECK(eval("likelihood >= 4", f, n));
  CHECK_FALSE(eval("likelihood >= 5", f, n));
  CHECK(eval("score == 12", f, n));
  CHECK(eval("score * 2 > 20", f, n));
  CHECK(eval("band == \"amber\"", f, n));
  CHECK(eval("cell == \"4x3\"", f, n));
  CHECK_FALSE(eval("above_appetite", f, n));
}

TEST_CASE("rules: none", "[rules]") {
  CHECK(eval("owner == none"));
  CHECK_FALSE(eval("owner != none"));
  CHECK(eval("target_distance == none"));
  CHECK(eval("target_band == none"));
  CHECK(eval("none == target_likelihood"));
  CHECK_FALSE(eval("target_distance > 0"));  // ordering with none is false
  CHECK_FALSE(eval("target_distance <= 0"));
  CHECK(eval("target_distance != 0"));         // none equals only none
  CHECK(eval("target_distance + 1 == none"));  // arithmetic keeps none
  CHECK_FALSE(eval("owner == \"Finance\""));
  CHECK(eval("owner != \"Finance\""));
  RiskFacts f = r5();
  f.direction = Direction::None;
  CHECK(eval("direction == none", f));
}

TEST_CASE("rules: target distance counts steps from the target", "[rules]") {
  const Matrix& m = darlington();
  RiskFacts f = r5();
  Cell t = *m.parse("D3");
  f.target_likelihood = t.likelihood;
  f.target_impact = t.impact;
  f.target_cell = m.index(t);
  f.target_band = m.band(t).rank;
  f.target_distance = 2;
  CHECK(eval("has_target", f));
  CHECK(eval("target_distance == 2", f));
  CHECK(eval("target_cell == D3", f));
  CHECK(eval("band > target_band", f));
  CHECK(eval("likelihood > target_likelihood and impact > target_impact", f));
}

TEST_CASE("rules: params are named constants", "[rules]") {
  CHECK(eval("days_since_assessment < stale_days"));
  RiskFacts f = r5();
  f.days_since_assessment = 120;
  CHECK(eval("days_since_assessment > stale_days", f));
}

TEST_CASE("rules: compile errors point at the offending position", "[rules]") {
  CHECK(compile_error("ownr == none") == "0: unknown field 'ownr'; did you mean 'owner'?");
  CHECK(compile_error("above_appetite and likelihood >= G") ==
        "33: 'G' is not a field or a likelihood level of the matrix (levels: A, B, C, D, E, F)");
  CHECK(compile_error("impact == 7") == "10: '7' is not an impact level of the matrix (levels: 1, 2, 3, 4)");
  CHECK(compile_error("priorities") ==
        "0: a condition must be true or false, but this is a number; did you mean 'priorities > 0'?");
  CHECK(compile_error("score > 3") ==
        "0: 'score' needs a numeric matrix, but 'Zurich 6x4 (Darlington Children's Services Departmental Plan "
        "2009-2013)' has no numeric score (score = \"none\")");
  CHECK(compile_error("score > 3", numeric()) == "(no error)");
  CHECK(compile_error("likelihood == impact") ==
        "11: type mismatch: '==' compares a likelihood level with an impact level");
  CHECK(compile_error("cell > C2") ==
        "5: '>' needs ordered values (numbers, levels or bands), but these are cells; compare likelihood, impact or "
        "band instead");
  CHECK(compile_error("upstream > 1 > 0") == "13: comparisons do not chain: write 'a < b and b < c'");
  CHECK(compile_error("(upstream > 1") == "13: expected ')' to close the '(', found the end of the condition");
  CHECK(compile_error("upstream = 1") == "9: '=' is not an operator: write '==' to compare");
  CHECK(compile_error("band == \"very-hgh\"") ==
        "8: 'very-hgh' is not a band of the matrix (bands: low, medium, high, very-high); did you mean 'very-high'?");
  CHECK(compile_error("owner == 3") == "9: type mismatch: the number 3 cannot be compared with a string");
  CHECK(compile_error("priorities == none") == "0: 'priorities' is never none");
  CHECK(compile_error("above_appetite and 3") == "19: type mismatch: 'and' needs true/false, but this is a number");
  CHECK(compile_error("direction == \"wrose\"") ==
        "13: 'wrose' is not a direction (worse, better, same or none); did you mean 'worse'?");
  CHECK(compile_error("upstream in ()") == "13: an empty list: 'in ()' is never true");
  CHECK(compile_error("'B'") ==
        "0: the level 'B' must be compared with a likelihood, impact, cell or band (e.g. likelihood >= 'B')");
  CHECK(compile_error("id == \"R5") == "6: unterminated string: add the closing \"");
  CHECK(compile_error("above_appetite and") ==
        "18: expected a value, a field name or '(', found the end of the condition");
}
