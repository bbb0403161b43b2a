#include "storage/account_wipe.hpp"

#include "crypto/encoding.hpp"
#include "crypto/fingerprint_set.hpp"
#include "crypto/sqlcipher_page_reader.hpp"
#include "storage/audit_entries.hpp"
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/receipt_store.hpp"
#include "storage/transaction.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace skrynka::storage {
namespace {

// Every piece of a key slot is fingerprinted at this distance, so a surviving run of 47
// bytes of a slot is found. The mailbox key, 32 bytes, is one piece.
constexpr std::size_t key_fingerprint_stride = 16;
constexpr std::size_t overwrite_block_size = 64 * 1024;

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct pending_wipe {
    std::string receipt_id;
    std::int64_t key_slot_count = 0;
    crypto::digest mailbox_key_digest{};
    std::vector<unsigned char> fingerprints;
};

std::optional<pending_wipe> load_pending(database& db, std::int64_t account_id) {
    statement query = db.prepare("SELECT receipt_id, key_slot_count, mailbox_key_digest, "
                                 "fingerprints FROM pending_wipes WHERE account_id = ?1");
    query.bind(1, account_id);
    if (!query.step()) {
        return std::nullopt;
    }
    pending_wipe pending;
    pending.receipt_id = query.column_text(0);
    pending.key_slot_count = query.column_int64(1);
    const std::vector<unsigned char> digest = query.column_blob(2);
    if (digest.size() != pending.mailbox_key_digest.size()) {
        throw_error(errc::corrupt, db.path(), "a pending wipe has a malformed key digest");
    }
    std::copy(digest.begin(), digest.end(), pending.mailbox_key_digest.begin());
    pending.fingerprints = query.column_blob(3);
    return pending;
}

bool account_exists(database& db, std::int64_t account_id) {
    statement query = db.prepare("SELECT 1 FROM accounts WHERE id = ?1");
    query.bind(1, account_id);
    return query.step();
}

// Step 1. Reads the keys once, while they still exist, and keeps only digests and
// fingerprints of them.
void begin_wipe(database& db, const wipe_target& target) {
    transaction tx(db);
    if (load_pending(db, target.account_id)) {
        return;
    }
    if (!account_exists(db, target.account_id)) {
        throw_error(errc::not_found, db.path(), "account not found");
    }

    crypto::fingerprints probes = crypto::new_fingerprints();
    std::int64_t slot_count = 0;
    statement slots = db.prepare("SELECT slot FROM key_slots WHERE account_id = ?1");
    slots.bind(1, target.account_id);
    while (slots.step()) {
        const std::vector<unsigned char> blob = slots.column_blob(0);
        if (blob.size() >= crypto::fingerprint_min_needle_size) {
            crypto::add_needle(probes, blob, key_fingerprint_stride);
        }
        ++slot_count;
    }

    crypto::digest key_digest{};
    statement key = db.prepare("SELECT key FROM mailbox_keys WHERE account_id = ?1");
    key.bind(1, target.account_id);
    if (key.step()) {
        const crypto::secret_bytes mailbox_key = key.column_secret(0);
        crypto::add_needle(probes, mailbox_key.bytes(), key_fingerprint_stride);
        key_digest = crypto::hash(mailbox_key.bytes());
    }

    db.prepare("INSERT INTO pending_wipes (account_id, account, receipt_id, started, "
               "key_slot_count, mailbox_key_digest, fingerprints) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, target.account_id)
        .bind_text(2, target.account)
        .bind_text(3, crypto::hex_encode(crypto::new_receipt_id()))
        .bind(4, now_ms())
        .bind(5, slot_count)
        .bind_blob(6, key_digest)
        .bind_blob(7, crypto::encode_fingerprints(probes))
        .run();
    // A disabled account can no longer log in while the wipe runs.
    db.prepare("UPDATE accounts SET state = 1 WHERE id = ?1").bind(1, target.account_id).run();
    tx.commit();
}

// Step 2. Explicit deletes, not only ON DELETE CASCADE, as directory::delete_account.
void destroy_keys(database& db, std::int64_t account_id) {
    transaction tx(db);
    for (const char* sql :
         {"DELETE FROM key_slots WHERE account_id = ?1", "DELETE FROM addresses WHERE account_id = ?1",
          "DELETE FROM mailbox_keys WHERE account_id = ?1", "DELETE FROM accounts WHERE id = ?1"}) {
        db.prepare(sql).bind(1, account_id).run();
    }
    tx.commit();
    // secure_delete zeroed the freed pages, but the WAL keeps the old images until this.
    db.checkpoint_truncate();
}

void sync_folder(const std::filesystem::path& folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throw_error(errc::io_error, folder, fmt::format("cannot open the folder: errno {}", errno));
    }
    const int result = ::fsync(fd);
    ::close(fd);
    if (result != 0) {
        throw_error(errc::io_error, folder, "cannot sync the folder");
    }
}

// NOTE: overwriting in place does not reach blocks that a copy-on-write file system, a
// snapshot or an SSD's remapping keeps elsewhere. The content stays unreadable there
// because its key was destroyed in step 2; the overwrite only removes the ciphertext.
void overwrite_and_remove(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return;
        }
        throw_error(errc::io_error, path, fmt::format("cannot open for overwriting: errno {}", errno));
    }
    struct stat info {};
    bool ok = ::fstat(fd, &info) == 0;
    const std::vector<unsigned char> zeros(overwrite_block_size, 0);
    for (off_t offset = 0; ok && offset < info.st_size;) {
        const std::size_t length =
            static_cast<std::size_t>(std::min<off_t>(info.st_size - offset, zeros.size()));
        const ssize_t written = ::pwrite(fd, zeros.data(), length, offset);
        if (written <= 0) {
            ok = errno == EINTR && written < 0;
            continue;
        }
        offset += written;
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        throw_error(errc::io_error, path, "cannot overwrite the file");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        throw_error(errc::io_error, path, fmt::format("cannot remove the file: errno {}", errno));
    }
}

