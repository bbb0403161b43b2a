#include "crypto/sqlcipher_page_reader.hpp"

#include "crypto/error.hpp"

#include <botan/cipher_mode.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/pwdhash.h>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

namespace skrynka::crypto {
namespace {

// SQLite's header string, 15 characters and the terminating NUL, which SQLCipher puts in
// place of the salt when it decrypts page 1.
constexpr std::array<unsigned char, 16> sqlite_header_string = {
    'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

// SQLCipher derives the HMAC key from the encryption key with this salt mask and
// iteration count (HMAC_SALT_MASK and FAST_PBKDF2_ITER in SQLCipher 4.14).
constexpr unsigned char hmac_salt_mask = 0x3a;
constexpr std::size_t hmac_key_iterations = 2;

constexpr std::uint32_t wal_magic_little_endian_checksums = 0x377f0682;
constexpr std::uint32_t wal_magic_big_endian_checksums = 0x377f0683;

std::uint32_t load_u32_be(const unsigned char* bytes) {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::uint32_t load_u16_be(const unsigned char* bytes) {
    return (std::uint32_t{bytes[0]} << 8) | std::uint32_t{bytes[1]};
}

// A read-only file descriptor, closed on destruction.
class posix_file {
public:
    posix_file() = default;
    explicit posix_file(int descriptor) : descriptor_(descriptor) {}
    posix_file(posix_file&& other) noexcept : descriptor_(std::exchange(other.descriptor_, -1)) {}
    posix_file& operator=(posix_file&& other) noexcept {
        std::swap(descriptor_, other.descriptor_);
        return *this;
    }
    posix_file(const posix_file&) = delete;
    posix_file& operator=(const posix_file&) = delete;
    ~posix_file() {
        if (descriptor_ >= 0) {
            ::close(descriptor_);
        }
    }

    bool is_open() const { return descriptor_ >= 0; }

    std::uint64_t size(const std::filesystem::path& path) const {
        struct stat info {};
        if (::fstat(descriptor_, &info) != 0) {
            throw std::system_error(errno, std::generic_category(), "stat " + path.string());
        }
        return static_cast<std::uint64_t>(info.st_size);
    }

    // Reads until buffer is full or the file ends, and returns the number of bytes read.
    std::size_t read_at(std::uint64_t offset, std::span<unsigned char> buffer) const {
        std::size_t done = 0;
        while (done < buffer.size()) {
            ssize_t got = ::pread(descriptor_, buffer.data() + done, buffer.size() - done,
                                  static_cast<off_t>(offset + done));
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got < 0) {
                throw std::system_error(errno, std::generic_category(), "read SQLCipher file");
            }
            if (got == 0) {
                break;
            }
            done += static_cast<std::size_t>(got);
        }
        return done;
    }

private:
    int descriptor_ = -1;
};

// Opens path read-only. Returns a closed file when allow_missing is set and the file
// does not exist. Throws std::system_error for any other failure.
posix_file open_file(const std::filesystem::path& path, bool allow_missing) {
    int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        if (allow_missing && errno == ENOENT) {
            return {};
        }
        throw std::system_error(errno, std::generic_category(), "open " + path.string());
    }
    return posix_file(descriptor);
}

bool page_size_valid(std::size_t page_size) {
    return page_size >= 512 && page_size <= 65536 && (page_size & (page_size - 1)) == 0;
}

// Appends the leaf page numbers that a verified free-list trunk page lists. Returns ok,
// or the problem that stopped the walk.
free_list::status append_leaves(const decrypted_page& trunk, std::size_t page_size,
                                std::uint32_t page_count, free_list& result) {
    // SQLite rejects a trunk page that lists more leaves than usable_size / 4 - 2. The
    // two words subtracted are the next-trunk pointer and the leaf count.
    std::size_t usable_size = page_size - sqlcipher_reserved_size;
    std::uint32_t max_leaves = static_cast<std::uint32_t>(usable_size / 4 - 2);
    std::uint32_t leaf_count = load_u32_be(trunk.plaintext.data() + 4);
    if (leaf_count > max_leaves) {
        return free_list::status::leaf_count_too_large;
    }

    for (std::uint32_t i = 0; i < leaf_count; ++i) {
        std::uint32_t leaf = load_u32_be(trunk.plaintext.data() + 8 + 4 * std::size_t{i});
        if (leaf == 0 || leaf > page_count) {
            return free_list::status::leaf_out_of_range;
        }
        result.leaf_pages.push_back(leaf);
    }
    return free_list::status::ok;
}

} // namespace

decrypted_page::~decrypted_page() {
    if (!plaintext.empty()) {
        sodium_memzero(plaintext.data(), plaintext.size());
    }
}

bool free_list::contains(std::uint32_t page_number) const {
    return std::find(trunk_pages.begin(), trunk_pages.end(), page_number) != trunk_pages.end() ||
           std::find(leaf_pages.begin(), leaf_pages.end(), page_number) != leaf_pages.end();
}

struct sqlcipher_page_reader::state {
    std::size_t page_size = 0;
    secret_bytes key;
    // Empty when the main file is too short to hold a salt.
    secret_bytes hmac_key;
    std::optional<sqlcipher_salt> salt;

