// Secrets that skrynka generates and prints once for a person to write down or paste:
// recovery codes and app passwords. Both use the Crockford base32 alphabet
// (0-9 and A-Z without I, L, O, U), which avoids letters that look like digits.
#pragma once

#include "crypto/secret.hpp"

#include <optional>
#include <span>

namespace skrynka::app::cli {

// Returns a new recovery code: 40 symbols (200 random bits) in eight groups of five
// joined by '-', such as "7KQ2M-0V9XD-...". The key slot secret is its canonical form
// (canonical_recovery_code()), not this text.
crypto::secret_bytes generate_recovery_code();

// Returns the canonical form of a typed recovery code: the 40 symbols in uppercase with
// no separators. Accepts lowercase, '-' and spaces anywhere, and reads O as 0 and I or
// L as 1. Returns nothing when the text has another character or not 40 symbols.
std::optional<crypto::secret_bytes> canonical_recovery_code(std::span<const unsigned char> typed);

// Returns a new app password: 24 lowercase symbols (120 random bits) in four groups of
// six joined by '-'. The whole text, hyphens included, is the key slot secret, because
// a mail client sends the password exactly as it was pasted.
crypto::secret_bytes generate_app_password();

// Writes secret and a newline to standard output with write(2), after flushing
// std::cout and stdout, so that no stdio buffer keeps a copy. Throws cli_error when the
// write fails.
void print_secret_line(const crypto::secret_bytes& secret);

} // namespace skrynka::app::cli
