// Test-only program: seals messages to an account's public key and appends them to its
// INBOX, as delivery does, so the POP3 tests can run before SMTP delivery is wired in.
//   pop3_fill_inbox STATE_DIR ADDRESS FILE...
// Each FILE is one raw message, stored byte for byte. Prints the UID of each, one a line.
// Exits 1 with a message on stderr when the instance, account or INBOX cannot be opened.
#include "crypto/secret.hpp"
#include "src/config/instance_paths.hpp"
#include "src/message/sealed_message.hpp"
#include "storage/address.hpp"
#include "storage/directory.hpp"
#include "storage/key_file.hpp"
#include "storage/mailbox_store.hpp"

#include <cstdio>
#include <ctime>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>

using namespace skrynka;

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: pop3_fill_inbox STATE_DIR ADDRESS FILE...\n");
        return 2;
    }
    try {
        crypto::initialize();
        const auto paths = app::config::instance_paths::under(argv[1]);
        const crypto::secret_bytes storage_key = storage::read_storage_key(paths.storage_key);
        auto directory = storage::directory::open(paths.directory_database, storage_key,
                                                  storage::open_mode::open_existing);
        const auto account = directory.find_account(storage::canonical_address(argv[2]));
        if (!account) {
            std::fprintf(stderr, "pop3_fill_inbox: no account %s\n", argv[2]);
            return 1;
        }
        auto store = storage::mailbox_store::open(
            storage::mailbox_database_path(paths.state_dir, account->id),
            directory.mailbox_database_key(account->id), storage::open_mode::open_existing);
        const auto inbox = store.find_mailbox("INBOX");
        if (!inbox) {
            std::fprintf(stderr, "pop3_fill_inbox: %s has no INBOX\n", argv[2]);
            return 1;
        }
        for (int i = 3; i < argc; ++i) {
            std::ifstream file(argv[i], std::ios::binary);
            if (!file) {
                std::fprintf(stderr, "pop3_fill_inbox: cannot read %s\n", argv[i]);
                return 1;
            }
            const std::string raw((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
            message::message_attributes attributes;
            attributes.internal_date = static_cast<std::int64_t>(std::time(nullptr));
            const storage::message_uid uid = store.append(
                inbox->id, message::seal_message(raw, account->public_key, attributes));
            std::printf("%u\n", static_cast<unsigned>(uid));
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "pop3_fill_inbox: %s\n", error.what());
        return 1;
    }
    return 0;
}
