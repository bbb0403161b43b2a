// POP3 command line parser: the commands of RFC 1939 sections 4 to 7, CAPA of RFC 2449
// section 5, STLS of RFC 2595 section 4 and AUTH of RFC 5034 section 4. Pure functions
// over one command line without its line terminator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace skrynka::pop3 {

enum class verb {
    user,
    pass,
    apop,
    auth,
    capa,
    stls,
    quit,
    stat,
    list,
    retr,
    dele,
    noop,
    rset,
    top,
    uidl,
    unknown,
};

// RFC 2449 section 4 allows each argument up to 255 octets.
inline constexpr std::size_t argument_size_max = 255;

enum class command_error {
    none,
    empty,             // the line is empty or only spaces
    unknown_command,   // the keyword is not one of the verbs above
    argument_too_long, // an argument exceeds argument_size_max
};

// A command line split into its keyword and arguments. The views point into the line.
struct command {
    verb name = verb::unknown;
    // Arguments separated by spaces. For PASS the whole rest of the line is one argument,
    // because RFC 1939 section 7 lets a password contain spaces. For AUTH the second
    // argument (the SASL initial response) is not limited to argument_size_max, since it
    // carries base64 credentials (RFC 5034 section 4).
    std::vector<std::string_view> arguments;
    command_error error = command_error::none;
};

// Parses a command line. The keyword is matched without regard to case (RFC 1939
// section 3). Runs of spaces between arguments and trailing spaces are accepted, since
// some clients send them and nothing else can be meant.
command parse_command(std::string_view line);

// Parses a message number or a line count: 1 to 10 decimal digits, no sign, at most
// 2^32 - 1. Returns nothing otherwise.
std::optional<std::uint32_t> parse_number(std::string_view text);

} // namespace skrynka::pop3
