#pragma once
/// One vocabulary for the values commands filter on: a band is written by its name
/// everywhere and accepted as its name or its label in any case ("very-high", "Very high",
/// "VERY HIGH"); an owner matches whatever its case. An unknown value is refused with the
/// valid ones and a "did you mean" (ErrorKind::InvalidInput, exit 4), never silently
/// matching nothing.
#include <string>
#include <string_view>
#include <vector>

#include "domain/matrix.h"

namespace riskreg::cli {

/// The band named or labelled `text` (any case, surrounding blanks ignored); throws
/// Error(InvalidInput) naming `option`, the valid names and the closest one otherwise.
const Band& band_named(const Matrix& m, std::string_view text, std::string_view option = "--band");

/// The owner among `owners` (Store::owners()) that `text` names, as the register writes it:
/// any case, blanks around it ignored. Throws Error(InvalidInput) naming `option`, the owners
/// (the first kOwnersShown of them, then how many more) and the closest one otherwise; an
/// owner filter that names nobody would silently match nothing.
std::string owner_named(const std::vector<std::string>& owners, std::string_view text,
                        std::string_view option = "--owner");

/// How many owners an owner_named error lists: the message stays one readable line in a
/// register with thousands of owners.
inline constexpr size_t kOwnersShown = 12;

/// True if two owner names are the same person's as written, ignoring case and blanks
/// around them (ASCII case only: names are compared as the register holds them).
bool same_owner(std::string_view a, std::string_view b);

}  // namespace riskreg::cli
