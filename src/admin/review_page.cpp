#include "src/admin/review_page.hpp"

#include "crypto/encoding.hpp"
#include "src/cli/audit_output.hpp"
#include "storage/audit_time.hpp"

#include <fmt/format.h>

namespace skrynka::app::admin {

namespace {

// Every piece of text the pages show, in one language.
struct page_text {
    std::string_view lang;
    std::string_view title;
    std::string_view switch_label; // the link to the other language
    std::string_view log_out;
    std::string_view verification;
    std::string_view verified;     // "{} records, {} checkpoints"
    std::string_view not_verified; // followed by the problem
    std::string_view head;
    std::string_view sequence;
    std::string_view hash;
    std::string_view filter;
    std::string_view user;
    std::string_view event;
    std::string_view any_event;
    std::string_view since;
    std::string_view until;
    std::string_view apply;
    std::string_view audit_log;
    std::string_view time;
    std::string_view actor;
    std::string_view subject;
    std::string_view remote;
    std::string_view outcome;
    std::string_view detail;
    std::string_view no_records;
    std::string_view next_page;
    std::string_view accounts;
    std::string_view address;
    std::string_view created;
    std::string_view state;
    std::string_view storage_used;
    std::string_view active;
    std::string_view disabled;
    std::string_view no_accounts;
    std::string_view token;
    std::string_view log_in;
    std::string_view token_invalid;
    std::string_view token_hint;
};

constexpr page_text english{
    "en",
    "skrynka: audit review",
    "Українською",
    "Log out",
    "Verification",
    "The audit log verifies: {} records, {} checkpoints.",
    "The audit log does NOT verify:",
    "Head",
    "sequence",
    "hash",
    "Filter",
    "User",
    "Event",
    "any event",
    "Since",
    "Until",
    "Apply",
    "Audit log",
    "Time (UTC)",
    "Actor",
    "Subject",
    "Remote",
    "Outcome",
    "Detail",
    "No records match the filter.",
    "Next page",
    "Accounts",
    "Address",
    "Created",
    "State",
    "Storage used",
    "active",
    "disabled",
    "No accounts yet.",
    "Admin token",
    "Log in",
    "The token is not valid.",
    "Create a token on the server with: skrynka admin token create --label NAME",
};

constexpr page_text ukrainian{
    "uk",
    "skrynka: перегляд журналу аудиту",
    "English",
    "Вийти",
    "Перевірка",
    "Журнал аудиту цілісний: записів {}, контрольних точок {}.",
    "Журнал аудиту НЕ пройшов перевірку:",
    "Голова ланцюга",
    "номер",
    "хеш",
    "Фільтр",
    "Користувач",
    "Подія",
    "будь-яка подія",
    "Від",
    "До",
    "Застосувати",
    "Журнал аудиту",
    "Час (UTC)",
    "Хто",
    "Об'єкт",
    "Адреса клієнта",
    "Результат",
    "Подробиці",
    "Жоден запис не відповідає фільтру.",
    "Наступна сторінка",
    "Облікові записи",
    "Адреса",
    "Створено",
    "Стан",
    "Зайнято місця",
    "активний",
    "вимкнений",
    "Облікових записів ще немає.",
    "Токен адміністратора",
    "Увійти",
    "Токен недійсний.",
    "Створіть токен на сервері командою: skrynka admin token create --label НАЗВА",
};

const page_text& text_for(language lang) {
    return lang == language::ukrainian ? ukrainian : english;
}

std::string format_bytes(std::uint64_t bytes) {
    if (bytes < 1024) {
        return fmt::format("{} B", bytes);
    }
    if (bytes < 1024 * 1024) {
        return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
    }
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
}

std::string value_of(const parameters& query, std::string_view name) {
    return std::string(find_parameter(query, name).value_or(""));
}

std::string page_start(const page_text& text, std::string_view switch_href) {
    return fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<title>{}</title>\n<link rel=\"stylesheet\" href=\"/page.css\">\n"
                       "</head>\n<body>\n<header><h1>{}</h1>\n"
                       "<a id=\"switch-language\" href=\"{}\">{}</a></header>\n",
                       text.lang, html_escape(text.title), html_escape(text.title),
                       html_escape(switch_href), html_escape(text.switch_label));
}

// The current filter as query parameters, with lang replaced, for links.
std::string filter_query(const parameters& query, std::string_view lang) {
    std::string result = fmt::format("lang={}", lang);
    for (const char* name : {"user", "event", "since", "until", "limit"}) {
        const std::string value = value_of(query, name);
        if (!value.empty()) {
            result += fmt::format("&{}={}", name, url_encode(value));
        }
    }
    return result;
}

std::string verify_section(const page_text& text, const storage::audit_verify_report& verify) {
    std::string html = fmt::format("<section id=\"verify\"><h2>{}</h2>\n", text.verification);
    if (verify.ok()) {
        html += fmt::format("<p class=\"ok\" id=\"verify-result\">{}</p>\n",
                            html_escape(fmt::format(fmt::runtime(text.verified), verify.records,
                                                    verify.checkpoints)));
    } else {
        html += fmt::format("<p class=\"bad\" id=\"verify-result\">{} {} ({})</p>\n",
                            html_escape(text.not_verified), html_escape(verify.problem),
                            storage::audit_fault_name(verify.fault));
    }
    html += fmt::format("<p>{}: {} {}, {} <code id=\"head-hash\">{}</code></p>\n</section>\n",
                        text.head, text.sequence, verify.head.sequence, text.hash,
                        crypto::hex_encode(verify.head.hash));
    return html;
}

std::string filter_form(const page_text& text, const parameters& query) {
    const std::string event = value_of(query, "event");
    std::string options =
        fmt::format("<option value=\"\">{}</option>", html_escape(text.any_event));
    for (const storage::audit_event candidate : storage::all_audit_events()) {
        const std::string_view name = storage::audit_event_name(candidate);
        options += fmt::format("<option value=\"{}\"{}>{}</option>", name,
                               name == event ? " selected" : "", name);
    }
    return fmt::format("<section id=\"filter\"><h2>{}</h2>\n<form method=\"get\" action=\"/\">\n"
                       "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n"
                       "<label>{} <input name=\"user\" value=\"{}\"></label>\n"
                       "<label>{} <select name=\"event\">{}</select></label>\n"
                       "<label>{} <input type=\"date\" name=\"since\" value=\"{}\"></label>\n"
                       "<label>{} <input type=\"date\" name=\"until\" value=\"{}\"></label>\n"
                       "<button type=\"submit\">{}</button>\n</form>\n</section>\n",
                       text.filter, text.lang, text.user, html_escape(value_of(query, "user")),
                       text.event, options, text.since, html_escape(value_of(query, "since")),
                       text.until, html_escape(value_of(query, "until")), text.apply);
}

std::string audit_table(const page_text& text, const review_page_data& data) {
    std::string html = fmt::format("<section id=\"audit\"><h2>{}</h2>\n", text.audit_log);
    if (!data.filter_error.empty()) {
        return html + fmt::format("<p class=\"bad\" id=\"filter-error\">{}</p>\n</section>\n",
                                  html_escape(data.filter_error));
    }
    if (data.page.records.empty()) {
        return html + fmt::format("<p id=\"no-records\">{}</p>\n</section>\n", text.no_records);
    }
    html += fmt::format("<table id=\"audit-records\">\n<thead><tr><th>#</th><th>{}</th><th>{}</th>"
                        "<th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n"
                        "<tbody>\n",
                        text.time, text.actor, text.event, text.subject, text.remote, text.outcome,
                        text.detail);
    for (const storage::audit_record& record : data.page.records) {
        const std::string actor = cli::actor_text(record.actor);
        const std::string outcome = cli::outcome_text(record.outcome);
        html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"event\">{}</td>"
                            "<td class=\"subject\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                            record.sequence, storage::format_audit_time(record.time),
                            html_escape(actor), html_escape(record.event),
                            html_escape(record.subject), html_escape(record.remote),
                            html_escape(outcome), html_escape(record.detail));
    }
    html += "</tbody>\n</table>\n";
    if (data.page.next_cursor) {
        html += fmt::format("<p><a id=\"next-page\" href=\"/?{}&amp;cursor={}\">{}</a></p>\n",
                            html_escape(filter_query(data.query, text.lang)),
                            *data.page.next_cursor, text.next_page);
    }
    return html + "</section>\n";
}

