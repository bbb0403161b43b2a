// POP3 session: the TRANSACTION state (RFC 1939 section 5: STAT, LIST, RETR, DELE,
// NOOP, RSET; section 7: TOP, UIDL) and the UPDATE state entered by QUIT (section 6).
#include "src/pop3/response.hpp"
#include "src/pop3/session.hpp"

#include <fmt/format.h>

namespace skrynka::pop3 {

namespace asio = boost::asio;

namespace {

// Octets of a message read and decrypted per maildrop call while it is sent.
constexpr std::size_t read_size = 64 * 1024;

bool takes_at_most(const command& request, std::size_t count) {
    return request.arguments.size() <= count;
}

} // namespace

asio::awaitable<void> session::handle_transaction(const command& request, response_writer& out) {
    switch (request.name) {
    case verb::stat:
        if (!takes_at_most(request, 0)) {
            error(errc::syntax);
            co_return;
        }
        handle_stat();
        co_return;
    case verb::list:
        handle_list(request);
        co_return;
    case verb::uidl:
        handle_uidl(request);
        co_return;
    case verb::retr:
        co_await handle_retr(request, out);
        co_return;
    case verb::top:
        co_await handle_top(request, out);
        co_return;
    case verb::dele:
        handle_dele(request);
        co_return;
    case verb::noop:
        if (!takes_at_most(request, 0)) {
            error(errc::syntax);
            co_return;
        }
        ok("");
        co_return;
    case verb::rset:
        if (!takes_at_most(request, 0)) {
            error(errc::syntax);
            co_return;
        }
        handle_rset();
        co_return;
    case verb::capa:
        handle_capa();
        co_return;
    case verb::quit:
        co_await handle_quit_in_transaction();
        co_return;
    default:
        error(errc::wrong_state);
        co_return;
    }
}

void session::handle_stat() {
    std::uint64_t count = 0;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (!deleted_[i]) {
            ++count;
            total += drop_->messages()[i].size;
        }
    }
    // RFC 1939 section 5 fixes the form "+OK nn mm" with nothing after the size.
    ok(fmt::format("{} {}", count, total));
}

std::optional<std::size_t> session::find_message(std::string_view text) {
    const std::optional<std::uint32_t> number = parse_number(text);
    if (!number || *number == 0 || *number > deleted_.size()) {
        error(errc::no_such_message);
        return std::nullopt;
    }
    const std::size_t index = *number - 1;
    if (deleted_[index]) {
        error(errc::message_deleted);
        return std::nullopt;
    }
    return index;
}

void session::handle_list(const command& request) {
    if (!takes_at_most(request, 1)) {
        error(errc::syntax);
        return;
    }
    const std::vector<maildrop_message>& messages = drop_->messages();
    if (request.arguments.size() == 1) {
        const std::optional<std::size_t> index = find_message(request.arguments.front());
        if (index) {
            ok(fmt::format("{} {}", *index + 1, messages[*index].size));
        }
        return;
    }

    std::uint64_t count = 0;
    std::uint64_t total = 0;
    std::string lines;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (!deleted_[i]) {
            ++count;
            total += messages[i].size;
            lines += fmt::format("{} {}\r\n", i + 1, messages[i].size);
        }
    }
    ok(fmt::format("{} messages ({} octets)", count, total));
    pending_ += lines;
    pending_ += ".\r\n";
}

void session::handle_uidl(const command& request) {
    if (!takes_at_most(request, 1)) {
        error(errc::syntax);
        return;
    }
    const std::vector<maildrop_message>& messages = drop_->messages();
    if (request.arguments.size() == 1) {
        const std::optional<std::size_t> index = find_message(request.arguments.front());
        if (index) {
            ok(fmt::format("{} {}", *index + 1, messages[*index].unique_id));
        }
        return;
    }

    ok("Unique-id listing follows");
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (!deleted_[i]) {
            pending_ += fmt::format("{} {}\r\n", i + 1, messages[i].unique_id);
        }
    }
    pending_ += ".\r\n";
}

void session::handle_dele(const command& request) {
    if (request.arguments.size() != 1) {
        error(errc::syntax);
        return;
    }
    const std::optional<std::size_t> index = find_message(request.arguments.front());
    if (!index) {
        return;
    }
    // Only marked: the message is removed in the UPDATE state, after QUIT.
    deleted_[*index] = true;
    ok(fmt::format("Message {} deleted", *index + 1));
}

