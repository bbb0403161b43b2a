// Outbound queue commands; see queue_command.hpp.
#include "src/cli/queue_command.hpp"

#include "src/cli/cli_error.hpp"
#include "src/cli/instance.hpp"
#include "src/cli/printable_text.hpp"
#include "storage/audit_time.hpp"
#include "storage/key_file.hpp"
#include "storage/outbound_queue.hpp"

#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace skrynka::app::cli {

namespace {

storage::outbound_queue open_queue(const global_options& globals) {
    const instance opened = open_instance(globals);
    const crypto::secret_bytes storage_key = storage::read_storage_key(opened.paths.storage_key);
    return storage::outbound_queue::open(opened.paths.queue_database, storage_key,
                                         storage::open_mode::open_or_create);
}

std::string recipients_text(const std::vector<std::string>& recipients) {
    std::string text;
    for (const std::string& recipient : recipients) {
        text += text.empty() ? "" : ",";
        text += recipient;
    }
    return text;
}

int list_queue(const global_options& globals) {
    storage::outbound_queue queue = open_queue(globals);
    const std::vector<storage::queue_entry> entries = queue.list();
    for (const storage::queue_entry& entry : entries) {
        // The error text comes from a remote server, so it is shown escaped.
        std::cout << fmt::format("{} created={} next_attempt={} attempts={} size={} from={} to={}"
                                 " last_error=\"{}\"\n",
                                 entry.id, storage::format_audit_time(entry.created * 1000),
                                 storage::format_audit_time(entry.next_attempt * 1000),
                                 entry.attempts, entry.size, entry.sender,
                                 recipients_text(entry.recipients),
                                 printable_text(entry.last_error));
    }
    std::cout << fmt::format("{} {} queued\n", entries.size(),
                             entries.size() == 1 ? "entry" : "entries");
    return 0;
}

int retry_entry(const global_options& globals, storage::queue_entry_id id) {
    storage::outbound_queue queue = open_queue(globals);
    if (!queue.retry_now(id)) {
        throw cli_error(fmt::format("no queue entry {}; `skrynka queue list` shows the ids", id));
    }
    std::cout << fmt::format("entry {} is due now; a running serve tries it within a minute\n", id);
    return 0;
}

int delete_entry(const global_options& globals, storage::queue_entry_id id) {
    storage::outbound_queue queue = open_queue(globals);
    if (!queue.remove(id)) {
        throw cli_error(fmt::format("no queue entry {}; `skrynka queue list` shows the ids", id));
    }
    std::cout << fmt::format("entry {} deleted without delivery or bounce\n", id);
    return 0;
}

} // namespace

void add_queue_command(CLI::App& app, const global_options& globals, std::function<int()>& action) {
    CLI::App* queue = app.add_subcommand("queue", "Show and manage the outbound queue");
    queue->require_subcommand(1);
    auto id = std::make_shared<storage::queue_entry_id>(0);

    CLI::App* list = queue->add_subcommand("list", "List queued entries, oldest first");
    list->callback([&globals, &action] { action = [&globals] { return list_queue(globals); }; });

    CLI::App* retry = queue->add_subcommand("retry", "Make an entry due for delivery now");
    retry->add_option("ID", *id, "Entry id from `queue list`")->required();
    retry->callback([&globals, &action, id] {
        action = [&globals, id] { return retry_entry(globals, *id); };
    });

    CLI::App* remove = queue->add_subcommand("delete", "Delete an entry without delivering it");
    remove->add_option("ID", *id, "Entry id from `queue list`")->required();
    remove->callback([&globals, &action, id] {
        action = [&globals, id] { return delete_entry(globals, *id); };
    });
}

} // namespace skrynka::app::cli
