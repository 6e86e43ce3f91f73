#pragma once
/// A compiled rule condition: names resolved to fields, level literals resolved to ranks of
/// the matrix, every type checked. Compiling throws ConditionError; evaluating never fails
/// and allocates nothing.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/matrix.h"
#include "rules/facts.h"
#include "rules/parser.h"

namespace riskreg::rules {

/// A value during evaluation. Scale values hold their rank in `num`; strings point into the
/// facts or the program, so nothing is copied.
struct Value {
  double num = 0;
  std::string_view str;
  bool null = false;
};

/// A named constant from the rules file's [params] table.
struct Param {
  std::string name;
  Type type = Type::Number;
  double num = 0;
  std::string str;
};

/// What compiling needs to resolve names: the matrix and the file's params.
struct Scope {
  const Matrix* matrix = nullptr;
  const std::vector<Param>* params = nullptr;
};

/// The value of a field for one risk.
Value field_value(Field f, const RiskFacts& r);
/// A value as a message or explanation shows it ("C", "C3", "very-high", "12", "none").
std::string format_value(const Value& v, Type t, const Matrix& m);

/// One line of an explanation: a sub-expression as written, and its value for the risk.
struct ExplainStep {
  int depth = 0;
  std::string text;
  std::string value;
};

class Program {
 public:
  /// Compiles `condition`. Throws ConditionError at the offending position.
  static Program compile(std::string_view condition, const Scope& scope);

  bool matches(const RiskFacts& r) const { return eval(root_, r).num != 0; }
  /// Every non-literal sub-expression with its value, outermost first.
  std::vector<ExplainStep> explain(const RiskFacts& r, const Matrix& m) const;
  const std::string& text() const { return text_; }

 private:
  enum class Op : uint8_t {
    Const,
    Field,
    Neg,
    Not,
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
    IsNone,
    NotNone,
  };
  struct Expr {
    Op op = Op::Const;
    Type type = Type::Bool;
    Field field = Field::Id;
    uint32_t a = 0, b = 0, count = 0;  ///< kids; for In: a = left, list is b..b+count
    Value constant;                    ///< Const (str set at compile from strings_)
    int32_t str_index = -1;            ///< a String constant's text in strings_
    bool named = false;                ///< a param: explanations show it
    size_t offset = 0, end = 0;        ///< span in the condition
  };
  friend class Compiler;

  Value eval(uint32_t i, const RiskFacts& r) const;
  void explain_into(uint32_t i, int depth, const RiskFacts& r, const Matrix& m, std::vector<ExplainStep>& out) const;

  std::string text_;
  std::vector<Expr> exprs_;
  std::vector<std::string> strings_;
  uint32_t root_ = 0;
};

}  // namespace riskreg::rules
