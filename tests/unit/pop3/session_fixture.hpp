// Test doubles and a driver for golden transcripts of the POP3 session engine.
#pragma once

#include "src/pop3/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::pop3::testing {

// The stored messages of one account and what sessions did to them.
struct fake_store {
    std::vector<std::string> contents;
    std::vector<std::string> unique_ids;
    std::vector<std::vector<std::size_t>> removals; // one entry per remove() call
    bool locked = false;
    bool fail_reads = false;
    bool fail_reads_after_first = false;
    bool fail_remove = false;
    std::size_t largest_read = 0;

    void add(std::string content) {
        unique_ids.push_back("1700000000." + std::to_string(contents.size() + 1));
        contents.push_back(std::move(content));
    }
};

class fake_maildrop : public maildrop {
  public:
    explicit fake_maildrop(fake_store& store) : store_(store) {
        store_.locked = true;
        for (std::size_t i = 0; i < store.contents.size(); ++i) {
            messages_.push_back({store.contents[i].size(), store.unique_ids[i]});
        }
    }
    ~fake_maildrop() override { store_.locked = false; }

    const std::vector<maildrop_message>& messages() const override { return messages_; }

    boost::asio::awaitable<std::string> read(std::size_t index, std::uint64_t offset,
                                             std::size_t length) override {
        if (store_.fail_reads || (store_.fail_reads_after_first && offset > 0)) {
            throw std::runtime_error("read failed");
        }
        store_.largest_read = std::max(store_.largest_read, length);
        const std::string& content = store_.contents.at(index);
        co_return content.substr(std::min<std::size_t>(offset, content.size()), length);
    }

    boost::asio::awaitable<void> remove(std::vector<std::size_t> indexes) override {
        if (store_.fail_remove) {
            throw std::runtime_error("remove failed");
        }
        store_.removals.push_back(indexes);
        co_return;
    }

  private:
    fake_store& store_;
    std::vector<maildrop_message> messages_;
};

// Accepts alice@example.org with the password "secret" and opens the shared store.
// Reports the lock as in use while another fake maildrop of that store is open.
class fake_accounts : public authenticator {
  public:
    explicit fake_accounts(fake_store& store) : store_(store) {}

    boost::asio::awaitable<login_result> login(std::string_view name,
                                               crypto::secret_bytes password) override {
        names.emplace_back(name);
        login_result result;
        if (name != "alice@example.org" || !password.equals(as_bytes("secret"))) {
            result.status = login_status::invalid;
            co_return result;
        }
        if (store_.locked) {
            result.status = login_status::in_use;
            co_return result;
        }
        result.status = login_status::success;
        result.user = "alice@example.org";
        result.drop = std::make_unique<fake_maildrop>(store_);
        co_return result;
    }

    boost::asio::awaitable<void> cleartext_login_refused(std::string_view name) override {
        refused.emplace_back(name);
        co_return;
    }

    std::vector<std::string> names;
    // The names passed to cleartext_login_refused, in call order.
    std::vector<std::string> refused;

  private:
    static std::span<const unsigned char> as_bytes(std::string_view text) {
        return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
    }
    fake_store& store_;
};

class string_writer : public response_writer {
  public:
    boost::asio::awaitable<void> write(std::string_view octets) override {
        written += octets;
        ++writes;
        co_return;
    }
    std::string written;
    std::size_t writes = 0;
};

inline session_config make_config(bool cleartext_login_allowed = true, bool tls_available = true) {
    session_config config;
    config.hostname = "mail.example.org";
    config.tls_available = tls_available;
    config.cleartext_login_allowed = cleartext_login_allowed;
    return config;
}

// A session with its doubles, fed like an I/O loop would feed it.
struct driver {
    // Sessions of several drivers may share one store, as sessions of one account do.
    explicit driver(session_config config = make_config(),
                    std::shared_ptr<fake_store> shared = std::make_shared<fake_store>())
        : owned(std::move(shared)), store(*owned), accounts(store),
          engine(std::move(config), accounts) {
        greeting = engine.greet();
    }

    // Feeds input in one call and returns the responses written for it.
    std::string send(std::string_view input) {
        string_writer writer;
        boost::asio::io_context context;
        auto future =
            boost::asio::co_spawn(context, engine.feed(input, writer), boost::asio::use_future);
        context.run();
        step = future.get();
        return writer.written;
    }

    std::shared_ptr<fake_store> owned;
    fake_store& store;
    fake_accounts accounts;
    session engine;
    std::string greeting;
    next_step step = next_step::read;
};

inline const std::string fx_dots = "Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n";
inline const std::string fx_p = "Subject: p\r\n\r\n0123456789\r\n";
inline const std::string fx_append = "From: alice@example.org\r\n"
                                     "To: alice@example.org\r\n"
                                     "Subject: append test\r\n"
                                     "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
                                     "Message-ID: <append-1@example.org>\r\n"
                                     "\r\n"
                                     "hello\r\n";

} // namespace skrynka::pop3::testing
