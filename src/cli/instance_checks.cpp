#include "src/cli/instance_checks.hpp"

#include "src/net/tls_context.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace skrynka::app::cli {

namespace {

void add_listeners(std::vector<configured_listener>& out, const std::string& key,
                   const std::vector<config::listen_address>& addresses, bool implicit_tls) {
    for (const config::listen_address& address : addresses) {
        out.push_back({key, address, implicit_tls});
    }
}

struct file_closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
};
struct x509_deleter {
    void operator()(X509* certificate) const { X509_free(certificate); }
};

// Reads the first certificate of a PEM chain file, the leaf.
std::unique_ptr<X509, x509_deleter> read_leaf_certificate(const std::filesystem::path& file) {
    std::unique_ptr<std::FILE, file_closer> stream(std::fopen(file.c_str(), "rb"));
    if (!stream) {
        return nullptr;
    }
    return std::unique_ptr<X509, x509_deleter>(
        PEM_read_X509(stream.get(), nullptr, nullptr, nullptr));
}

std::string errno_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

// Binds a socket to address the way the listeners do (SO_REUSEADDR, IPv6 only on IPv6
// addresses) and closes it. Returns the errno of the failed step, or 0.
int try_bind(const config::listen_address& address) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(address.port);
    if (::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
        return EINVAL;
    }
    std::copy_n(reinterpret_cast<const unsigned char*>(found->ai_addr), found->ai_addrlen,
                reinterpret_cast<unsigned char*>(&storage));
    length = found->ai_addrlen;
    const int family = found->ai_family;
    ::freeaddrinfo(found);

    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    const int on = 1;
    int result = ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (result == 0 && family == AF_INET6) {
        result = ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
    if (result == 0) {
        result = ::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length);
    }
    // A bound socket that is not listening still collides with a listener bound later
    // without SO_REUSEPORT, so the lone bind above is enough to find a port in use.
    const int error = result == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

} // namespace

std::vector<configured_listener> configured_listeners(const config::listen_settings& listen) {
    std::vector<configured_listener> out;
    add_listeners(out, "smtp.listen", listen.smtp, false);
    add_listeners(out, "submission.listen", listen.submission, false);
    add_listeners(out, "submission.listen_tls", listen.submission_tls, true);
    add_listeners(out, "imap.listen", listen.imap, false);
    add_listeners(out, "imap.listen_tls", listen.imap_tls, true);
    add_listeners(out, "pop3.listen", listen.pop3, false);
    add_listeners(out, "pop3.listen_tls", listen.pop3_tls, true);
    add_listeners(out, "admin.listen", listen.admin, false);
    return out;
}

std::vector<std::string> check_certificate(const config::settings& settings) {
    const config::tls_settings& tls = settings.tls;
    if (tls.certificate.empty()) {
        return {};
    }
    try {
        net::make_server_tls_context(tls.certificate, tls.private_key);
    } catch (const std::runtime_error& error) {
        return {error.what()};
    }

    std::vector<std::string> problems;
    auto leaf = read_leaf_certificate(tls.certificate);
    if (!leaf) {
        return {fmt::format("failed to read the first certificate of {}", tls.certificate.string())};
    }
    if (X509_cmp_current_time(X509_get0_notAfter(leaf.get())) <= 0) {
        problems.push_back(fmt::format("TLS certificate {} has expired; renew it and send SIGHUP "
                                       "to serve",
                                       tls.certificate.string()));
    }
    if (X509_cmp_current_time(X509_get0_notBefore(leaf.get())) > 0) {
        problems.push_back(
            fmt::format("TLS certificate {} is not valid yet", tls.certificate.string()));
    }
    const std::string& hostname = settings.server.hostname;
    if (X509_check_host(leaf.get(), hostname.data(), hostname.size(), 0, nullptr) != 1) {
        problems.push_back(fmt::format("TLS certificate {} does not name server.hostname '{}', "
                                       "so clients that check the name reject it",
                                       tls.certificate.string(), hostname));
    }
    return problems;
}

std::vector<std::string> check_hostname(const std::string& hostname) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int result = ::getaddrinfo(hostname.c_str(), nullptr, &hints, &found);
    if (result != 0) {
        return {fmt::format("server.hostname '{}' does not resolve: {}", hostname,
                            ::gai_strerror(result))};
    }
    ::freeaddrinfo(found);
    return {};
}

std::vector<std::string> check_listeners(const std::vector<configured_listener>& listeners) {
    std::vector<std::string> problems;
    for (std::size_t i = 0; i < listeners.size(); ++i) {
        const configured_listener& listener = listeners[i];
        const auto first = std::find_if(listeners.begin(), listeners.end(), [&](const auto& other) {
            return other.address == listener.address;
        });
        if (first != listeners.begin() + static_cast<std::ptrdiff_t>(i)) {
            problems.push_back(fmt::format("{} lists {}, which {} lists already", listener.key,
                                           listener.address.text(), first->key));
            continue;
        }

        const int error = try_bind(listener.address);
        if (error == EADDRINUSE) {
            problems.push_back(fmt::format("{} {}: the port is in use by another program",
                                           listener.key, listener.address.text()));
        } else if (error == EACCES) {
            problems.push_back(fmt::format("{} {}: permission denied; ports below 1024 need root "
                                           "or CAP_NET_BIND_SERVICE",
                                           listener.key, listener.address.text()));
        } else if (error == EADDRNOTAVAIL) {
            problems.push_back(fmt::format("{} {}: no network interface has this address",
                                           listener.key, listener.address.text()));
        } else if (error != 0) {
            problems.push_back(fmt::format("{} {}: failed to bind: {}", listener.key,
                                           listener.address.text(), errno_text(error)));
        }
    }
    return problems;
}

} // namespace skrynka::app::cli
