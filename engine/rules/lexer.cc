#include "rules/lexer.h"

#include <cctype>
#include <cstdlib>

namespace riskreg::rules {

std::string tok_name(Tok t) {
  switch (t) {
    case Tok::End:
      return "the end of the condition";
    case Tok::Number:
      return "a number";
    case Tok::String:
      return "a \"string\"";
    case Tok::Level:
      return "a 'level'";
    case Tok::Ident:
      return "a field name";
    case Tok::And:
      return "'and'";
    case Tok::Or:
      return "'or'";
    case Tok::Not:
      return "'not'";
    case Tok::In:
      return "'in'";
    case Tok::True:
      return "'true'";
    case Tok::False:
      return "'false'";
    case Tok::None:
      return "'none'";
    case Tok::Eq:
      return "'=='";
    case Tok::Ne:
      return "'!='";
    case Tok::Lt:
      return "'<'";
    case Tok::Le:
      return "'<='";
    case Tok::Gt:
      return "'>'";
    case Tok::Ge:
      return "'>='";
    case Tok::Plus:
      return "'+'";
    case Tok::Minus:
      return "'-'";
    case Tok::Star:
      return "'*'";
    case Tok::Slash:
      return "'/'";
    case Tok::LParen:
      return "'('";
    case Tok::RParen:
      return "')'";
    case Tok::Comma:
      return "','";
  }
  return "?";
}

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Tok keyword(std::string_view w) {
  if (w == "and") return Tok::And;
  if (w == "or") return Tok::Or;
  if (w == "not") return Tok::Not;
  if (w == "in") return Tok::In;
  if (w == "true") return Tok::True;
  if (w == "false") return Tok::False;
  if (w == "none") return Tok::None;
  return Tok::Ident;
}

}  // namespace

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.offset = i;
    if (i >= s.size()) {
      t.kind = Tok::End;
      out.push_back(t);
      return out;
    }
    char c = s[i];
    auto two = [&](char next) { return i + 1 < s.size() && s[i + 1] == next; };
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j + 1 < s.size() && s[j] == '.' && std::isdigit(static_cast<unsigned char>(s[j + 1]))) {
        ++j;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      }
      if (j < s.size() && ident_start(s[j]))
        throw ConditionError(i, "a number cannot run into a name ('" + std::string(s.substr(i, j - i + 1)) +
                                    "'): put a space between them, or quote a level code as '" +
                                    std::string(s.substr(i, j - i + 1)) + "'");
      t.kind = Tok::Number;
      t.text = std::string(s.substr(i, j - i));
      t.number = std::strtod(t.text.c_str(), nullptr);
      i = j;
    } else if (ident_start(c)) {
      size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      t.text = std::string(s.substr(i, j - i));
      t.kind = keyword(t.text);
      i = j;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != c) ++j;
      if (j >= s.size())
        throw ConditionError(i,
                             std::string("unterminated ") + (c == '"' ? "string" : "level") + ": add the closing " + c);
      t.kind = c == '"' ? Tok::String : Tok::Level;
      t.text = std::string(s.substr(i + 1, j - i - 1));
      if (t.kind == Tok::Level && t.text.empty()) throw ConditionError(i, "an empty level ''");
      i = j + 1;
    } else {
      switch (c) {
        case '=':
          if (!two('=')) throw ConditionError(i, "'=' is not an operator: write '==' to compare");
          t.kind = Tok::Eq, i += 2;
          break;
        case '!':
          if (!two('=')) throw ConditionError(i, "'!' is not an operator: write 'not' to negate or '!=' to compare");
          t.kind = Tok::Ne, i += 2;
          break;
        case '<':
          if (two('='))
            t.kind = Tok::Le, i += 2;
          else
            t.kind = Tok::Lt, i += 1;
          break;
        case '>':
          if (two('='))
            t.kind = Tok::Ge, i += 2;
          else
            t.kind = Tok::Gt, i += 1;
          break;
        case '&':
          throw ConditionError(i, "'&' is not an operator: write 'and'");
        case '|':
          throw ConditionError(i, "'|' is not an operator: write 'or'");
        case '+':
          t.kind = Tok::Plus, i += 1;
          break;
        case '-':
          t.kind = Tok::Minus, i += 1;
          break;
        case '*':
          t.kind = Tok::Star, i += 1;
          break;
        case '/':
          t.kind = Tok::Slash, i += 1;
          break;
        case '(':
          t.kind = Tok::LParen, i += 1;
          break;
        case ')':
          t.kind = Tok::RParen, i += 1;
          break;
        case ',':
          t.kind = Tok::Comma, i += 1;
          break;
        default: {
          // Whole UTF-8 sequence, so the message quotes a character, not a byte.
          size_t j = i + 1;
          while (j < s.size() && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) ++j;
          throw ConditionError(i, "unexpected character '" + std::string(s.substr(i, j - i)) + "'");
        }
      }
    }
    t.length = i - t.offset;
    out.push_back(std::move(t));
  }
}

}  // namespace riskreg::rules
