#include "src/config/load_config.hpp"
#include "temp_folder.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace skrynka::app::config;

namespace {

const std::string minimal = "[server]\n"                        // line 1
                            "hostname = \"Mail.Example.org\"\n" // line 2
                            "domains = [\"example.org\"]\n";    // line 3

struct load_failure {
    std::string message;
    std::error_code code;
    std::vector<std::string> problems;
};

// Loads file and returns the config_error it throws. Fails the test when it loads.
load_failure failure_of(const std::filesystem::path& file,
                        std::vector<std::string> overrides = {}) {
    try {
        load_config(file, overrides);
    } catch (const config_error& error) {
        return {error.what(), error.code(), error.problems()};
    }
    FAIL("load_config accepted " << file.string());
    return {};
}

// Runs the check from inside folder, so that the file's display name is relative.
class current_folder {
  public:
    explicit current_folder(const std::filesystem::path& folder)
        : previous_(std::filesystem::current_path()) {
        std::filesystem::current_path(folder);
    }
    ~current_folder() { std::filesystem::current_path(previous_); }

  private:
    std::filesystem::path previous_;
};

} // namespace

TEST_CASE("minimal config loads with defaults", "[config][load]") {
    temp_folder folder;
    settings loaded = load_config(folder.write("skrynka.toml", minimal), {});

    REQUIRE(loaded.server.hostname == "mail.example.org");
    REQUIRE(loaded.server.domains == std::vector<std::string>{"example.org"});
    REQUIRE(loaded.server.state_dir == folder.path());
    REQUIRE(loaded.file == folder.path() / "skrynka.toml");
    REQUIRE(loaded.tls.certificate.empty());
    REQUIRE(loaded.listen.smtp.empty());
    REQUIRE(loaded.listen.admin.empty());
    REQUIRE(loaded.log_level == "info");
    REQUIRE(loaded.limits.password_min_length == 12);
    REQUIRE(loaded.limits.key_cache_seconds == 600);
}

TEST_CASE("config error names file line and key", "[config][load]") {
    temp_folder folder;
    folder.write("skrynka.toml", minimal + "\n[limits]\npassword_min_length = 3\n");
    current_folder inside(folder.path());

    auto failure = failure_of("skrynka.toml");
    REQUIRE(failure.message ==
            "skrynka.toml:6: limits.password_min_length: 3 is below the minimum 8");
    REQUIRE(failure.code == config_errc::invalid_value);
}

TEST_CASE("config reports values above the maximum", "[config][load]") {
    temp_folder folder;
    folder.write("skrynka.toml", minimal + "[limits]\nkey_cache_seconds = 86401\n");
    current_folder inside(folder.path());
    REQUIRE(failure_of("skrynka.toml").message ==
            "skrynka.toml:5: limits.key_cache_seconds: 86401 is above the maximum 86400");
}

TEST_CASE("config rejects unknown keys and sections", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());

    folder.write("a.toml", minimal + "colour = \"blue\"\n");
    auto unknown_key = failure_of("a.toml");
    REQUIRE(unknown_key.message == "a.toml:4: server.colour: unknown key");
    REQUIRE(unknown_key.code == config_errc::unknown_key);

    folder.write("b.toml", minimal + "[limit]\nargon2_ops = 1\n");
    REQUIRE(failure_of("b.toml").message == "b.toml:4: limit: unknown section");

    folder.write("c.toml", "hostname = \"x\"\n" + minimal);
    REQUIRE(failure_of("c.toml").message ==
            "c.toml:1: hostname: expected a [section] table, found a string: every key belongs "
            "in a section");

    folder.write("e.toml", minimal + "[[smtp]]\nlisten = []\n");
    REQUIRE(failure_of("e.toml").message ==
            "e.toml:4: smtp: expected a [section] table, found an array: every key belongs in "
            "a section");

    folder.write("d.toml", minimal + "[limits]\nargon2_opps = 1\n");
    REQUIRE(failure_of("d.toml").message == "d.toml:5: limits.argon2_opps: unknown key");
}

