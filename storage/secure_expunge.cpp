#include "storage/secure_expunge.hpp"

#include "storage/error.hpp"

#include <spdlog/spdlog.h>

namespace skrynka::storage {
namespace {

// secure_delete zeroed the freed pages in the main file. The WAL keeps the images written
// before the delete until this checkpoint copies the new ones over them and cuts the
// file to zero bytes.
void truncate_wal(mailbox_store& store, std::size_t expunged) {
    try {
        store.db().checkpoint_truncate();
    } catch (const storage_error& failure) {
        spdlog::warn("event=wal_truncate_failed file={} expunged={} error=\"{}\"",
                     store.db().path().string(), expunged, failure.what());
    }
}

void record(const expunge_request& request, expunge_origin origin,
            std::span<const expunged_message> messages) {
    if (request.audit == nullptr || messages.empty()) {
        return;
    }
    try {
        record_expunges(*request.audit, origin, messages);
    } catch (const storage_error& failure) {
        spdlog::error("event=receipt_failed user={} mailbox={} expunged={} error=\"{}\"",
                      origin.account, origin.mailbox, messages.size(), failure.what());
        throw;
    }
}

expunge_origin origin_for(mailbox_store& store, mailbox_id mailbox,
                          const expunge_request& request) {
    expunge_origin origin = request.origin;
    const std::optional<mailbox_info> info = store.find_mailbox(mailbox);
    if (!info) {
        throw_error(errc::not_found, store.db().path(), "no such mailbox");
    }
    origin.mailbox = info->name;
    origin.uidvalidity = info->uidvalidity;
    return origin;
}

} // namespace

std::vector<message_uid> expunge_securely(mailbox_store& store, mailbox_id mailbox,
                                          std::span<const message_uid> uids,
                                          const expunge_request& request) {
    const expunge_origin origin = origin_for(store, mailbox, request);
    const std::vector<expunged_message> expunged = store.expunge(mailbox, uids);
    if (expunged.empty()) {
        return {};
    }
    truncate_wal(store, expunged.size());
    record(request, origin, expunged);

    std::vector<message_uid> removed;
    for (const expunged_message& message : expunged) {
        removed.push_back(message.uid);
    }
    return removed;
}

std::vector<copied_uid> move_securely(mailbox_store& store, mailbox_id source,
                                      std::span<const message_uid> uids, mailbox_id destination,
                                      const expunge_request& request) {
    const expunge_origin origin = origin_for(store, source, request);
    std::vector<expunged_message> originals;
    std::vector<copied_uid> moved = store.move(source, uids, destination, &originals);
    if (!originals.empty()) {
        truncate_wal(store, originals.size());
        record(request, origin, originals);
    }
    return moved;
}

void delete_mailbox_securely(mailbox_store& store, std::string_view name,
                             const expunge_request& request) {
    const std::optional<mailbox_info> info = store.find_mailbox(name);
    if (!info) {
        throw_error(errc::not_found, store.db().path(), "no such mailbox");
    }
    expunge_origin origin = request.origin;
    origin.mailbox = info->name;
    origin.uidvalidity = info->uidvalidity;

    const std::vector<expunged_message> expunged = store.delete_mailbox(name);
    truncate_wal(store, expunged.size());
    record(request, origin, expunged);
}

} // namespace skrynka::storage