// Step 3.
void remove_mailbox_files(const std::filesystem::path& state_directory, std::int64_t account_id) {
    for (const std::filesystem::path& path : mailbox_files(state_directory, account_id)) {
        overwrite_and_remove(path);
    }
    sync_folder(mailbox_database_path(state_directory, account_id).parent_path());
}

// Step 4.
std::uint64_t verify_wipe_done(database& db, const std::filesystem::path& state_directory,
                               const crypto::secret_bytes& storage_key, const wipe_target& target,
                               const pending_wipe& pending) {
    const auto probes = crypto::decode_fingerprints(pending.fingerprints);
    if (!probes) {
        throw_error(errc::corrupt, db.path(), "a pending wipe has malformed fingerprints");
    }
    for (const std::filesystem::path& path : mailbox_files(state_directory, target.account_id)) {
        std::error_code error;
        if (std::filesystem::exists(std::filesystem::symlink_status(path, error))) {
            throw_error(errc::corrupt, path, "the mailbox file still exists after the wipe");
        }
    }
    const crypto::absence_report report = scan_directory(db.path(), storage_key, *probes);
    if (!report.proves_absence()) {
        throw_error(errc::corrupt, db.path(),
                    report.any_needle_found()
                        ? "key material of the wiped account is still in directory.db"
                        : "directory.db has pages that do not verify, so absence is unproven");
    }
    return report.pages_scanned;
}

