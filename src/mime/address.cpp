// Address list parsing: a tokenizer for the RFC 5322 lexical tokens (atoms, quoted
// strings, domain literals, comments, specials), then a forgiving item parser. Real
// headers break the grammar often, so the parser recovers at the next comma.
#include "src/mime/address.hpp"

#include "src/mime/encoded_word.hpp"
#include "src/mime/text.hpp"

#include <string>

namespace skrynka::mime {
namespace {

enum class token_kind { atom, quoted, domain_literal, special };

struct token {
    token_kind kind;
    std::string text;    // quoted: unescaped content; special: the character
    std::string comment; // the last comment right after this token, if any
};

bool is_special(char c) {
    const std::string_view specials = "()<>[]:;@\\,.\"";
    return specials.find(c) != std::string_view::npos;
}

bool is_special_token(const token& t, char c) {
    return t.kind == token_kind::special && t.text[0] == c;
}

// Reads a quoted string, comment or domain literal starting after its opening
// character, handling backslash escapes. Returns the position after the closing
// character, or the end of the value when it is missing.
std::size_t read_delimited(std::string_view value, std::size_t i, char close, bool nests,
                           std::string& text) {
    std::size_t depth = 1;
    while (i < value.size()) {
        const char c = value[i];
        if (c == '\\' && i + 1 < value.size()) {
            text.push_back(value[i + 1]);
            i += 2;
            continue;
        }
        if (nests && c == '(') {
            ++depth;
        } else if (c == close && --depth == 0) {
            return i + 1;
        }
        if (c != '\r' && c != '\n') {
            text.push_back(c);
        }
        ++i;
    }
    return i;
}

std::vector<token> tokenize(std::string_view value) {
    std::vector<token> tokens;
    std::size_t i = 0;
    while (i < value.size()) {
        const char c = value[i];
        if (is_whitespace(c)) {
            ++i;
            continue;
        }
        if (c == '(') {
            std::string comment;
            i = read_delimited(value, i + 1, ')', true, comment);
            if (!tokens.empty()) {
                tokens.back().comment = std::string(trim(comment));
            }
            continue;
        }
        if (c == '"') {
            token quoted{token_kind::quoted, {}, {}};
            i = read_delimited(value, i + 1, '"', false, quoted.text);
            tokens.push_back(std::move(quoted));
            continue;
        }
        if (c == '[') {
            token literal{token_kind::domain_literal, "[", {}};
            i = read_delimited(value, i + 1, ']', false, literal.text);
            literal.text.push_back(']');
            tokens.push_back(std::move(literal));
            continue;
        }
        if (is_special(c)) {
            tokens.push_back(token{token_kind::special, std::string(1, c), {}});
            ++i;
            continue;
        }
        const std::size_t begin = i;
        while (i < value.size() && !is_whitespace(value[i]) && !is_special(value[i]) &&
               static_cast<unsigned char>(value[i]) >= 0x20) {
            ++i;
        }
        if (i == begin) {
            ++i; // a control character: drop it
            continue;
        }
        tokens.push_back(token{token_kind::atom, std::string(value.substr(begin, i - begin)), {}});
    }
    return tokens;
}

bool is_word(const token& t) {
    return t.kind == token_kind::atom || t.kind == token_kind::quoted;
}

// Joins phrase words with single spaces; a dot (obsolete "John Q. Public") attaches to
// the word before it.
std::string join_phrase(const std::vector<token>& tokens, std::size_t begin, std::size_t end) {
    std::string phrase;
    for (std::size_t i = begin; i < end; ++i) {
        const bool dot = is_special_token(tokens[i], '.');
        if (!phrase.empty() && !dot) {
            phrase.push_back(' ');
        }
        phrase += tokens[i].text;
    }
    return phrase;
}

// Joins the tokens of a local part or domain without spaces. A quoted local part
// keeps its quotes so that mailbox@host stays a valid address.
std::string join_compact(const std::vector<token>& tokens, std::size_t begin, std::size_t end) {
    std::string text;
    for (std::size_t i = begin; i < end; ++i) {
        if (tokens[i].kind != token_kind::quoted) {
            text += tokens[i].text;
            continue;
        }
        text.push_back('"');
        for (const char c : tokens[i].text) {
            if (c == '"' || c == '\\') {
                text.push_back('\\');
            }
            text.push_back(c);
        }
        text.push_back('"');
    }
    return text;
}

// Fills mailbox_ and host_ from an addr-spec spanning [begin, end), split at the last "@".
void fill_addr_spec(const std::vector<token>& tokens, std::size_t begin, std::size_t end,
                    address& out) {
    std::size_t at = end;
    for (std::size_t i = begin; i < end; ++i) {
        if (is_special_token(tokens[i], '@')) {
            at = i;
        }
    }
    out.mailbox_ = join_compact(tokens, begin, at);
    if (at < end) {
        out.host_ = join_compact(tokens, at + 1, end);
    }
}

class list_parser {
  public:
    list_parser(std::vector<token> tokens, std::size_t max_addresses)
        : tokens_(std::move(tokens)), max_addresses_(max_addresses) {}

