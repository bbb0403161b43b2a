// libFuzzer target for the POP3 command parser and session engine. The first two input
// octets seed the chunk sizes; the rest is fed as client input to a session whose login
// accepts "alice@example.org" with the password "secret" and whose maildrop holds three
// small messages. Besides crashes and sanitizer reports it checks that every response
// line ends in CR LF, that nothing follows a close, that parsed arguments respect the
// 255-octet limit, and that splitting the input differently changes neither the
// responses nor the deletions.
#include "src/pop3/command.hpp"
#include "src/pop3/session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace skrynka::pop3;

const std::vector<std::string> contents{
    "Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n",
    "Subject: p\r\n\r\n0123456789\r\n",
    "no header end",
};

class fuzz_maildrop : public maildrop {
  public:
    explicit fuzz_maildrop(std::vector<std::vector<std::size_t>>& removals) : removals_(removals) {
        for (std::size_t i = 0; i < contents.size(); ++i) {
            messages_.push_back({contents[i].size(), "uid" + std::to_string(i)});
        }
    }
    const std::vector<maildrop_message>& messages() const override { return messages_; }
    boost::asio::awaitable<std::string> read(std::size_t index, std::uint64_t offset,
                                             std::size_t length) override {
        const std::string& content = contents.at(index);
        // Small pieces, so byte-stuffing across piece boundaries is exercised.
        co_return content.substr(std::min<std::size_t>(offset, content.size()),
                                 std::min<std::size_t>(length, 5));
    }
    boost::asio::awaitable<void> remove(std::vector<std::size_t> indexes) override {
        removals_.push_back(std::move(indexes));
        co_return;
    }

  private:
    std::vector<std::vector<std::size_t>>& removals_;
    std::vector<maildrop_message> messages_;
};

class fuzz_accounts : public authenticator {
  public:
    explicit fuzz_accounts(std::vector<std::vector<std::size_t>>& removals) : removals_(removals) {}
    boost::asio::awaitable<login_result> login(std::string_view name,
                                               skrynka::crypto::secret_bytes password) override {
        login_result result;
        const std::string_view secret = "secret";
        const bool matches =
            password.equals({reinterpret_cast<const unsigned char*>(secret.data()), secret.size()});
        if (name == "alice@example.org" && matches) {
            result.status = login_status::success;
            result.user = "alice@example.org";
            result.drop = std::make_unique<fuzz_maildrop>(removals_);
        } else if (name.size() % 3 == 1) {
            result.status = login_status::in_use;
        } else {
            result.status = login_status::invalid;
        }
        co_return result;
    }

    boost::asio::awaitable<void> cleartext_login_refused(std::string_view) override { co_return; }

  private:
    std::vector<std::vector<std::size_t>>& removals_;
};

class collecting_writer : public response_writer {
  public:
    boost::asio::awaitable<void> write(std::string_view octets) override {
        written += octets;
        co_return;
    }
    std::string written;
};

struct run_result {
    std::string responses;
    std::vector<std::vector<std::size_t>> removals;
};

void check_lines(std::string_view responses) {
    // Every line ends in CR LF; the engine never sends a bare LF of its own, and the
    // stored test messages contain none.
    for (std::size_t i = 0; i < responses.size(); ++i) {
        if (responses[i] == '\n' && (i == 0 || responses[i - 1] != '\r')) {
            std::abort();
        }
    }
    if (!responses.empty() && responses.back() != '\n') {
        std::abort();
    }
}

void check_parser(std::string_view input) {
    std::size_t start = 0;
    while (start < input.size()) {
        const std::size_t end = input.find('\n', start);
        const std::string_view line = input.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        const command parsed = parse_command(line);
        for (std::size_t i = 0; i < parsed.arguments.size(); ++i) {
            const bool initial_response = parsed.name == verb::auth && i == 1;
            if (!initial_response && parsed.arguments[i].size() > argument_size_max) {
                std::abort();
            }
        }
        if (parsed.error != command_error::none && !parsed.arguments.empty()) {
            std::abort();
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
}

// Feeds input in chunks whose sizes come from seed (0 means one chunk).
run_result run(std::string_view input, std::uint16_t seed, bool tls_available) {
    run_result result;
    fuzz_accounts accounts(result.removals);
    session_config config;
    config.hostname = "mail.example.org";
    config.tls_available = tls_available;
    config.cleartext_login_allowed = true;
    config.limits.line_max = 512;
    config.limits.commands_before_auth_max = 1000;
    config.limits.errors_max = 100;
    session engine(config, accounts);
    engine.greet();

    std::uint32_t state = seed;
    bool closed = false;
    while (!input.empty() && !closed) {
        std::size_t size = input.size();
        if (seed != 0) {
            state = state * 1103515245u + 12345u;
            size = std::min<std::size_t>(input.size(), 1 + (state >> 16) % 64);
        }
        collecting_writer writer;
        boost::asio::io_context context;
        auto future = boost::asio::co_spawn(context, engine.feed(input.substr(0, size), writer),
                                            boost::asio::use_future);
        context.run();
        const next_step step = future.get();
        input.remove_prefix(size);
        check_lines(writer.written);
        result.responses += writer.written;
        if (step == next_step::close) {
            closed = true;
        } else if (step == next_step::start_tls) {
            engine.tls_started();
        }
    }
    return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const auto seed = static_cast<std::uint16_t>(data[0] | (data[1] << 8));
    const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

    check_parser(input);

    // With STLS on offer the chunking decides what is discarded, so only crashes and
    // line syntax are checked.
    run(input, seed, true);

    // Without TLS the engine's output must not depend on how the input was split.
    const run_result whole = run(input, 0, false);
    const run_result split = run(input, seed == 0 ? 1 : seed, false);
    if (whole.responses != split.responses || whole.removals != split.removals) {
        std::abort();
    }
    return 0;
}
