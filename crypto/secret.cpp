#include "crypto/secret.hpp"

#include <sodium.h>

#include <mutex>
#include <new>
#include <stdexcept>
#include <utility>

namespace skrynka::crypto {

void initialize() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = sodium_init() >= 0; });
    if (!ok) {
        throw std::runtime_error("libsodium failed to initialize");
    }
}

secret_bytes::secret_bytes(std::size_t size) {
    initialize();
    if (size == 0) {
        return;
    }

    // sodium_malloc fills with 0xdb so that use of uninitialized memory shows; a secret
    // buffer starts zeroed instead so that callers can fill it piecewise.
    void* memory = sodium_malloc(size);
    if (memory == nullptr) {
        throw std::bad_alloc();
    }
    data_ = static_cast<unsigned char*>(memory);
    size_ = size;
    sodium_memzero(data_, size_);
}

secret_bytes secret_bytes::random(std::size_t size) {
    secret_bytes secret(size);
    randombytes_buf(secret.data_, secret.size_);
    return secret;
}

secret_bytes secret_bytes::copy_of(std::span<const unsigned char> bytes) {
    secret_bytes secret(bytes.size());
    if (!bytes.empty()) {
        std::copy(bytes.begin(), bytes.end(), secret.data_);
    }
    return secret;
}

secret_bytes secret_bytes::copy_of(std::string_view bytes) {
    return copy_of(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

secret_bytes::secret_bytes(secret_bytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

secret_bytes& secret_bytes::operator=(secret_bytes&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

secret_bytes::~secret_bytes() { release(); }

bool secret_bytes::equals(std::span<const unsigned char> other) const noexcept {
    if (other.size() != size_) {
        return false;
    }
    if (size_ == 0) {
        return true;
    }
    return sodium_memcmp(data_, other.data(), size_) == 0;
}

void secret_bytes::release() noexcept {
    if (data_ != nullptr) {
        sodium_free(data_); // zeroes before unmapping
        data_ = nullptr;
        size_ = 0;
    }
}

} // namespace skrynka::crypto
