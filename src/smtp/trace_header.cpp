// Return-Path and Received trace fields of RFC 5321 §4.4; see trace_header.hpp.
#include "src/smtp/trace_header.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <ctime>
#include <fmt/format.h>

namespace skrynka::smtp {

std::string format_rfc5322_date(std::chrono::system_clock::time_point time) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", days.at(utc.tm_wday),
                       utc.tm_mday, months.at(utc.tm_mon), utc.tm_year + 1900, utc.tm_hour,
                       utc.tm_min, utc.tm_sec);
}

std::string format_address_literal(const std::string& ip_address) {
    std::array<unsigned char, 16> binary{};
    if (inet_pton(AF_INET, ip_address.c_str(), binary.data()) == 1) {
        return fmt::format("[{}]", ip_address);
    }
    if (inet_pton(AF_INET6, ip_address.c_str(), binary.data()) == 1) {
        return fmt::format("[IPv6:{}]", ip_address);
    }
    return "[unknown]";
}

namespace {

// Protocol names of the WITH clause: ESMTP, ESMTPS and the UTF8SMTP forms (RFC 3848,
// RFC 6531), with "A" after "S" for sessions authenticated with AUTH (RFC 3848).
std::string protocol_name(const envelope& transaction, const trace_facts& facts) {
    if (!facts.esmtp) {
        return "SMTP";
    }
    std::string name = transaction.smtputf8 ? "UTF8SMTP" : "ESMTP";
    if (transaction.tls) {
        name += "S";
    }
    if (!transaction.authenticated_user.empty()) {
        name += "A";
    }
    return name;
}

} // namespace

std::string format_trace_headers(const envelope& transaction, const trace_facts& facts) {
    std::string result = "Return-Path: <";
    if (transaction.sender) {
        result += transaction.sender->text();
    }
    result += ">\r\n";

    // Time-stamp-line of RFC 5321 §4.4: FROM, BY, WITH, ID, FOR, then ";" date-time.
    // The HELO name and the addresses passed the syntax checks of address.cpp, so they
    // hold no CR, LF or other octets that could end the field early.
    // A U-label HELO name would put raw UTF-8 into a header of a message that did not
    // announce SMTPUTF8, so the client's address literal replaces it then.
    if (facts.names_client) {
        const std::string remote_literal = format_address_literal(transaction.remote_address);
        const bool helo_is_ascii =
            std::all_of(transaction.helo_name.begin(), transaction.helo_name.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        const std::string& from_domain =
            (helo_is_ascii || transaction.smtputf8) ? transaction.helo_name : remote_literal;
        result += fmt::format("Received: from {} ({})\r\n\tby ", from_domain, remote_literal);
    } else {
        result += "Received: by ";
    }
    result += fmt::format("{} with {} id {}", facts.our_hostname,
                          protocol_name(transaction, facts), transaction.queue_id);
    if (transaction.tls) {
        result += fmt::format("\r\n\t(version={} cipher={})", facts.tls_version, facts.tls_cipher);
    }
    if (transaction.recipients.size() == 1) {
        result += fmt::format("\r\n\tfor <{}>", transaction.recipients.front().text());
    }
    result += fmt::format(";\r\n\t{}\r\n", format_rfc5322_date(facts.received_at));
    return result;
}

} // namespace skrynka::smtp
