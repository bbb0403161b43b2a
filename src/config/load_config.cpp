#include "src/config/load_config.hpp"

#include "policies/address.hpp"
#include "src/config/config_keys.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <fcntl.h>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

namespace skrynka::app::config {

namespace {

// A config file is a few kilobytes. The cap keeps a wrong -c argument (a log file, a
// device) from being read whole.
constexpr std::uintmax_t max_config_file_size = 1024 * 1024;

// Origin of a value: "file:line" or the whole override "-o key=value", and the folder
// its relative paths resolve against.
struct value_origin {
    std::string where;
    std::filesystem::path base_dir;
    bool is_override = false;
};

struct pending_value {
    raw_value value;
    value_origin origin;
};

// Values by "section.key", file values first, then overrides replacing them.
using pending_values = std::map<std::string, pending_value>;

// Every problem found in one load, so that one run of `check` (or of any command) names
// all of them, a line each. A file that cannot be read or is not TOML ends the load at once.
class problem_list {
  public:
    void add(config_errc code, std::string message) {
        if (lines_.empty()) {
            first_code_ = code;
        }
        lines_.push_back(std::move(message));
    }

    bool empty() const noexcept { return lines_.empty(); }

    // A key whose value was rejected is set, though not usable: it is not reported a
    // second time as missing.
    void reject_key(std::string full_name) { rejected_keys_.insert(std::move(full_name)); }
    bool was_rejected(const std::string& full_name) const {
        return rejected_keys_.contains(full_name);
    }

    void throw_if_any() const {
        if (!lines_.empty()) {
            throw config_error(first_code_, lines_.front(), lines_);
        }
    }

  private:
    config_errc first_code_ = config_errc::invalid_value;
    std::vector<std::string> lines_;
    std::set<std::string> rejected_keys_;
};

void report(problem_list& problems, config_errc code, std::string_view where,
            std::string_view key, std::string_view reason) {
    problems.add(code, fmt::format("{}: {}: {}", where, key, reason));
}

// Records a bad value. An override already names its key, so the message gives it once:
// "-o limits.argon2_ops=0: 0 is below the minimum 1".
void report_value(problem_list& problems, config_errc code, const value_origin& origin,
                  std::string_view key, std::string_view reason) {
    if (origin.is_override) {
        problems.add(code, fmt::format("{}: {}", origin.where, reason));
        return;
    }
    report(problems, code, origin.where, key, reason);
}

[[noreturn]] void fail_file(const std::string& display_name, std::string_view reason) {
    throw config_error(config_errc::unreadable_file, fmt::format("{}: {}", display_name, reason));
}

// Closes a file descriptor on every path out of read_file.
class file_descriptor {
  public:
    explicit file_descriptor(int fd) noexcept : fd_(fd) {}
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const noexcept { return fd_; }

