#include "src/delivery/dkim.hpp"
#include "src/delivery/dsn.hpp"
#include "src/delivery/smtp_client.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::delivery;

TEST_CASE("data stuffing doubles leading dots", "[delivery][client]") {
    CHECK(stuff_for_data("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n");
    CHECK(stuff_for_data(".first\r\n") == "..first\r\n.\r\n");
    CHECK(stuff_for_data("no end") == "no end\r\n.\r\n");
    CHECK(stuff_for_data("") == "\r\n.\r\n");
    CHECK(stuff_for_data("x.\r\n.\r\n") == "x.\r\n..\r\n.\r\n");
}

TEST_CASE("enhanced status from replies", "[delivery][dsn]") {
    CHECK(enhanced_status_of("550 5.1.1 no such user", "5.0.0") == "5.1.1");
    CHECK(enhanced_status_of("452 4.2.2 mailbox full", "4.0.0") == "4.2.2");
    CHECK(enhanced_status_of("550 5.7.26 unauthenticated", "5.0.0") == "5.7.26");
    CHECK(enhanced_status_of("550 no such user", "5.0.0") == "5.0.0");
    CHECK(enhanced_status_of("550 5.x.1 bad", "5.0.0") == "5.0.0");
    CHECK(enhanced_status_of("550 3.1.1 bad class", "5.0.0") == "5.0.0");
    CHECK(enhanced_status_of("", "5.0.0") == "5.0.0");
}

TEST_CASE("bounce report structure", "[delivery][dsn]") {
    bounce_facts facts;
    facts.reporting_host = "mail.example.org";
    facts.sender = "alice@example.org";
    facts.arrival = std::chrono::system_clock::time_point(std::chrono::seconds(1796418826));
    facts.now = facts.arrival;
    facts.recipients = {{"nobody@example.net", "5.1.1", "550 5.1.1 no such user"}};
    const std::string report =
        format_bounce(facts, "From: alice@example.org\r\nSubject: hi\r\n\r\nsecret body\r\n");

    CHECK(report.find("To: <alice@example.org>\r\n") != std::string::npos);
    CHECK(report.find("Auto-Submitted: auto-replied\r\n") != std::string::npos);
    CHECK(report.find("report-type=delivery-status") != std::string::npos);
    CHECK(report.find("Reporting-MTA: dns; mail.example.org\r\n") != std::string::npos);
    CHECK(report.find("Arrival-Date: Fri, 04 Dec 2026 21:13:46 +0000\r\n") != std::string::npos);
    CHECK(report.find("Final-Recipient: rfc822; nobody@example.net\r\nAction: failed\r\n"
                      "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n") !=
          std::string::npos);
    CHECK(report.find("Subject: hi\r\n") != std::string::npos);
    // Only the header section is returned, never the body.
    CHECK(report.find("secret body") == std::string::npos);
}

TEST_CASE("dkim relaxed body canonicalization", "[delivery][dkim]") {
    CHECK(canonicalize_body_relaxed("line one  \r\n\r\n\r\n\r\n") == "line one\r\n");
    CHECK(canonicalize_body_relaxed(" a \t b\r\n  \r\n") == " a b\r\n");
    CHECK(canonicalize_body_relaxed("no end") == "no end\r\n");
    CHECK(canonicalize_body_relaxed("") == "");
    CHECK(canonicalize_body_relaxed("\r\n\r\n") == "");
}

TEST_CASE("dkim relaxed header canonicalization", "[delivery][dkim]") {
    CHECK(canonicalize_header_relaxed("Subject :  signed  mail\t with\r\n\t spaces ") ==
          "subject:signed mail with spaces\r\n");
    CHECK(canonicalize_header_relaxed("From: alice@example.org") == "from:alice@example.org\r\n");
    CHECK(canonicalize_header_relaxed("X-Empty:") == "x-empty:\r\n");
}