    address_list parse() {
        while (position_ < tokens_.size() && !result_.truncated_) {
            const token& t = tokens_[position_];
            if (is_special_token(t, ',')) {
                ++position_;
                continue;
            }
            if (is_special_token(t, ';')) {
                close_group();
                ++position_;
                continue;
            }
            parse_item();
        }
        close_group();
        return std::move(result_);
    }

  private:
    void emit(address item) {
        if (result_.addresses_.size() >= max_addresses_) {
            result_.truncated_ = true;
            return;
        }
        item.decoded_name_ = decode_encoded_words(item.name_);
        result_.addresses_.push_back(std::move(item));
    }

    void close_group() {
        if (in_group_) {
            in_group_ = false;
            emit(address{address_kind::group_end, {}, {}, {}, {}, {}});
        }
    }

    bool at_item_end(std::size_t i) const {
        return i >= tokens_.size() || is_special_token(tokens_[i], ',') ||
               is_special_token(tokens_[i], ';');
    }

    void parse_item() {
        const std::size_t begin = position_;
        std::size_t i = begin;
        while (i < tokens_.size() && (is_word(tokens_[i]) || is_special_token(tokens_[i], '.'))) {
            ++i;
        }

        if (i < tokens_.size() && is_special_token(tokens_[i], ':') && !in_group_) {
            address group{address_kind::group_start, {}, {}, {}, {}, {}};
            group.mailbox_ = join_phrase(tokens_, begin, i);
            emit(std::move(group));
            in_group_ = true;
            position_ = i + 1;
            return;
        }

        if (i < tokens_.size() && is_special_token(tokens_[i], '<')) {
            parse_angle_address(begin, i);
            return;
        }

        // A bare addr-spec, possibly with junk: take everything up to the next comma.
        std::size_t end = begin;
        while (!at_item_end(end)) {
            ++end;
        }
        address item;
        fill_addr_spec(tokens_, begin, end, item);
        for (std::size_t k = begin; k < end; ++k) {
            if (!tokens_[k].comment.empty()) {
                item.name_ = tokens_[k].comment;
            }
        }
        position_ = end;
        if (!item.mailbox_.empty() || !item.host_.empty()) {
            emit(std::move(item));
        }
    }

    // Parses a "<...>" address. Tokens [phrase_begin, open) are the display name, and open is the
    // "<".
    void parse_angle_address(std::size_t phrase_begin, std::size_t open) {
        address item;
        item.name_ = join_phrase(tokens_, phrase_begin, open);

        std::size_t close = open + 1;
        while (close < tokens_.size() && !is_special_token(tokens_[close], '>')) {
            ++close;
        }

        // Obsolete source route: "<@relay1,@relay2:user@host>".
        std::size_t spec_begin = open + 1;
        if (spec_begin < close && is_special_token(tokens_[spec_begin], '@')) {
            for (std::size_t k = spec_begin; k < close; ++k) {
                if (is_special_token(tokens_[k], ':')) {
                    item.route_ = join_compact(tokens_, spec_begin, k);
                    spec_begin = k + 1;
                    break;
                }
            }
        }
        fill_addr_spec(tokens_, spec_begin, close, item);
        emit(std::move(item));

        // Skip anything between ">" and the end of the item.
        position_ = close;
        while (!at_item_end(position_)) {
            ++position_;
        }
    }

    std::vector<token> tokens_;
    std::size_t max_addresses_;
    std::size_t position_ = 0;
    bool in_group_ = false;
    address_list result_;
};

} // namespace

address_list parse_address_list(std::string_view value, std::size_t max_addresses) {
    return list_parser(tokenize(value), max_addresses).parse();
}

} // namespace skrynka::mime
