#include "storage/admin_tokens.hpp"

#include "storage/error.hpp"
#include "storage/statement.hpp"

#include <algorithm>
#include <chrono>

namespace skrynka::storage {

namespace {

constexpr std::size_t admin_token_label_max_size = 64;

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

std::int64_t add_admin_token(database& db, std::string_view label, const crypto::digest& hash) {
    if (label.empty() || label.size() > admin_token_label_max_size) {
        throw_error(errc::invalid_argument, db.path(), "admin token label must be 1 to 64 bytes");
    }
    db.prepare("INSERT INTO admin_tokens (label, hash, created) VALUES (?, ?, ?)")
        .bind_text(1, label)
        .bind_blob(2, hash)
        .bind(3, now_seconds())
        .run();
    return db.last_insert_rowid();
}

std::vector<admin_token> list_admin_tokens(database& db) {
    std::vector<admin_token> tokens;
    statement query = db.prepare("SELECT id, label, hash, created FROM admin_tokens ORDER BY id");
    while (query.step()) {
        admin_token token;
        token.id = query.column_int64(0);
        token.label = query.column_text(1);
        const std::vector<unsigned char> hash = query.column_blob(2);
        // The schema's CHECK keeps the hash at 32 bytes; a shorter one is never copied past.
        std::copy_n(hash.begin(), std::min(hash.size(), token.hash.size()), token.hash.begin());
        token.created = query.column_int64(3);
        tokens.push_back(std::move(token));
    }
    return tokens;
}

void remove_admin_token(database& db, std::string_view label) {
    db.prepare("DELETE FROM admin_tokens WHERE label = ?").bind_text(1, label).run();
    if (db.changes() == 0) {
        throw_error(errc::not_found, db.path(), "admin token not found");
    }
}

} // namespace skrynka::storage
