#pragma once
/// The syntax tree of a rule condition, before names and types are resolved.
///
/// Precedence, lowest first: `or`, `and`, `not`, comparisons (`== != < <= > >= in`,
/// `not in`; not chainable), `+ -`, `* /`, unary `-`, then literals, names and parentheses.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/lexer.h"

namespace riskreg::rules {

enum class NodeKind {
  Number,
  String,
  Level,
  Bool,
  None,
  Name,
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
  List,  ///< the right side of `in`
};

struct Node {
  NodeKind kind = NodeKind::None;
  size_t offset = 0;     ///< where its text starts in the condition
  size_t end = 0;        ///< one past where it ends
  size_t op_offset = 0;  ///< the operator's own position (binary and unary nodes)
  std::string text;      ///< name, string or level text; number as written
  double number = 0;
  bool flag = false;  ///< Bool literal value
  std::vector<std::unique_ptr<Node>> kids;
};

/// The operator as written ("==", "not in"), for messages and explanations.
std::string op_text(NodeKind k);

/// Parses a condition. Throws ConditionError at the offending token.
std::unique_ptr<Node> parse_condition(std::string_view text);

}  // namespace riskreg::rules
