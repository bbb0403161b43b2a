// Message operations of mailbox_store: append, list, flags, copy, move, expunge and
// chunk reads.
#include "storage/error.hpp"
#include "storage/mailbox_store.hpp"
#include "storage/transaction.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace skrynka::storage {

namespace {

constexpr std::size_t max_keyword_size = 255;
// UIDs and UIDNEXT are 32-bit (RFC 9051 section 2.3.1.1). UIDNEXT must itself fit, so the
// last UID a mailbox can assign is 2^32 - 2.
constexpr std::int64_t max_uidnext = std::numeric_limits<std::uint32_t>::max();

// Keywords are IMAP atoms (RFC 9051 section 9: flag-keyword). Storage enforces the atom
// characters so a stored keyword can always be sent back to a client verbatim.
void check_keyword(std::string_view keyword, const database& db) {
    if (keyword.empty() || keyword.size() > max_keyword_size) {
        throw_error(errc::invalid_argument, db.path(), "keyword must be 1 to 255 bytes");
    }
    for (char c : keyword) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f ||
            std::string_view("(){%*\"\\]").find(c) != std::string_view::npos) {
            throw_error(errc::invalid_argument, db.path(),
                        "keyword contains a character outside an IMAP atom");
        }
    }
}

void check_flags(std::uint32_t flags, const database& db) {
    if ((flags & ~flag::all) != 0) {
        throw_error(errc::invalid_argument, db.path(), "unknown system flag bits");
    }
}

void check_message(const new_message& message, const database& db) {
    check_flags(message.flags, db);
    for (const auto& keyword : message.keywords) {
        check_keyword(keyword, db);
    }
}

// Sorted, without duplicates and without 0, which is never a UID.
std::vector<message_uid> normalized_uids(std::span<const message_uid> uids) {
    std::vector<message_uid> sorted(uids.begin(), uids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (!sorted.empty() && sorted.front() == 0) {
        sorted.erase(sorted.begin());
    }
    return sorted;
}

message_uid take_uid(std::uint32_t& uidnext, const database& db) {
    if (uidnext >= max_uidnext) {
        throw_error(errc::too_big, db.path(),
                    "mailbox has used up its UIDs; it must be recreated with a new UIDVALIDITY");
    }
    return uidnext++;
}

void check_import_digest(std::span<const unsigned char> digest, const database& db) {
    if (digest.size() != 32) {
        throw_error(errc::invalid_argument, db.path(), "an import digest must be 32 bytes");
    }
}

} // namespace

std::vector<std::string> mailbox_store::keywords_of(std::int64_t message_row_id) {
    statement query =
        db_.prepare("SELECT keyword FROM keywords WHERE message = ?1 ORDER BY keyword");
    query.bind(1, message_row_id);
    std::vector<std::string> keywords;
    while (query.step()) {
        keywords.push_back(query.column_text(0));
    }
    return keywords;
}

message_uid mailbox_store::append(mailbox_id mailbox, const new_message& message) {
    check_message(message, db_);
    transaction tx(db_);
    const message_uid uid = append_locked(mailbox, message);
    tx.commit();
    return uid;
}

std::optional<message_uid> mailbox_store::append_once(mailbox_id mailbox,
                                                      const new_message& message,
                                                      std::span<const unsigned char> import_digest) {
    check_message(message, db_);
    check_import_digest(import_digest, db_);
    transaction tx(db_);
    const std::optional<message_uid> uid = append_once_locked(mailbox, message, import_digest);
    tx.commit();
    return uid;
}

std::vector<std::optional<message_uid>>
mailbox_store::append_once_many(std::span<const import_request> requests) {
    for (const auto& request : requests) {
        check_message(request.message, db_);
        check_import_digest(request.digest, db_);
    }
    transaction tx(db_);
    std::vector<std::optional<message_uid>> uids;
    uids.reserve(requests.size());
    for (const auto& request : requests) {
        uids.push_back(append_once_locked(request.mailbox, request.message, request.digest));
    }
    tx.commit();
    return uids;
}

std::optional<message_uid>
mailbox_store::append_once_locked(mailbox_id mailbox, const new_message& message,
                                  std::span<const unsigned char> import_digest) {
    statement known = db_.prepare("SELECT 1 FROM imported_messages WHERE digest = ?1");
    known.bind_blob(1, import_digest);
    if (known.step()) {
        return std::nullopt;
    }

    const message_uid uid = append_locked(mailbox, message);
    db_.prepare("INSERT INTO imported_messages (digest, mailbox_id, uid) VALUES (?1, ?2, ?3)")
        .bind_blob(1, import_digest)
        .bind(2, mailbox)
        .bind(3, static_cast<std::int64_t>(uid))
        .run();
    return uid;
}

