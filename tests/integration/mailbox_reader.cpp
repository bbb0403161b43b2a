// Test-only program: prints the INBOX messages of one account, decrypted, so integration
// tests can check what `skrynka serve` stored before IMAP exists. Never installed.
//
//   mailbox_reader STATE_DIR ADDRESS < password
//
// Output, per message by ascending UID: "message uid=U size=S" LF, then the S octets of
// the raw message, then LF. Exits 1 when a message fails to open (after printing
// "unreadable uid=U" for it), 2 on a usage or login error.
#include "crypto/user_keys.hpp"
#include "src/cli/account_key_slots.hpp"
#include "src/config/instance_paths.hpp"
#include "src/message/sealed_message.hpp"
#include "storage/directory.hpp"
#include "storage/key_file.hpp"
#include "storage/mailbox_store.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <iterator>
#include <string>

namespace {

using namespace skrynka;

int read_inbox(const std::filesystem::path& state_dir, const std::string& address,
               const crypto::secret_bytes& password) {
    const app::config::instance_paths paths = app::config::instance_paths::under(state_dir);
    const crypto::secret_bytes storage_key = storage::read_storage_key(paths.storage_key);
    storage::directory directory = storage::directory::open(paths.directory_database, storage_key,
                                                            storage::open_mode::open_existing);

    const std::optional<storage::account> account = directory.find_account(address);
    if (!account) {
        std::cerr << "mailbox_reader: no account " << address << "\n";
        return 2;
    }
    const std::optional<storage::key_slot> slot =
        app::cli::find_slot(directory, account->id, app::cli::login_slot_label);
    std::optional<crypto::secret_bytes> secret_key;
    if (slot) {
        secret_key = app::cli::open_slot(*slot, password);
    }
    if (!secret_key) {
        std::cerr << "mailbox_reader: the password does not open the login key slot\n";
        return 2;
    }
    const crypto::user_key_pair owner{account->public_key, std::move(*secret_key)};

    storage::mailbox_store store = storage::mailbox_store::open(
        storage::mailbox_database_path(state_dir, account->id),
        directory.mailbox_database_key(account->id), storage::open_mode::open_existing);
    const std::optional<storage::mailbox_info> inbox = store.find_mailbox("INBOX");
    if (!inbox) {
        std::cerr << "mailbox_reader: no INBOX\n";
        return 2;
    }

    int status = 0;
    for (const storage::message_row& row : store.list_messages(inbox->id)) {
        const std::optional<message::opened_message> opened = message::open_message(row, owner);
        if (!opened) {
            std::cout << "unreadable uid=" << row.uid << "\n";
            status = 1;
            continue;
        }
        const std::vector<unsigned char> raw = opened->read_all(store, inbox->id);
        std::cout << "message uid=" << row.uid << " size=" << raw.size() << "\n";
        std::cout.write(reinterpret_cast<const char*>(raw.data()),
                        static_cast<std::streamsize>(raw.size()));
        std::cout << "\n";
    }
    return status;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: mailbox_reader STATE_DIR ADDRESS < password\n";
        return 2;
    }
    std::string password_line;
    std::getline(std::cin, password_line);
    const crypto::secret_bytes password = crypto::secret_bytes::copy_of(password_line);
    std::fill(password_line.begin(), password_line.end(), '\0');

    try {
        return read_inbox(argv[1], argv[2], password);
    } catch (const std::exception& error) {
        std::cerr << "mailbox_reader: " << error.what() << "\n";
        return 2;
    }
}
