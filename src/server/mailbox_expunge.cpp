// Secure expunge; see mailbox_expunge.hpp.
#include "src/server/mailbox_expunge.hpp"

#include "src/metrics/server_metrics.hpp"
#include "storage/error.hpp"

#include <spdlog/spdlog.h>

namespace skrynka::app::server {

std::vector<storage::expunged_message>
expunge_securely(storage::mailbox_store& store, storage::mailbox_id mailbox,
                 std::span<const storage::message_uid> uids) {
    std::vector<storage::expunged_message> expunged = store.expunge(mailbox, uids);
    metrics::server_metrics().add_expunged(expunged.size());
    if (!expunged.empty()) {
        try {
            store.db().checkpoint_truncate();
        } catch (const storage::storage_error& failure) {
            spdlog::warn("event=wal_truncate_failed mailbox={} expunged={} error=\"{}\"", mailbox,
                         expunged.size(), failure.what());
        }
    }
    return expunged;
}

} // namespace skrynka::app::server