// Step 5.
crypto::signed_receipt write_wipe_receipt(audit_log& log, const wipe_target& target,
                                          const pending_wipe& pending) {
    database& db = log.db();
    transaction tx(db);
    audit_entry entry;
    entry.actor = audit_actor::admin;
    entry.event = audit_event::account_wipe;
    entry.subject = target.account;
    entry.detail = fmt::format("receipt={} key_slots={}", pending.receipt_id, pending.key_slot_count);
    const audit_position position = log.append(tx, entry);

    crypto::receipt body;
    body.kind = crypto::receipt_kind::wipe;
    const auto id = crypto::hex_decode(pending.receipt_id);
    if (!id || id->size() != body.id.size()) {
        throw_error(errc::corrupt, db.path(), "a pending wipe has a malformed receipt id");
    }
    std::copy(id->begin(), id->end(), body.id.begin());
    body.time = now_ms();
    body.audit_sequence = position.sequence;
    body.account = target.account;
    body.account_id = target.account_id;
    body.key_slot_count = static_cast<std::uint64_t>(pending.key_slot_count);
    body.mailbox_key_digest = pending.mailbox_key_digest;
    body.fingerprints_digest = crypto::hash(pending.fingerprints);
    crypto::signed_receipt receipt = crypto::sign_receipt(log.signing_key(), body);

    insert_receipt(db, receipt, pending.fingerprints);
    db.prepare("DELETE FROM pending_wipes WHERE account_id = ?1").bind(1, target.account_id).run();
    tx.commit();
    return receipt;
}

} // namespace

std::vector<std::filesystem::path> mailbox_files(const std::filesystem::path& state_directory,
                                                 std::int64_t account_id) {
    const std::filesystem::path database = mailbox_database_path(state_directory, account_id);
    return {database, database.string() + "-wal", database.string() + "-shm",
            database.string() + "-journal"};
}

std::optional<wipe_target> find_wipe_target(database& db, std::string_view address) {
    statement pending = db.prepare("SELECT account_id, account FROM pending_wipes WHERE account = ?1");
    pending.bind_text(1, address);
    if (pending.step()) {
        return wipe_target{pending.column_int64(0), pending.column_text(1)};
    }
    statement account = db.prepare(
        "SELECT account_id, address FROM addresses WHERE address = ?1 AND is_primary = 1");
    account.bind_text(1, address);
    if (account.step()) {
        return wipe_target{account.column_int64(0), account.column_text(1)};
    }
    return std::nullopt;
}

std::vector<wipe_target> pending_wipes(database& db) {
    statement query = db.prepare("SELECT account_id, account FROM pending_wipes ORDER BY account_id");
    std::vector<wipe_target> targets;
    while (query.step()) {
        targets.push_back({query.column_int64(0), query.column_text(1)});
    }
    return targets;
}

crypto::absence_report scan_directory(const std::filesystem::path& directory_database,
                                      const crypto::secret_bytes& storage_key,
                                      const crypto::fingerprints& probes) {
    crypto::sqlcipher_page_reader reader =
        crypto::sqlcipher_page_reader::open(directory_database, storage_key);
    return crypto::scan_for_needles(reader, crypto::fingerprint_set(probes));
}

wipe_result wipe_account(audit_log& log, const std::filesystem::path& state_directory,
                         const crypto::secret_bytes& storage_key, const wipe_target& target,
                         const wipe_step_hook& after_step) {
    database& db = log.db();
    const auto step_done = [&after_step](int step) {
        if (after_step) {
            after_step(step);
        }
    };

    begin_wipe(db, target);
    step_done(1);
    const std::optional<pending_wipe> pending = load_pending(db, target.account_id);
    if (!pending) {
        throw_error(errc::internal, db.path(), "the pending wipe row is missing");
    }

    destroy_keys(db, target.account_id);
    step_done(2);
    remove_mailbox_files(state_directory, target.account_id);
    step_done(3);

    wipe_result result;
    result.pages_scanned = verify_wipe_done(db, state_directory, storage_key, target, *pending);
    step_done(4);
    result.receipt = write_wipe_receipt(log, target, *pending);
    step_done(5);
    return result;
}

} // namespace skrynka::storage