TEST_CASE("config rejects wrong types", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());

    folder.write("a.toml", minimal + "[limits]\nargon2_ops = \"3\"\n");
    auto string_for_integer = failure_of("a.toml");
    REQUIRE(string_for_integer.message ==
            "a.toml:5: limits.argon2_ops: expected an integer, found a string");
    REQUIRE(string_for_integer.code == config_errc::wrong_type);

    folder.write("b.toml", minimal + "[limits]\nargon2_ops = 3.0\n");
    REQUIRE(failure_of("b.toml").message ==
            "b.toml:5: limits.argon2_ops: expected an integer, found a floating-point number");

    folder.write("c.toml", "[server]\nhostname = \"h.example\"\ndomains = \"example.org\"\n");
    REQUIRE(failure_of("c.toml").message ==
            "c.toml:3: server.domains: expected an array of strings, found a string");

    folder.write("d.toml", minimal + "[smtp]\nlisten = [\"127.0.0.1:25\", 26]\n");
    REQUIRE(failure_of("d.toml").message ==
            "d.toml:5: smtp.listen: expected an array of strings, element 2 is an integer");

    folder.write("e.toml", minimal + "[log]\nlevel = true\n");
    REQUIRE(failure_of("e.toml").message ==
            "e.toml:5: log.level: expected a string, found a boolean");
}

TEST_CASE("config requires hostname and domains", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());

    folder.write("a.toml", "[server]\ndomains = [\"example.org\"]\n");
    auto no_hostname = failure_of("a.toml");
    REQUIRE(no_hostname.message == "a.toml: server.hostname: missing required key");
    REQUIRE(no_hostname.code == config_errc::missing_key);

    folder.write("b.toml", "[server]\nhostname = \"mail.example.org\"\n");
    REQUIRE(failure_of("b.toml").message == "b.toml: server.domains: missing required key");

    folder.write("c.toml", "");
    REQUIRE(failure_of("c.toml").message == "c.toml: server.hostname: missing required key");
}

TEST_CASE("config checks domains and host name", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());

    folder.write("a.toml", "[server]\nhostname = \"mail.example.org\"\ndomains = []\n");
    REQUIRE(failure_of("a.toml").message ==
            "a.toml:3: server.domains: the list is empty: name at least one domain");

    folder.write("b.toml",
                 "[server]\nhostname = \"mail.example.org\"\ndomains = [\"a.org\", \"A.org\"]\n");
    REQUIRE(failure_of("b.toml").message == "b.toml:3: server.domains: 'A.org' is listed twice");

    folder.write("c.toml", "[server]\nhostname = \"mail.example.org\"\ndomains = [\"a b.org\"]\n");
    auto bad_domain = failure_of("c.toml");
    REQUIRE(bad_domain.message.rfind("c.toml:3: server.domains: 'a b.org' is not a valid domain",
                                     0) == 0);
    REQUIRE(bad_domain.code == config_errc::invalid_value);

    folder.write("d.toml", "[server]\nhostname = \"mail_1\"\ndomains = [\"a.org\"]\n");
    REQUIRE(failure_of("d.toml").message.rfind(
                "d.toml:2: server.hostname: 'mail_1' is not a valid host name", 0) == 0);
}

TEST_CASE("config checks listen addresses and log level", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());

    folder.write("a.toml", minimal + "[imap]\nlisten = [\"localhost:143\"]\n");
    REQUIRE(failure_of("a.toml").message.rfind(
                "a.toml:5: imap.listen: 'localhost:143' is not a valid listen address", 0) == 0);

    folder.write("b.toml",
                 minimal + "[admin]\nlisten = [\"127.0.0.1:8025\", \"127.0.0.1:8025\"]\n");
    REQUIRE(failure_of("b.toml").message ==
            "b.toml:5: admin.listen: '127.0.0.1:8025' is listed twice");

    folder.write("c.toml", minimal + "[log]\nlevel = \"verbose\"\n");
    REQUIRE(failure_of("c.toml").message ==
            "c.toml:5: log.level: 'verbose' is not a log level: expected one of trace, debug, "
            "info, warn, error, critical, off");
}

TEST_CASE("config reports TOML syntax errors", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    folder.write("a.toml", minimal + "[limits\n");
    auto failure = failure_of("a.toml");
    REQUIRE(failure.message.rfind("a.toml:4:", 0) == 0);
    REQUIRE(failure.message.find("invalid TOML") != std::string::npos);
    REQUIRE(failure.code == config_errc::syntax_error);

    folder.write("b.toml", minimal + "hostname = \"again\"\n");
    REQUIRE(failure_of("b.toml").message.rfind("b.toml:4:", 0) == 0);
}

