#include "storage/mailbox_store.hpp"

#include "storage/error.hpp"
#include "storage/mailbox_schema.hpp"
#include "storage/transaction.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

namespace skrynka::storage {

namespace {

constexpr std::size_t max_name_size = 1000;
constexpr char delimiter = '/';

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_inbox(std::string_view level) {
    constexpr std::string_view inbox = "INBOX";
    return level.size() == inbox.size() &&
           std::equal(level.begin(), level.end(), inbox.begin(), [](char a, char b) {
               return (a >= 'a' && a <= 'z' ? static_cast<char>(a - 'a' + 'A') : a) == b;
           });
}

// Checks a mailbox name and returns it with a leading INBOX level in upper case.
std::string normalize_name(std::string_view name, const database& db) {
    if (name.empty() || name.size() > max_name_size) {
        throw_error(errc::invalid_argument, db.path(), "mailbox name must be 1 to 1000 bytes");
    }
    for (char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            throw_error(errc::invalid_argument, db.path(),
                        "mailbox name contains a control character");
        }
    }
    if (name.front() == delimiter || name.back() == delimiter ||
        name.find("//") != std::string_view::npos) {
        throw_error(errc::invalid_argument, db.path(), "mailbox name has an empty level");
    }

    const std::string_view first = name.substr(0, name.find(delimiter));
    std::string normalized(name);
    if (is_inbox(first)) {
        normalized.replace(0, first.size(), "INBOX");
    }
    return normalized;
}

constexpr std::string_view select_mailbox =
    "SELECT id, name, uidvalidity, uidnext, highestmodseq, special_use, subscribed, created "
    "FROM mailboxes ";

mailbox_info read_mailbox(const statement& row) {
    mailbox_info info;
    info.id = row.column_int64(0);
    info.name = row.column_text(1);
    info.uidvalidity = static_cast<std::uint32_t>(row.column_int64(2));
    info.uidnext = static_cast<message_uid>(row.column_int64(3));
    info.highestmodseq = row.column_int64(4);
    if (!row.column_is_null(5)) {
        info.special_use = row.column_text(5);
    }
    info.subscribed = row.column_int64(6) != 0;
    info.created = row.column_int64(7);
    return info;
}

} // namespace

std::filesystem::path mailbox_database_path(const std::filesystem::path& state_directory,
                                            std::int64_t account) {
    return state_directory / "mailboxes" / (std::to_string(account) + ".db");
}

mailbox_store::mailbox_store(database db) noexcept : db_(std::move(db)) {}

mailbox_store mailbox_store::open(const std::filesystem::path& path,
                                  const crypto::secret_bytes& mailbox_database_key,
                                  open_mode mode) {
    database db = database::open(path, mailbox_database_key, mode);
    migrate(db, mailbox_migrations);
    return mailbox_store(std::move(db));
}

