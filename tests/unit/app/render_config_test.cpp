#include "src/config/load_config.hpp"
#include "src/config/render_config.hpp"
#include "temp_folder.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace skrynka::app::config;

namespace {

std::string read_text(const std::filesystem::path& path) {
    std::ifstream input(path, std::ios::binary);
    std::ostringstream text;
    text << input.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("example config equals init output", "[config][render]") {
    std::string example =
        read_text(std::filesystem::path(SKRYNKA_SOURCE_DIR) / "src/config/skrynka.example.toml");
    REQUIRE_FALSE(example.empty());
    REQUIRE(render_config({"mail.example.org", {"example.org"}, false, ""}) == example);
}

TEST_CASE("rendered production config loads", "[config][render]") {
    temp_folder folder;
    auto file = folder.write(
        "skrynka.toml", render_config({"mail.example.org", {"example.org", "example.net"}, false, ""}));
    settings loaded = load_config(file, {});

    REQUIRE(loaded.server.hostname == "mail.example.org");
    REQUIRE(loaded.server.domains == std::vector<std::string>{"example.org", "example.net"});
    REQUIRE(loaded.server.state_dir == folder.path());
    REQUIRE(loaded.tls.certificate == folder.path() / "tls/certificate.pem");
    REQUIRE(loaded.tls.private_key == folder.path() / "tls/private_key.pem");
    REQUIRE(loaded.listen.smtp.size() == 2);
    REQUIRE(loaded.listen.smtp[0].text() == "0.0.0.0:25");
    REQUIRE(loaded.listen.smtp[1].text() == "[::]:25");
    REQUIRE(loaded.listen.submission[0].port == 587);
    REQUIRE(loaded.listen.submission_tls[0].port == 465);
    REQUIRE(loaded.listen.imap[0].port == 143);
    REQUIRE(loaded.listen.imap_tls[0].port == 993);
    REQUIRE(loaded.listen.pop3[0].port == 110);
    REQUIRE(loaded.listen.pop3_tls[0].port == 995);
    REQUIRE(loaded.listen.admin.size() == 1);
    REQUIRE(loaded.listen.admin[0].text() == "127.0.0.1:8025");
    REQUIRE(loaded.log_level == "info");
    REQUIRE(loaded.limits.argon2_ops == skrynka::policies::limit_values{}.argon2_ops);
}

TEST_CASE("rendered dev config uses loopback ports", "[config][render]") {
    temp_folder folder;
    auto file = folder.write("skrynka.toml", render_config({"localhost", {"example.test"}, true, ""}));
    settings loaded = load_config(file, {});

    auto only = [](const std::vector<listen_address>& addresses) {
        REQUIRE(addresses.size() == 1);
        REQUIRE(addresses[0].host == "127.0.0.1");
        return addresses[0].port;
    };
    REQUIRE(only(loaded.listen.smtp) == 2525);
    REQUIRE(only(loaded.listen.submission) == 2587);
    REQUIRE(only(loaded.listen.submission_tls) == 2465);
    REQUIRE(only(loaded.listen.imap) == 2143);
    REQUIRE(only(loaded.listen.imap_tls) == 2993);
    REQUIRE(only(loaded.listen.pop3) == 2110);
    REQUIRE(only(loaded.listen.pop3_tls) == 2995);
    REQUIRE(only(loaded.listen.admin) == 8025);
}

TEST_CASE("rendered config with a service user loads it", "[config][render]") {
    temp_folder folder;
    auto file =
        folder.write("skrynka.toml", render_config({"localhost", {"example.test"}, true, "root"}));
    settings loaded = load_config(file, {});

    REQUIRE(loaded.server.user == "root");
    REQUIRE(loaded.server.group.empty());
}
