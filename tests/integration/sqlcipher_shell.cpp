// Test-only: runs SQL on an instance's SQLCipher database with its storage key, the way
// an operator who has the key could change it behind skrynka's back.
// Usage: sqlcipher_shell DATABASE STORAGE_KEY_FILE SQL
//        sqlcipher_shell --mailbox STATE_DIR ACCOUNT_ID SQL
// The second form opens an account's mailbox database with the key that directory.db
// holds for it, so a test can, for example, delete rows with secure_delete off.
#include "crypto/secret.hpp"
#include "storage/database.hpp"
#include "storage/directory.hpp"
#include "storage/key_file.hpp"
#include "storage/mailbox_store.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

namespace {

int run_on_mailbox(const char* state_dir, const char* account_text, const char* sql) {
    using namespace skrynka::storage;
    const std::filesystem::path state(state_dir);
    const auto storage_key = read_storage_key(state / "keys" / "storage.key");
    auto directory = directory::open(state / "directory.db", storage_key, open_mode::open_existing);
    const std::int64_t account = std::stoll(account_text);
    const auto key = directory.mailbox_database_key(account);
    auto db = database::open(mailbox_database_path(state, account), key, open_mode::open_existing);
    db.execute(sql);
    db.checkpoint_truncate();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const bool mailbox = argc == 5 && std::string_view(argv[1]) == "--mailbox";
    if (argc != 4 && !mailbox) {
        std::fprintf(stderr, "usage: sqlcipher_shell DATABASE STORAGE_KEY_FILE SQL\n"
                             "       sqlcipher_shell --mailbox STATE_DIR ACCOUNT_ID SQL\n");
        return 2;
    }
    try {
        skrynka::crypto::initialize();
        if (mailbox) {
            return run_on_mailbox(argv[2], argv[3], argv[4]);
        }
        const auto key = skrynka::storage::read_storage_key(argv[2]);
        auto db = skrynka::storage::database::open(argv[1], key,
                                                   skrynka::storage::open_mode::open_existing);
        db.execute(argv[3]);
        db.checkpoint_truncate();
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "sqlcipher_shell: %s\n", error.what());
        return 1;
    }
}
