// libFuzzer target for the admin endpoint's request parsing: the request target, form
// bodies, the Authorization and Cookie header fields, Accept-Language and the audit
// query. Besides crashes and sanitizer reports it checks that a decoded path segment
// never contains '/' or a control character, and that no parameter list grows past
// parameters_max.
#include "src/admin/audit_query.hpp"
#include "src/admin/request_parsing.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace skrynka::app::admin;

bool has_control(std::string_view text) {
    for (const char c : text) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x20 || octet == 0x7f) {
            return true;
        }
    }
    return false;
}

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

void check_parameters(const parameters& list) {
    check(list.size() <= parameters_max);
    for (const auto& [name, value] : list) {
        check(!has_control(name));
        check(!has_control(value));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    if (const auto target = parse_target(input)) {
        for (const std::string& segment : target->segments) {
            check(segment.find('/') == std::string::npos);
            check(!has_control(segment));
        }
        check_parameters(target->query);
        parse_audit_query(target->query);
    }
    if (const auto form = parse_form(input)) {
        check_parameters(*form);
    }
    if (const auto token = bearer_token(input)) {
        check(!token->empty());
        check(token->find(' ') == std::string_view::npos);
    }
    cookie_value(input, "skrynka_admin_token");
    const language chosen = choose_language(std::nullopt, input);
    check(chosen == language::english || chosen == language::ukrainian);
    return 0;
}
