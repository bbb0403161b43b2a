// Body structure walk: nesting, degraded MIME and the limits that bound hostile input.
#include "src/mime/summarize.hpp"
#include "tests/unit/mime/mime_test_support.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace skrynka::mime;
using skrynka::mime::test::body_of;
using skrynka::mime::test::header_of;

namespace {

std::size_t count_parts(const body_part& part) {
    std::size_t count = 1;
    for (const body_part& child : part.children_) {
        count += count_parts(child);
    }
    return count;
}

std::size_t tree_depth(const body_part& part) {
    std::size_t deepest = 0;
    for (const body_part& child : part.children_) {
        deepest = std::max(deepest, tree_depth(child) + 1);
    }
    return deepest;
}

// A multipart/mixed nested depth times, each level with one child.
std::string nesting_bomb(std::size_t depth) {
    std::string raw = "Subject: bomb\r\n";
    for (std::size_t level = 0; level < depth; ++level) {
        raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(level) +
               "\"\r\n\r\n--b" + std::to_string(level) + "\r\n";
    }
    raw += "Content-Type: text/plain\r\n\r\ncore\r\n";
    for (std::size_t level = depth; level-- > 0;) {
        raw += "--b" + std::to_string(level) + "--\r\n";
    }
    return raw;
}

} // namespace

TEST_CASE("message without content type is text/plain", "[mime][structure]") {
    const std::string raw = "Subject: hi\r\n\r\nhello\r\nworld";
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.type_ == "text");
    CHECK(summary.body_.subtype_ == "plain");
    CHECK(summary.body_.encoding_ == "7bit");
    REQUIRE(summary.body_.parameters_.size() == 1);
    CHECK(summary.body_.parameters_[0] == parameter{"charset", "us-ascii"});
    CHECK(body_of(raw, summary.body_) == "hello\r\nworld");
    CHECK(summary.body_.body_lines_ == 2);
}

TEST_CASE("types are lowercased and parameters kept", "[mime][structure]") {
    const std::string raw = "Content-Type: TEXT/HTML; CHARSET=\"ISO-8859-1\"; Format=flowed\r\n"
                            "Content-Transfer-Encoding: Quoted-Printable\r\n"
                            "Content-ID: <id@example.org>\r\n"
                            "Content-Description: a  description\r\n"
                            "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
                            "Content-Language: en, de-CH\r\n"
                            "Content-Location: http://example.org/\r\n  a.html\r\n"
                            "\r\n<p>x</p>\r\n";
    const message_summary summary = summarize(raw);
    const body_part& part = summary.body_;

    CHECK(part.type_ == "text");
    CHECK(part.subtype_ == "html");
    REQUIRE(part.parameters_.size() == 2);
    CHECK(part.parameters_[0] == parameter{"charset", "ISO-8859-1"});
    CHECK(part.parameters_[1] == parameter{"format", "flowed"});
    CHECK(part.encoding_ == "quoted-printable");
    CHECK(part.id_ == "<id@example.org>");
    CHECK(part.description_ == "a  description");
    CHECK(part.md5_ == "Q2hlY2sgSW50ZWdyaXR5IQ==");
    REQUIRE(part.languages_.size() == 2);
    CHECK(part.languages_[0] == "en");
    CHECK(part.languages_[1] == "de-CH");
    CHECK(part.location_ == "http://example.org/a.html");
}

TEST_CASE("invalid content type falls back to text/plain", "[mime][structure]") {
    const std::string raw = "Content-Type: garbage; charset=utf-8\r\n\r\nbody";
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.type_ == "text");
    CHECK(summary.body_.subtype_ == "plain");
    REQUIRE(summary.body_.parameters_.size() == 1);
    CHECK(summary.body_.parameters_[0].value_ == "us-ascii");
}

TEST_CASE("multipart without boundary is text/plain", "[mime][structure]") {
    const std::string raw = "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\na\r\n--x--\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.type_ == "text");
    CHECK(summary.body_.subtype_ == "plain");
    CHECK(summary.body_.children_.empty());
    CHECK(body_of(raw, summary.body_) == "--x\r\n\r\na\r\n--x--\r\n");
}