TEST_CASE("config reports a missing file", "[config][load]") {
    temp_folder folder;
    auto failure = failure_of(folder.path() / "absent.toml");
    REQUIRE(failure.message == (folder.path() / "absent.toml").string() +
                                   ": failed to open the config file: No such file or directory");
    REQUIRE(failure.code == config_errc::unreadable_file);
}

TEST_CASE("config resolves paths against its folder", "[config][load]") {
    temp_folder folder;
    std::filesystem::create_directories(folder.path() / "etc");
    auto file = folder.write("etc/skrynka.toml", minimal + "state_dir = \"../state/\"\n"
                                                           "[tls]\ncertificate = \"tls/cert.pem\"\n"
                                                           "private_key = \"/srv/key.pem\"\n");
    settings loaded = load_config(file, {});
    REQUIRE(loaded.server.state_dir == folder.path() / "state");
    REQUIRE(loaded.tls.certificate == folder.path() / "etc/tls/cert.pem");
    REQUIRE(loaded.tls.private_key == "/srv/key.pem");
}

TEST_CASE("override replaces file values", "[config][override]") {
    temp_folder folder;
    auto file = folder.write("skrynka.toml", minimal + "[limits]\nargon2_ops = 4\n");
    settings loaded = load_config(
        file, {"limits.argon2_ops=1", "limits.argon2_memory_kib=8192", "server.hostname=h.example",
               "server.domains=a.example, b.example", "smtp.listen=127.0.0.1:2525,[::1]:2525",
               "log.level=debug", "limits.argon2_ops=2"});
    REQUIRE(loaded.limits.argon2_ops == 2);
    REQUIRE(loaded.limits.argon2_memory_kib == 8192);
    REQUIRE(loaded.server.hostname == "h.example");
    REQUIRE(loaded.server.domains == std::vector<std::string>{"a.example", "b.example"});
    REQUIRE(loaded.listen.smtp.size() == 2);
    REQUIRE(loaded.listen.smtp[1].text() == "[::1]:2525");
    REQUIRE(loaded.log_level == "debug");
}

TEST_CASE("override with empty value clears a list", "[config][override]") {
    temp_folder folder;
    auto file = folder.write("skrynka.toml", minimal + "[smtp]\nlisten = [\"127.0.0.1:25\"]\n");
    REQUIRE(load_config(file, {"smtp.listen="}).listen.smtp.empty());
}

TEST_CASE("override resolves paths against the current folder", "[config][override]") {
    temp_folder folder;
    auto file = folder.write("skrynka.toml", minimal);
    std::filesystem::create_directories(folder.path() / "work");
    current_folder inside(folder.path() / "work");
    settings loaded = load_config(file, {"server.state_dir=data"});
    REQUIRE(loaded.server.state_dir == folder.path() / "work/data");
}

TEST_CASE("override errors name the override", "[config][override]") {
    temp_folder folder;
    auto file = folder.write("skrynka.toml", minimal);

    auto out_of_range = failure_of(file, {"limits.argon2_ops=0"});
    REQUIRE(out_of_range.message == "-o limits.argon2_ops=0: 0 is below the minimum 1");
    REQUIRE(out_of_range.code == config_errc::invalid_value);

    auto not_integer = failure_of(file, {"limits.argon2_ops=fast"});
    REQUIRE(not_integer.message == "-o limits.argon2_ops=fast: expected an integer, found 'fast'");
    REQUIRE(not_integer.code == config_errc::wrong_type);

    REQUIRE(failure_of(file, {"limits.argon2_ops=1x"}).message ==
            "-o limits.argon2_ops=1x: expected an integer, found '1x'");
    REQUIRE(failure_of(file, {"limits.argon2_ops="}).message ==
            "-o limits.argon2_ops=: expected an integer, found ''");
    REQUIRE(failure_of(file, {"limits.argon2_ops=99999999999999999999"}).code ==
            config_errc::wrong_type);

    auto unknown = failure_of(file, {"limits.speed=1"});
    REQUIRE(unknown.message == "-o limits.speed=1: unknown key");
    REQUIRE(unknown.code == config_errc::unknown_key);

    REQUIRE(
        failure_of(file, {"smtp.listen=127.0.0.1:25,"}).message ==
        "-o smtp.listen=127.0.0.1:25,: expected a comma-separated list, found an empty element");
    REQUIRE(failure_of(file, {"smtp.listen=127.0.0.1:25,,[::1]:25"}).code ==
            config_errc::wrong_type);
}

