#include "src/archive/maildir_format.hpp"
#include "storage/mailbox_types.hpp"

#include <catch2/catch.hpp>

using namespace skrynka::archive;
namespace flag = skrynka::storage::flag;

TEST_CASE("maildir folder names follow Maildir++", "[archive][maildir]") {
    REQUIRE(maildir_folder_name("INBOX").empty());
    REQUIRE(maildir_folder_name("Archive/2024") == ".Archive.2024");
    REQUIRE(maildir_folder_name("Entw\xc3\xbcrfe") == ".Entw&APw-rfe");
    REQUIRE(maildir_folder_name("v1.2") == ".v1&AC4-2");

    for (const std::string name : {"INBOX", "Archive/2024", "Entw\xc3\xbcrfe", "v1.2",
                                   "a.b/c.d.e", ".x", "x."}) {
        INFO(name);
        REQUIRE(mailbox_of_folder(maildir_folder_name(name)) == name);
    }
}

TEST_CASE("maildir folder names reject malformed levels", "[archive][maildir]") {
    REQUIRE_FALSE(mailbox_of_folder("Archive").has_value());
    REQUIRE_FALSE(mailbox_of_folder(".").has_value());
    REQUIRE_FALSE(mailbox_of_folder(".a..b").has_value());
    REQUIRE_FALSE(mailbox_of_folder(".&Jjo").has_value());
}

TEST_CASE("maildir info sorts flags and keyword letters", "[archive][maildir]") {
    keyword_letters letters;
    std::vector<std::string> dropped;
    const message_flags flags{flag::seen | flag::answered | flag::flagged | flag::draft |
                                  flag::deleted,
                              {"$Work", "$Later"}};
    REQUIRE(maildir_info(flags, letters, dropped) == ":2,DFRSTab");
    REQUIRE(maildir_info({flag::seen, {"$Later"}}, letters, dropped) == ":2,Sb");
    REQUIRE(dropped.empty());
    REQUIRE(letters.file_contents() == "0 $Work\n1 $Later\n");

    const keyword_letters parsed = keyword_letters::parse(letters.file_contents());
    const message_flags read = flags_of_file_name("1.M1P1.host,S=5:2,DFRSTab", parsed);
    REQUIRE(read.flags == flags.flags);
    REQUIRE(read.keywords == flags.keywords);
}

TEST_CASE("maildir keywords beyond 26 are dropped", "[archive][maildir]") {
    keyword_letters letters;
    std::vector<std::string> many;
    for (int i = 0; i < 27; ++i) {
        many.push_back("k" + std::to_string(i));
    }
    std::vector<std::string> dropped;
    const std::string info = maildir_info({0, many}, letters, dropped);
    REQUIRE(info.size() == 3 + 26);
    REQUIRE(dropped == std::vector<std::string>{"k26"});
}

TEST_CASE("maildir file without info has no flags", "[archive][maildir]") {
    const message_flags read = flags_of_file_name("123.M1P1.host", keyword_letters{});
    REQUIRE(read.flags == 0);
    REQUIRE(read.keywords.empty());
}

TEST_CASE("maildir base names sort in UID order", "[archive][maildir]") {
    REQUIRE(maildir_base_name(1700000000, 42, 7, 153) ==
            "1700000000.M0000000042P7.skrynka,S=153");
    REQUIRE(maildir_base_name(1700000000, 9, 7, 1) < maildir_base_name(1700000000, 10, 7, 1));
}