TEST_CASE("missing closing boundary ends at the body end", "[mime][structure]") {
    const std::string raw = "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
                            "preamble\r\n--x\r\n\r\nfirst\r\n--x\r\nContent-Type: text/html\r\n\r\n"
                            "second\r\nstill second\r\n";
    const message_summary summary = summarize(raw);

    REQUIRE(summary.body_.children_.size() == 2);
    CHECK(body_of(raw, summary.body_.children_[0]) == "first");
    CHECK(header_of(raw, summary.body_.children_[0]) == "\r\n");
    CHECK(body_of(raw, summary.body_.children_[1]) == "second\r\nstill second\r\n");
    CHECK(summary.body_.children_[1].subtype_ == "html");
}

TEST_CASE("inner multipart ends at the outer boundary", "[mime][structure]") {
    // The inner multipart never closes; its last part must stop at the outer delimiter.
    const std::string raw = "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
                            "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
                            "--inner\r\n\r\none\r\n"
                            "--outer\r\n\r\ntwo\r\n--outer--\r\nepilogue\r\n";
    const message_summary summary = summarize(raw);

    REQUIRE(summary.body_.children_.size() == 2);
    const body_part& inner = summary.body_.children_[0];
    REQUIRE(inner.children_.size() == 1);
    CHECK(body_of(raw, inner.children_[0]) == "one");
    CHECK(body_of(raw, summary.body_.children_[1]) == "two");
}

TEST_CASE("boundary needs the whole delimiter line", "[mime][structure]") {
    const std::string raw = "Content-Type: multipart/mixed; boundary=ab\r\n\r\n"
                            "--ab\r\n\r\nx\r\n--abc\r\n-- ab\r\n--ab \t\r\n\r\ny\r\n--ab--\r\n";
    const message_summary summary = summarize(raw);

    REQUIRE(summary.body_.children_.size() == 2);
    CHECK(body_of(raw, summary.body_.children_[0]) == "x\r\n--abc\r\n-- ab");
    CHECK(body_of(raw, summary.body_.children_[1]) == "y");
}

TEST_CASE("bare LF line endings are accepted", "[mime][structure]") {
    const std::string raw = "Subject: lf\nContent-Type: multipart/mixed; boundary=z\n\n"
                            "--z\nContent-Type: text/plain\n\none\n--z\n\ntwo\nlines\n--z--\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.envelope_.subject_ == "lf");
    REQUIRE(summary.body_.children_.size() == 2);
    CHECK(body_of(raw, summary.body_.children_[0]) == "one");
    CHECK(body_of(raw, summary.body_.children_[1]) == "two\nlines");
    CHECK(summary.body_.children_[1].body_lines_ == 2);
}

TEST_CASE("message/rfc822 inside multipart has envelope", "[mime][structure]") {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=m\r\n\r\n"
        "--m\r\nContent-Type: message/rfc822\r\n\r\n"
        "From: \"Bob\" <bob@example.net>\r\nSubject: fwd\r\nMessage-ID: <x@y>\r\n\r\ninner body\r\n"
        "--m--\r\n";
    const message_summary summary = summarize(raw);

    REQUIRE(summary.body_.children_.size() == 1);
    const body_part& message = summary.body_.children_[0];
    CHECK(message.is_message());
    REQUIRE(message.envelope_.has_value());
    CHECK(message.envelope_->subject_ == "fwd");
    CHECK(message.envelope_->message_id_ == "<x@y>");
    REQUIRE(message.envelope_->from_.size() == 1);
    CHECK(message.envelope_->from_[0].name_ == "Bob");
    REQUIRE(message.children_.size() == 1);
    CHECK(body_of(raw, message.children_[0]) == "inner body");
    CHECK(message.body_lines_ == 5);
}

