#pragma once
/// Tokens of the rule condition language (docs/rules.md "The rule language"). Positions are
/// byte offsets into the condition text; the rule set maps them to file line:col.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace riskreg::rules {

enum class Tok {
  End,
  Number,  ///< 3, 2.5
  String,  ///< "very-high" (double quotes)
  Level,   ///< 'B' (single quotes: a scale code, never a field)
  Ident,   ///< likelihood, B, stale_days
  And,
  Or,
  Not,
  In,
  True,
  False,
  None,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  Comma,
};

/// How a token kind is named in "expected ..." messages ("'and'", "a number").
std::string tok_name(Tok t);

struct Token {
  Tok kind = Tok::End;
  size_t offset = 0;  ///< byte offset of its first character in the condition
  size_t length = 0;  ///< bytes in the condition text
  std::string text;   ///< identifier, decoded string or number as written
  double number = 0;
};

/// A problem in a condition at a byte offset. The rule set turns it into a FileError
/// with the file's line:col; it never escapes the engine as it is.
class ConditionError : public Error {
 public:
  ConditionError(size_t offset, const std::string& problem) : Error(ErrorKind::BadFile, problem), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

/// Splits a condition into tokens, ending with Tok::End. Throws ConditionError.
std::vector<Token> tokenize(std::string_view text);

}  // namespace riskreg::rules