    std::filesystem::path database_path;
    posix_file database;
    std::uint64_t database_size = 0;
    std::uint32_t page_count = 0;

    posix_file wal;
    std::uint64_t wal_size = 0;
    std::uint64_t wal_frame_count = 0;
    std::array<unsigned char, 8> wal_salts{};

    std::vector<layout_problem> problems;
    bool header_checked = false;

    std::unique_ptr<Botan::Cipher_Mode> cipher;
    std::unique_ptr<Botan::MessageAuthenticationCode> mac;

    std::size_t frame_size() const { return wal_frame_header_size + page_size; }

    void read_salt();
    void derive_hmac_key();
    void read_wal_header();
    void check_header_page(const decrypted_page& page);
    decrypted_page verify_and_decrypt(std::span<unsigned char> image, std::uint32_t page_number);
};

void sqlcipher_page_reader::state::read_salt() {
    if (database_size == 0) {
        problems.push_back({layout_problem_kind::empty_main_file, 0});
        return;
    }
    if (database_size % page_size != 0) {
        problems.push_back({layout_problem_kind::partial_main_page, database_size % page_size});
    }

    std::uint64_t pages = database_size / page_size;
    if (pages > std::numeric_limits<std::uint32_t>::max()) {
        throw crypto_error(errc::invalid_format, "database file has more pages than SQLite allows");
    }
    page_count = static_cast<std::uint32_t>(pages);

    sqlcipher_salt bytes{};
    if (database.read_at(0, bytes) == bytes.size()) {
        salt = bytes;
    }
}

void sqlcipher_page_reader::state::derive_hmac_key() {
    if (!salt) {
        return;
    }

    sqlcipher_salt masked = *salt;
    for (auto& byte : masked) {
        byte ^= hmac_salt_mask;
    }

    auto family = Botan::PasswordHashFamily::create_or_throw("PBKDF2(SHA-512)");
    auto pbkdf2 = family->from_params(hmac_key_iterations);
    hmac_key = secret_bytes(sqlcipher_key_size);
    pbkdf2->derive_key(hmac_key.data(), hmac_key.size(), reinterpret_cast<const char*>(key.data()),
                       key.size(), masked.data(), masked.size());
    mac->set_key(hmac_key.data(), hmac_key.size());
}

void sqlcipher_page_reader::state::read_wal_header() {
    if (!wal.is_open() || wal_size == 0) {
        return;
    }
    if (wal_size < wal_header_size) {
        problems.push_back({layout_problem_kind::short_wal_header, wal_size});
        return;
    }

    std::array<unsigned char, wal_header_size> header{};
    wal.read_at(0, header);
    std::uint32_t magic = load_u32_be(header.data());
    std::uint32_t header_page_size = load_u32_be(header.data() + 8);
    if ((magic != wal_magic_little_endian_checksums && magic != wal_magic_big_endian_checksums) ||
        header_page_size != page_size) {
        problems.push_back({layout_problem_kind::bad_wal_header, 0});
    }
    std::copy_n(header.begin() + 16, wal_salts.size(), wal_salts.begin());

    // Frames are read at the reader's page size even after a bad header. If the sizes
    // really differ, every frame then fails its HMAC, which is reported, not skipped.
    std::uint64_t frame_bytes = wal_size - wal_header_size;
    wal_frame_count = frame_bytes / frame_size();
    if (frame_bytes % frame_size() != 0) {
        problems.push_back({layout_problem_kind::torn_wal_frame, frame_bytes % frame_size()});
    }
}

void sqlcipher_page_reader::state::check_header_page(const decrypted_page& page) {
    header_checked = true;
    std::uint32_t stored_page_size = load_u16_be(page.plaintext.data() + 16);
    if (stored_page_size == 1) {
        stored_page_size = 65536;
    }
    if (stored_page_size != page_size || page.plaintext[20] != sqlcipher_reserved_size) {
        problems.push_back({layout_problem_kind::page_size_mismatch, 0});
    }
}

// Verifies the HMAC before decrypting anything. A page that fails is returned with
// hmac_ok false and no plaintext.
decrypted_page sqlcipher_page_reader::state::verify_and_decrypt(std::span<unsigned char> image,
                                                                std::uint32_t page_number) {
    decrypted_page page;
    page.page_number = page_number;
    if (hmac_key.empty()) {
        return page;
    }

    std::size_t span_begin = page_number == 1 ? sqlcipher_salt_size : 0;
    std::size_t span_end = page_size - sqlcipher_reserved_size;
    const unsigned char* iv = image.data() + span_end;
    const unsigned char* stored_hmac = iv + sqlcipher_iv_size;

    std::array<unsigned char, 4> page_number_le = {
        static_cast<unsigned char>(page_number), static_cast<unsigned char>(page_number >> 8),
        static_cast<unsigned char>(page_number >> 16), static_cast<unsigned char>(page_number >> 24)};
    std::array<unsigned char, sqlcipher_hmac_size> computed{};
    mac->update(image.data() + span_begin, span_end + sqlcipher_iv_size - span_begin);
    mac->update(page_number_le.data(), page_number_le.size());
    mac->final(computed.data());
    page.hmac_ok = Botan::constant_time_compare(computed.data(), stored_hmac, computed.size());
    if (!page.hmac_ok) {
        return page;
    }

    page.plaintext.assign(image.begin(), image.end());
    cipher->start(iv, sqlcipher_iv_size);
    cipher->process(page.plaintext.data() + span_begin, span_end - span_begin);
    if (page_number == 1) {
        std::copy(sqlite_header_string.begin(), sqlite_header_string.end(), page.plaintext.begin());
    }
    return page;
}

sqlcipher_page_reader sqlcipher_page_reader::open(const std::filesystem::path& database,
                                                  const secret_bytes& key, std::size_t page_size) {
    std::filesystem::path wal = database;
    wal += "-wal";
    return open(database, wal, key, page_size);
}

sqlcipher_page_reader sqlcipher_page_reader::open(const std::filesystem::path& database,
                                                  const std::filesystem::path& wal,
                                                  const secret_bytes& key, std::size_t page_size) {
    if (key.size() != sqlcipher_key_size) {
        throw crypto_error(errc::invalid_argument, "SQLCipher raw key must be 32 bytes");
    }
    if (!page_size_valid(page_size)) {
        throw crypto_error(errc::invalid_argument,
                           "page size must be a power of two from 512 to 65536, got " +
                               std::to_string(page_size));
    }

    auto s = std::make_unique<state>();
    s->page_size = page_size;
    s->key = secret_bytes::copy_of(key.bytes());
    s->cipher = Botan::Cipher_Mode::create_or_throw("AES-256/CBC/NoPadding", Botan::DECRYPTION);
    s->cipher->set_key(s->key.data(), s->key.size());
    s->mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-512)");

