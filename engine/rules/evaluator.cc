#include "rules/evaluator.h"

#include <cmath>
#include <cstdio>

#include "core/text.h"
#include "domain/response.h"

namespace riskreg::rules {

Value field_value(Field f, const RiskFacts& r) {
  auto rank = [](int x) { return x < 0 ? Value{0, {}, true} : Value{static_cast<double>(x), {}, false}; };
  auto opt = [](const std::optional<double>& x) { return x ? Value{*x, {}, false} : Value{0, {}, true}; };
  auto num = [](double x) { return Value{x, {}, false}; };
  switch (f) {
    case Field::Id:
      return {0, r.id, false};
    case Field::Title:
      return {0, r.title, false};
    case Field::Owner:
      return r.owner ? Value{0, *r.owner, false} : Value{0, {}, true};
    case Field::HasOwner:
      return num(r.owner.has_value());
    case Field::Likelihood:
      return rank(r.likelihood);
    case Field::Impact:
      return rank(r.impact);
    case Field::Cell:
      return rank(r.cell);
    case Field::Band:
      return rank(r.band);
    case Field::Score:
      return opt(r.score);
    case Field::AboveAppetite:
      return num(r.above_appetite);
    case Field::HasTarget:
      return num(r.target_cell >= 0);
    case Field::TargetLikelihood:
      return rank(r.target_likelihood);
    case Field::TargetImpact:
      return rank(r.target_impact);
    case Field::TargetCell:
      return rank(r.target_cell);
    case Field::TargetBand:
      return rank(r.target_band);
    case Field::TargetScore:
      return opt(r.target_score);
    case Field::TargetDistance:
      return opt(r.target_distance);
    case Field::DaysSinceAssessment:
      return opt(r.days_since_assessment);
    case Field::HasPrevious:
      return num(r.previous_cell >= 0);
    case Field::PreviousLikelihood:
      return rank(r.previous_likelihood);
    case Field::PreviousImpact:
      return rank(r.previous_impact);
    case Field::PreviousCell:
      return rank(r.previous_cell);
    case Field::PreviousBand:
      return rank(r.previous_band);
    case Field::PreviousScore:
      return opt(r.previous_score);
    case Field::Direction:
      return num(static_cast<double>(r.direction));
    case Field::Worsened:
      return num(r.direction == Direction::Worse);
    case Field::Priorities:
      return num(r.priorities);
    case Field::Actions:
      return num(r.actions);
    case Field::Mitigations:
      return num(r.priorities + r.actions);
    case Field::Upstream:
      return num(r.upstream);
    case Field::UpstreamAbove:
      return num(r.upstream_above);
    case Field::Closed:
      return num(r.closed);
    case Field::NextReview:
      return r.next_review ? Value{0, *r.next_review, false} : Value{0, {}, true};
    case Field::DaysToReview:
      return opt(r.days_to_review);
    case Field::DaysSinceReview:
      return opt(r.days_since_review);
    case Field::OpenActions:
      return num(r.open_actions);
    case Field::OverdueActions:
      return num(r.overdue_actions);
    case Field::Response:
      return r.response ? Value{0, response_kinds()[r.response - 1], false} : Value{0, {}, true};
    case Field::AcceptedBy:
      return r.accepted_by.empty() ? Value{0, {}, true} : Value{0, r.accepted_by, false};
    case Field::AcceptedUntil:
      return r.accepted_until.empty() ? Value{0, {}, true} : Value{0, r.accepted_until, false};
    case Field::DaysToAcceptanceExpiry:
      return opt(r.days_to_acceptance_expiry);
  }
  return {0, {}, true};
}

std::string format_value(const Value& v, Type t, const Matrix& m) {
  if (v.null) return "none";
  // Only level, cell, band and direction values are positions; a number out of int's range
  // (fuzz finding: "days_since_assessment > 6222222222222222220 * 22") must not be cast.
  int i = std::isfinite(v.num) && std::fabs(v.num) < 1e9 ? static_cast<int>(v.num) : -1;
  switch (t) {
    case Type::Bool:
      return v.num != 0 ? "true" : "false";
    case Type::Number: {
      if (std::isfinite(v.num) && v.num == std::floor(v.num) && std::fabs(v.num) < 1e15)
        return std::to_string(static_cast<long long>(v.num));
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", v.num);
      return buf;
    }
    case Type::String:
      return std::string(v.str);
    case Type::Likelihood:
      return m.likelihood.levels.at(i).code;
    case Type::Impact:
      return m.impact.levels.at(i).code;
    case Type::Cell:
      return m.format(m.cell_at(i));
    case Type::Band:
      return m.bands.at(i).name;
    case Type::Direction:
      return direction_name(static_cast<Direction>(i));
    case Type::None:
      return "none";
  }
  return "?";
}

/// Resolves names and literals and checks types, building the flat expression list.
class Compiler {
 public:
  Compiler(std::string_view text, const Scope& scope) : text_(text), scope_(scope) {}

