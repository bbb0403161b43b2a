// One account's mailbox database (mailboxes/<account id>.db, keyed with that account's
// mailbox database key): its mailboxes, messages, flags, keywords and encrypted body
// chunks. Message content arrives sealed; this store keeps it as opaque bytes.
#pragma once

#include "crypto/secret.hpp"
#include "storage/database.hpp"
#include "storage/mailbox_types.hpp"

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skrynka::storage {

// Returns state_directory/mailboxes/<account>.db.
std::filesystem::path mailbox_database_path(const std::filesystem::path& state_directory,
                                            std::int64_t account);

// Mailbox names are UTF-8 with '/' as the hierarchy delimiter: 1 to 1000 bytes, no
// control characters, no empty level (so no leading, trailing or doubled '/'). "INBOX" in
// any letter case, alone or as the first level, is stored as "INBOX" (RFC 9051 section
// 5.1). A name that breaks these rules is invalid_argument.
//
// UIDs start at 1 in each mailbox, strictly increase and are never reused, even after an
// expunge or a reopen: UIDNEXT is stored in the transaction that assigns the UID. A new
// mailbox's UIDVALIDITY is the larger of the current time in seconds and one more than
// the last value this database handed out, so deleting a mailbox and creating one of the
// same name gives a different UIDVALIDITY.
//
// Every change bumps the mailbox's HIGHESTMODSEQ by one and gives the messages it changed
// that MODSEQ (RFC 7162); messages changed by one call share it. Expunge bumps it too.
//
// Every call throws storage_error on a database failure (io_error, busy, disk_full, ...)
// in addition to the errors listed. Each write runs in one transaction, all or nothing,
// and is durable when it returns (synchronous=FULL).
//
// Not thread-safe: use one store from one thread at a time (the storage executor
// serializes the calls). Move-only; closes on destruction.
class mailbox_store {
  public:
    // Opens the file with the account's mailbox database key and brings its schema up to
    // date. Throws what database::open and migrate throw.
    static mailbox_store open(const std::filesystem::path& path,
                              const crypto::secret_bytes& mailbox_database_key, open_mode mode);

    // Creates a mailbox. Parent levels are not created. Throws already_exists.
    mailbox_info create_mailbox(std::string_view name,
                                std::optional<std::string_view> special_use = std::nullopt);

    // Renames a mailbox and every mailbox below it ("a" to "b" also moves "a/x" to "b/x").
    // They keep their UIDVALIDITY and UIDs, since their messages move with them. Throws
    // not_found, already_exists when the new name or a renamed child's name is taken, and
    // invalid_argument when new_name is old_name or lies below it.
    // NOTE: IMAP's RENAME of INBOX moves its messages and leaves INBOX empty (RFC 9051
    // section 6.3.6). This renames INBOX like any mailbox, so the IMAP layer handles it.
    void rename_mailbox(std::string_view old_name, std::string_view new_name);

    // Deletes a mailbox and its messages (children stay). Returns the expunged messages,
    // for receipts. Throws not_found.
    std::vector<expunged_message> delete_mailbox(std::string_view name);

    // Throws not_found.
    void set_subscribed(std::string_view name, bool subscribed);

    std::optional<mailbox_info> find_mailbox(std::string_view name);
    std::optional<mailbox_info> find_mailbox(mailbox_id id);
    // Lists every mailbox sorted by name (bytewise).
    std::vector<mailbox_info> list_mailboxes();
    // Throws not_found.
    mailbox_status status(mailbox_id mailbox);

    // Appends one message and returns its UID. Throws not_found for an unknown mailbox,
    // invalid_argument for unknown flag bits or a malformed keyword (empty, over 255
    // bytes, or containing a control character, space or one of (){%*"\]), and too_big
    // when the mailbox has used up its UIDs.
    message_uid append(mailbox_id mailbox, const new_message& message);

    // Appends several messages, possibly to several mailboxes, in one transaction (group
    // commit). Returns their UIDs in request order. All or nothing: one bad request fails
    // them all, with the errors of append.
    std::vector<message_uid> append_many(std::span<const append_request> requests);

    // Appends one message unless an earlier call already imported one with this digest,
    // checking and recording the digest in the append's own transaction, so an import
    // that is interrupted and run again stores each message exactly once. Returns the new
    // UID, or nothing when the digest was already recorded. Throws as append, and
    // invalid_argument when the digest is not 32 bytes.
    std::optional<message_uid> append_once(mailbox_id mailbox, const new_message& message,
                                           std::span<const unsigned char> import_digest);

    // Does what append_once does for several messages in one transaction (group commit),
    // so an import pays for one durable commit per batch rather than per message. Returns
    // one result per request, in order; a digest repeated within the batch is appended
    // once. All or nothing, with the errors of append_once.
    std::vector<std::optional<message_uid>>
    append_once_many(std::span<const import_request> requests);

    // Lists a mailbox's messages by ascending UID. Throws not_found.
    std::vector<message_row> list_messages(mailbox_id mailbox);

    // Adds, removes or replaces flags and keywords on the messages with these UIDs.
    // UIDs that do not exist are skipped. Returns the state of every message found, by
    // ascending UID. Throws not_found and invalid_argument as append.
    // TODO: no UNCHANGEDSINCE condition (RFC 7162 CONDSTORE) yet; callers must compare
    // modseq themselves, outside this transaction.
    std::vector<flag_update> store_flags(mailbox_id mailbox, std::span<const message_uid> uids,
                                         flag_change change, std::uint32_t flags,
                                         std::span<const std::string> keywords = {});

    // Copies messages (flags, keywords, dates, sealed key, summary and chunks) to the end
    // of destination, which may be the same mailbox. UIDs that do not exist are skipped.
    // Returns source to new UID pairs by ascending source UID. Throws not_found, too_big.
    std::vector<copied_uid> copy(mailbox_id source, std::span<const message_uid> uids,
                                 mailbox_id destination);

    // Copies, then expunges the originals, in one transaction. Throws invalid_argument
    // when source and destination are the same, otherwise as copy.
    std::vector<copied_uid> move(mailbox_id source, std::span<const message_uid> uids,
                                 mailbox_id destination);

    // Deletes the messages with these UIDs whether or not they carry \Deleted (choosing
    // them is the caller's job). UIDs that do not exist are skipped. Returns what was
    // deleted, by ascending UID. Throws not_found for an unknown mailbox. secure_delete
    // zeroes the freed pages, but older copies stay in the WAL until
    // db().checkpoint_truncate(), which must run before a receipt states that the bytes are gone.
    std::vector<expunged_message> expunge(mailbox_id mailbox, std::span<const message_uid> uids);

    // Returns up to count body chunks of one message, starting at chunk first, in order.
    // Throws not_found when the message does not exist.
    std::vector<bytes> read_chunks(mailbox_id mailbox, message_uid uid, std::int64_t first,
                                   std::int64_t count);

    database& db() noexcept { return db_; }

  private:
    explicit mailbox_store(database db) noexcept;

    struct counters {
        message_uid uidnext;
        std::int64_t highestmodseq;
    };
    counters load_counters(mailbox_id mailbox);
    void save_counters(mailbox_id mailbox, const counters& values);
    std::uint32_t next_uidvalidity();
    message_uid append_locked(mailbox_id mailbox, const new_message& message);
    std::optional<message_uid> append_once_locked(mailbox_id mailbox, const new_message& message,
                                                  std::span<const unsigned char> import_digest);
    std::vector<copied_uid> copy_locked(mailbox_id source, std::span<const message_uid> uids,
                                        mailbox_id destination);
    std::vector<expunged_message> expunge_locked(mailbox_id mailbox,
                                                 std::span<const message_uid> uids);
    std::vector<std::string> keywords_of(std::int64_t message_row_id);

    database db_;
};

} // namespace skrynka::storage