TEST_CASE("override must be section.key=value", "[config][override]") {
    temp_folder folder;
    auto file = folder.write("skrynka.toml", minimal);
    for (const char* text : {"", "limits", "limits.argon2_ops", "=1", "argon2_ops=1",
                             ".argon2_ops=1", "limits.=1", "a=b.c"}) {
        INFO(text);
        auto failure = failure_of(file, {text});
        REQUIRE(failure.message == "-o " + std::string(text) + ": expected section.key=value");
        REQUIRE(failure.code == config_errc::malformed_override);
    }
}

TEST_CASE("config rejects min length above max", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    folder.write("a.toml",
                 minimal + "[limits]\npassword_min_length = 100\npassword_max_length = 64\n");
    REQUIRE(failure_of("a.toml").message ==
            "a.toml:5: limits.password_min_length: 100 is above limits.password_max_length (64)");
    REQUIRE(failure_of("a.toml", {"limits.password_min_length=90"}).message ==
            "-o limits.password_min_length=90: 90 is above limits.password_max_length (64)");
}

TEST_CASE("TLS listeners require certificate and key", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    folder.write("a.toml", minimal + "[imap]\nlisten_tls = [\"127.0.0.1:993\"]\n");
    REQUIRE(failure_of("a.toml").message ==
            "a.toml: tls.certificate: missing, but imap.listen_tls lists addresses");
    REQUIRE(failure_of("a.toml", {"tls.certificate=c.pem"}).message ==
            "a.toml: tls.private_key: missing, but imap.listen_tls lists addresses");
    REQUIRE_NOTHROW(load_config("a.toml", {"imap.listen_tls="}));
}

TEST_CASE("admin TLS listener requires certificate", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    folder.write("a.toml", minimal + "[admin]\nlisten_tls = [\"127.0.0.1:8443\"]\n");
    REQUIRE(failure_of("a.toml").message ==
            "a.toml: tls.certificate: missing, but admin.listen_tls lists addresses");
    const settings loaded = load_config("a.toml", {"admin.listen_tls="});
    REQUIRE(loaded.listen.admin_tls.empty());
}

TEST_CASE("config reads delivery mx overrides", "[config][load]") {
    temp_folder folder;
    const auto file = folder.write("skrynka.toml", minimal +
                                                       "[delivery.mx_override]\n"
                                                       "\"Example.NET\" = \"127.0.0.1:2626\"\n");
    settings loaded = load_config(file, {"delivery.mx_override.example.com=[::1]:2727"});
    REQUIRE(loaded.delivery.mx_override.size() == 2);
    CHECK(loaded.delivery.mx_override.at("example.net").host == "127.0.0.1");
    CHECK(loaded.delivery.mx_override.at("example.net").port == 2626);
    CHECK(loaded.delivery.mx_override.at("example.com").host == "::1");

    // An override replaces the file's entry for the same domain.
    settings replaced = load_config(file, {"delivery.mx_override.Example.NET=127.0.0.2:25"});
    CHECK(replaced.delivery.mx_override.at("example.net").host == "127.0.0.2");
}

TEST_CASE("config rejects bad delivery overrides", "[config][load]") {
    temp_folder folder;
    const auto file = folder.write("skrynka.toml", minimal);
    CHECK(failure_of(file, {"delivery.mx_override.example.net=mail.example.net:25"})
              .message.find("delivery.mx_override.example.net") != std::string::npos);
    CHECK(failure_of(file, {"delivery.mx_override.bad_domain!=127.0.0.1:25"})
              .message.find("invalid domain") != std::string::npos);

    const auto unknown = folder.write("unknown.toml", minimal + "[delivery]\nretries = 3\n");
    CHECK(failure_of(unknown).message.find("delivery.retries") != std::string::npos);
    const auto number = folder.write("number.toml",
                                     minimal + "[delivery.mx_override]\n\"example.net\" = 25\n");
    CHECK(failure_of(number).message.find("expected a string") != std::string::npos);
}