std::uint32_t mailbox_store::next_uidvalidity() {
    std::int64_t last = 0;
    {
        statement query = db_.prepare("SELECT value FROM meta WHERE name = 'last_uidvalidity'");
        if (query.step()) {
            last = query.column_int64(0);
        }
    }
    // NOTE: after 2106 the clock no longer fits in 32 bits, so only the counter advances.
    // The counter wraps to 1 once it reaches 2^32 - 1.
    std::int64_t next = std::max(now_seconds(), last + 1);
    if (next > std::numeric_limits<std::uint32_t>::max()) {
        next = last + 1 > std::numeric_limits<std::uint32_t>::max() ? 1 : last + 1;
    }
    db_.prepare("INSERT INTO meta (name, value) VALUES ('last_uidvalidity', ?1) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .bind(1, next)
        .run();
    return static_cast<std::uint32_t>(next);
}

mailbox_info mailbox_store::create_mailbox(std::string_view name,
                                           std::optional<std::string_view> special_use) {
    const std::string normalized = normalize_name(name, db_);
    transaction tx(db_);
    if (find_mailbox(normalized)) {
        throw_error(errc::already_exists, db_.path(), "mailbox already exists");
    }

    const std::uint32_t uidvalidity = next_uidvalidity();
    statement insert = db_.prepare(
        "INSERT INTO mailboxes (name, uidvalidity, uidnext, highestmodseq, special_use, "
        "subscribed, created) VALUES (?1, ?2, 1, 1, ?3, 0, ?4)");
    insert.bind_text(1, normalized).bind(2, uidvalidity).bind(4, now_seconds());
    if (special_use) {
        insert.bind_text(3, *special_use);
    } else {
        insert.bind_null(3);
    }
    insert.run();
    const mailbox_id id = db_.last_insert_rowid();
    tx.commit();
    return *find_mailbox(id);
}

void mailbox_store::rename_mailbox(std::string_view old_name, std::string_view new_name) {
    const std::string from = normalize_name(old_name, db_);
    const std::string to = normalize_name(new_name, db_);
    if (from == to || to.rfind(from + delimiter, 0) == 0) {
        throw_error(errc::invalid_argument, db_.path(),
                    "cannot rename a mailbox to itself or below itself");
    }

    transaction tx(db_);
    if (!find_mailbox(from)) {
        throw_error(errc::not_found, db_.path(), "mailbox not found");
    }

    // The mailbox itself and every name below it, with the prefix swapped.
    std::vector<std::pair<mailbox_id, std::string>> renames;
    statement affected = db_.prepare("SELECT id, name FROM mailboxes WHERE name = ?1 "
                                     "OR substr(name, 1, length(?2)) = ?2");
    affected.bind_text(1, from).bind_text(2, from + delimiter);
    while (affected.step()) {
        const std::string name = affected.column_text(1);
        renames.emplace_back(affected.column_int64(0), to + name.substr(from.size()));
    }
    for (const auto& [id, name] : renames) {
        if (find_mailbox(name)) {
            throw_error(errc::already_exists, db_.path(), "a mailbox with the new name exists");
        }
    }

    statement update = db_.prepare("UPDATE mailboxes SET name = ?2 WHERE id = ?1");
    for (const auto& [id, name] : renames) {
        update.reset();
        update.bind(1, id).bind_text(2, name).run();
    }
    tx.commit();
}

std::vector<expunged_message> mailbox_store::delete_mailbox(std::string_view name) {
    const std::string normalized = normalize_name(name, db_);
    transaction tx(db_);
    const auto info = find_mailbox(normalized);
    if (!info) {
        throw_error(errc::not_found, db_.path(), "mailbox not found");
    }

    std::vector<message_uid> uids;
    statement query = db_.prepare("SELECT uid FROM messages WHERE mailbox_id = ?1");
    query.bind(1, info->id);
    while (query.step()) {
        uids.push_back(static_cast<message_uid>(query.column_int64(0)));
    }
    auto expunged = expunge_locked(info->id, uids);
    db_.prepare("DELETE FROM mailboxes WHERE id = ?1").bind(1, info->id).run();
    tx.commit();
    return expunged;
}

void mailbox_store::set_subscribed(std::string_view name, bool subscribed) {
    const std::string normalized = normalize_name(name, db_);
    db_.prepare("UPDATE mailboxes SET subscribed = ?2 WHERE name = ?1")
        .bind_text(1, normalized)
        .bind(2, subscribed ? 1 : 0)
        .run();
    if (db_.changes() == 0) {
        throw_error(errc::not_found, db_.path(), "mailbox not found");
    }
}

std::optional<mailbox_info> mailbox_store::find_mailbox(std::string_view name) {
    std::string normalized;
    try {
        normalized = normalize_name(name, db_);
    } catch (const storage_error&) {
        return std::nullopt;
    }
    statement query = db_.prepare(std::string(select_mailbox) + "WHERE name = ?1");
    query.bind_text(1, normalized);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_mailbox(query);
}

std::optional<mailbox_info> mailbox_store::find_mailbox(mailbox_id id) {
    statement query = db_.prepare(std::string(select_mailbox) + "WHERE id = ?1");
    query.bind(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_mailbox(query);
}

std::vector<mailbox_info> mailbox_store::list_mailboxes() {
    statement query = db_.prepare(std::string(select_mailbox) + "ORDER BY name");
    std::vector<mailbox_info> mailboxes;
    while (query.step()) {
        mailboxes.push_back(read_mailbox(query));
    }
    return mailboxes;
}

mailbox_status mailbox_store::status(mailbox_id mailbox) {
    const auto info = find_mailbox(mailbox);
    if (!info) {
        throw_error(errc::not_found, db_.path(), "mailbox not found");
    }
    statement query = db_.prepare(
        "SELECT count(*), coalesce(sum((flags & ?2) = 0), 0) FROM messages INDEXED BY "
        "messages_state WHERE mailbox_id = ?1");
    query.bind(1, mailbox).bind(2, flag::seen);
    query.step();

    mailbox_status result;
    result.messages = query.column_int64(0);
    result.unseen = query.column_int64(1);
    result.uidnext = info->uidnext;
    result.uidvalidity = info->uidvalidity;
    result.highestmodseq = info->highestmodseq;
    return result;
}

mailbox_store::counters mailbox_store::load_counters(mailbox_id mailbox) {
    statement query = db_.prepare("SELECT uidnext, highestmodseq FROM mailboxes WHERE id = ?1");
    query.bind(1, mailbox);
    if (!query.step()) {
        throw_error(errc::not_found, db_.path(), "mailbox not found");
    }
    return {static_cast<message_uid>(query.column_int64(0)), query.column_int64(1)};
}

void mailbox_store::save_counters(mailbox_id mailbox, const counters& values) {
    db_.prepare("UPDATE mailboxes SET uidnext = ?2, highestmodseq = ?3 WHERE id = ?1")
        .bind(1, mailbox)
        .bind(2, static_cast<std::int64_t>(values.uidnext))
        .bind(3, values.highestmodseq)
        .run();
}

} // namespace skrynka::storage
