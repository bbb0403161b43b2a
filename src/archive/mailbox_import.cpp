#include "src/archive/mailbox_import.hpp"

#include "crypto/hash.hpp"
#include "src/archive/mbox_reader.hpp"
#include "src/message/sealed_message.hpp"
#include "storage/error.hpp"

#include <fmt/format.h>
#include <map>

namespace skrynka::archive {

namespace {

// The store's keyword rule: 1 to 255 bytes, no control character, space or (){%*"\].
bool valid_keyword(std::string_view keyword) {
    if (keyword.empty() || keyword.size() > 255 || keyword.front() == '\\') {
        return false;
    }
    for (char c : keyword) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f || std::string_view("(){%*\"\\]").find(c) !=
                                                std::string_view::npos) {
            return false;
        }
    }
    return true;
}

class mailbox_resolver {
  public:
    mailbox_resolver(storage::mailbox_store& store, import_counts& counts,
                     std::vector<std::string>& warnings)
        : store_(store), counts_(counts), warnings_(warnings) {}

    storage::mailbox_id resolve(const std::string& name) {
        if (const auto known = ids_.find(name); known != ids_.end()) {
            return known->second;
        }
        storage::mailbox_id id = 0;
        try {
            id = find_or_create(name);
        } catch (const storage::storage_error& error) {
            if (error.code() != storage::errc::invalid_argument) {
                throw;
            }
            warnings_.push_back(fmt::format(
                "the mailbox name \"{}\" is not valid here, so its messages go to INBOX", name));
            id = find_or_create("INBOX");
        }
        ids_.emplace(name, id);
        return id;
    }

  private:
    storage::mailbox_id find_or_create(const std::string& name) {
        if (const auto found = store_.find_mailbox(name)) {
            return found->id;
        }
        try {
            const auto created = store_.create_mailbox(name);
            // Clients that list only subscribed mailboxes (LSUB) would not show it otherwise.
            store_.set_subscribed(created.name, true);
            ++counts_.mailboxes_created;
            return created.id;
        } catch (const storage::storage_error& error) {
            // A running server's client may have created it a moment ago.
            if (error.code() != storage::errc::already_exists) {
                throw;
            }
        }
        return store_.find_mailbox(name).value().id;
    }

    storage::mailbox_store& store_;
    import_counts& counts_;
    std::vector<std::string>& warnings_;
    std::map<std::string, storage::mailbox_id> ids_;
};

// Sealed messages waiting for one group commit. A batch is bounded by count and by
// ciphertext size, so a large message does not hold many others in memory.
class import_batch {
  public:
    void add(storage::import_request request) {
        for (const auto& chunk : request.message.chunks) {
            bytes_ += chunk.size();
        }
        requests_.push_back(std::move(request));
    }

    bool full() const noexcept {
        return requests_.size() >= max_messages || bytes_ >= max_bytes;
    }

    void commit(storage::mailbox_store& store, import_counts& counts) {
        if (requests_.empty()) {
            return;
        }
        for (const auto& uid : store.append_once_many(requests_)) {
            ++(uid ? counts.imported : counts.already_imported);
        }
        requests_.clear();
        bytes_ = 0;
    }

  private:
    static constexpr std::size_t max_messages = 100;
    static constexpr std::size_t max_bytes = 16 * 1024 * 1024;

    std::vector<storage::import_request> requests_;
    std::size_t bytes_ = 0;
};

void append_u64(std::string& out, std::uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) {
        out += static_cast<char>(value >> shift);
    }
}

} // namespace

std::vector<unsigned char> import_digest(std::string_view mailbox, std::string_view bytes,
                                         std::uint64_t occurrence) {
    std::string input("skrynka import v1");
    input += '\0';
    append_u64(input, mailbox.size());
    input += mailbox;
    append_u64(input, occurrence);
    const crypto::digest message_digest = crypto::hash(bytes);
    input.append(reinterpret_cast<const char*>(message_digest.data()), message_digest.size());
    const crypto::digest digest = crypto::hash(input);
    return {digest.begin(), digest.end()};
}

import_counts import_messages(storage::mailbox_store& store, const crypto::user_public_key& owner,
                              import_source& source, const import_progress& progress,
                              std::vector<std::string>& warnings) {
    import_counts counts;
    mailbox_resolver mailboxes(store, counts, warnings);
    std::map<std::vector<unsigned char>, std::uint64_t> seen; // digest at occurrence 0
    import_batch batch;
    for (const auto& name : source.mailboxes()) {
        mailboxes.resolve(name);
    }

    while (true) {
        std::optional<import_message> next;
        try {
            next = source.next();
        } catch (const skipped_message& skipped) {
            ++counts.skipped;
            warnings.emplace_back(skipped.what());
            continue;
        }
        if (!next) {
            break;
        }

        const auto first_digest = import_digest(next->mailbox, next->bytes, 0);
        const std::uint64_t occurrence = seen[first_digest]++;
        const auto digest = occurrence == 0
                                ? first_digest
                                : import_digest(next->mailbox, next->bytes, occurrence);

        std::vector<std::string> keywords;
        for (auto& keyword : next->flags.keywords) {
            if (valid_keyword(keyword)) {
                keywords.push_back(std::move(keyword));
            } else {
                warnings.push_back(fmt::format("dropped the invalid keyword \"{}\"", keyword));
            }
        }

        storage::import_request request;
        request.mailbox = mailboxes.resolve(next->mailbox);
        request.message = message::seal_message(
            next->bytes, owner,
            {next->flags.flags & storage::flag::all, keywords, next->internal_date});
        request.digest = digest;
        batch.add(std::move(request));
        if (batch.full()) {
            batch.commit(store, counts);
        }
        if (progress) {
            progress(source, counts);
        }
    }
    batch.commit(store, counts);
    return counts;
}

} // namespace skrynka::archive
