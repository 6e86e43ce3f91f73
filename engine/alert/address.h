#pragma once
/// What may reach a mail header or the SMTP envelope. Addresses come only from the alert
/// configuration or from text that passes `valid_address`; nothing from the register is ever
/// used as an address as it stands, and no header or envelope value holds a control character.
#include <string>
#include <string_view>

namespace riskreg::alert {

/// A plain `local@domain` address (RFC 5321 dot-atom local part, a domain of letter, digit and
/// hyphen labels), at most 254 bytes: no spaces, quotes, angle brackets, comments or controls.
bool valid_address(std::string_view s);

/// The first control character in `s` (C0, DEL), or -1.
int first_control(std::string_view s);

/// `s` with each control character written visibly ("\n", "\r", "\t", "\x1b"), for text that a
/// terminal, a log or a plain-text alert shows.
std::string escape_controls(std::string_view s);

/// Throws Error(InvalidInput) naming `what` and the character when `value` holds a control:
/// every header and envelope value goes through it before a message is sent.
void require_no_controls(std::string_view what, std::string_view value);

}  // namespace riskreg::alert