  Program run() {
    auto tree = parse_condition(text_);
    uint32_t root = compile(*tree);
    if (p_.exprs_[root].type != Type::Bool)
      throw ConditionError(tree->offset, "a condition must be true or false, but this is " +
                                             type_name(p_.exprs_[root].type) + hint(*tree, p_.exprs_[root].type));
    p_.root_ = root;
    p_.text_ = std::string(text_);
    return std::move(p_);
  }

 private:
  using Op = Program::Op;
  using Expr = Program::Expr;
  std::string_view text_;
  Scope scope_;
  Program p_;

  const Matrix& m() const { return *scope_.matrix; }

  uint32_t add(Expr e, const Node& n) {
    e.offset = n.offset;
    e.end = n.end;
    p_.exprs_.push_back(e);
    return static_cast<uint32_t>(p_.exprs_.size() - 1);
  }
  Type type(uint32_t i) const { return p_.exprs_[i].type; }

  const Param* find_param(std::string_view name) const {
    if (!scope_.params) return nullptr;
    for (const auto& p : *scope_.params)
      if (p.name == name) return &p;
    return nullptr;
  }

  std::vector<std::string> known_names() const {
    auto names = field_names();
    if (scope_.params)
      for (const auto& p : *scope_.params) names.push_back(p.name);
    return names;
  }

  /// "; did you mean 'priorities > 0'?" style hints for a common mistake.
  std::string hint(const Node& n, Type t) const {
    if (t == Type::Number && n.kind == NodeKind::Name) return "; did you mean '" + n.text + " > 0'?";
    return "";
  }

  /// A literal, or a name that is neither a field nor a param: it takes its meaning from
  /// what it is compared with (a level code, a band name, a cell).
  bool literalish(const Node& n) const {
    switch (n.kind) {
      case NodeKind::Level:
      case NodeKind::Number:
      case NodeKind::String:
        return true;
      case NodeKind::Name:
        return !find_field(n.text) && !find_param(n.text);
      default:
        return false;
    }
  }

  [[noreturn]] void unknown_name(const Node& n) const {
    throw ConditionError(n.offset, "unknown field '" + n.text + "'" + did_you_mean_suffix(n.text, known_names()));
  }

  uint32_t constant(const Node& n, Type t, double num) {
    Expr e;
    e.op = Op::Const;
    e.type = t;
    e.constant.num = num;
    return add(e, n);
  }

  uint32_t string_constant(const Node& n, const std::string& s) {
    Expr e;
    e.op = Op::Const;
    e.type = Type::String;
    e.str_index = static_cast<int32_t>(p_.strings_.size());
    p_.strings_.push_back(s);
    return add(e, n);
  }

