#include "src/auth/account_key_slots.hpp"

#include "crypto/error.hpp"
#include "crypto/key_slot.hpp"

#include <fmt/format.h>
#include <string>

namespace skrynka::auth {

namespace {

constexpr std::string_view app_password_prefix = "app-password:";

crypto::slot_kind crypto_kind_of(slot_purpose purpose) {
    switch (purpose) {
    case slot_purpose::login:
        return crypto::slot_kind::login;
    case slot_purpose::app_password:
        return crypto::slot_kind::app_password;
    case slot_purpose::recovery:
        return crypto::slot_kind::recovery;
    }
    throw std::invalid_argument("unknown slot purpose");
}

std::string context_of(storage::account_id account) {
    return std::to_string(account);
}

} // namespace

std::string app_password_slot_label(std::string_view name) {
    return std::string(app_password_prefix) + std::string(name);
}

std::optional<std::string> app_password_name(std::string_view slot_label) {
    if (slot_label.substr(0, app_password_prefix.size()) != app_password_prefix) {
        return std::nullopt;
    }
    return std::string(slot_label.substr(app_password_prefix.size()));
}

int slot_kind_of(slot_purpose purpose) {
    return static_cast<int>(crypto_kind_of(purpose));
}

std::vector<unsigned char> seal_slot(const crypto::secret_bytes& user_secret_key,
                                     const crypto::secret_bytes& secret, slot_purpose purpose,
                                     storage::account_id account,
                                     const policies::limit_values& limits) {
    crypto::argon2_params params{static_cast<std::uint64_t>(limits.argon2_ops),
                                 static_cast<std::uint64_t>(limits.argon2_memory_kib) * 1024};
    crypto::key_slot slot = crypto::seal_key_slot(crypto_kind_of(purpose), secret, user_secret_key,
                                                  context_of(account), params);
    return crypto::encode_key_slot(slot);
}

std::optional<crypto::secret_bytes> open_slot(const storage::key_slot& slot,
                                              const crypto::secret_bytes& secret) {
    crypto::key_slot decoded = crypto::decode_key_slot(slot.blob);
    // The kind is inside the authenticated data, so only the directory's copy can be
    // edited unnoticed. A mismatch means the row was changed outside skrynka.
    if (static_cast<int>(decoded.kind) != slot.kind) {
        throw crypto::crypto_error(crypto::errc::invalid_format,
                                   fmt::format("key slot '{}' has kind {} but the directory "
                                               "records kind {}",
                                               slot.label, static_cast<int>(decoded.kind),
                                               slot.kind));
    }
    return crypto::open_key_slot(decoded, secret, context_of(slot.account));
}

std::optional<storage::key_slot> find_slot(storage::directory& directory,
                                           storage::account_id account, std::string_view label) {
    for (storage::key_slot& slot : directory.list_key_slots(account)) {
        if (slot.label == label) {
            return std::move(slot);
        }
    }
    return std::nullopt;
}

} // namespace skrynka::auth