  private:
    int fd_;
};

// Checks what was opened before reading it. Only a regular file is a config file: a
// FIFO would block the read until some writer appears, and a device may never end.
// A config writable by group or others is rejected like a shared storage key, because
// whoever can edit it can point server.state_dir or the TLS key at their own files.
void check_config_file(const struct stat& status, const std::string& display_name) {
    if (S_ISDIR(status.st_mode)) {
        fail_file(display_name, fmt::format("failed to read the config file: {}; give the "
                                            "path of the .toml file with -c",
                                            std::strerror(EISDIR)));
    }
    if (!S_ISREG(status.st_mode)) {
        fail_file(display_name, "the config file is not a regular file (it is a FIFO, socket "
                                "or device); give the path of the .toml file with -c");
    }
    if ((status.st_mode & 022) != 0) {
        fail_file(display_name,
                  fmt::format("the config file has mode {:04o}, writable by group or others; "
                              "run chmod go-w (or chmod 600) on it",
                              status.st_mode & 07777));
    }
}

std::string read_file(const std::filesystem::path& file, const std::string& display_name) {
    // O_NONBLOCK keeps open() itself from waiting on a FIFO until check_config_file
    // rejects it. It has no effect on reading a regular file.
    file_descriptor input(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (input.get() < 0) {
        fail_file(display_name,
                  fmt::format("failed to open the config file: {}", std::strerror(errno)));
    }
    struct stat status {};
    if (::fstat(input.get(), &status) != 0) {
        fail_file(display_name,
                  fmt::format("failed to inspect the config file: {}", std::strerror(errno)));
    }
    check_config_file(status, display_name);

    std::string text;
    char buffer[8192];
    for (;;) {
        const ssize_t count = ::read(input.get(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            fail_file(display_name,
                      fmt::format("failed to read the config file: {}", std::strerror(errno)));
        }
        if (count == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(count));
        if (text.size() > max_config_file_size) {
            fail_file(display_name, fmt::format("the config file is larger than {} bytes",
                                                max_config_file_size));
        }
    }
    return text;
}

std::string_view describe_node_type(toml::node_type type) {
    switch (type) {
    case toml::node_type::none:
        return "nothing";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a floating-point number";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    }
    return "an unknown type";
}

// Converts a TOML node to the kind the key expects, or returns the type mismatch.
std::optional<raw_value> convert_node(const toml::node& node, value_kind kind,
                                      std::string& reason) {
    switch (kind) {
    case value_kind::integer:
        if (auto integer = node.as_integer()) {
            // Built in place: GCC 12 with -fsanitize=address warns (-Wmaybe-uninitialized)
            // that moving a temporary variant that holds an integer reads its string and
            // vector members. Those paths never run for that index, so the warning is
            // false, but in-place construction has no temporary to warn about.
            return std::optional<raw_value>(std::in_place, std::in_place_index<0>,
                                            integer->get());
        }
        break;
    case value_kind::string:
        if (auto text = node.as_string()) {
            return raw_value(text->get());
        }
        break;
    case value_kind::string_array:
        if (auto array = node.as_array()) {
            std::vector<std::string> texts;
            for (std::size_t i = 0; i < array->size(); ++i) {
                const toml::node& element = *array->get(i);
                if (!element.is_string()) {
                    reason = fmt::format("expected an array of strings, element {} is {}", i + 1,
                                         describe_node_type(element.type()));
                    return std::nullopt;
                }
                texts.push_back(element.as_string()->get());
            }
            return raw_value(std::move(texts));
        }
        break;
    }
    reason =
        fmt::format("expected {}, found {}", describe_kind(kind), describe_node_type(node.type()));
    return std::nullopt;
}

std::string where_in_file(const std::string& display_name, const toml::source_region& source) {
    if (source.begin.line == 0) {
        return display_name;
    }
    return fmt::format("{}:{}", display_name, source.begin.line);
}

// Converts a file value to its key's kind and keeps it, or reports the wrong type.
void collect_file_value(const config_key& key, const toml::node& node, value_origin origin,
                        pending_values& values, problem_list& problems) {
    std::string reason;
    auto value = convert_node(node, key.kind, reason);
    if (!value) {
        report(problems, config_errc::wrong_type, origin.where, key.full_name(), reason);
        problems.reject_key(key.full_name());
        return;
    }
    values.insert_or_assign(key.full_name(), pending_value{std::move(*value), std::move(origin)});
}

constexpr std::string_view mx_override_prefix = "delivery.mx_override.";

// [delivery.mx_override] is a table whose keys are domains, so it has no fixed schema
// keys. Its entries are kept as "delivery.mx_override.DOMAIN" strings.
void collect_delivery_values(const toml::table& section, const std::string& display_name,
                             const std::filesystem::path& base_dir, pending_values& values,
                             problem_list& problems) {
    for (auto&& [name_key, node] : section) {
        const std::string name(name_key.str());
        const std::string where = where_in_file(display_name, name_key.source());
        if (const config_key* key = find_config_key("delivery", name)) {
            collect_file_value(*key, node, {where, base_dir, false}, values, problems);
            continue;
        }
        const toml::table* overrides = node.as_table();
        if (name != "mx_override" || overrides == nullptr) {
            report(problems, config_errc::unknown_key, where, "delivery." + name, "unknown key");
            continue;
        }
        for (auto&& [domain_key, target] : *overrides) {
            const std::string full_name = std::string(mx_override_prefix) + std::string(domain_key.str());
            const std::string target_where = where_in_file(display_name, domain_key.source());
            if (!target.is_string()) {
                report(problems, config_errc::wrong_type, target_where, full_name,
                       fmt::format("expected a string, found {}", describe_node_type(target.type())));
                continue;
            }
            values.insert_or_assign(full_name,
                                    pending_value{raw_value(target.as_string()->get()),
                                                  {target_where, base_dir, false}});
        }
    }
}

// Stores every delivery.mx_override.DOMAIN value as a domain and an address.
void store_mx_overrides(settings& loaded, const pending_values& values, problem_list& problems) {
    for (const auto& [full_name, pending] : values) {
        if (!full_name.starts_with(mx_override_prefix)) {
            continue;
        }
        std::string domain = full_name.substr(mx_override_prefix.size());
        std::error_code error;
        const auto parsed = policies::parse_domain(domain, error);
        if (!parsed) {
            report_value(problems, config_errc::invalid_value, pending.origin, full_name,
                         "invalid domain: expected a name such as example.net");
            continue;
        }
        std::string reason;
        const auto address = parse_listen_address(std::get<std::string>(pending.value), reason);
        if (!address) {
            report_value(problems, config_errc::invalid_value, pending.origin, full_name, reason);
            continue;
        }
        loaded.delivery.mx_override.insert_or_assign(*parsed, *address);
    }
}

void collect_file_values(const toml::table& document, const std::string& display_name,
                         const std::filesystem::path& base_dir, pending_values& values,
                         problem_list& problems) {
    for (auto&& [section_key, section_node] : document) {
        std::string section(section_key.str());
        std::string section_where = where_in_file(display_name, section_key.source());
        if (section == "delivery" && section_node.is_table()) {
            collect_delivery_values(*section_node.as_table(), display_name, base_dir, values,
                                    problems);
            continue;
        }

        const toml::table* section_table = section_node.as_table();
        if (section_table == nullptr) {
            report(problems, config_errc::unknown_key, section_where, section,
                   fmt::format("expected a [section] table, found {}: every key belongs in a "
                               "section",
                               describe_node_type(section_node.type())));
            continue;
        }
        if (!is_config_section(section)) {
            report(problems, config_errc::unknown_key, section_where, section, "unknown section");
            continue;
        }

        for (auto&& [name_key, node] : *section_table) {
            std::string name(name_key.str());
            std::string where = where_in_file(display_name, name_key.source());
            const config_key* key = find_config_key(section, name);
            if (key == nullptr) {
                report(problems, config_errc::unknown_key, where, section + "." + name,
                       "unknown key");
                continue;
            }
            collect_file_value(*key, node, {where, base_dir, false}, values, problems);
        }
    }
}

std::optional<raw_value> parse_override_value(std::string_view text, value_kind kind,
                                              std::string& reason) {
    switch (kind) {
    case value_kind::integer: {
        std::int64_t number = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (error != std::errc() || end != text.data() + text.size()) {
            reason = fmt::format("expected an integer, found '{}'", text);
            return std::nullopt;
        }
        // In place for the same reason as in convert_node().
        return std::optional<raw_value>(std::in_place, std::in_place_index<0>, number);
    }
    case value_kind::string:
        return raw_value(std::string(text));
    case value_kind::string_array: {
        // Comma-separated on the command line; an empty value is an empty array.
        std::vector<std::string> texts;
        if (text.empty()) {
            return raw_value(std::move(texts));
        }
        std::string element;
        std::istringstream stream{std::string(text)};
        while (std::getline(stream, element, ',')) {
            auto first = element.find_first_not_of(" \t");
            auto last = element.find_last_not_of(" \t");
            if (first == std::string::npos) {
                reason = "expected a comma-separated list, found an empty element";
                return std::nullopt;
            }
            texts.push_back(element.substr(first, last - first + 1));
        }
        if (text.back() == ',') {
            reason = "expected a comma-separated list, found an empty element";
            return std::nullopt;
        }
        return raw_value(std::move(texts));
    }
    }
    return std::nullopt;
}

void collect_override(const std::string& override_text, pending_values& values,
                      problem_list& problems) {
    std::string where = "-o " + override_text;
    std::size_t equals = override_text.find('=');
    std::size_t dot = override_text.find('.');
    if (equals == std::string::npos || dot == std::string::npos || dot > equals || dot == 0 ||
        dot + 1 == equals) {
        problems.add(config_errc::malformed_override,
                     fmt::format("{}: expected section.key=value", where));
        return;
    }

    std::string section = override_text.substr(0, dot);
    std::string name = override_text.substr(dot + 1, equals - dot - 1);
    std::string_view text = std::string_view(override_text).substr(equals + 1);
    const value_origin origin{where, std::filesystem::current_path(), true};
    if (override_text.starts_with(mx_override_prefix)) {
        values.insert_or_assign(override_text.substr(0, equals),
                                pending_value{raw_value(std::string(text)), origin});
        return;
    }
    const config_key* key = find_config_key(section, name);
    if (key == nullptr) {
        report_value(problems, config_errc::unknown_key, origin, section + "." + name,
                     "unknown key");
        return;
    }

    std::string reason;
    auto value = parse_override_value(text, key->kind, reason);
    if (!value) {
        report_value(problems, config_errc::wrong_type, origin, key->full_name(), reason);
        problems.reject_key(key->full_name());
        return;
    }
    values.insert_or_assign(key->full_name(), pending_value{std::move(*value), origin});
}

// Returns where the key was set, or the file when the key has its default value.
value_origin origin_of(const pending_values& values, const std::string& full_name,
                       const std::string& display_name) {
    auto found = values.find(full_name);
    if (found == values.end()) {
        return value_origin{display_name, {}, false};
    }
    return found->second.origin;
}

void check_relations(const settings& loaded, const pending_values& values,
                     const std::string& display_name, problem_list& problems) {
    if (auto conflict = policies::check_limit_relations(loaded.limits)) {
        std::string full_name = "limits." + std::string(conflict->name);
        report_value(problems, config_errc::invalid_value,
                     origin_of(values, full_name, display_name), full_name, conflict->reason);
    }

    const delivery_settings& delivery = loaded.delivery;
    if (delivery.smarthost_username.empty() != delivery.smarthost_password_file.empty()) {
        report(problems, config_errc::missing_key, display_name,
               delivery.smarthost_username.empty() ? "delivery.smarthost_username"
                                                   : "delivery.smarthost_password_file",
               "missing: a smarthost login needs both the username and the password file");
    }
    if (!delivery.smarthost_username.empty() && delivery.smarthost_host.empty()) {
        report(problems, config_errc::missing_key, display_name, "delivery.smarthost",
               "missing, but delivery.smarthost_username is set");
    }

    const std::pair<std::string_view, const std::vector<listen_address>*> tls_listeners[] = {
        {"submission.listen_tls", &loaded.listen.submission_tls},
        {"imap.listen_tls", &loaded.listen.imap_tls},
        {"pop3.listen_tls", &loaded.listen.pop3_tls},
        {"admin.listen_tls", &loaded.listen.admin_tls},
    };
    for (const auto& [listener, addresses] : tls_listeners) {
        if (addresses->empty()) {
            continue;
        }
        if (loaded.tls.certificate.empty()) {
            report(problems, config_errc::missing_key, display_name, "tls.certificate",
                   fmt::format("missing, but {} lists addresses", listener));
        }
        if (loaded.tls.private_key.empty()) {
            report(problems, config_errc::missing_key, display_name, "tls.private_key",
                   fmt::format("missing, but {} lists addresses", listener));
        }
        // One listener is enough to name what is missing.
        break;
    }
}

} // namespace

settings load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
    const std::string display_name = file.string();
    const std::filesystem::path absolute_file = std::filesystem::absolute(file).lexically_normal();
    const std::filesystem::path base_dir = absolute_file.parent_path();

    std::string text = read_file(file, display_name);
    toml::table document;
    try {
        document = toml::parse(text, display_name);
    } catch (const toml::parse_error& error) {
        throw config_error(config_errc::syntax_error,
                           fmt::format("{}:{}:{}: invalid TOML: {}", display_name,
                                       error.source().begin.line, error.source().begin.column,
                                       error.description()));
    }

    problem_list problems;
    pending_values values;
    collect_file_values(document, display_name, base_dir, values, problems);
    for (const std::string& override_text : overrides) {
        collect_override(override_text, values, problems);
    }

    settings loaded;
    loaded.file = absolute_file;
    loaded.server.state_dir = base_dir;
    for (const config_key& key : all_config_keys()) {
        auto found = values.find(key.full_name());
        if (found == values.end()) {
            if (key.required && !problems.was_rejected(key.full_name())) {
                report(problems, config_errc::missing_key, display_name, key.full_name(),
                       "missing required key");
            }
            continue;
        }

        const pending_value& pending = found->second;
        if (auto reason = key.store(loaded, pending.value, pending.origin.base_dir)) {
            report_value(problems, config_errc::invalid_value, pending.origin, key.full_name(),
                         *reason);
        }
    }
    store_mx_overrides(loaded, values, problems);

    // The rules between values are checked on values that are each valid, so that one
    // bad value is not reported a second time as a conflict with its neighbour.
    problems.throw_if_any();
    check_relations(loaded, values, display_name, problems);
    problems.throw_if_any();
    return loaded;
}

} // namespace skrynka::app::config
