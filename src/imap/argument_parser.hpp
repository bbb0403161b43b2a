// Lexer for the arguments of one framed IMAP command (RFC 3501 section 9 grammar):
// atoms, quoted strings, literals, lists and the tag. Pure code over the bytes that
// command_reader produced; each command parses its own arguments with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skrynka::imap {

// Reads tokens from the front of a command. Every method either consumes a whole
// token and returns it, or consumes nothing and returns nullopt/false. Views returned
// point into the command text, which must outlive them.
class argument_parser {
  public:
    explicit argument_parser(std::string_view command) : rest_(command) {}

    bool at_end() const { return rest_.empty(); }
    // Consumes c if it comes next.
    bool consume(char c);
    // Consumes one space.
    bool space() { return consume(' '); }
    bool peek(char c) const { return !rest_.empty() && rest_.front() == c; }
    // Consumes word if the input continues with it, in any letter case, followed by a
    // character that cannot continue an atom.
    bool keyword(std::string_view word);

    // A tag: 1*<ASTRING-CHAR except "+">.
    std::optional<std::string_view> tag();
    // An atom: 1*ATOM-CHAR.
    std::optional<std::string_view> atom();
    // A run of characters allowed in an astring atom, that is ATOM-CHAR plus ']'.
    std::optional<std::string_view> astring_atom();
    // A quoted string or a literal ({n}, {n+} or ~{n}), unescaped.
    std::optional<std::string> string();
    // A literal's octets in place, without copying (for APPEND).
    std::optional<std::string_view> literal();
    // An atom (with ']'), quoted string or literal.
    std::optional<std::string> astring();
    // A list-mailbox pattern: atom characters plus '%', '*' and ']', or a string.
    std::optional<std::string> list_mailbox();
    // An unsigned decimal number of up to 20 digits that fits in 64 bits, or of the
    // width given (32 for RFC 3501 "number").
    std::optional<std::uint64_t> number(int bits = 32);
    // A run of sequence-set characters: digits, ',', ':' and '*'.
    std::optional<std::string_view> sequence_text();
    // A flag: "\" atom, or a keyword atom. "\*" only when allow_star is set.
    std::optional<std::string_view> flag(bool allow_star = false);
    // Everything not yet consumed.
    std::string_view rest() const { return rest_; }

  private:
    std::string_view rest_;
};

// True for ATOM-CHAR (RFC 3501 section 9): any CHAR except atom-specials.
bool is_atom_char(char c);

} // namespace skrynka::imap
