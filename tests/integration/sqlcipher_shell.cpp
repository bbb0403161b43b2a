// Test-only: runs SQL on an instance's SQLCipher database with its storage key, the way
// an operator who has the key could change it behind skrynka's back.
// Usage: sqlcipher_shell DATABASE STORAGE_KEY_FILE SQL
#include "crypto/secret.hpp"
#include "storage/database.hpp"
#include "storage/key_file.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: sqlcipher_shell DATABASE STORAGE_KEY_FILE SQL\n");
        return 2;
    }
    try {
        skrynka::crypto::initialize();
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