TEST_CASE("config reads a smarthost", "[config][load]") {
    temp_folder folder;
    const auto file = folder.write("skrynka.toml", minimal +
                                                       "[delivery]\n"
                                                       "smarthost = \"smtp.example.net:587\"\n"
                                                       "smarthost_username = \"me\"\n"
                                                       "smarthost_password_file = \"relay.pw\"\n");
    settings loaded = load_config(file, {});
    CHECK(loaded.delivery.smarthost_host == "smtp.example.net");
    CHECK(loaded.delivery.smarthost_port == 587);
    CHECK(loaded.delivery.smarthost_username == "me");
    CHECK(loaded.delivery.smarthost_password_file == folder.path() / "relay.pw");

    settings ipv6 = load_config(file, {"delivery.smarthost=[::1]:465"});
    CHECK(ipv6.delivery.smarthost_host == "::1");
    CHECK(ipv6.delivery.smarthost_port == 465);
}

TEST_CASE("config rejects incomplete smarthosts", "[config][load]") {
    temp_folder folder;
    const auto file = folder.write("skrynka.toml", minimal);
    CHECK(failure_of(file, {"delivery.smarthost=smtp.example.net"}).message.find("host:port") !=
          std::string::npos);
    CHECK(failure_of(file, {"delivery.smarthost=smtp.example.net:0"}).message.find("port") !=
          std::string::npos);
    CHECK(failure_of(file, {"delivery.smarthost=smtp.example.net:587",
                            "delivery.smarthost_username=me"})
              .message.find("delivery.smarthost_password_file") != std::string::npos);
    CHECK(failure_of(file, {"delivery.smarthost_username=me",
                            "delivery.smarthost_password_file=pw"})
              .message.find("delivery.smarthost") != std::string::npos);
}

TEST_CASE("config load reports every problem", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    folder.write("skrynka.toml", "[server]\n"                       // line 1
                                 "hostname = \"mail.example.org\"\n" // line 2
                                 "colour = \"blue\"\n"               // line 3
                                 "[limits]\n"                         // line 4
                                 "password_min_length = 3\n"          // line 5
                                 "argon2_ops = \"many\"\n");          // line 6

    load_failure failure = failure_of("skrynka.toml", {"limits.argon2_ops=0", "nodot"});

    REQUIRE(failure.problems.size() == 6);
    REQUIRE(failure.message == failure.problems.front());
    // toml++ keeps keys in name order, so which problem comes first is not the file's.
    REQUIRE(failure.code.category() == config_category());
    const std::vector<std::string> expected_starts = {
        "skrynka.toml:3: server.colour: unknown key",
        "skrynka.toml:6: limits.argon2_ops: expected an integer",
        "-o nodot: expected section.key=value",
        "skrynka.toml: server.domains: missing required key",
        "skrynka.toml:5: limits.password_min_length: ",
        "-o limits.argon2_ops=0: ",
    };
    for (const std::string& start : expected_starts) {
        const bool found = std::any_of(failure.problems.begin(), failure.problems.end(),
                                       [&](const std::string& line) { return line.starts_with(start); });
        INFO(start);
        REQUIRE(found);
    }
}

TEST_CASE("config relations wait for valid values", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    const std::string conflicting = minimal + "[limits]\n"                   // line 4
                                              "password_min_length = 100\n"  // line 5
                                              "password_max_length = 70\n";  // line 6
    folder.write("conflict.toml", conflicting);
    folder.write("conflict-and-range.toml", conflicting + "argon2_ops = 0\n");

    load_failure conflict = failure_of("conflict.toml");
    load_failure both = failure_of("conflict-and-range.toml");

    REQUIRE(conflict.problems.size() == 1);
    REQUIRE(conflict.message.starts_with("conflict.toml:5: limits.password_min_length: 100 is "
                                         "above limits.password_max_length"));
    REQUIRE(both.problems.size() == 1);
    REQUIRE(both.message.starts_with("conflict-and-range.toml:7: limits.argon2_ops: 0 is below"));
}

TEST_CASE("config reads submission received_client", "[config][load]") {
    temp_folder folder;
    current_folder inside(folder.path());
    folder.write("skrynka.toml", minimal);

    const settings defaults = load_config("skrynka.toml", {});
    const settings showing = load_config("skrynka.toml", {"submission.received_client=show"});
    load_failure failure = failure_of("skrynka.toml", {"submission.received_client=maybe"});

    REQUIRE_FALSE(defaults.submission.received_names_client);
    REQUIRE(showing.submission.received_names_client);
    REQUIRE(failure.message ==
            "-o submission.received_client=maybe: 'maybe' is invalid: expected \"hide\" or \"show\"");
}
