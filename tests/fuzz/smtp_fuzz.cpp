// libFuzzer target for the SMTP session engine. The first two input octets seed the
// chunk sizes; the rest is fed as client input. Besides crashes and sanitizer reports it
// checks that replies are well-formed, that nothing follows a close, and that splitting
// the input differently changes neither the replies nor the delivered messages.
#include "src/smtp/session.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace skrynka::smtp;

class fuzz_policy : public recipient_policy {
  public:
    recipient_decision check_recipient(const envelope&, const mailbox& recipient) override {
        // Vary the decision by the local part so every reply path is reachable.
        switch (recipient.local_part.size() % 4) {
        case 0:
            return recipient_decision::accept;
        case 1:
            return recipient_decision::unknown_user;
        case 2:
            return recipient_decision::relay_denied;
        default:
            return recipient_decision::temporary_failure;
        }
    }
};

class fuzz_sink : public delivery_sink {
  public:
    std::vector<delivery_status> deliver(const envelope& transaction,
                                         std::string_view message) override {
        messages.emplace_back(message);
        const auto status = message.size() % 7 == 0 ? delivery_status::temporary_failure
                                                    : delivery_status::delivered;
        return std::vector<delivery_status>(transaction.recipients.size(), status);
    }

    std::vector<std::string> messages;
};

struct run_result {
    std::string replies;
    std::vector<std::string> messages;
};

void check_replies(std::string_view replies) {
    // Every reply line is a code 200 to 599, then a space or hyphen, and ends in CR LF.
    std::size_t start = 0;
    while (start < replies.size()) {
        const std::size_t end = replies.find("\r\n", start);
        if (end == std::string_view::npos || end - start < 4) {
            std::abort();
        }
        if (replies[start] < '2' || replies[start] > '5') {
            std::abort();
        }
        for (std::size_t i = start + 1; i < start + 3; ++i) {
            if (replies[i] < '0' || replies[i] > '9') {
                std::abort();
            }
        }
        if (replies[start + 3] != ' ' && replies[start + 3] != '-') {
            std::abort();
        }
        start = end + 2;
    }
}

// Feeds `input` in chunks whose sizes come from `seed` (0 means one chunk).
run_result run(std::string_view input, std::uint16_t seed, bool tls_available) {
    session_config config;
    config.hostname = "mail.example.org";
    config.session_id = "F";
    config.remote_address = "192.0.2.1";
    config.tls_available = tls_available;
    config.limits.message_size_max = 64 * 1024;
    config.limits.commands_before_mail_max = 1000;
    config.limits.errors_max = 100;
    config.clock = [] { return std::chrono::system_clock::time_point(); };

    fuzz_policy policy;
    fuzz_sink sink;
    session engine(config, policy, sink);
    run_result result;
    engine.greet();

    std::uint32_t state = seed;
    bool closed = false;
    while (!input.empty()) {
        std::size_t size = input.size();
        if (seed != 0) {
            state = state * 1103515245u + 12345u;
            size = std::min<std::size_t>(input.size(), 1 + (state >> 16) % 64);
        }
        const session_output output = engine.feed(input.substr(0, size));
        input.remove_prefix(size);
        check_replies(output.replies);
        if (closed && !output.replies.empty()) {
            std::abort(); // a reply after the session asked to close
        }
        result.replies += output.replies;
        if (output.step == next_step::close) {
            closed = true;
        } else if (output.step == next_step::start_tls) {
            engine.tls_started({"TLSv1.3", "TLS_AES_128_GCM_SHA256"});
        }
    }
    result.messages = std::move(sink.messages);
    return result;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const auto seed = static_cast<std::uint16_t>(data[0] | (data[1] << 8));
    const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

    // With STARTTLS on offer the chunking decides what is discarded, so only crashes and
    // reply syntax are checked.
    run(input, seed, true);

    // Without TLS the engine's output must not depend on how the input was split.
    const run_result whole = run(input, 0, false);
    const run_result split = run(input, seed == 0 ? 1 : seed, false);
    if (whole.replies != split.replies || whole.messages != split.messages) {
        std::abort();
    }
    return 0;
}
