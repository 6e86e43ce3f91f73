#include "rules/parser.h"

namespace riskreg::rules {

std::string op_text(NodeKind k) {
  switch (k) {
    case NodeKind::Neg:
      return "-";
    case NodeKind::Not:
      return "not";
    case NodeKind::And:
      return "and";
    case NodeKind::Or:
      return "or";
    case NodeKind::Eq:
      return "==";
    case NodeKind::Ne:
      return "!=";
    case NodeKind::Lt:
      return "<";
    case NodeKind::Le:
      return "<=";
    case NodeKind::Gt:
      return ">";
    case NodeKind::Ge:
      return ">=";
    case NodeKind::In:
      return "in";
    case NodeKind::NotIn:
      return "not in";
    case NodeKind::Add:
      return "+";
    case NodeKind::Sub:
      return "-";
    case NodeKind::Mul:
      return "*";
    case NodeKind::Div:
      return "/";
    default:
      return "";
  }
}

namespace {

/// Recursive descent, one function per precedence level.
class Parser {
 public:
  explicit Parser(std::string_view text) : toks_(tokenize(text)) {
    // Bounds the syntax tree's height (the compiler, evaluator and destructor recurse over
    // it): a left-leaning chain like 'a + a + a ...' nests one node per operator.
    if (toks_.size() > kMaxTokens)
      throw ConditionError(toks_[kMaxTokens].offset,
                           "the condition is too long (more than " + std::to_string(kMaxTokens) + " tokens)");
  }

  std::unique_ptr<Node> parse() {
    auto n = parse_or();
    if (peek().kind != Tok::End) {
      if (peek().kind == Tok::RParen) throw ConditionError(peek().offset, "unmatched ')'");
      if (is_comparison(peek().kind) && is_comparison_node(n->kind))
        throw ConditionError(peek().offset, "comparisons do not chain: write 'a < b and b < c'");
      throw ConditionError(peek().offset, "expected 'and', 'or' or the end of the condition, found " + found());
    }
    return n;
  }

 private:
  static constexpr size_t kMaxTokens = 1000;
  static constexpr int kMaxDepth = 64;  ///< parentheses, 'not' and unary '-' nest at most this deep
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;

  /// Counts one level of recursive nesting at `offset`; the caller undoes it with --depth_.
  void enter(size_t offset, const char* what) {
    if (++depth_ > kMaxDepth)
      throw ConditionError(offset, std::string(what) + " nested more than " + std::to_string(kMaxDepth) + " deep");
  }