TEST_CASE("digest children default to message/rfc822", "[mime][structure]") {
    const std::string raw = "Content-Type: multipart/digest; boundary=d\r\n\r\n"
                            "--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
                            "--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n--d--\r\n";
    const message_summary summary = summarize(raw);

    REQUIRE(summary.body_.children_.size() == 2);
    const body_part& digest_item = summary.body_.children_[0];
    CHECK(digest_item.is_message());
    REQUIRE(digest_item.envelope_.has_value());
    CHECK(digest_item.envelope_->subject_ == "one");
    CHECK(summary.body_.children_[1].type_ == "text");
}

TEST_CASE("message without header separator is all header", "[mime][structure]") {
    const std::string raw = "Subject: no body\r\nX-Other: y";
    const message_summary summary = summarize(raw);

    CHECK(summary.header_size_ == raw.size());
    CHECK(summary.body_.body_length_ == 0);
    CHECK(summary.body_.body_offset_ == raw.size());
    CHECK(summary.envelope_.subject_ == "no body");
    CHECK(summary.header_fields_.size() == 2);
}

TEST_CASE("empty message has empty ranges", "[mime][structure]") {
    const message_summary summary = summarize("");

    CHECK(summary.size_ == 0);
    CHECK(summary.header_size_ == 0);
    CHECK(summary.body_.body_length_ == 0);
    CHECK(summary.lines_ == 0);
    CHECK(summary.body_.type_ == "text");
}

TEST_CASE("8-bit and UTF-8 headers are kept raw", "[mime][structure]") {
    const std::string raw = "Subject: Gr\xC3\xBC\xC3\x9F"
                            "e\r\n"
                            "X-Latin: caf\xE9\r\n"
                            "From: J\xC3\xBCrgen <j\xC3\xBC@b\xC3\xBC.example>\r\n\r\nx";
    const message_summary summary = summarize(raw);

    CHECK(summary.envelope_.subject_ == "Gr\xC3\xBC\xC3\x9F"
                                        "e");
    REQUIRE(summary.header_fields_.size() == 3);
    CHECK(summary.header_fields_[0].decoded_value_ == "Gr\xC3\xBC\xC3\x9F"
                                                      "e");
    CHECK(summary.header_fields_[1].value_ == "caf\xE9");
    CHECK(summary.header_fields_[1].decoded_value_ == "caf\xEF\xBF\xBD");
    REQUIRE(summary.envelope_.from_.size() == 1);
    CHECK(summary.envelope_.from_[0].name_ == "J\xC3\xBCrgen");
    CHECK(summary.envelope_.from_[0].mailbox_ == "j\xC3\xBC");
    CHECK(summary.envelope_.from_[0].host_ == "b\xC3\xBC.example");
}

TEST_CASE("nesting bomb stops at the depth limit", "[mime][structure][limits]") {
    const std::string raw = nesting_bomb(200);
    const message_summary summary = summarize(raw);

    CHECK(summary.truncated_);
    CHECK(tree_depth(summary.body_) == limits{}.max_depth_);
    const body_part* deepest = &summary.body_;
    while (!deepest->children_.empty()) {
        deepest = &deepest->children_[0];
    }
    CHECK(deepest->type_ == "application");
    CHECK(deepest->subtype_ == "octet-stream");
    CHECK(deepest->body_offset_ + deepest->body_length_ <= raw.size());
}

TEST_CASE("nesting within the depth limit is complete", "[mime][structure][limits]") {
    const std::string raw = nesting_bomb(5);
    const message_summary summary = summarize(raw);

    CHECK_FALSE(summary.truncated_);
    CHECK(tree_depth(summary.body_) == 5);
}

TEST_CASE("smaller depth limit is honoured", "[mime][structure][limits]") {
    limits bounds;
    bounds.max_depth_ = 3;
    const message_summary summary = summarize(nesting_bomb(10), bounds);

    CHECK(summary.truncated_);
    CHECK(tree_depth(summary.body_) == 3);
}

