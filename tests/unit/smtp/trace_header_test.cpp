#include "src/smtp/trace_header.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::smtp;

namespace {

envelope make_envelope() {
    envelope transaction;
    transaction.sender = mailbox{"bob", "example.net"};
    transaction.recipients = {mailbox{"alice", "example.org"}};
    transaction.queue_id = "S1-1";
    transaction.helo_name = "client.example.net";
    transaction.remote_address = "192.0.2.7";
    return transaction;
}

trace_facts make_facts() {
    trace_facts facts;
    facts.our_hostname = "mail.example.org";
    facts.received_at = std::chrono::system_clock::time_point(std::chrono::seconds(1796418826));
    return facts;
}

} // namespace

TEST_CASE("trace headers for plain ESMTP", "[smtp][trace]") {
    CHECK(format_trace_headers(make_envelope(), make_facts()) ==
          "Return-Path: <bob@example.net>\r\n"
          "Received: from client.example.net ([192.0.2.7])\r\n"
          "\tby mail.example.org with ESMTP id S1-1\r\n"
          "\tfor <alice@example.org>;\r\n"
          "\tFri, 04 Dec 2026 21:13:46 +0000\r\n");
}

TEST_CASE("trace headers for TLS and several recipients", "[smtp][trace]") {
    envelope transaction = make_envelope();
    transaction.sender.reset();
    transaction.tls = true;
    transaction.smtputf8 = true;
    transaction.remote_address = "2001:db8::7";
    transaction.recipients.push_back(mailbox{"bob", "example.org"});
    trace_facts facts = make_facts();
    facts.tls_version = "TLSv1.3";
    facts.tls_cipher = "TLS_AES_256_GCM_SHA384";
    CHECK(format_trace_headers(transaction, facts) ==
          "Return-Path: <>\r\n"
          "Received: from client.example.net ([IPv6:2001:db8::7])\r\n"
          "\tby mail.example.org with UTF8SMTPS id S1-1\r\n"
          "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384);\r\n"
          "\tFri, 04 Dec 2026 21:13:46 +0000\r\n");
}

TEST_CASE("trace header protocol after HELO", "[smtp][trace]") {
    trace_facts facts = make_facts();
    facts.esmtp = false;
    CHECK(format_trace_headers(make_envelope(), facts).find("with SMTP id") != std::string::npos);
}

TEST_CASE("trace header hides a UTF-8 HELO name", "[smtp][trace]") {
    envelope transaction = make_envelope();
    transaction.helo_name = "b\xc3\xbc"
                            "cher.example";
    CHECK(format_trace_headers(transaction, make_facts())
              .find("Received: from [192.0.2.7] ([192.0.2.7])\r\n") != std::string::npos);
    transaction.smtputf8 = true;
    CHECK(format_trace_headers(transaction, make_facts())
              .find("Received: from b\xc3\xbc"
                    "cher.example ([192.0.2.7])\r\n") != std::string::npos);
}

TEST_CASE("trace header without the client", "[smtp][trace]") {
    envelope transaction = make_envelope();
    transaction.tls = true;
    transaction.authenticated_user = "bob@example.org";
    trace_facts facts = make_facts();
    facts.names_client = false;
    facts.tls_version = "TLSv1.3";
    facts.tls_cipher = "TLS_AES_256_GCM_SHA384";

    const std::string headers = format_trace_headers(transaction, facts);

    CHECK(headers == "Return-Path: <bob@example.net>\r\n"
                     "Received: by mail.example.org with ESMTPSA id S1-1\r\n"
                     "\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384)\r\n"
                     "\tfor <alice@example.org>;\r\n"
                     "\tFri, 04 Dec 2026 21:13:46 +0000\r\n");
    CHECK(headers.find("192.0.2.7") == std::string::npos);
    CHECK(headers.find("client.example.net") == std::string::npos);
}

TEST_CASE("address literal formatting", "[smtp][trace]") {
    CHECK(format_address_literal("127.0.0.1") == "[127.0.0.1]");
    CHECK(format_address_literal("::1") == "[IPv6:::1]");
    CHECK(format_address_literal("not an address\r\n") == "[unknown]");
}

TEST_CASE("RFC 5322 date in UTC", "[smtp][trace]") {
    CHECK(format_rfc5322_date(std::chrono::system_clock::time_point(std::chrono::seconds(0))) ==
          "Thu, 01 Jan 1970 00:00:00 +0000");
}
