// MX lookup with c-ares; see mx_lookup.hpp.
#include "src/delivery/mx_lookup.hpp"

#include <algorithm>
#include <ares.h>
#include <arpa/nameser.h>
#include <fmt/format.h>
#include <mutex>
#include <sys/select.h>

namespace skrynka::delivery {

namespace {

struct query_state {
    bool done = false;
    int status = ARES_SUCCESS;
    std::vector<std::pair<unsigned short, std::string>> records; // preference, host
};

void on_mx_answer(void* argument, int status, int /*timeouts*/, unsigned char* answer,
                  int length) {
    auto* state = static_cast<query_state*>(argument);
    state->done = true;
    state->status = status;
    if (status != ARES_SUCCESS) {
        return;
    }
    ares_mx_reply* replies = nullptr;
    state->status = ares_parse_mx_reply(answer, length, &replies);
    for (ares_mx_reply* reply = replies; reply != nullptr; reply = reply->next) {
        state->records.emplace_back(reply->priority, reply->host);
    }
    ares_free_data(replies);
}

// ares_library_init is not thread-safe, so it runs once.
void initialize_library() {
    static std::once_flag once;
    std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

} // namespace

mx_result find_mail_hosts(const std::string& domain) {
    initialize_library();
    mx_result result;

    ares_channel channel = nullptr;
    ares_options options{};
    options.timeout = 5000; // milliseconds per try
    options.tries = 3;
    if (const int status = ares_init_options(&channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
        status != ARES_SUCCESS) {
        result.error = fmt::format("resolver initialization failed: {}", ares_strerror(status));
        return result;
    }

    query_state state;
    ares_query(channel, domain.c_str(), ns_c_in, ns_t_mx, on_mx_answer, &state);
    while (!state.done) {
        fd_set read_fds;
        fd_set write_fds;
        FD_ZERO(&read_fds);
        FD_ZERO(&write_fds);
        const int count = ares_fds(channel, &read_fds, &write_fds);
        if (count == 0) {
            break;
        }
        timeval wait{};
        timeval* timeout = ares_timeout(channel, nullptr, &wait);
        select(count, &read_fds, &write_fds, nullptr, timeout);
        ares_process(channel, &read_fds, &write_fds);
    }
    ares_destroy(channel);

    switch (state.status) {
    case ARES_SUCCESS:
        break;
    case ARES_ENODATA:
        // No MX records: the domain itself is the one host (RFC 5321 §5.1 implicit MX).
        result.status = mx_status::found;
        result.hosts.push_back(domain);
        return result;
    case ARES_ENOTFOUND:
        result.status = mx_status::no_mail;
        result.error = fmt::format("domain {} does not exist", domain);
        return result;
    default:
        result.error = fmt::format("MX lookup for {} failed: {}", domain, ares_strerror(state.status));
        return result;
    }

    std::stable_sort(state.records.begin(), state.records.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [preference, host] : state.records) {
        // RFC 7505: a single MX of "." (empty after c-ares strips the dot) means the domain
        // accepts no mail.
        if (host.empty() || host == ".") {
            result.status = mx_status::no_mail;
            result.error = fmt::format("domain {} publishes a null MX and accepts no mail", domain);
            result.hosts.clear();
            return result;
        }
        result.hosts.push_back(host);
    }
    result.status = result.hosts.empty() ? mx_status::dns_error : mx_status::found;
    if (result.hosts.empty()) {
        result.error = fmt::format("MX lookup for {} returned no usable host", domain);
    }
    return result;
}

} // namespace skrynka::delivery