    s->database_path = database;
    s->database = open_file(database, false);
    s->database_size = s->database.size(database);
    if (!wal.empty()) {
        s->wal = open_file(wal, true);
        if (s->wal.is_open()) {
            s->wal_size = s->wal.size(wal);
        }
    }

    s->read_salt();
    s->derive_hmac_key();
    s->read_wal_header();
    return sqlcipher_page_reader(std::move(s));
}

sqlcipher_page_reader::sqlcipher_page_reader(std::unique_ptr<state> state)
    : state_(std::move(state)) {}
sqlcipher_page_reader::sqlcipher_page_reader(sqlcipher_page_reader&&) noexcept = default;
sqlcipher_page_reader&
sqlcipher_page_reader::operator=(sqlcipher_page_reader&&) noexcept = default;
sqlcipher_page_reader::~sqlcipher_page_reader() = default;

std::size_t sqlcipher_page_reader::page_size() const noexcept { return state_->page_size; }

std::optional<sqlcipher_salt> sqlcipher_page_reader::salt() const noexcept { return state_->salt; }

std::uint32_t sqlcipher_page_reader::page_count() const noexcept { return state_->page_count; }

std::uint64_t sqlcipher_page_reader::wal_frame_count() const noexcept {
    return state_->wal_frame_count;
}

bool sqlcipher_page_reader::has_wal() const noexcept { return state_->wal.is_open(); }