std::string accounts_table(const page_text& text, const std::vector<account_summary>& accounts) {
    std::string html = fmt::format("<section id=\"accounts\"><h2>{}</h2>\n", text.accounts);
    if (accounts.empty()) {
        return html + fmt::format("<p>{}</p>\n</section>\n", text.no_accounts);
    }
    html += fmt::format("<table id=\"account-list\">\n<thead><tr><th>{}</th><th>{}</th>"
                        "<th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
                        text.address, text.created, text.state, text.storage_used);
    for (const account_summary& account : accounts) {
        html += fmt::format(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(account.address),
            storage::format_audit_time(account.created * 1000).substr(0, 10),
            account.active ? text.active : text.disabled, format_bytes(account.storage_bytes));
    }
    return html + "</tbody>\n</table>\n</section>\n";
}

} // namespace

std::string render_review_page(const review_page_data& data) {
    const page_text& text = text_for(data.lang);
    const std::string_view other = data.lang == language::ukrainian ? "en" : "uk";
    std::string html = page_start(text, "/?" + filter_query(data.query, other));
    html += fmt::format("<form class=\"logout\" method=\"post\" action=\"/logout\">"
                        "<button type=\"submit\">{}</button></form>\n<main>\n",
                        text.log_out);
    html += verify_section(text, data.verify);
    html += filter_form(text, data.query);
    html += audit_table(text, data);
    html += accounts_table(text, data.accounts);
    html += "</main>\n</body>\n</html>\n";
    return html;
}

