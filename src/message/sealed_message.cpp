#include "src/message/sealed_message.hpp"

#include "crypto/error.hpp"
#include "crypto/sealing.hpp"
#include "src/mime/serialize.hpp"
#include "src/mime/summarize.hpp"

#include <algorithm>
#include <span>
#include <utility>

namespace skrynka::message {
namespace {

// Binds the sealed summary to its purpose, so a summary blob can never be presented
// as some other record sealed under the same content key.
constexpr std::string_view summary_label = "skrynka message summary v1";

std::span<const unsigned char> as_bytes(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

} // namespace

storage::new_message seal_message(std::string_view raw_message,
                                  const crypto::user_public_key& recipient,
                                  const message_attributes& attributes) {
    const auto summary = mime::summarize(raw_message);
    auto content_key = crypto::generate_content_key();
    const auto id = crypto::generate_message_id();

    storage::new_message sealed;
    sealed.flags = attributes.flags;
    sealed.keywords = attributes.keywords;
    sealed.internal_date = attributes.internal_date;
    sealed.size = static_cast<std::int64_t>(raw_message.size());
    std::copy(id.begin(), id.end(), sealed.message_id.begin());

    sealed.chunks = crypto::encrypt_message(content_key, id, as_bytes(raw_message));
    sealed.sealed_summary = crypto::seal_blob(content_key, summary_label, mime::serialize(summary));
    sealed.sealed_key = crypto::seal_content_key(content_key, recipient);
    return sealed;
}

opened_message::opened_message(storage::message_uid uid, std::uint64_t size,
                               crypto::message_id id, crypto::secret_bytes content_key,
                               mime::message_summary summary)
    : uid_(uid), size_(size), id_(id), content_key_(std::move(content_key)),
      summary_(std::move(summary)) {}

std::vector<unsigned char> opened_message::read(storage::mailbox_store& store,
                                                storage::mailbox_id mailbox,
                                                std::uint64_t offset,
                                                std::uint64_t length) const {
    auto read_chunk = [&](std::uint64_t index) {
        auto chunks = store.read_chunks(mailbox, uid_, static_cast<std::int64_t>(index), 1);
        // An absent chunk reads as empty, which decryption reports as tampering.
        return chunks.empty() ? std::vector<unsigned char>{} : std::move(chunks.front());
    };
    return crypto::decrypt_range(content_key_, id_, size_, offset, length, read_chunk);
}

std::vector<unsigned char> opened_message::read_all(storage::mailbox_store& store,
                                                    storage::mailbox_id mailbox) const {
    return read(store, mailbox, 0, size_);
}

std::optional<opened_message> open_message(const storage::message_row& row,
                                           const crypto::user_key_pair& owner) {
    auto content_key = crypto::open_content_key(row.sealed_key, owner);
    if (!content_key) {
        return std::nullopt;
    }

    std::optional<std::vector<unsigned char>> summary_bytes;
    try {
        summary_bytes = crypto::open_blob(*content_key, summary_label, row.sealed_summary);
    } catch (const crypto::crypto_error&) {
        // A damaged version byte is as much an alteration as a damaged tag.
        return std::nullopt;
    }
    if (!summary_bytes) {
        return std::nullopt;
    }
    auto summary = mime::deserialize(*summary_bytes);
    if (!summary || row.size < 0) {
        return std::nullopt;
    }

    crypto::message_id id{};
    std::copy(row.message_id.begin(), row.message_id.end(), id.begin());
    return opened_message(row.uid, static_cast<std::uint64_t>(row.size), id,
                          std::move(*content_key), std::move(*summary));
}

} // namespace skrynka::message
