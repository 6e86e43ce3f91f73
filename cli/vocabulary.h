#pragma once
/// One vocabulary for the values commands filter on: a band is written by its name
/// everywhere and accepted as its name or its label in any case ("very-high", "Very high",
/// "VERY HIGH"); an owner matches whatever its case. An unknown value is refused with the
/// valid ones and a "did you mean" (ErrorKind::InvalidInput, exit 4), never silently
/// matching nothing.
#include <string>
#include <string_view>

#include "domain/matrix.h"

namespace riskreg::cli {

/// The band named or labelled `text` (any case, surrounding blanks ignored); throws
/// Error(InvalidInput) naming `option`, the valid names and the closest one otherwise.
const Band& band_named(const Matrix& m, std::string_view text, std::string_view option = "--band");

/// True if two owner names are the same person's as written, ignoring case and blanks
/// around them (ASCII case only: names are compared as the register holds them).
bool same_owner(std::string_view a, std::string_view b);

}  // namespace riskreg::cli