std::string render_login_page(language lang, bool failed) {
    const page_text& text = text_for(lang);
    const std::string_view other = lang == language::ukrainian ? "en" : "uk";
    std::string html = page_start(text, fmt::format("/?lang={}", other));
    html += "<main>\n";
    if (failed) {
        html += fmt::format("<p class=\"bad\" id=\"login-error\">{}</p>\n", text.token_invalid);
    }
    html += fmt::format("<form id=\"login\" method=\"post\" action=\"/login\">\n"
                        "<input type=\"hidden\" name=\"lang\" value=\"{}\">\n"
                        "<label>{} <input type=\"password\" name=\"token\" "
                        "autocomplete=\"off\" required></label>\n"
                        "<button type=\"submit\">{}</button>\n</form>\n<p>{}</p>\n",
                        text.lang, text.token, text.log_in, html_escape(text.token_hint));
    html += "</main>\n</body>\n</html>\n";
    return html;
}

std::string_view page_stylesheet() noexcept {
    return "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\n"
           "header{display:flex;justify-content:space-between;align-items:baseline}\n"
           "table{border-collapse:collapse;width:100%;font-size:.9em}\n"
           "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}\n"
           "th{background:#f0f0f0}\n"
           "code{word-break:break-all}\n"
           ".ok{color:#060;font-weight:bold}\n"
           ".bad{color:#a00;font-weight:bold}\n"
           "form label{margin-right:1em}\n"
           "form.logout{float:right}\n";
}

std::string html_escape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            escaped += "&amp;";
            break;
        case '<':
            escaped += "&lt;";
            break;
        case '>':
            escaped += "&gt;";
            break;
        case '"':
            escaped += "&quot;";
            break;
        case '\'':
            escaped += "&#39;";
            break;
        default:
            escaped += c;
        }
    }
    return escaped;
}

std::string url_encode(std::string_view text) {
    std::string encoded;
    for (const char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            encoded += c;
        } else {
            encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return encoded;
}

} // namespace skrynka::app::admin