TEST_CASE("ten thousand parts stop at the part limit", "[mime][structure][limits]") {
    std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
    for (int i = 0; i < 10000; ++i) {
        raw += "--p\r\n\r\nx\r\n";
    }
    raw += "--p--\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.truncated_);
    CHECK(count_parts(summary.body_) == limits{}.max_parts_);
    CHECK(summary.body_.children_.size() == limits{}.max_parts_ - 1);
}

TEST_CASE("message/rfc822 beyond the part limit is opaque", "[mime][structure][limits]") {
    limits bounds;
    bounds.max_parts_ = 2;
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=p\r\n\r\n"
        "--p\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\ny\r\n--p--\r\n";
    const message_summary summary = summarize(raw, bounds);

    CHECK(summary.truncated_);
    REQUIRE(summary.body_.children_.size() == 1);
    CHECK(summary.body_.children_[0].type_ == "application");
    CHECK_FALSE(summary.body_.children_[0].envelope_.has_value());
}

TEST_CASE("header field limit truncates the field list", "[mime][structure][limits]") {
    std::string raw;
    for (int i = 0; i < 600; ++i) {
        raw += "X-Field-" + std::to_string(i) + ": v\r\n";
    }
    raw += "\r\nbody";
    const message_summary summary = summarize(raw);

    CHECK(summary.truncated_);
    CHECK(summary.header_fields_.size() == limits{}.max_header_fields_);
    CHECK(body_of(raw, summary.body_) == "body");
}

TEST_CASE("overlong header line is skipped", "[mime][structure][limits]") {
    const std::string raw =
        "Subject: " + std::string(20000, 'a') + "\r\nContent-Type: text/html\r\n\r\nbody";
    const message_summary summary = summarize(raw);

    CHECK_FALSE(summary.envelope_.subject_.has_value());
    CHECK(summary.body_.subtype_ == "html");
    CHECK(body_of(raw, summary.body_) == "body");
}

TEST_CASE("folded field over the value limit is skipped", "[mime][structure][limits]") {
    std::string raw = "Subject: start\r\n";
    for (int i = 0; i < 2000; ++i) {
        raw += " " + std::string(60, 'w') + "\r\n";
    }
    raw += "To: a@b\r\n\r\n";
    const message_summary summary = summarize(raw);

    CHECK_FALSE(summary.envelope_.subject_.has_value());
    REQUIRE(summary.envelope_.to_.size() == 1);
}

TEST_CASE("garbage header lines are skipped", "[mime][structure]") {
    const std::string raw = "Subject: ok\r\nthis is not a header\r\n: no name\r\n"
                            "\tstray continuation\r\nTo: a@b\r\n\r\nbody";
    const message_summary summary = summarize(raw);

    CHECK(summary.envelope_.subject_ == "ok");
    REQUIRE(summary.envelope_.to_.size() == 1);
    CHECK(summary.header_fields_.size() == 2);
    CHECK(body_of(raw, summary.body_) == "body");
}

TEST_CASE("folded header is unfolded", "[mime][structure]") {
    const std::string raw = "Subject: one\r\n two\r\n\tthree\r\nX-Empty:\r\n\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.envelope_.subject_ == "one two\tthree");
    REQUIRE(summary.header_fields_.size() == 2);
    CHECK(summary.header_fields_[1].name_ == "X-Empty");
    CHECK(summary.header_fields_[1].value_.empty());
}

TEST_CASE("first duplicate field wins", "[mime][structure]") {
    const std::string raw = "Subject: first\r\nSubject: second\r\n\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.envelope_.subject_ == "first");
    CHECK(summary.header_fields_.size() == 2);
}

