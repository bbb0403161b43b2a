// Stand-in account unlock and cleartext policy; see shared_auth.hpp.
#include "src/server/shared_auth.hpp"

#include "src/cli/account_key_slots.hpp"
#include "storage/address.hpp"
#include "storage/error.hpp"

namespace skrynka::app::server::shared_auth {

std::optional<unlocked_account> unlock_account(storage::directory& directory,
                                               std::string_view login_name,
                                               const crypto::secret_bytes& secret,
                                               const crypto::argon2_params& unknown_user_params) {
    std::optional<storage::account> found;
    try {
        found = directory.find_account(storage::canonical_address(login_name));
    } catch (const storage::storage_error& error) {
        if (error.code() != storage::errc::invalid_argument) {
            throw;
        }
    }
    if (!found || found->state != storage::account_state::active) {
        crypto::spend_failed_login_cost(secret, unknown_user_params);
        return std::nullopt;
    }

    const int login_kind = cli::slot_kind_of(cli::slot_purpose::login);
    const int app_kind = cli::slot_kind_of(cli::slot_purpose::app_password);
    for (const storage::key_slot& slot : directory.list_key_slots(found->id)) {
        if (slot.kind != login_kind && slot.kind != app_kind) {
            continue;
        }
        std::optional<crypto::secret_bytes> secret_key = cli::open_slot(slot, secret);
        if (!secret_key || !crypto::user_keys_match(found->public_key, *secret_key)) {
            continue;
        }
        unlocked_account unlocked;
        unlocked.account = found->id;
        unlocked.address = found->address;
        unlocked.keys.public_key = found->public_key;
        unlocked.keys.secret_key = std::move(*secret_key);
        return unlocked;
    }
    return std::nullopt;
}

bool cleartext_auth_allowed(bool tls_active, const boost::asio::ip::address& remote) {
    if (tls_active) {
        return true;
    }
    if (remote.is_v6() && remote.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, remote.to_v6())
            .is_loopback();
    }
    return remote.is_loopback();
}

} // namespace skrynka::app::server::shared_auth
