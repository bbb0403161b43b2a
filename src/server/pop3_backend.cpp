// POP3 logins and the INBOX maildrop; see pop3_backend.hpp. UIDL unique-ids are
// "UIDVALIDITY.UID" of INBOX: the store never reuses a UID and gives a re-created INBOX
// a new UIDVALIDITY, so an id is never handed to another message (RFC 1939 section 7).
#include "src/server/pop3_backend.hpp"

#include "src/auth/account_unlock.hpp"
#include "src/logging/logging.hpp"
#include "src/message/sealed_message.hpp"
#include "src/metrics/server_metrics.hpp"
#include "storage/audit_entries.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/secure_expunge.hpp"

#include <fmt/format.h>
#include <optional>
#include <spdlog/spdlog.h>

namespace skrynka::app::server {

namespace asio = boost::asio;

namespace {

// Appends entry to the audit log and waits until it is durable. Returns false, having
// logged the error, when the append failed.
asio::awaitable<bool> record_audit(const pop3_backend_context& context,
                                   const net::connection_info& info, storage::audit_entry entry) {
    try {
        co_await context.audit->append(std::move(entry));
        co_return true;
    } catch (const storage::storage_error& error) {
        spdlog::error("session={} proto=pop3 remote={} event=audit_failed error={}",
                      info.session_id, info.remote_address, logging::log_value(error.what()));
    }
    co_return false;
}

// One session's INBOX. Every call on the store runs on executor_, one at a time.
// TODO: this opens a second connection to the mailbox database beside the one that
// delivery uses. SQLite keeps the two consistent, but the design wants one executor per
// database file; switch to the shared per-account mailbox once the server has one.
class inbox_maildrop : public pop3::maildrop {
  public:
    inbox_maildrop(const pop3_backend_context& context, const net::connection_info& info,
                   auth::unlocked_account account, account_sessions::maildrop_lock lock)
        : context_(context), info_(info), account_(std::move(account)), lock_(std::move(lock)),
          executor_(*context.blocking_pool) {}

    ~inbox_maildrop() override = default;

    // Opens the mailbox database and lists INBOX. Throws storage_error.
    asio::awaitable<void> open() {
        const storage::account_id account = account_.account;
        crypto::secret_bytes key = co_await context_.directory_executor->run(
            [this, account] { return context_.directory->mailbox_database_key(account); });
        const std::filesystem::path path =
            storage::mailbox_database_path(context_.state_directory, account);
        co_await executor_.run([this, &key, &path] {
            store_.emplace(
                storage::mailbox_store::open(path, key, storage::open_mode::open_existing));
            const std::optional<storage::mailbox_info> inbox = store_->find_mailbox("INBOX");
            if (!inbox) {
                storage::throw_error(storage::errc::not_found, path, "the account has no INBOX");
            }
            inbox_ = inbox->id;
            rows_ = store_->list_messages(inbox_);
            for (const storage::message_row& row : rows_) {
                messages_.push_back({static_cast<std::uint64_t>(row.size),
                                     fmt::format("{}.{}", inbox->uidvalidity, row.uid)});
            }
        });
    }

    const std::vector<pop3::maildrop_message>& messages() const override { return messages_; }

    asio::awaitable<std::string> read(std::size_t index, std::uint64_t offset,
                                      std::size_t length) override {
        try {
            co_return co_await executor_.run([this, index, offset, length] {
                const message::opened_message& opened = open_message_at(index);
                const std::vector<unsigned char> octets =
                    opened.read(*store_, inbox_, offset, length);
                return std::string(octets.begin(), octets.end());
            });
        } catch (const std::exception& error) {
            spdlog::warn("session={} proto=pop3 remote={} user={} event=message_read_failed "
                         "uid={} error={}",
                         info_.session_id, info_.remote_address, account_.address,
                         rows_.at(index).uid, logging::log_value(error.what()));
            throw;
        }
    }

    asio::awaitable<void> remove(std::vector<std::size_t> indexes) override {
        std::vector<storage::message_uid> uids;
        for (const std::size_t index : indexes) {
            uids.push_back(rows_.at(index).uid);
        }
        storage::expunge_request request;
        request.audit = context_.audit;
        request.origin.account_id = account_.account;
        request.origin.account = account_.address;
        request.origin.protocol = storage::audit_protocol::pop3;
        request.origin.remote = info_.remote_address;

        // One message.expunge record and one signed receipt per message are durable when
        // this returns, before the session replies +OK.
        expunge_notice notice;
        notice.account = account_.account;
        notice.mailbox = inbox_;
        notice.uids = co_await executor_.run([this, &uids, &request] {
            return storage::expunge_securely(*store_, inbox_, uids, request);
        });
        metrics::server_metrics().add_expunged(notice.uids.size());
        spdlog::info("session={} proto=pop3 remote={} user={} event=expunge mailbox=INBOX count={}",
                     info_.session_id, info_.remote_address, account_.address, notice.uids.size());
        context_.sessions->publish(notice);
    }

  private:
    // Opens the content key of message index, keeping only the latest one open, so at
    // most one content key per session sits in memory. Runs on executor_.
    const message::opened_message& open_message_at(std::size_t index) {
        if (!opened_ || opened_index_ != index) {
            opened_.reset();
            opened_ = message::open_message(rows_.at(index), account_.keys);
            if (!opened_) {
                throw std::runtime_error("the sealed content key did not open");
            }
            opened_index_ = index;
        }
        return *opened_;
    }

    const pop3_backend_context& context_;
    const net::connection_info info_;
    auth::unlocked_account account_;
    account_sessions::maildrop_lock lock_;
    storage::executor executor_;