std::vector<message_uid> mailbox_store::append_many(std::span<const append_request> requests) {
    for (const auto& request : requests) {
        check_message(request.message, db_);
    }
    transaction tx(db_);
    std::vector<message_uid> uids;
    uids.reserve(requests.size());
    for (const auto& request : requests) {
        uids.push_back(append_locked(request.mailbox, request.message));
    }
    tx.commit();
    return uids;
}

message_uid mailbox_store::append_locked(mailbox_id mailbox, const new_message& message) {
    counters values = load_counters(mailbox);
    const message_uid uid = take_uid(values.uidnext, db_);
    values.highestmodseq += 1;

    db_.prepare("INSERT INTO messages (mailbox_id, uid, modseq, flags, internal_date, size, "
                "message_id, sealed_key, sealed_summary, chunk_count) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(1, mailbox)
        .bind(2, static_cast<std::int64_t>(uid))
        .bind(3, values.highestmodseq)
        .bind(4, static_cast<std::int64_t>(message.flags))
        .bind(5, message.internal_date)
        .bind(6, message.size)
        .bind_blob(7, message.message_id)
        .bind_blob(8, message.sealed_key)
        .bind_blob(9, message.sealed_summary)
        .bind(10, static_cast<std::int64_t>(message.chunks.size()))
        .run();
    const std::int64_t row = db_.last_insert_rowid();

    statement insert_keyword =
        db_.prepare("INSERT OR IGNORE INTO keywords (message, keyword) VALUES (?1, ?2)");
    for (const auto& keyword : message.keywords) {
        insert_keyword.reset();
        insert_keyword.bind(1, row).bind_text(2, keyword).run();
    }
    statement insert_chunk =
        db_.prepare("INSERT INTO chunks (message, idx, data) VALUES (?1, ?2, ?3)");
    for (std::size_t index = 0; index < message.chunks.size(); ++index) {
        insert_chunk.reset();
        insert_chunk.bind(1, row)
            .bind(2, static_cast<std::int64_t>(index))
            .bind_blob(3, message.chunks[index])
            .run();
    }

    // UIDNEXT is saved in the same transaction as the message, so a UID is never handed
    // out twice, even after a crash.
    save_counters(mailbox, values);
    return uid;
}

std::vector<message_row> mailbox_store::list_messages(mailbox_id mailbox) {
    load_counters(mailbox); // not_found for an unknown mailbox
    statement query =
        db_.prepare("SELECT id, uid, modseq, flags, internal_date, size, message_id, sealed_key, "
                    "sealed_summary, chunk_count FROM messages WHERE mailbox_id = ?1 ORDER BY uid");
    query.bind(1, mailbox);

    std::vector<message_row> rows;
    while (query.step()) {
        message_row row;
        row.uid = static_cast<message_uid>(query.column_int64(1));
        row.modseq = query.column_int64(2);
        row.flags = static_cast<std::uint32_t>(query.column_int64(3));
        row.internal_date = query.column_int64(4);
        row.size = query.column_int64(5);
        const auto id = query.column_blob(6);
        std::copy_n(id.begin(), std::min(id.size(), row.message_id.size()), row.message_id.begin());
        row.sealed_key = query.column_blob(7);
        row.sealed_summary = query.column_blob(8);
        row.chunk_count = query.column_int64(9);
        rows.push_back(std::move(row));
    }

    // Keywords of the whole mailbox in one pass, in the same UID order as rows.
    statement keywords =
        db_.prepare("SELECT m.uid, k.keyword FROM keywords k JOIN messages m ON m.id = k.message "
                    "WHERE m.mailbox_id = ?1 ORDER BY m.uid, k.keyword");
    keywords.bind(1, mailbox);
    auto next_row = rows.begin();
    while (keywords.step()) {
        const auto uid = static_cast<message_uid>(keywords.column_int64(0));
        while (next_row != rows.end() && next_row->uid < uid) {
            ++next_row;
        }
        if (next_row != rows.end() && next_row->uid == uid) {
            next_row->keywords.push_back(keywords.column_text(1));
        }
    }
    return rows;
}

std::vector<flag_update> mailbox_store::store_flags(mailbox_id mailbox,
                                                    std::span<const message_uid> uids,
                                                    flag_change change, std::uint32_t flags,
                                                    std::span<const std::string> keywords) {
    check_flags(flags, db_);
    for (const auto& keyword : keywords) {
        check_keyword(keyword, db_);
    }
    const std::set<std::string> requested(keywords.begin(), keywords.end());

    transaction tx(db_);
    counters values = load_counters(mailbox);
    const std::int64_t modseq = values.highestmodseq + 1;

    statement select =
        db_.prepare("SELECT id, flags, modseq FROM messages WHERE mailbox_id = ?1 AND uid = ?2");
    statement update = db_.prepare("UPDATE messages SET flags = ?2, modseq = ?3 WHERE id = ?1");
    statement clear_keywords = db_.prepare("DELETE FROM keywords WHERE message = ?1");
    statement insert_keyword =
        db_.prepare("INSERT INTO keywords (message, keyword) VALUES (?1, ?2)");

    std::vector<flag_update> updates;
    bool any_changed = false;
    for (const message_uid uid : normalized_uids(uids)) {
        select.reset();
        select.bind(1, mailbox).bind(2, static_cast<std::int64_t>(uid));
        if (!select.step()) {
            continue;
        }
        const std::int64_t row = select.column_int64(0);
        const auto old_flags = static_cast<std::uint32_t>(select.column_int64(1));
        const std::int64_t old_modseq = select.column_int64(2);
        const auto old_list = keywords_of(row);
        const std::set<std::string> old_keywords(old_list.begin(), old_list.end());

        std::uint32_t new_flags = old_flags;
        std::set<std::string> new_keywords = old_keywords;
        switch (change) {
        case flag_change::add:
            new_flags |= flags;
            new_keywords.insert(requested.begin(), requested.end());
            break;
        case flag_change::remove:
            new_flags &= ~flags;
            for (const auto& keyword : requested) {
                new_keywords.erase(keyword);
            }
            break;
        case flag_change::replace:
            new_flags = flags;
            new_keywords = requested;
            break;
        }

        flag_update result{uid, old_modseq, new_flags,
                           std::vector<std::string>(new_keywords.begin(), new_keywords.end()),
                           false};
        if (new_flags != old_flags || new_keywords != old_keywords) {
            update.reset();
            update.bind(1, row).bind(2, static_cast<std::int64_t>(new_flags)).bind(3, modseq).run();
            clear_keywords.reset();
            clear_keywords.bind(1, row).run();
            for (const auto& keyword : new_keywords) {
                insert_keyword.reset();
                insert_keyword.bind(1, row).bind_text(2, keyword).run();
            }
            result.modseq = modseq;
            result.changed = true;
            any_changed = true;
        }
        updates.push_back(std::move(result));
    }

    if (any_changed) {
        values.highestmodseq = modseq;
        save_counters(mailbox, values);
    }
    tx.commit();
    return updates;
}

std::vector<copied_uid> mailbox_store::copy(mailbox_id source, std::span<const message_uid> uids,
                                            mailbox_id destination) {
    transaction tx(db_);
    auto copied = copy_locked(source, uids, destination);
    tx.commit();
    return copied;
}

std::vector<copied_uid> mailbox_store::move(mailbox_id source, std::span<const message_uid> uids,
                                            mailbox_id destination) {
    if (source == destination) {
        throw_error(errc::invalid_argument, db_.path(),
                    "cannot move messages to their own mailbox");
    }
    transaction tx(db_);
    auto copied = copy_locked(source, uids, destination);
    std::vector<message_uid> moved;
    moved.reserve(copied.size());
    for (const auto& pair : copied) {
        moved.push_back(pair.source);
    }
    expunge_locked(source, moved);
    tx.commit();
    return copied;
}

std::vector<copied_uid> mailbox_store::copy_locked(mailbox_id source,
                                                   std::span<const message_uid> uids,
                                                   mailbox_id destination) {
    load_counters(source); // not_found for an unknown source
    counters values = load_counters(destination);
    const std::int64_t modseq = values.highestmodseq + 1;

    statement select = db_.prepare("SELECT id FROM messages WHERE mailbox_id = ?1 AND uid = ?2");
    // NOTE: a copy duplicates the sealed key and every chunk rather than sharing them, so
    // a message's ciphertext is gone only when its last copy is expunged.
    statement insert_message = db_.prepare(
        "INSERT INTO messages (mailbox_id, uid, modseq, flags, internal_date, size, message_id, "
        "sealed_key, sealed_summary, chunk_count) "
        "SELECT ?2, ?3, ?4, flags, internal_date, size, message_id, sealed_key, sealed_summary, "
        "chunk_count FROM messages WHERE id = ?1");
    statement copy_keywords = db_.prepare("INSERT INTO keywords (message, keyword) SELECT ?2, "
                                          "keyword FROM keywords WHERE message = ?1");
    statement copy_chunks = db_.prepare("INSERT INTO chunks (message, idx, data) SELECT ?2, idx, "
                                        "data FROM chunks WHERE message = ?1");

    std::vector<copied_uid> copied;
    for (const message_uid uid : normalized_uids(uids)) {
        select.reset();
        select.bind(1, source).bind(2, static_cast<std::int64_t>(uid));
        if (!select.step()) {
            continue;
        }
        const std::int64_t from_row = select.column_int64(0);
        const message_uid new_uid = take_uid(values.uidnext, db_);

        insert_message.reset();
        insert_message.bind(1, from_row)
            .bind(2, destination)
            .bind(3, static_cast<std::int64_t>(new_uid))
            .bind(4, modseq)
            .run();
        const std::int64_t to_row = db_.last_insert_rowid();
        copy_keywords.reset();
        copy_keywords.bind(1, from_row).bind(2, to_row).run();
        copy_chunks.reset();
        copy_chunks.bind(1, from_row).bind(2, to_row).run();
        copied.push_back({uid, new_uid});
    }

    if (!copied.empty()) {
        values.highestmodseq = modseq;
        save_counters(destination, values);
    }
    return copied;
}

std::vector<expunged_message> mailbox_store::expunge(mailbox_id mailbox,
                                                     std::span<const message_uid> uids) {
    transaction tx(db_);
    auto expunged = expunge_locked(mailbox, uids);
    tx.commit();
    return expunged;
}

std::vector<expunged_message> mailbox_store::expunge_locked(mailbox_id mailbox,
                                                            std::span<const message_uid> uids) {
    counters values = load_counters(mailbox);

    statement select =
        db_.prepare("SELECT m.id, m.sealed_key, (SELECT coalesce(sum(length(data)), 0) FROM chunks "
                    "WHERE message = m.id) FROM messages m WHERE m.mailbox_id = ?1 AND m.uid = ?2");
    statement delete_keywords = db_.prepare("DELETE FROM keywords WHERE message = ?1");
    statement delete_chunks = db_.prepare("DELETE FROM chunks WHERE message = ?1");
    statement delete_message = db_.prepare("DELETE FROM messages WHERE id = ?1");

    std::vector<expunged_message> expunged;
    for (const message_uid uid : normalized_uids(uids)) {
        select.reset();
        select.bind(1, mailbox).bind(2, static_cast<std::int64_t>(uid));
        if (!select.step()) {
            continue;
        }
        const std::int64_t row = select.column_int64(0);
        expunged.push_back({uid, select.column_blob(1), select.column_int64(2)});

        for (statement* remove : {&delete_keywords, &delete_chunks, &delete_message}) {
            remove->reset();
            remove->bind(1, row).run();
        }
    }

    // RFC 7162 section 3.2.10 (QRESYNC): an expunge is a change, so HIGHESTMODSEQ moves.
    if (!expunged.empty()) {
        values.highestmodseq += 1;
        save_counters(mailbox, values);
    }
    return expunged;
}

std::vector<bytes> mailbox_store::read_chunks(mailbox_id mailbox, message_uid uid,
                                              std::int64_t first, std::int64_t count) {
    if (first < 0 || count < 0) {
        throw_error(errc::invalid_argument, db_.path(), "chunk range must not be negative");
    }
    statement select = db_.prepare("SELECT id FROM messages WHERE mailbox_id = ?1 AND uid = ?2");
    select.bind(1, mailbox).bind(2, static_cast<std::int64_t>(uid));
    if (!select.step()) {
        throw_error(errc::not_found, db_.path(), "message not found");
    }
    const std::int64_t row = select.column_int64(0);

    statement query = db_.prepare(
        "SELECT data FROM chunks WHERE message = ?1 AND idx >= ?2 AND idx < ?2 + ?3 ORDER BY idx");
    query.bind(1, row).bind(2, first).bind(3, count);
    std::vector<bytes> chunks;
    while (query.step()) {
        chunks.push_back(query.column_blob(0));
    }
    return chunks;
}

} // namespace skrynka::storage