TEST_CASE("envelope text fields are raw", "[mime][structure]") {
    const std::string raw = "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
                            "In-Reply-To: <a@b>\r\nMessage-ID: <c@d>\r\n"
                            "Sender: s@example.org\r\nReply-To: r@example.org\r\n"
                            "Cc: c@example.org\r\nBcc: b@example.org\r\n\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.envelope_.date_ == "Mon, 7 Feb 1994 21:52:25 -0800");
    CHECK(summary.envelope_.in_reply_to_ == "<a@b>");
    CHECK(summary.envelope_.message_id_ == "<c@d>");
    REQUIRE(summary.envelope_.sender_.size() == 1);
    CHECK(summary.envelope_.sender_[0].mailbox_ == "s");
    REQUIRE(summary.envelope_.reply_to_.size() == 1);
    REQUIRE(summary.envelope_.cc_.size() == 1);
    REQUIRE(summary.envelope_.bcc_.size() == 1);
    CHECK(summary.envelope_.bcc_[0].host_ == "example.org");
}

TEST_CASE("part ranges cover the message exactly", "[mime][structure]") {
    const std::string raw = "Content-Type: multipart/mixed; boundary=q\r\n\r\n"
                            "--q\r\nContent-Type: text/plain\r\n\r\na\r\n--q\r\n\r\nb\r\n--q--\r\n";
    const message_summary summary = summarize(raw);

    const body_part& root = summary.body_;
    CHECK(root.header_offset_ == 0);
    CHECK(root.header_length_ + root.body_length_ == raw.size());
    for (const body_part& child : root.children_) {
        CHECK(child.header_offset_ + child.header_length_ == child.body_offset_);
        CHECK(child.body_offset_ + child.body_length_ <= raw.size());
        CHECK(child.header_offset_ >= root.body_offset_);
    }
}

TEST_CASE("adjacent delimiter lines enclose no part", "[mime][structure]") {
    const std::string raw = "Content-Type: multipart/mixed; boundary=a\r\n\r\n"
                            "--a\r\n--a\r\n\r\none\r\n--a\r\n--a\r\n\r\n\r\n--a--\r\n";
    const message_summary summary = summarize(raw);

    REQUIRE(summary.body_.children_.size() == 2);
    CHECK(body_of(raw, summary.body_.children_[0]) == "one");
    CHECK(header_of(raw, summary.body_.children_[1]) == "\r\n");
    CHECK(body_of(raw, summary.body_.children_[1]).empty());
}

TEST_CASE("message/global is encapsulated like rfc822", "[mime][structure]") {
    const std::string raw = "Content-Type: message/global\r\n\r\n"
                            "Subject: gr\xC3\xBC\xC3\x9F"
                            "e\r\n\r\ninner\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.is_message());
    REQUIRE(summary.body_.envelope_.has_value());
    CHECK(summary.body_.envelope_->subject_ == "gr\xC3\xBC\xC3\x9F"
                                               "e");
    REQUIRE(summary.body_.children_.size() == 1);
    CHECK(body_of(raw, summary.body_.children_[0]) == "inner\r\n");
}

TEST_CASE("encoded message/rfc822 stays grammatical", "[mime][structure]") {
    // Forbidden by RFC 2046 but sent by some clients: the body is base64 text, so the
    // encapsulated header is not readable and the envelope stays empty.
    const std::string raw = "Content-Type: message/rfc822\r\n"
                            "Content-Transfer-Encoding: base64\r\n\r\n"
                            "U3ViamVjdDogeA0KDQp5DQo=\r\n";
    const message_summary summary = summarize(raw);

    CHECK(summary.body_.is_message());
    CHECK(summary.body_.encoding_ == "base64");
    REQUIRE(summary.body_.envelope_.has_value());
    CHECK_FALSE(summary.body_.envelope_->subject_.has_value());
    REQUIRE(summary.body_.children_.size() == 1);
}

TEST_CASE("multipart beyond the part limit is opaque", "[mime][structure][limits]") {
    limits bounds;
    bounds.max_parts_ = 2;
    const std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n"
                            "--p\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n"
                            "--q\r\n\r\nx\r\n--q--\r\n--p--\r\n";
    const message_summary summary = summarize(raw, bounds);

    CHECK(summary.truncated_);
    REQUIRE(summary.body_.children_.size() == 1);
    CHECK(summary.body_.children_[0].type_ == "application");
    CHECK(summary.body_.children_[0].children_.empty());
}