const std::vector<layout_problem>& sqlcipher_page_reader::problems() const noexcept {
    return state_->problems;
}

decrypted_page sqlcipher_page_reader::read_page(std::uint32_t page_number) {
    if (page_number == 0 || page_number > state_->page_count) {
        throw crypto_error(errc::invalid_argument,
                           "page number " + std::to_string(page_number) + " is outside 1.." +
                               std::to_string(state_->page_count));
    }

    std::vector<unsigned char> image(state_->page_size);
    std::uint64_t offset = std::uint64_t{page_number - 1} * state_->page_size;
    if (state_->database.read_at(offset, image) != image.size()) {
        throw std::system_error(EIO, std::generic_category(),
                                "database file shrank while being read");
    }

    decrypted_page page = state_->verify_and_decrypt(image, page_number);
    page.source = page_source::main_file;
    if (page_number == 1 && page.hmac_ok && !state_->header_checked) {
        state_->check_header_page(page);
    }
    return page;
}

decrypted_page sqlcipher_page_reader::read_wal_frame(std::uint64_t frame_index) {
    if (frame_index >= state_->wal_frame_count) {
        throw crypto_error(errc::invalid_argument,
                           "WAL frame " + std::to_string(frame_index) + " is past the last frame");
    }

    std::vector<unsigned char> frame(state_->frame_size());
    std::uint64_t offset = wal_header_size + frame_index * state_->frame_size();
    if (state_->wal.read_at(offset, frame) != frame.size()) {
        throw std::system_error(EIO, std::generic_category(), "WAL file shrank while being read");
    }

    std::uint32_t page_number = load_u32_be(frame.data());
    auto image = std::span(frame).subspan(wal_frame_header_size);
    decrypted_page page = state_->verify_and_decrypt(image, page_number);
    page.source = page_source::wal;
    page.frame_index = frame_index;
    page.wal_salt_matches = std::equal(state_->wal_salts.begin(), state_->wal_salts.end(),
                                       frame.begin() + 8);
    return page;
}

void sqlcipher_page_reader::for_each_page(const std::function<void(const decrypted_page&)>& visit) {
    for (std::uint32_t number = 1; number <= state_->page_count; ++number) {
        visit(read_page(number));
    }
    for (std::uint64_t index = 0; index < state_->wal_frame_count; ++index) {
        visit(read_wal_frame(index));
    }
}

free_list sqlcipher_page_reader::read_free_list() {
    // TODO: walk the newest committed image of page 1 and each trunk, which may sit in
    // the WAL. Until then the list describes the main file only, and is exact only after
    // a checkpoint.
    free_list result;
    if (state_->page_count == 0) {
        result.result = free_list::status::header_unreadable;
        return result;
    }
    decrypted_page header = read_page(1);
    if (!header.hmac_ok) {
        result.result = free_list::status::header_unreadable;
        return result;
    }

    std::uint32_t trunk = load_u32_be(header.plaintext.data() + 32);
    result.header_count = load_u32_be(header.plaintext.data() + 36);
    std::vector<bool> seen(std::size_t{state_->page_count} + 1, false);

    // Each trunk is a distinct page of the file, so the loop runs at most page_count times.
    while (trunk != 0) {
        if (trunk > state_->page_count) {
            result.result = free_list::status::trunk_out_of_range;
            return result;
        }
        if (seen[trunk]) {
            result.result = free_list::status::trunk_cycle;
            return result;
        }
        seen[trunk] = true;
        result.trunk_pages.push_back(trunk);

        decrypted_page page = read_page(trunk);
        if (!page.hmac_ok) {
            result.result = free_list::status::trunk_unreadable;
            return result;
        }
        result.result = append_leaves(page, state_->page_size, state_->page_count, result);
        if (result.result != free_list::status::ok) {
            return result;
        }
        trunk = load_u32_be(page.plaintext.data());
    }

    if (result.trunk_pages.size() + result.leaf_pages.size() != result.header_count) {
        result.result = free_list::status::count_mismatch;
    }
    return result;
}

std::size_t sqlcipher_page_reader::read_raw(page_source source, std::uint64_t offset,
                                            std::span<unsigned char> buffer) {
    const posix_file& file = source == page_source::main_file ? state_->database : state_->wal;
    if (!file.is_open()) {
        return 0;
    }
    return file.read_at(offset, buffer);
}

std::uint64_t sqlcipher_page_reader::file_size(page_source source) const noexcept {
    return source == page_source::main_file ? state_->database_size : state_->wal_size;
}

} // namespace skrynka::crypto