void session::handle_rset() {
    deleted_.assign(deleted_.size(), false);
    ok(maildrop_summary());
}

asio::awaitable<void> session::handle_retr(const command& request, response_writer& out) {
    if (request.arguments.size() != 1) {
        error(errc::syntax);
        co_return;
    }
    const std::optional<std::size_t> index = find_message(request.arguments.front());
    if (!index) {
        co_return;
    }
    co_await send_message(*index, std::nullopt, out);
}

asio::awaitable<void> session::handle_top(const command& request, response_writer& out) {
    if (request.arguments.size() != 2) {
        error(errc::syntax);
        co_return;
    }
    const std::optional<std::uint32_t> lines = parse_number(request.arguments[1]);
    if (!lines) {
        error(errc::syntax);
        co_return;
    }
    const std::optional<std::size_t> index = find_message(request.arguments.front());
    if (!index) {
        co_return;
    }
    co_await send_message(*index, *lines, out);
}

asio::awaitable<void> session::send_message(std::size_t index,
                                            std::optional<std::uint64_t> body_lines,
                                            response_writer& out) {
    const maildrop_message& message = drop_->messages()[index];
    const std::string number_field = fmt::format("number={}", index + 1);

    // The first piece is read before "+OK", so a message that cannot be read gets a
    // clean -ERR and the session goes on.
    std::string content;
    bool read_failed = false;
    try {
        content = co_await drop_->read(index, 0, read_size);
    } catch (const std::exception&) {
        read_failed = true;
    }
    if (read_failed) {
        log(fmt::format("event=message_read_failed {}", number_field));
        error(errc::message_unavailable);
        co_return;
    }

    ok(body_lines ? std::string("Top of message follows") : fmt::format("{} octets", message.size));
    dot_stuffer stuffer = body_lines ? dot_stuffer(*body_lines) : dot_stuffer();
    std::uint64_t offset = 0;
    while (true) {
        stuffer.append(content, pending_);
        offset += content.size();
        if (stuffer.done() || content.empty() || offset >= message.size) {
            break;
        }
        if (pending_.size() >= read_size) {
            co_await flush(out);
        }
        try {
            content = co_await drop_->read(index, offset, read_size);
        } catch (const std::exception&) {
            read_failed = true;
        }
        if (read_failed) {
            // Part of the message may be on the wire already, so no -ERR can follow.
            // Closing without the terminator lets the client see the response is cut.
            log(fmt::format("event=message_read_failed {} offset={}", number_field, offset));
            state_ = state::closed;
            close_reason_ = "message_read_failed";
            co_return;
        }
    }
    stuffer.finish(pending_);
    if (!body_lines) {
        ++counters_.messages_retrieved;
    }
}

asio::awaitable<void> session::handle_quit_in_transaction() {
    std::vector<std::size_t> indexes;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (deleted_[i]) {
            indexes.push_back(i);
        }
    }
    state_ = state::closed;
    close_reason_ = "quit";

    // The UPDATE state: deletions happen here and nowhere else (RFC 1939 section 6).
    bool removed = true;
    if (!indexes.empty()) {
        try {
            co_await drop_->remove(indexes);
        } catch (const std::exception&) {
            removed = false;
        }
    }
    const std::size_t left = deleted_.size() - (removed ? indexes.size() : 0);
    // The lock goes with the maildrop, before the client reads the response.
    drop_.reset();

    if (!removed) {
        log(fmt::format("event=update_failed requested={}", indexes.size()));
        const error_reply_text& reply = reply_for(errc::update_failed);
        pending_ += format_err(reply.code, reply.text);
        close_reason_ = std::string(reply.name);
        co_return;
    }
    counters_.messages_deleted += indexes.size();
    log(fmt::format("event=update deleted={} left={}", indexes.size(), left));
    ok(fmt::format("{} POP3 server signing off ({} messages left)", config_.hostname, left));
}

std::string session::maildrop_summary() const {
    std::uint64_t total = 0;
    for (const maildrop_message& message : drop_->messages()) {
        total += message.size;
    }
    const std::size_t count = drop_->messages().size();
    return fmt::format("Maildrop has {} {} ({} octets)", count, count == 1 ? "message" : "messages",
                       total);
}

} // namespace skrynka::pop3
