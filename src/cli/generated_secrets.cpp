#include "src/cli/generated_secrets.hpp"

#include "src/cli/cli_error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <string_view>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

constexpr std::string_view crockford_alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view crockford_lowercase = "0123456789abcdefghjkmnpqrstvwxyz";

constexpr std::size_t recovery_symbols = 40;
constexpr std::size_t recovery_group = 5;
constexpr std::size_t app_password_symbols = 24;
constexpr std::size_t app_password_group = 6;

// Fills symbol_count symbols from alphabet, in groups of group_size joined by '-'.
// Each symbol takes the low 5 bits of one random byte: 256 is a multiple of 32, so
// every symbol is equally likely.
crypto::secret_bytes generate_grouped(std::string_view alphabet, std::size_t symbol_count,
                                      std::size_t group_size) {
    auto random = crypto::secret_bytes::random(symbol_count);
    std::size_t separators = symbol_count / group_size - 1;
    crypto::secret_bytes text(symbol_count + separators);

    std::size_t out = 0;
    for (std::size_t i = 0; i < symbol_count; ++i) {
        if (i > 0 && i % group_size == 0) {
            text.data()[out++] = '-';
        }
        text.data()[out++] = static_cast<unsigned char>(alphabet[random.data()[i] & 0x1F]);
    }
    return text;
}

// Returns the canonical symbol for a typed character, '\0' for a separator to skip,
// or nothing when the character is not part of a recovery code.
std::optional<char> canonical_symbol(unsigned char typed) {
    if (typed == '-' || typed == ' ') {
        return '\0';
    }
    char upper = static_cast<char>((typed >= 'a' && typed <= 'z') ? typed - 'a' + 'A' : typed);
    if (upper == 'O') {
        return '0';
    }
    if (upper == 'I' || upper == 'L') {
        return '1';
    }
    if (upper != '\0' && crockford_alphabet.find(upper) != std::string_view::npos) {
        return upper;
    }
    return std::nullopt;
}

void write_all(std::span<const unsigned char> bytes) {
    std::size_t written = 0;
    while (written < bytes.size()) {
        ssize_t count = ::write(STDOUT_FILENO, bytes.data() + written, bytes.size() - written);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            throw cli_error(
                fmt::format("failed to write to standard output: {}", std::strerror(errno)));
        }
        written += static_cast<std::size_t>(count);
    }
}

} // namespace

crypto::secret_bytes generate_recovery_code() {
    return generate_grouped(crockford_alphabet, recovery_symbols, recovery_group);
}

std::optional<crypto::secret_bytes> canonical_recovery_code(std::span<const unsigned char> typed) {
    crypto::secret_bytes canonical(recovery_symbols);
    std::size_t count = 0;
    for (unsigned char character : typed) {
        std::optional<char> symbol = canonical_symbol(character);
        if (!symbol) {
            return std::nullopt;
        }
        if (*symbol == '\0') {
            continue;
        }
        if (count == recovery_symbols) {
            return std::nullopt;
        }
        canonical.data()[count++] = static_cast<unsigned char>(*symbol);
    }
    if (count != recovery_symbols) {
        return std::nullopt;
    }
    return canonical;
}

crypto::secret_bytes generate_app_password() {
    return generate_grouped(crockford_lowercase, app_password_symbols, app_password_group);
}

void print_secret_line(const crypto::secret_bytes& secret) {
    // The lines before the secret tell the user what it is, so losing them is a failure.
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0) {
        throw cli_error("failed to write to standard output");
    }
    write_all(secret.bytes());
    constexpr unsigned char newline[] = {'\n'};
    write_all(newline);
}

} // namespace skrynka::app::cli
