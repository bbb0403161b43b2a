// Commands valid in every state and those without arguments: CAPABILITY, NOOP, LOGOUT
// and STARTTLS (RFC 3501 sections 6.1 and 6.2.1), ID (RFC 2971), NAMESPACE (RFC 2342)
// IDLE (RFC 2177) and ENABLE (RFC 5161).
#include "src/imap/session_state.hpp"
#include "src/mime/text.hpp"

namespace skrynka::imap {

namespace {

bool no_arguments(command_context& command) {
    return command.arguments.at_end();
}

} // namespace

command_result run_capability(command_context& command) {
    if (!no_arguments(command)) {
        return command_result::bad("CAPABILITY takes no arguments");
    }
    command.session.send("* CAPABILITY " + capability_list(command.session) + "\r\n");
    return command_result::ok("CAPABILITY completed");
}

command_result run_noop(command_context& command) {
    if (!no_arguments(command)) {
        return command_result::bad("NOOP takes no arguments");
    }
    return command_result::ok("NOOP completed");
}

command_result run_logout(command_context& command) {
    if (!no_arguments(command)) {
        return command_result::bad("LOGOUT takes no arguments");
    }
    command.session.send("* BYE Logging out\r\n");
    command.session.state = protocol_state::logout;
    command_result result = command_result::ok("LOGOUT completed");
    result.step = next_step::close;
    return result;
}

command_result run_id(command_context& command) {
    // The client's parameters are read and ignored: they are free text from the client
    // and not worth a log line. The server sends only its name.
    argument_parser& arguments = command.arguments;
    if (!arguments.space()) {
        return command_result::bad("ID needs a parameter list or NIL");
    }
    if (!arguments.keyword("NIL")) {
        if (!arguments.consume('(')) {
            return command_result::bad("ID needs a parameter list or NIL");
        }
        for (int pairs = 0; !arguments.consume(')'); ++pairs) {
            if (pairs == 30 || (pairs > 0 && !arguments.space())) {
                return command_result::bad("Invalid ID parameter list");
            }
            if (!arguments.string() || !arguments.space() ||
                (!arguments.keyword("NIL") && !arguments.string())) {
                return command_result::bad("Invalid ID parameter list");
            }
        }
    }
    if (!arguments.at_end()) {
        return command_result::bad("Unexpected text after ID");
    }
    command.session.send("* ID (\"name\" \"skrynka\")\r\n");
    return command_result::ok("ID completed");
}

command_result run_starttls(command_context& command) {
    session_state& session = command.session;
    if (!no_arguments(command)) {
        return command_result::bad("STARTTLS takes no arguments");
    }
    if (session.tls_active() || !session.config.tls_available) {
        return command_result::bad("TLS is already active or not available");
    }
    command_result result = command_result::ok("Begin TLS negotiation now");
    result.step = next_step::start_tls;
    return result;
}

command_result run_namespace(command_context& command) {
    if (!no_arguments(command)) {
        return command_result::bad("NAMESPACE takes no arguments");
    }
    command.session.send("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
    return command_result::ok("NAMESPACE completed");
}

command_result run_enable(command_context& command) {
    // RFC 5161: unknown capabilities are ignored, and ENABLED lists what this command
    // turned on.
    argument_parser& arguments = command.arguments;
    std::string enabled;
    if (arguments.at_end()) {
        return command_result::bad("ENABLE needs at least one capability");
    }
    while (arguments.space()) {
        const auto name = arguments.atom();
        if (!name) {
            return command_result::bad("Invalid capability name");
        }
        if (mime::iequals(*name, "CONDSTORE") && !command.session.condstore) {
            command.session.condstore = true;
            enabled += " CONDSTORE";
        }
        if (mime::iequals(*name, "UTF8=ACCEPT") && !command.session.utf8_accept) {
            command.session.utf8_accept = true;
            enabled += " UTF8=ACCEPT";
        }
    }
    if (!arguments.at_end()) {
        return command_result::bad("Invalid capability list");
    }
    command.session.send("* ENABLED" + enabled + "\r\n");
    return command_result::ok("ENABLE completed");
}

command_result run_idle(command_context& command) {
    if (!no_arguments(command)) {
        return command_result::bad("IDLE takes no arguments");
    }
    session_state& session = command.session;
    if (session.selected) {
        report_changes(session, true, false);
    }
    session.send("+ idling\r\n");
    session.idle_tag = std::string(command.tag);
    command_result result;
    result.tagged = false;
    return result;
}

} // namespace skrynka::imap