  /// A literal read as a value of type `t` (the type of what it is compared with).
  uint32_t literal_as(const Node& n, Type t) {
    if (n.kind == NodeKind::Name && t != Type::Likelihood && t != Type::Impact && t != Type::Cell && t != Type::Band &&
        t != Type::Direction)
      unknown_name(n);
    const std::string& s = n.text;
    auto level = [&](const Scale& scale, Type lt) -> uint32_t {
      if (const Level* l = scale.find(s)) return constant(n, lt, l->rank);
      std::vector<std::string> codes = scale.codes();
      std::vector<std::string> spellings = codes;
      for (const auto& l : scale.levels)
        for (const auto& a : l.aliases) spellings.push_back(a);
      std::string what = lt == Type::Likelihood ? "likelihood" : "impact";
      // One-character codes are all one edit apart: a suggestion would be a guess.
      auto suggestion = s.size() > 1 ? did_you_mean(s, spellings) : std::nullopt;
      if (!suggestion && n.kind == NodeKind::Name) suggestion = did_you_mean(s, known_names());
      throw ConditionError(n.offset, "'" + s + "' is not " + (n.kind == NodeKind::Name ? "a field or " : "") +
                                         (lt == Type::Likelihood ? "a " : "an ") + what +
                                         " level of the matrix (levels: " + join(codes, ", ") + ")" +
                                         (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
    };
    switch (t) {
      case Type::Likelihood:
        return level(m().likelihood, t);
      case Type::Impact:
        return level(m().impact, t);
      case Type::Cell: {
        if (auto c = m().parse(s)) return constant(n, t, m().index(*c));
        throw ConditionError(n.offset, "'" + s + "' is not a cell of the matrix (e.g. " + m().all_scores().front() +
                                           ")" + did_you_mean_suffix(s, m().all_scores()));
      }
      case Type::Band: {
        std::vector<std::string> names;
        for (const auto& b : m().bands) {
          if (b.name == s) return constant(n, t, b.rank);
          names.push_back(b.name);
        }
        throw ConditionError(n.offset, "'" + s + "' is not a band of the matrix (bands: " + join(names, ", ") + ")" +
                                           did_you_mean_suffix(s, names));
      }
      case Type::Direction: {
        std::vector<std::string> names = {"worse", "better", "same", "none"};
        for (auto d : {Direction::Worse, Direction::Better, Direction::Same, Direction::None})
          if (s == direction_name(d)) return constant(n, t, static_cast<double>(d));
        throw ConditionError(
            n.offset, "'" + s + "' is not a direction (worse, better, same or none)" + did_you_mean_suffix(s, names));
      }
      case Type::Number:
        if (n.kind == NodeKind::Number) return constant(n, t, n.number);
        break;
      case Type::String:
        if (n.kind == NodeKind::String) return string_constant(n, s);
        break;
      default:
        break;
    }
    std::string lit = n.kind == NodeKind::Number   ? "the number " + s
                      : n.kind == NodeKind::String ? "the string \"" + s + "\""
                                                   : "the level '" + s + "'";
    throw ConditionError(n.offset, "type mismatch: " + lit + " cannot be compared with " + type_name(t));
  }

  /// A node compiled on its own, without a type to take from a neighbour.
  uint32_t compile(const Node& n) {
    Expr e;
    switch (n.kind) {
      case NodeKind::Number:
        return constant(n, Type::Number, n.number);
      case NodeKind::String:
        return string_constant(n, n.text);
      case NodeKind::Bool:
        return constant(n, Type::Bool, n.flag ? 1 : 0);
      case NodeKind::Level:
        throw ConditionError(n.offset, "the level '" + n.text +
                                           "' must be compared with a likelihood, impact, cell or band (e.g. "
                                           "likelihood >= '" +
                                           n.text + "')");
      case NodeKind::None:
        throw ConditionError(n.offset, "'none' can only be compared with == or != (e.g. owner == none)");
      case NodeKind::List:
        throw ConditionError(n.offset, "a list can only follow 'in'");
      case NodeKind::Name: {
        if (const FieldInfo* f = find_field(n.text)) {
          if (f->needs_numeric && !m().numeric)
            throw ConditionError(n.offset, "'" + n.text + "' needs a numeric matrix, but '" + m().name +
                                               "' has no numeric score (score = \"none\")");
          e.op = Op::Field;
          e.type = f->type;
          e.field = f->field;
          return add(e, n);
        }
        if (const Param* p = find_param(n.text)) {
          uint32_t i = p->type == Type::String ? string_constant(n, p->str) : constant(n, p->type, p->num);
          p_.exprs_[i].named = true;
          return i;
        }
        unknown_name(n);
      }
      case NodeKind::Neg: {
        uint32_t a = operand(*n.kids[0], Type::Number, "-");
        e.op = Op::Neg, e.type = Type::Number, e.a = a;
        return add(e, n);
      }
      case NodeKind::Not: {
        uint32_t a = operand(*n.kids[0], Type::Bool, "not");
        e.op = Op::Not, e.type = Type::Bool, e.a = a;
        return add(e, n);
      }
      case NodeKind::And:
      case NodeKind::Or: {
        const char* op = n.kind == NodeKind::And ? "and" : "or";
        uint32_t a = operand(*n.kids[0], Type::Bool, op);
        uint32_t b = operand(*n.kids[1], Type::Bool, op);
        e.op = n.kind == NodeKind::And ? Op::And : Op::Or, e.type = Type::Bool, e.a = a, e.b = b;
        return add(e, n);
      }
      case NodeKind::Add:
      case NodeKind::Sub:
      case NodeKind::Mul:
      case NodeKind::Div: {
        std::string op = op_text(n.kind);
        uint32_t a = operand(*n.kids[0], Type::Number, op);
        uint32_t b = operand(*n.kids[1], Type::Number, op);
        e.op = n.kind == NodeKind::Add   ? Op::Add
               : n.kind == NodeKind::Sub ? Op::Sub
               : n.kind == NodeKind::Mul ? Op::Mul
                                         : Op::Div;
        e.type = Type::Number, e.a = a, e.b = b;
        return add(e, n);
      }
      case NodeKind::In:
      case NodeKind::NotIn:
        return compile_in(n);
      default:
        return compile_comparison(n);
    }
  }

  /// An operand that must have type `want` for operator `op`.
  uint32_t operand(const Node& n, Type want, const std::string& op) {
    uint32_t i = literalish(n) && n.kind == NodeKind::Name ? (unknown_name(n), 0u) : compile(n);
    if (type(i) != want) {
      std::string need = want == Type::Bool ? "true/false" : "numbers";
      throw ConditionError(n.offset, "type mismatch: '" + op + "' needs " + need + ", but this is " +
                                         type_name(type(i)) + (want == Type::Bool ? hint(n, type(i)) : ""));
    }
    return i;
  }

  static bool ordered(Type t) {
    return t == Type::Number || t == Type::Likelihood || t == Type::Impact || t == Type::Band;
  }

  /// Compiles `other` against `anchor_type`: literals take its meaning.
  uint32_t against(const Node& other, Type anchor_type) {
    if (literalish(other)) return literal_as(other, anchor_type);
    return compile(other);
  }

  uint32_t compile_comparison(const Node& n) {
    const Node& l = *n.kids[0];
    const Node& r = *n.kids[1];
    std::string op = op_text(n.kind);
    Expr e;
    // `x == none` / `x != none`: a nullness test.
    if (l.kind == NodeKind::None || r.kind == NodeKind::None) {
      const Node& other = l.kind == NodeKind::None ? r : l;
      if (other.kind == NodeKind::None) throw ConditionError(n.op_offset, "comparing none with none");
      if (n.kind != NodeKind::Eq && n.kind != NodeKind::Ne)
        throw ConditionError(n.op_offset, "'" + op + "' cannot compare with none: use == none or != none");
      if (literalish(other) && other.kind == NodeKind::Name) unknown_name(other);
      uint32_t a = compile(other);
      if (type(a) == Type::Direction) {
        // `direction == none`: the risk has no previous score.
        uint32_t b = constant(l.kind == NodeKind::None ? l : r, Type::Direction, static_cast<double>(Direction::None));
        e.op = n.kind == NodeKind::Eq ? Op::Eq : Op::Ne, e.type = Type::Bool, e.a = a, e.b = b;
        return add(e, n);
      }
      const Expr& x = p_.exprs_[a];
      // Arithmetic can yield none (none operands, division by zero); a constant or a field
      // that is always set cannot.
      const FieldInfo* f = x.op == Op::Field ? find_field(other.text) : nullptr;
      if (x.op == Op::Const || (f && !f->nullable))
        throw ConditionError(
            other.offset, "'" + std::string(text_.substr(other.offset, other.end - other.offset)) + "' is never none");
      e.op = n.kind == NodeKind::Eq ? Op::IsNone : Op::NotNone, e.type = Type::Bool, e.a = a;
      return add(e, n);
    }
    uint32_t a, b;
    if (literalish(l) && !literalish(r)) {
      b = compile(r);
      a = literal_as(l, type(b));
    } else if (literalish(l) && literalish(r)) {
      if (l.kind == NodeKind::Name) unknown_name(l);
      if (r.kind == NodeKind::Name) unknown_name(r);
      if (l.kind == NodeKind::Level || r.kind == NodeKind::Level) {
        const Node& lv = l.kind == NodeKind::Level ? l : r;
        throw ConditionError(
            lv.offset, "the level '" + lv.text + "' must be compared with a likelihood, impact, cell or band field");
      }
      a = compile(l);
      b = literal_as(r, type(a));
    } else {
      a = compile(l);
      b = against(r, type(a));
    }
    Type ta = type(a), tb = type(b);
    if (ta != tb)
      throw ConditionError(n.op_offset,
                           "type mismatch: '" + op + "' compares " + type_name(ta) + " with " + type_name(tb));
    bool equality = n.kind == NodeKind::Eq || n.kind == NodeKind::Ne;
    if (!equality && !ordered(ta)) {
      std::string why = ta == Type::Cell        ? "; compare likelihood, impact or band instead"
                        : ta == Type::Direction ? "; use direction == \"worse\""
                                                : "";
      std::string plural = ta == Type::Bool     ? "true/false values"
                           : ta == Type::Cell   ? "cells"
                           : ta == Type::String ? "strings"
                                                : "directions";
      throw ConditionError(
          n.op_offset, "'" + op + "' needs ordered values (numbers, levels or bands), but these are " + plural + why);
    }
    switch (n.kind) {
      case NodeKind::Eq:
        e.op = Op::Eq;
        break;
      case NodeKind::Ne:
        e.op = Op::Ne;
        break;
      case NodeKind::Lt:
        e.op = Op::Lt;
        break;
      case NodeKind::Le:
        e.op = Op::Le;
        break;
      case NodeKind::Gt:
        e.op = Op::Gt;
        break;
      default:
        e.op = Op::Ge;
        break;
    }
    e.type = Type::Bool, e.a = a, e.b = b;
    return add(e, n);
  }

  uint32_t compile_in(const Node& n) {
    const Node& l = *n.kids[0];
    const Node& list = *n.kids[1];
    if (l.kind == NodeKind::None) throw ConditionError(l.offset, "'none' cannot be in a list: use == none");
    if (literalish(l) && l.kind == NodeKind::Name) unknown_name(l);
    if (l.kind == NodeKind::Level)
      throw ConditionError(l.offset,
                           "the level '" + l.text + "' must be compared with a likelihood, impact, cell or band field");
    uint32_t a = compile(l);
    std::vector<uint32_t> items;
    for (const auto& k : list.kids) {
      if (k->kind == NodeKind::None) throw ConditionError(k->offset, "'none' cannot be in a list: use == none");
      uint32_t i = against(*k, type(a));
      if (type(i) != type(a))
        throw ConditionError(k->offset, "type mismatch: the list holds " + type_name(type(i)) + ", but '" +
                                            std::string(text_.substr(l.offset, l.end - l.offset)) + "' is " +
                                            type_name(type(a)));
      items.push_back(i);
    }
    // The list's items must be contiguous: copy them to the end.
    uint32_t first = static_cast<uint32_t>(p_.exprs_.size());
    for (uint32_t i : items) p_.exprs_.push_back(p_.exprs_[i]);
    Expr e;
    e.op = n.kind == NodeKind::In ? Op::In : Op::NotIn;
    e.type = Type::Bool, e.a = a, e.b = first, e.count = static_cast<uint32_t>(items.size());
    return add(e, n);
  }
};

Program Program::compile(std::string_view condition, const Scope& scope) { return Compiler(condition, scope).run(); }

namespace {
inline bool equal(const Value& x, const Value& y, Type t) {
  if (x.null || y.null) return x.null && y.null;
  return t == Type::String ? x.str == y.str : x.num == y.num;
}
}  // namespace

Value Program::eval(uint32_t i, const RiskFacts& r) const {
  const Expr& e = exprs_[i];
  auto boolean = [](bool b) { return Value{b ? 1.0 : 0.0, {}, false}; };
  switch (e.op) {
    case Op::Const:
      if (e.str_index >= 0) return {0, strings_[e.str_index], false};
      return e.constant;
    case Op::Field:
      return field_value(e.field, r);
    case Op::Neg: {
      Value v = eval(e.a, r);
      v.num = -v.num;
      return v;
    }
    case Op::Not:
      return boolean(eval(e.a, r).num == 0);
    case Op::And:
      return boolean(eval(e.a, r).num != 0 && eval(e.b, r).num != 0);
    case Op::Or:
      return boolean(eval(e.a, r).num != 0 || eval(e.b, r).num != 0);
    case Op::Eq:
      return boolean(equal(eval(e.a, r), eval(e.b, r), exprs_[e.a].type));
    case Op::Ne:
      return boolean(!equal(eval(e.a, r), eval(e.b, r), exprs_[e.a].type));
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
      Value x = eval(e.a, r), y = eval(e.b, r);
      if (x.null || y.null) return boolean(false);
      bool b = e.op == Op::Lt   ? x.num < y.num
               : e.op == Op::Le ? x.num <= y.num
               : e.op == Op::Gt ? x.num > y.num
                                : x.num >= y.num;
      return boolean(b);
    }
    case Op::In:
    case Op::NotIn: {
      Value x = eval(e.a, r);
      Type t = exprs_[e.a].type;
      bool found = false;
      for (uint32_t k = 0; k < e.count && !found; ++k) found = equal(x, eval(e.b + k, r), t);
      return boolean(e.op == Op::In ? found : !found);
    }
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div: {
      Value x = eval(e.a, r), y = eval(e.b, r);
      if (x.null || y.null) return {0, {}, true};
      if (e.op == Op::Div && y.num == 0) return {0, {}, true};
      double v = e.op == Op::Add   ? x.num + y.num
                 : e.op == Op::Sub ? x.num - y.num
                 : e.op == Op::Mul ? x.num * y.num
                                   : x.num / y.num;
      return {v, {}, false};
    }
    case Op::IsNone:
      return boolean(eval(e.a, r).null);
    case Op::NotNone:
      return boolean(!eval(e.a, r).null);
  }
  return boolean(false);
}

std::vector<ExplainStep> Program::explain(const RiskFacts& r, const Matrix& m) const {
  std::vector<ExplainStep> out;
  explain_into(root_, 0, r, m, out);
  return out;
}

void Program::explain_into(uint32_t i, int depth, const RiskFacts& r, const Matrix& m,
                           std::vector<ExplainStep>& out) const {
  const Expr& e = exprs_[i];
  if (e.op == Op::Const && !e.named) return;
  out.push_back({depth, text_.substr(e.offset, e.end - e.offset), format_value(eval(i, r), e.type, m)});
  switch (e.op) {
    case Op::Field:
      return;
    case Op::Neg:
    case Op::Not:
    case Op::IsNone:
    case Op::NotNone:
      explain_into(e.a, depth + 1, r, m, out);
      return;
    case Op::In:
    case Op::NotIn:
      explain_into(e.a, depth + 1, r, m, out);
      for (uint32_t k = 0; k < e.count; ++k) explain_into(e.b + k, depth + 1, r, m, out);
      return;
    default:
      explain_into(e.a, depth + 1, r, m, out);
      explain_into(e.b, depth + 1, r, m, out);
  }
}

}  // namespace riskreg::rules
