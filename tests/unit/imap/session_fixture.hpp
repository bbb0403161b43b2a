// An IMAP session engine over a real encrypted mailbox store in a temporary folder,
// with the standard mailboxes and one account: alice@example.org, password "secret".
#pragma once

#include "crypto/user_keys.hpp"
#include "src/imap/session.hpp"
#include "src/imap/store_access.hpp"
#include "src/message/sealed_message.hpp"
#include "tests/unit/storage/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

namespace skrynka::imap::test {

class fixed_login : public login_service {
  public:
    fixed_login(std::shared_ptr<storage::mailbox_store> store, const crypto::user_key_pair& keys)
        : store_(std::move(store)), keys_(keys) {}

    std::unique_ptr<mail_access> login(std::string_view name, const crypto::secret_bytes& password,
                                       std::string_view remote,
                                       const std::shared_ptr<net::session_end>&) override {
        remotes.emplace_back(remote);
        const std::string_view expected = "secret";
        const bool good = password.size() == expected.size() &&
                          std::equal(expected.begin(), expected.end(), password.data());
        if ((name != "alice" && name != "alice@example.org") || !good) {
            return nullptr;
        }
        crypto::user_key_pair copy{keys_.public_key,
                                   crypto::secret_bytes::copy_of(std::span<const unsigned char>(
                                       keys_.secret_key.data(), keys_.secret_key.size()))};
        return std::make_unique<store_access>("alice@example.org", store_, std::move(copy));
    }

    void record_rejected_login(std::string_view name, std::string_view remote,
                               storage::login_failure_reason reason) override {
        rejected.push_back({std::string(name), std::string(remote), reason});
    }

    struct rejected_login {
        std::string name;
        std::string remote;
        storage::login_failure_reason reason;
    };
    // What the engine passed in, in call order.
    std::vector<std::string> remotes;
    std::vector<rejected_login> rejected;

  private:
    std::shared_ptr<storage::mailbox_store> store_;
    const crypto::user_key_pair& keys_;
};

struct session_fixture {
    storage::test::temp_dir state;
    crypto::user_key_pair keys = crypto::generate_user_key_pair();
    std::shared_ptr<storage::mailbox_store> store = std::make_shared<storage::mailbox_store>(
        storage::mailbox_store::open(state / "mailbox.db", crypto::secret_bytes::random(32),
                                     storage::open_mode::create_new));
    fixed_login logins{store, keys};

    session_fixture() {
        store->create_mailbox("INBOX");
        store->set_subscribed("INBOX", true);
        for (const auto& [name, use] : {std::pair{"Drafts", "\\Drafts"},
                                        {"Sent", "\\Sent"},
                                        {"Trash", "\\Trash"},
                                        {"Junk", "\\Junk"},
                                        {"Archive", "\\Archive"}}) {
            store->create_mailbox(name, std::string_view(use));
            store->set_subscribed(name, true);
        }
    }

    static session_config config(bool tls = true) {
        session_config settings;
        settings.hostname = "mail.example.org";
        settings.tls_active = tls;
        settings.tls_available = true;
        settings.limits.append_max = 1024 * 1024;
        settings.remote_address = "192.0.2.9";
        return settings;
    }

    std::unique_ptr<session> open_session(bool tls = true) {
        auto engine = std::make_unique<session>(config(tls), logins);
        engine->greet();
        return engine;
    }

    std::unique_ptr<session> logged_in(std::string_view select = {}) {
        auto engine = open_session();
        REQUIRE(engine->feed("l1 LOGIN alice secret\r\n").replies.find("l1 OK") !=
                std::string::npos);
        if (!select.empty()) {
            const auto output = engine->feed("s1 SELECT " + std::string(select) + "\r\n");
            REQUIRE(output.replies.find("s1 OK") != std::string::npos);
        }
        return engine;
    }

    // Delivers a message to INBOX as SMTP would. Returns its UID.
    storage::message_uid deliver(const std::string& raw, std::uint32_t flags = 0,
                                 std::string_view mailbox = "INBOX") {
        message::message_attributes attributes;
        attributes.flags = flags;
        attributes.internal_date = 760653210; // 07-Feb-1994 20:33:30 +0000
        return store->append(store->find_mailbox(mailbox)->id,
                             message::seal_message(raw, keys.public_key, attributes));
    }
};

// Sends client text and returns the server's output.
inline std::string talk(session& engine, std::string_view client) {
    return engine.feed(client).replies;
}

} // namespace skrynka::imap::test
