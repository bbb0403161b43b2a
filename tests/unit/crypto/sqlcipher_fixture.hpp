// Real SQLCipher 4 databases for the page reader tests, built through the SQLCipher
// library with a known raw key and the cipher settings skrynka pins, in WAL mode.
#pragma once

#include "crypto/secret.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace skrynka::crypto::testing {

// A fixed raw key, so that a failure reproduces byte for byte.
inline secret_bytes database_key() {
    secret_bytes key(32);
    for (std::size_t i = 0; i < key.size(); ++i) {
        key.data()[i] = static_cast<unsigned char>(0xa0 + i);
    }
    return key;
}

inline secret_bytes other_key() {
    secret_bytes key = database_key();
    key.data()[31] ^= 0x01;
    return key;
}

// A fresh directory under SKRYNKA_TEST_TMP (or the system temp directory), removed with
// everything in it on destruction.
class temp_dir {
public:
    temp_dir() {
        static std::atomic<int> counter{0};
        const char* root = std::getenv("SKRYNKA_TEST_TMP");
        std::filesystem::path base = root ? root : std::filesystem::temp_directory_path();
        path_ = base / ("pages-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    std::filesystem::path file(std::string_view name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// An open SQLCipher connection. Closing the last connection checkpoints and deletes the
// WAL, so tests that inspect the WAL read it while this object is alive.
class test_database {
public:
    test_database(const std::filesystem::path& path, const secret_bytes& key) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            throw std::runtime_error("sqlite3_open_v2 failed for " + path.string());
        }

        std::string key_spec = "x'";
        static constexpr char digits[] = "0123456789abcdef";
        for (unsigned char byte : key.bytes()) {
            key_spec += digits[byte >> 4];
            key_spec += digits[byte & 0x0f];
        }
        key_spec += "'";
        if (sqlite3_key_v2(db_, "main", key_spec.data(), static_cast<int>(key_spec.size())) !=
            SQLITE_OK) {
            throw std::runtime_error("sqlite3_key_v2 failed");
        }

        exec("PRAGMA cipher_page_size = 4096");
        exec("PRAGMA cipher_hmac_algorithm = HMAC_SHA512");
        exec("PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512");
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA wal_autocheckpoint = 0");
    }
    test_database(const test_database&) = delete;
    test_database& operator=(const test_database&) = delete;
    ~test_database() { sqlite3_close_v2(db_); }

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error ? error : "unknown error";
            sqlite3_free(error);
            throw std::runtime_error("SQL failed: " + sql + ": " + message);
        }
    }

    void insert_blob(const std::string& table, const std::vector<unsigned char>& value) {
        sqlite3_stmt* statement = nullptr;
        std::string sql = "INSERT INTO " + table + " (v) VALUES (?)";
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            throw std::runtime_error("prepare failed: " + sql);
        }
        sqlite3_bind_blob(statement, 1, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT);
        int step = sqlite3_step(statement);
        sqlite3_finalize(statement);
        if (step != SQLITE_DONE) {
            throw std::runtime_error("insert failed: " + sql);
        }
    }

    // Runs a query and returns the first column of its first row as text.
    std::string query_text(const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            throw std::runtime_error("prepare failed: " + sql + ": " + sqlite3_errmsg(db_));
        }
        int step = sqlite3_step(statement);
        std::string value;
        if (step == SQLITE_ROW) {
            const unsigned char* text = sqlite3_column_text(statement, 0);
            value = text ? reinterpret_cast<const char*>(text) : "";
        }
        sqlite3_finalize(statement);
        if (step != SQLITE_ROW) {
            throw std::runtime_error("query returned no row: " + sql + ": " + sqlite3_errmsg(db_));
        }
        return value;
    }

private:
    sqlite3* db_ = nullptr;
};

inline std::vector<unsigned char> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::filesystem::path& path, const std::vector<unsigned char>& bytes,
                       std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(size));
}

inline void write_file(const std::filesystem::path& path, const std::vector<unsigned char>& bytes) {
    write_file(path, bytes, bytes.size());
}

} // namespace skrynka::crypto::testing
