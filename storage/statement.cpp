#include "storage/statement.hpp"

#include "storage/database.hpp"
#include "storage/error.hpp"

#include <cstring>
#include <sqlite3.h>
#include <utility>

namespace skrynka::storage {

statement::statement(const database& owner, sqlite3_stmt* handle) noexcept
    : owner_(&owner), handle_(handle) {}

statement::statement(statement&& other) noexcept
    : owner_(other.owner_), handle_(std::exchange(other.handle_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(handle_);
        owner_ = other.owner_;
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

statement::~statement() {
    sqlite3_finalize(handle_);
}

void statement::check_bind(int result_code, int index) {
    if (result_code != SQLITE_OK) {
        owner_->fail(result_code, "cannot bind parameter " + std::to_string(index));
    }
}

statement& statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(handle_, index, value), index);
    return *this;
}

statement& statement::bind_text(int index, std::string_view value) {
    check_bind(sqlite3_bind_text64(handle_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                   SQLITE_UTF8),
               index);
    return *this;
}

statement& statement::bind_blob(int index, std::span<const unsigned char> value) {
    // A zero-length blob must still bind as a blob, not as NULL, so never pass nullptr.
    static const unsigned char empty = 0;
    const void* data = value.empty() ? &empty : value.data();
    check_bind(sqlite3_bind_blob64(handle_, index, data, value.size(), SQLITE_TRANSIENT), index);
    return *this;
}

statement& statement::bind_null(int index) {
    check_bind(sqlite3_bind_null(handle_, index), index);
    return *this;
}

bool statement::step() {
    const int result = sqlite3_step(handle_);
    if (result == SQLITE_ROW) {
        return true;
    }
    if (result == SQLITE_DONE) {
        return false;
    }
    // Reset so that a failed statement does not keep its read or write lock.
    sqlite3_reset(handle_);
    owner_->fail(result, "statement failed");
}

void statement::run() {
    while (step()) {
    }
}

void statement::reset() {
    sqlite3_reset(handle_);
    sqlite3_clear_bindings(handle_);
}

bool statement::column_is_null(int index) const {
    return sqlite3_column_type(handle_, index) == SQLITE_NULL;
}

std::int64_t statement::column_int64(int index) const {
    return sqlite3_column_int64(handle_, index);
}

std::string statement::column_text(int index) const {
    const auto* text = sqlite3_column_text(handle_, index);
    const int size = sqlite3_column_bytes(handle_, index);
    if (text == nullptr) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::vector<unsigned char> statement::column_blob(int index) const {
    const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(handle_, index));
    const int size = sqlite3_column_bytes(handle_, index);
    if (data == nullptr) {
        return {};
    }
    return std::vector<unsigned char>(data, data + size);
}

crypto::secret_bytes statement::column_secret(int index) const {
    const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(handle_, index));
    const int size = sqlite3_column_bytes(handle_, index);
    crypto::secret_bytes secret(static_cast<std::size_t>(size));
    if (data != nullptr && size > 0) {
        std::memcpy(secret.data(), data, static_cast<std::size_t>(size));
    }
    return secret;
}

std::int64_t statement::column_size(int index) const {
    return sqlite3_column_bytes(handle_, index);
}

} // namespace skrynka::storage
