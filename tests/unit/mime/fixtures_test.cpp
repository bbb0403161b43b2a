// The byte-exact fixtures shared with the protocol tests, summarized directly. The
// expected sizes, line counts and slices were computed independently with Python's
// email package.
#include "src/mime/summarize.hpp"
#include "tests/unit/mime/mime_test_support.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::mime;
using skrynka::mime::test::body_of;
using skrynka::mime::test::header_of;
using skrynka::mime::test::read_fixture;

TEST_CASE("nested fixture has the expected tree", "[mime][fixture]") {
    const std::string raw = read_fixture("nested.eml");
    REQUIRE(raw.size() == 459);
    const message_summary summary = summarize(raw);

    CHECK(summary.size_ == 459);
    CHECK_FALSE(summary.truncated_);
    const body_part& root = summary.body_;
    CHECK(root.type_ == "multipart");
    CHECK(root.subtype_ == "mixed");
    REQUIRE(root.find_parameter("boundary") != nullptr);
    CHECK(*root.find_parameter("boundary") == "o");
    REQUIRE(root.children_.size() == 2);

    const body_part& text = root.children_[0];
    CHECK(text.type_ == "text");
    CHECK(text.subtype_ == "plain");
    CHECK(body_of(raw, text) == "see attached");
    CHECK(text.body_length_ == 12);
    CHECK(text.body_lines_ == 1);
    CHECK(header_of(raw, text) == "Content-Type: text/plain\r\n\r\n");
    REQUIRE(text.find_parameter("charset") != nullptr);
    CHECK(*text.find_parameter("charset") == "us-ascii");
    CHECK(text.encoding_ == "7bit");
}

TEST_CASE("nested fixture message part has its own ranges", "[mime][fixture]") {
    const std::string raw = read_fixture("nested.eml");
    const message_summary summary = summarize(raw);
    REQUIRE(summary.body_.children_.size() == 2);
    const body_part& message = summary.body_.children_[1];

    // BODY[2.MIME] is the part's own header, BODY[2] the whole encapsulated message.
    CHECK(message.type_ == "message");
    CHECK(message.subtype_ == "rfc822");
    CHECK(header_of(raw, message) ==
          "Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n");
    CHECK(message.header_length_ == 65);
    CHECK(message.body_length_ == 203);
    CHECK(message.body_lines_ == 14);
    CHECK(body_of(raw, message).starts_with("From: bob@example.net\r\n"));
    CHECK(body_of(raw, message).ends_with("--i--\r\n\r\n") == false);
    CHECK(body_of(raw, message).ends_with("--i--\r\n"));
    REQUIRE(message.disposition_.has_value());
    CHECK(*message.disposition_ == "attachment");

    REQUIRE(message.envelope_.has_value());
    CHECK(message.envelope_->subject_ == "inner");
    REQUIRE(message.envelope_->from_.size() == 1);
    CHECK(message.envelope_->from_[0].mailbox_ == "bob");
    CHECK(message.envelope_->from_[0].host_ == "example.net");

    // BODY[2.HEADER] and BODY[2.TEXT] are the encapsulated message's header and body.
    REQUIRE(message.children_.size() == 1);
    const body_part& inner = message.children_[0];
    CHECK(inner.header_offset_ == message.body_offset_);
    CHECK(inner.header_length_ == 111);
    CHECK(inner.body_length_ == 92);
    CHECK(body_of(raw, inner).starts_with("--i\r\n"));
    CHECK(inner.type_ == "multipart");
    CHECK(inner.subtype_ == "alternative");
    REQUIRE(inner.children_.size() == 2);

    CHECK(body_of(raw, inner.children_[0]) == "plain");
    CHECK(inner.children_[0].body_length_ == 5);
    CHECK(body_of(raw, inner.children_[1]) == "<p>html</p>");
    CHECK(inner.children_[1].body_length_ == 11);
    CHECK(inner.children_[1].subtype_ == "html");
    CHECK(header_of(raw, inner.children_[1]) == "Content-Type: text/html\r\n\r\n");
}

TEST_CASE("nested fixture envelope and header fields", "[mime][fixture]") {
    const std::string raw = read_fixture("nested.eml");
    const message_summary summary = summarize(raw);

    CHECK(summary.header_size_ == summary.body_.header_length_);
    CHECK(
        std::string_view(raw).substr(0, summary.header_size_).ends_with("boundary=\"o\"\r\n\r\n"));
    CHECK(summary.lines_ == 30);
    CHECK(summary.envelope_.subject_ == "outer");
    CHECK_FALSE(summary.envelope_.date_.has_value());
    CHECK(summary.envelope_.sender_.empty());
    CHECK(summary.envelope_.reply_to_.empty());
    REQUIRE(summary.envelope_.to_.size() == 1);
    CHECK(summary.envelope_.to_[0].mailbox_ == "alice");
    CHECK(summary.envelope_.to_[0].host_ == "example.org");

    REQUIRE(summary.header_fields_.size() == 5);
    CHECK(summary.header_fields_[0].name_ == "From");
    CHECK(summary.header_fields_[4].name_ == "Content-Type");
    CHECK(summary.header_fields_[4].value_ == "multipart/mixed; boundary=\"o\"");
}

