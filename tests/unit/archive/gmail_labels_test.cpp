#include "src/archive/gmail_labels.hpp"
#include "storage/mailbox_types.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::archive;
namespace flag = skrynka::storage::flag;

TEST_CASE("gmail labels pick one mailbox", "[archive][gmail]") {
    REQUIRE(place_by_labels(split_labels("Inbox,Opened")).mailbox == "INBOX");
    REQUIRE(place_by_labels(split_labels("Sent,Inbox")).mailbox == "Sent");
    REQUIRE(place_by_labels(split_labels("Spam,Unread")).mailbox == "Junk");
    REQUIRE(place_by_labels(split_labels("Trash,Sent")).mailbox == "Trash");
    REQUIRE(place_by_labels(split_labels("Important,Work/Projects,Opened")).mailbox ==
            "Work/Projects");
    REQUIRE(place_by_labels(split_labels("Opened,Category Updates")).mailbox == "Archive");
    REQUIRE(place_by_labels({}).mailbox == "Archive");
}

TEST_CASE("gmail labels give flags", "[archive][gmail]") {
    REQUIRE(place_by_labels(split_labels("Inbox,Opened")).flags == flag::seen);
    REQUIRE(place_by_labels(split_labels("Inbox,Unread")).flags == 0);
    REQUIRE(place_by_labels(split_labels("Starred,Inbox,Unread")).flags == flag::flagged);
    REQUIRE(place_by_labels(split_labels("Drafts,Unread")).flags == flag::draft);
}

TEST_CASE("gmail labels split outside quotes", "[archive][gmail]") {
    REQUIRE(split_labels("Inbox, \"a, b\" ,Opened") ==
            std::vector<std::string>{"Inbox", "a, b", "Opened"});
}

TEST_CASE("header field unfolds and stops at the body", "[archive][gmail]") {
    const std::string message = "Subject: s\r\nX-Gmail-Labels: Inbox,\r\n Opened\r\n"
                                "To: x\r\n\r\nX-Gmail-Labels: body\r\n";
    REQUIRE(header_field(message, "x-gmail-labels") == "Inbox, Opened");
    REQUIRE_FALSE(header_field("Subject: s\r\n\r\nX-Gmail-Labels: Inbox\r\n", "X-Gmail-Labels")
                      .has_value());
}
