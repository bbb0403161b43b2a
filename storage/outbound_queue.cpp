// The outbound queue in queue.db; see outbound_queue.hpp.
#include "storage/outbound_queue.hpp"

#include "crypto/chunked_aead.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"
#include "storage/statement.hpp"
#include "storage/transaction.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace skrynka::storage {

namespace {

constexpr std::array<migration, 1> queue_migrations{{
    {1, R"sql(
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE entries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    created        INTEGER NOT NULL,
    next_attempt   INTEGER NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    sender         TEXT NOT NULL,
    sender_account INTEGER NOT NULL,
    domain         TEXT NOT NULL,
    recipients     TEXT NOT NULL, -- one address per line
    size           INTEGER NOT NULL,
    message_id     BLOB NOT NULL, -- the chunked_aead message id
    last_error     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE chunks (
    entry INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    idx   INTEGER NOT NULL,
    data  BLOB NOT NULL,
    PRIMARY KEY (entry, idx)
);
)sql"},
}};

constexpr std::size_t queue_key_size = 32;

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const std::string& line : lines) {
        if (!text.empty()) {
            text += '\n';
        }
        text += line;
    }
    return text;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

std::string domain_of(const std::string& address) {
    std::string domain = address.substr(address.rfind('@') + 1);
    std::transform(domain.begin(), domain.end(), domain.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return domain;
}

crypto::secret_bytes load_or_create_queue_key(database& db) {
    statement select = db.prepare("SELECT value FROM meta WHERE name = 'queue_key'");
    if (select.step()) {
        return select.column_secret(0);
    }
    crypto::secret_bytes key = crypto::secret_bytes::random(queue_key_size);
    db.prepare("INSERT INTO meta (name, value) VALUES ('queue_key', ?1)")
        .bind_blob(1, key.bytes())
        .step();
    return key;
}

constexpr std::string_view entry_columns =
    "id, created, next_attempt, attempts, sender, sender_account, domain, recipients, size, "
    "last_error";

queue_entry read_entry(const statement& row) {
    queue_entry entry;
    entry.id = row.column_int64(0);
    entry.created = row.column_int64(1);
    entry.next_attempt = row.column_int64(2);
    entry.attempts = row.column_int64(3);
    entry.sender = row.column_text(4);
    entry.sender_account = row.column_int64(5);
    entry.domain = row.column_text(6);
    entry.recipients = split_lines(row.column_text(7));
    entry.size = row.column_int64(8);
    entry.last_error = row.column_text(9);
    return entry;
}

} // namespace

outbound_queue::outbound_queue(database db, crypto::secret_bytes queue_key)
    : db_(std::move(db)), queue_key_(std::move(queue_key)) {}

outbound_queue outbound_queue::open(const std::filesystem::path& path,
                                    const crypto::secret_bytes& storage_key, open_mode mode) {
    database db = database::open(path, storage_key, mode);
    migrate(db, queue_migrations);
    db.execute("PRAGMA foreign_keys = ON");
    crypto::secret_bytes key;
    {
        transaction creating(db);
        key = load_or_create_queue_key(db);
        creating.commit();
    }
    return outbound_queue(std::move(db), std::move(key));
}