TEST_CASE("quote fixture unescapes names and keeps 8-bit parameters", "[mime][fixture]") {
    const std::string raw = read_fixture("quote.eml");
    REQUIRE(raw.size() == 432);
    const message_summary summary = summarize(raw);

    REQUIRE(summary.envelope_.from_.size() == 1);
    const address& from = summary.envelope_.from_[0];
    CHECK(from.name_ == "Alice \"A\" Example");
    CHECK(from.mailbox_ == "alice");
    CHECK(from.host_ == "example.org");
    CHECK(summary.envelope_.subject_ == "back\\slash and \"quotes\"");

    REQUIRE(summary.body_.children_.size() == 2);
    const body_part& text = summary.body_.children_[0];
    REQUIRE(text.description_.has_value());
    CHECK(*text.description_ == "say \"hi\" \\ now");
    REQUIRE(text.find_parameter("charset") != nullptr);
    CHECK(*text.find_parameter("charset") == "utf-8");
    CHECK(body_of(raw, text) == "hi");

    const body_part& pdf = summary.body_.children_[1];
    CHECK(pdf.type_ == "application");
    CHECK(pdf.subtype_ == "pdf");
    CHECK(pdf.encoding_ == "base64");
    REQUIRE(pdf.find_parameter("name") != nullptr);
    CHECK(*pdf.find_parameter("name") == "Gesch\xC3\xA4"
                                         "ftsbedingungen.pdf");
    REQUIRE(pdf.disposition_parameters_.size() == 1);
    CHECK(pdf.disposition_parameters_[0].name_ == "filename");
    CHECK(pdf.disposition_parameters_[0].value_ == "Gesch\xE4"
                                                   "ftsbedingungen.pdf");
    CHECK(body_of(raw, pdf) == "JVBERi0=");
}

TEST_CASE("search fixture decodes the subject for SEARCH", "[mime][fixture]") {
    const std::string raw = read_fixture("search.eml");
    REQUIRE(raw.size() == 183);
    const message_summary summary = summarize(raw);

    // ENVELOPE keeps the encoded word; the header field list carries both forms.
    CHECK(summary.envelope_.subject_ == "=?UTF-8?Q?Gr=C3=B6=C3=9Fe?=");
    REQUIRE(summary.header_fields_.size() == 5);
    const header_field& subject = summary.header_fields_[1];
    CHECK(subject.name_ == "Subject");
    CHECK(subject.value_ == "=?UTF-8?Q?Gr=C3=B6=C3=9Fe?=");
    CHECK(subject.decoded_value_ == "Gr\xC3\xB6\xC3\x9F"
                                    "e");

    CHECK(summary.body_.encoding_ == "quoted-printable");
    CHECK(body_of(raw, summary.body_) == "Stra=C3=9Fe 1\r\n");
    CHECK(summary.body_.body_lines_ == 1);
}

TEST_CASE("dots fixture counts body lines and octets", "[mime][fixture]") {
    const std::string raw = read_fixture("dots.eml");
    REQUIRE(raw.size() == 40);
    const message_summary summary = summarize(raw);

    CHECK(summary.header_size_ == 17);
    CHECK(body_of(raw, summary.body_) == ".first\r\n.\r\n..two\r\nend\r\n");
    CHECK(summary.body_.body_lines_ == 4);
    CHECK(summary.lines_ == 6);
    CHECK(summary.envelope_.subject_ == "dots");
}

TEST_CASE("nul fixture keeps the NUL byte in the body", "[mime][fixture]") {
    const std::string raw = read_fixture("nul.eml");
    REQUIRE(raw.size() == 21);
    const message_summary summary = summarize(raw);

    CHECK(body_of(raw, summary.body_) == std::string_view("A\0B\r\n", 5));
    CHECK(summary.body_.body_length_ == 5);
    CHECK(summary.body_.body_lines_ == 1);
    CHECK(summary.envelope_.subject_ == "nul");
}

TEST_CASE("mbox fixture treats From lines as body text", "[mime][fixture]") {
    const std::string raw = read_fixture("mbox.eml");
    REQUIRE(raw.size() == 142);
    const message_summary summary = summarize(raw);

    CHECK(summary.header_fields_.size() == 3);
    CHECK(body_of(raw, summary.body_).starts_with("From here on\r\n"));
    CHECK(body_of(raw, summary.body_).ends_with("Fromage\r\nFrom\r\n"));
    CHECK(summary.body_.body_lines_ == 5);
    CHECK(summary.body_.header_length_ + summary.body_.body_length_ == 142);
}

TEST_CASE("empty multipart becomes text/plain", "[mime][fixture]") {
    // The 103-octet APPEND from the BODYSTRUCTURE interop case: a multipart without any
    // boundary line, which IMAP cannot render as a multipart with zero children.
    const std::string raw = "Subject: empty\r\nMIME-Version: 1.0\r\n"
                            "Content-Type: multipart/alternative; boundary=\"z\"\r\n\r\n"
                            "no parts here\r\n";
    REQUIRE(raw.size() == 103);
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.type_ == "text");
    CHECK(summary.body_.subtype_ == "plain");
    CHECK(summary.body_.children_.empty());
    CHECK(body_of(raw, summary.body_) == "no parts here\r\n");
}