    // Used only on executor_ after open().
    std::optional<storage::mailbox_store> store_;
    storage::mailbox_id inbox_ = 0;
    std::vector<storage::message_row> rows_;
    std::optional<message::opened_message> opened_;
    std::size_t opened_index_ = 0;

    std::vector<pop3::maildrop_message> messages_;
};

class pop3_accounts : public pop3::authenticator {
  public:
    pop3_accounts(const pop3_backend_context& context, const net::connection_info& info)
        : context_(context), info_(info) {}

    asio::awaitable<pop3::login_result> login(std::string_view name,
                                              crypto::secret_bytes password) override {
        pop3::login_result result;
        const std::string user = logging::log_value(name);
        if (!context_.throttle->allowed(info_.remote_address)) {
            log_warn(fmt::format("event=login_refused reason=rate_limited user={}", user));
            metrics::count(metrics::counter::logins_failed, metrics::protocol::pop3);
            const bool first = context_.throttle->first_rejection(info_.remote_address);
            if (first) {
                co_await record_audit(context_, info_,
                                      storage::login_failure_entry(
                                          storage::audit_protocol::pop3, name, info_.remote_address,
                                          storage::login_failure_reason::rate_limited));
            }
            result.status = pop3::login_status::rate_limited;
            co_return result;
        }

        std::optional<auth::unlocked_account> unlocked;
        bool failed = false;
        try {
            const std::string login_name(name);
            const std::optional<auth::login_candidate> candidate =
                co_await context_.directory_executor->run([&] {
                    return auth::find_login_candidate(*context_.directory, login_name);
                });
            // Argon2id runs on a pool thread of its own, beside other logins.
            storage::executor unwrap_executor(*context_.blocking_pool);
            unlocked = co_await unwrap_executor.run(
                [&] { return context_.unlocker->unlock(candidate, password); });
        } catch (const std::exception& error) {
            log_warn(fmt::format("event=login_error user={} error={}", user,
                                 logging::log_value(error.what())));
            failed = true;
        }
        if (failed) {
            result.status = pop3::login_status::temporary_failure;
            co_return result;
        }
        if (!unlocked) {
            context_.throttle->record_failure(info_.remote_address);
            log_warn(fmt::format("event=login_failed user={}", user));
            metrics::count(metrics::counter::logins_failed, metrics::protocol::pop3);
            // An unknown account is recorded as bad_credentials too, so that the log is no
            // oracle for which accounts exist.
            co_await record_audit(context_, info_,
                                  storage::login_failure_entry(
                                      storage::audit_protocol::pop3, name, info_.remote_address,
                                      storage::login_failure_reason::bad_credentials));
            result.status = pop3::login_status::invalid;
            co_return result;
        }

        spdlog::info("session={} proto=pop3 remote={} event=key_unlocked user={} source={}",
                     info_.session_id, info_.remote_address, unlocked->address,
                     unlocked->from_cache ? "cache" : "key_slot");
        std::optional<account_sessions::maildrop_lock> lock =
            context_.sessions->try_lock_maildrop(unlocked->account);
        if (!lock) {
            log_warn(fmt::format("event=login_refused reason=in_use user={}", user));
            result.status = pop3::login_status::in_use;
            co_return result;
        }

        // Registered before open() reads the directory again, so a wipe that starts later
        // ends this session, and one that already ran leaves no key to read.
        std::optional<account_sessions::registration> registration =
            context_.sessions->register_session(unlocked->account, info_.end);
        if (!registration) {
            log_warn(fmt::format("event=login_refused reason=account_closed user={}", user));
            result.status = pop3::login_status::temporary_failure;
            co_return result;
        }
        const std::string address = unlocked->address;
        auto drop = std::make_unique<inbox_maildrop>(context_, info_, std::move(*unlocked),
                                                     std::move(*lock));
        try {
            co_await drop->open();
        } catch (const std::exception& error) {
            log_warn(fmt::format("event=maildrop_open_failed user={} error={}", user,
                                 logging::log_value(error.what())));
            failed = true;
        }
        if (failed) {
            result.status = pop3::login_status::temporary_failure;
            co_return result;
        }
        // The login counts as done only once its record is durable. The result is named
        // before the test: GCC 12 has built "if (!co_await ...) co_return ...;" into an
        // illegal instruction elsewhere in this code.
        const bool recorded = co_await record_audit(
            context_, info_,
            storage::login_success_entry(storage::audit_protocol::pop3, address,
                                         info_.remote_address));
        if (!recorded) {
            result.status = pop3::login_status::temporary_failure;
            co_return result;
        }
        metrics::count(metrics::counter::logins_succeeded, metrics::protocol::pop3);
        info_.end->keep(std::make_shared<account_sessions::registration>(std::move(*registration)));
        result.status = pop3::login_status::success;
        result.user = address;
        result.drop = std::move(drop);
        co_return result;
    }

    asio::awaitable<void> cleartext_login_refused(std::string_view name) override {
        co_await record_audit(
            context_, info_,
            storage::login_failure_entry(storage::audit_protocol::pop3, name, info_.remote_address,
                                         storage::login_failure_reason::cleartext_refused));
    }

  private:
    void log_warn(std::string_view fields) const {
        spdlog::warn("session={} proto=pop3 remote={} {}", info_.session_id, info_.remote_address,
                     fields);
    }

    const pop3_backend_context& context_;
    const net::connection_info info_;
};

} // namespace

std::unique_ptr<pop3::authenticator> make_pop3_accounts(const pop3_backend_context& context,
                                                        const net::connection_info& info) {
    return std::make_unique<pop3_accounts>(context, info);
}

} // namespace skrynka::app::server
