// Secret bytes in libsodium guarded memory: the only place a key, password or
// unwrapped secret may live. Memory comes from sodium_malloc (guard pages, mlock where
// the limit allows) and is zeroed by sodium_free on destruction.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace skrynka::crypto {

// Initializes libsodium once per process. Safe to call from any thread, any number of
// times. Throws std::runtime_error when libsodium cannot initialize.
void initialize();

// A move-only buffer of secret bytes. The size is fixed at construction. An empty
// (default-constructed or moved-from) value owns no memory.
class secret_bytes {
public:
    secret_bytes() noexcept = default;

    // Allocates size zeroed bytes. Throws std::bad_alloc when guarded memory runs out.
    explicit secret_bytes(std::size_t size);

    // Returns size bytes from the system CSPRNG.
    static secret_bytes random(std::size_t size);

    // Copies bytes that are already secret (for example a password read from a
    // terminal into a stack buffer, which the caller then wipes).
    static secret_bytes copy_of(std::span<const unsigned char> bytes);
    static secret_bytes copy_of(std::string_view bytes);

    secret_bytes(secret_bytes&& other) noexcept;
    secret_bytes& operator=(secret_bytes&& other) noexcept;
    secret_bytes(const secret_bytes&) = delete;
    secret_bytes& operator=(const secret_bytes&) = delete;
    ~secret_bytes();

    unsigned char* data() noexcept { return data_; }
    const unsigned char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

    std::span<unsigned char> bytes() noexcept { return {data_, size_}; }
    std::span<const unsigned char> bytes() const noexcept { return {data_, size_}; }

    // Compares in time that depends only on the sizes.
    bool equals(std::span<const unsigned char> other) const noexcept;

private:
    void release() noexcept;

    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace skrynka::crypto