  const Token& peek(size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  const Token& next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  std::string found() const {
    const Token& t = peek();
    if (t.kind == Tok::End) return "the end of the condition";
    if (t.kind == Tok::String) return "\"" + t.text + "\"";
    if (t.kind == Tok::Level) return "'" + t.text + "'";
    if (t.kind == Tok::Number || t.kind == Tok::Ident) return "'" + t.text + "'";
    return tok_name(t.kind);
  }
  static bool is_comparison(Tok t) {
    return t == Tok::Eq || t == Tok::Ne || t == Tok::Lt || t == Tok::Le || t == Tok::Gt || t == Tok::Ge || t == Tok::In;
  }
  static bool is_comparison_node(NodeKind k) {
    return k == NodeKind::Eq || k == NodeKind::Ne || k == NodeKind::Lt || k == NodeKind::Le || k == NodeKind::Gt ||
           k == NodeKind::Ge || k == NodeKind::In || k == NodeKind::NotIn;
  }

  static std::unique_ptr<Node> binary(NodeKind k, size_t op, std::unique_ptr<Node> a, std::unique_ptr<Node> b) {
    auto n = std::make_unique<Node>();
    n->kind = k;
    n->offset = a->offset;
    n->end = b->end;
    n->op_offset = op;
    n->kids.push_back(std::move(a));
    n->kids.push_back(std::move(b));
    return n;
  }

  std::unique_ptr<Node> parse_or() {
    auto a = parse_and();
    while (peek().kind == Tok::Or) {
      size_t op = next().offset;
      a = binary(NodeKind::Or, op, std::move(a), parse_and());
    }
    return a;
  }

  std::unique_ptr<Node> parse_and() {
    auto a = parse_not();
    while (peek().kind == Tok::And) {
      size_t op = next().offset;
      a = binary(NodeKind::And, op, std::move(a), parse_not());
    }
    return a;
  }

  std::unique_ptr<Node> parse_not() {
    if (peek().kind == Tok::Not) {
      const Token& t = next();
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::Not;
      n->offset = n->op_offset = t.offset;
      enter(t.offset, "'not'");
      n->kids.push_back(parse_not());
      --depth_;
      n->end = n->kids[0]->end;
      return n;
    }
    return parse_comparison();
  }

  std::unique_ptr<Node> parse_comparison() {
    auto a = parse_sum();
    NodeKind k;
    switch (peek().kind) {
      case Tok::Eq:
        k = NodeKind::Eq;
        break;
      case Tok::Ne:
        k = NodeKind::Ne;
        break;
      case Tok::Lt:
        k = NodeKind::Lt;
        break;
      case Tok::Le:
        k = NodeKind::Le;
        break;
      case Tok::Gt:
        k = NodeKind::Gt;
        break;
      case Tok::Ge:
        k = NodeKind::Ge;
        break;
      case Tok::In:
        k = NodeKind::In;
        break;
      case Tok::Not:
        if (peek(1).kind != Tok::In)
          throw ConditionError(peek().offset, "expected 'not in' or an operator, found 'not'");
        k = NodeKind::NotIn;
        next();
        break;
      default:
        return a;
    }
    size_t op = next().offset;
    if (k == NodeKind::In || k == NodeKind::NotIn) return binary(k, op, std::move(a), parse_list());
    return binary(k, op, std::move(a), parse_sum());
  }

  std::unique_ptr<Node> parse_list() {
    if (peek().kind != Tok::LParen)
      throw ConditionError(peek().offset, "expected '(' to start the list after 'in', found " + found());
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::List;
    n->offset = next().offset;
    if (peek().kind == Tok::RParen) throw ConditionError(peek().offset, "an empty list: 'in ()' is never true");
    while (true) {
      n->kids.push_back(parse_sum());
      if (peek().kind == Tok::Comma) {
        next();
        continue;
      }
      if (peek().kind == Tok::RParen) break;
      throw ConditionError(peek().offset, "expected ',' or ')' in the list, found " + found());
    }
    n->end = next().offset + 1;
    return n;
  }

  std::unique_ptr<Node> parse_sum() {
    auto a = parse_product();
    while (peek().kind == Tok::Plus || peek().kind == Tok::Minus) {
      NodeKind k = peek().kind == Tok::Plus ? NodeKind::Add : NodeKind::Sub;
      size_t op = next().offset;
      a = binary(k, op, std::move(a), parse_product());
    }
    return a;
  }

  std::unique_ptr<Node> parse_product() {
    auto a = parse_unary();
    while (peek().kind == Tok::Star || peek().kind == Tok::Slash) {
      NodeKind k = peek().kind == Tok::Star ? NodeKind::Mul : NodeKind::Div;
      size_t op = next().offset;
      a = binary(k, op, std::move(a), parse_unary());
    }
    return a;
  }

  std::unique_ptr<Node> parse_unary() {
    if (peek().kind == Tok::Minus) {
      const Token& t = next();
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::Neg;
      n->offset = n->op_offset = t.offset;
      enter(t.offset, "unary '-'");
      n->kids.push_back(parse_unary());
      --depth_;
      n->end = n->kids[0]->end;
      return n;
    }
    return parse_primary();
  }

  std::unique_ptr<Node> parse_primary() {
    const Token& t = peek();
    auto n = std::make_unique<Node>();
    n->offset = t.offset;
    n->end = t.offset + t.length;
    n->text = t.text;
    switch (t.kind) {
      case Tok::Number:
        n->kind = NodeKind::Number, n->number = t.number;
        break;
      case Tok::String:
        n->kind = NodeKind::String;
        break;
      case Tok::Level:
        n->kind = NodeKind::Level;
        break;
      case Tok::Ident:
        n->kind = NodeKind::Name;
        break;
      case Tok::True:
        n->kind = NodeKind::Bool, n->flag = true;
        break;
      case Tok::False:
        n->kind = NodeKind::Bool, n->flag = false;
        break;
      case Tok::None:
        n->kind = NodeKind::None;
        break;
      case Tok::LParen: {
        enter(t.offset, "parentheses");
        next();
        auto inner = parse_or();
        if (peek().kind != Tok::RParen)
          throw ConditionError(peek().offset, "expected ')' to close the '(', found " + found());
        --depth_;
        // Keep the parentheses in the span, so explanations quote them.
        inner->offset = t.offset;
        inner->end = next().offset + 1;
        return inner;
      }
      default:
        throw ConditionError(t.offset, "expected a value, a field name or '(', found " + found());
    }
    next();
    return n;
  }
};

}  // namespace

std::unique_ptr<Node> parse_condition(std::string_view text) { return Parser(text).parse(); }

}  // namespace riskreg::rules
