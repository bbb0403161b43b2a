#include "src/cli/standard_mailboxes.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"
#include "temp_folder.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using namespace skrynka;

TEST_CASE("new mailbox database has the standard mailboxes", "[cli][mailboxes]") {
    temp_folder folder;
    auto path = folder.path() / "1.db";
    auto key = crypto::secret_bytes::random(32);
    app::cli::create_mailbox_database(path, key);

    auto store = storage::mailbox_store::open(path, key, storage::open_mode::open_existing);
    std::map<std::string, std::string> special_use;
    for (const storage::mailbox_info& mailbox : store.list_mailboxes()) {
        REQUIRE(mailbox.subscribed);
        special_use[mailbox.name] = mailbox.special_use.value_or("");
    }
    REQUIRE(special_use == std::map<std::string, std::string>{{"INBOX", ""},
                                                              {"Drafts", "\\Drafts"},
                                                              {"Sent", "\\Sent"},
                                                              {"Trash", "\\Trash"},
                                                              {"Junk", "\\Junk"},
                                                              {"Archive", "\\Archive"}});
}

TEST_CASE("mailbox database creation never overwrites", "[cli][mailboxes]") {
    temp_folder folder;
    auto path = folder.path() / "1.db";
    auto key = crypto::secret_bytes::random(32);
    app::cli::create_mailbox_database(path, key);
    REQUIRE_THROWS_AS(app::cli::create_mailbox_database(path, key), storage::storage_error);
}

TEST_CASE("mailbox database opens only with its key", "[cli][mailboxes]") {
    temp_folder folder;
    auto path = folder.path() / "1.db";
    app::cli::create_mailbox_database(path, crypto::secret_bytes::random(32));
    try {
        storage::mailbox_store::open(path, crypto::secret_bytes::random(32),
                                     storage::open_mode::open_existing);
        FAIL("a random key opened the mailbox database");
    } catch (const storage::storage_error& error) {
        REQUIRE(error.code() == storage::errc::wrong_key_or_not_a_database);
    }
}