std::vector<queue_entry_id> outbound_queue::add(const queued_message& envelope,
                                                std::string_view message, std::int64_t now) {
    std::map<std::string, std::vector<std::string>> by_domain;
    for (const std::string& recipient : envelope.recipients) {
        by_domain[domain_of(recipient)].push_back(recipient);
    }

    const std::span<const unsigned char> plaintext(
        reinterpret_cast<const unsigned char*>(message.data()), message.size());
    std::vector<queue_entry_id> ids;
    transaction adding(db_);
    for (const auto& [domain, recipients] : by_domain) {
        // Each entry gets its own message id, so chunks never pair with another entry.
        const crypto::message_id id = crypto::generate_message_id();
        db_.prepare("INSERT INTO entries (created, next_attempt, sender, sender_account, domain, "
                    "recipients, size, message_id) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .bind(1, now)
            .bind_text(2, envelope.sender)
            .bind(3, envelope.sender_account)
            .bind_text(4, domain)
            .bind_text(5, join_lines(recipients))
            .bind(6, static_cast<std::int64_t>(message.size()))
            .bind_blob(7, id)
            .step();
        const queue_entry_id entry = db_.last_insert_rowid();

        const auto chunks = crypto::encrypt_message(queue_key_, id, plaintext);
        statement insert = db_.prepare("INSERT INTO chunks (entry, idx, data) VALUES (?1, ?2, ?3)");
        for (std::size_t index = 0; index < chunks.size(); ++index) {
            insert.bind(1, entry).bind(2, static_cast<std::int64_t>(index)).bind_blob(3, chunks[index]);
            insert.step();
            insert.reset();
        }
        ids.push_back(entry);
    }
    adding.commit();
    return ids;
}

std::vector<queue_entry> outbound_queue::list() {
    statement select =
        db_.prepare(std::string("SELECT ") + std::string(entry_columns) + " FROM entries ORDER BY id");
    std::vector<queue_entry> entries;
    while (select.step()) {
        entries.push_back(read_entry(select));
    }
    return entries;
}

std::vector<queue_entry> outbound_queue::due(std::int64_t now) {
    statement select = db_.prepare(std::string("SELECT ") + std::string(entry_columns) +
                                   " FROM entries WHERE next_attempt <= ?1 ORDER BY id");
    select.bind(1, now);
    std::vector<queue_entry> entries;
    while (select.step()) {
        entries.push_back(read_entry(select));
    }
    return entries;
}

std::optional<queue_entry> outbound_queue::find(queue_entry_id id) {
    statement select = db_.prepare(std::string("SELECT ") + std::string(entry_columns) +
                                   " FROM entries WHERE id = ?1");
    select.bind(1, id);
    if (!select.step()) {
        return std::nullopt;
    }
    return read_entry(select);
}

std::string outbound_queue::read_message(queue_entry_id id) {
    statement select = db_.prepare("SELECT size, message_id FROM entries WHERE id = ?1");
    select.bind(1, id);
    if (!select.step()) {
        throw storage_error(errc::not_found, db_.path(), "the queue entry does not exist");
    }
    const auto size = static_cast<std::uint64_t>(select.column_int64(0));
    const std::vector<unsigned char> stored_id = select.column_blob(1);
    crypto::message_id message_id{};
    if (stored_id.size() != message_id.size()) {
        throw storage_error(errc::corrupt, db_.path(), "a queue entry has a malformed message id");
    }
    std::copy(stored_id.begin(), stored_id.end(), message_id.begin());

    statement chunk = db_.prepare("SELECT data FROM chunks WHERE entry = ?1 AND idx = ?2");
    const crypto::chunk_reader read_chunk = [&chunk, id](std::uint64_t index) {
        chunk.reset();
        chunk.bind(1, id).bind(2, static_cast<std::int64_t>(index));
        return chunk.step() ? chunk.column_blob(0) : std::vector<unsigned char>();
    };
    const std::vector<unsigned char> plaintext =
        crypto::decrypt_message(queue_key_, message_id, size, read_chunk);
    return std::string(plaintext.begin(), plaintext.end());
}

void outbound_queue::reschedule(queue_entry_id id, const std::vector<std::string>& recipients,
                                std::int64_t next_attempt, std::string_view error) {
    db_.prepare("UPDATE entries SET recipients = ?2, next_attempt = ?3, attempts = attempts + 1, "
                "last_error = ?4 WHERE id = ?1")
        .bind(1, id)
        .bind_text(2, join_lines(recipients))
        .bind(3, next_attempt)
        .bind_text(4, error)
        .step();
}

bool outbound_queue::retry_now(queue_entry_id id) {
    db_.prepare("UPDATE entries SET next_attempt = 0 WHERE id = ?1").bind(1, id).step();
    return db_.changes() > 0;
}

bool outbound_queue::remove(queue_entry_id id) {
    bool removed = false;
    {
        transaction removing(db_);
        db_.prepare("DELETE FROM chunks WHERE entry = ?1").bind(1, id).step();
        db_.prepare("DELETE FROM entries WHERE id = ?1").bind(1, id).step();
        removed = db_.changes() > 0;
        removing.commit();
    }
    // secure_delete zeroed the pages in the database file; the WAL still has the old page
    // images until it is checkpointed and truncated.
    db_.checkpoint_truncate();
    return removed;
}

} // namespace skrynka::storage
