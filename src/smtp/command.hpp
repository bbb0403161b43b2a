// SMTP command line parser: the command verbs of RFC 5321 §4.1.1, BDAT of RFC 3030,
// STARTTLS of RFC 3207 §4, AUTH of RFC 4954 §4 and ESMTP parameters of RFC 5321 §4.1.2.
// Pure functions over one command line without its CR LF.
#pragma once

#include "src/smtp/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::smtp {

enum class verb {
    ehlo,
    helo,
    mail,
    rcpt,
    data,
    bdat,
    rset,
    noop,
    quit,
    help,
    vrfy,
    expn,
    starttls,
    auth,
    unknown,
};

// A command line split into its verb and the text after the separating space.
struct command_line {
    verb name = verb::unknown;
    std::string_view argument;
};

// Splits a line at the first space after dropping trailing spaces. The verb is matched
// without regard to case.
command_line split_command(std::string_view line);

// esmtp-param = esmtp-keyword ["=" esmtp-value]; `keyword` is upper-cased.
struct esmtp_parameter {
    std::string keyword;
    std::optional<std::string> value;
};

enum class argument_error {
    none,
    syntax,           // the command's own syntax is wrong
    path_syntax,      // the path is not a valid address
    path_too_long,    // the path breaks a length limit of RFC 5321 §4.5.3.1
    parameter_syntax, // an ESMTP parameter is malformed or repeated
};

// Arguments of "MAIL FROM:<path> params" or "RCPT TO:<path> params".
struct path_arguments {
    path address;
    std::vector<esmtp_parameter> parameters;
    argument_error error = argument_error::none;
};

// Parses the argument of MAIL (expects "FROM:", admits the null path).
path_arguments parse_mail_arguments(std::string_view argument);
// Parses the argument of RCPT (expects "TO:", admits "<Postmaster>").
path_arguments parse_rcpt_arguments(std::string_view argument);

// Arguments of "BDAT chunk-size [LAST]".
struct bdat_arguments {
    std::uint64_t size = 0;
    bool last = false;
    bool valid = false;
};

bdat_arguments parse_bdat_arguments(std::string_view argument);

// Parses a SIZE= value: 1 to 20 decimal digits that fit 64 bits.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// True when the AUTH argument is "mechanism [initial-response]" with a valid SASL
// mechanism name (RFC 4422 §3.1: 1 to 20 of A-Z, 0-9, "-" and "_").
bool is_valid_auth_argument(std::string_view argument);

} // namespace skrynka::smtp
