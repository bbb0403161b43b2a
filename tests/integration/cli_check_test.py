"""skrynka check, --help and --version: what check prints, and one line per problem.

Every instance here uses the host name localhost, which /etc/hosts resolves, so check
sends no DNS query; the one unresolvable name is looked up in a network namespace.
"""

import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (BINARY, LISTENERS, check, check_equal, check_in, init_instance, main,
                         run, run_failing, run_ok, test)

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def only_listeners(**ports):
    """-o options that clear every listener but the ones given as key=port."""
    options = []
    for listener in LISTENERS:
        key = listener.replace(".", "_")
        value = f"{HOST}:{ports[key]}" if key in ports else ""
        options += ["-o", f"{listener}={value}"]
    return options


def problems(result):
    return result.stderr.strip().splitlines()


@test
def check_passes_on_fresh_instance(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    imap, smtp = free_port(), free_port()
    result = run_ok("-c", config, *only_listeners(imap_listen=imap, smtp_listen=smtp), "check")
    lines = result.stdout.splitlines()
    check_in(f"listen smtp.listen {HOST}:{smtp} plain", lines, "check output")
    check_in(f"listen imap.listen {HOST}:{imap} plain", lines, "check output")
    check_equal(lines[-1], "check: no problems found", "last line")
    check_equal(result.stderr, "", "stderr")


@test
def check_reports_every_problem_on_its_line(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    other = init_instance(os.path.join(folder, "other"), extra=["--hostname", "localhost"])
    other_key = os.path.join(os.path.dirname(other), "tls", "private_key.pem")
    busy_port, port = free_port(), free_port()
    with socket.socket() as busy:
        busy.bind((HOST, busy_port))
        busy.listen()
        result = run("-c", config,
                     *only_listeners(smtp_listen=busy_port, imap_listen=port, pop3_listen=port),
                     "-o", f"tls.private_key={other_key}", "check")

    check_equal(result.returncode, 1, "exit status")
    lines = problems(result)
    check_equal(len(lines), 3, f"problem lines in {lines!r}")
    check_in(f"failed to load TLS private key {other_key}", lines[0], "key mismatch line")
    check_in("key values mismatch", lines[0], "key mismatch line")
    check_in(f"smtp.listen {HOST}:{busy_port}: the port is in use", lines[1], "busy port line")
    check_in(f"pop3.listen lists {HOST}:{port}, which imap.listen lists already", lines[2],
             "duplicate line")
    # What serve would listen on is printed even when there are problems.
    check_in(f"listen smtp.listen {HOST}:{busy_port} plain", result.stdout, "check output")


@test
def check_reports_certificate_for_another_host(folder):
    # The certificate names mail.localhost; localhost resolves from /etc/hosts, so the
    # check makes no DNS query.
    config = init_instance(folder, extra=["--hostname", "mail.localhost"])
    result = run("-c", config, *only_listeners(), "-o", "server.hostname=localhost", "check")
    check_equal(result.returncode, 1, "exit status")
    lines = problems(result)
    check_equal(len(lines), 1, f"problem lines in {lines!r}")
    check_in("does not name server.hostname 'localhost'", lines[0], "problem line")


@test
def check_reports_missing_state(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    os.remove(os.path.join(os.path.dirname(config), "keys", "storage.key"))
    result = run("-c", config, *only_listeners(), "check")
    check_equal(result.returncode, 1, "exit status")
    lines = problems(result)
    check_equal(len(lines), 1, f"problem lines in {lines!r}")
    check_in("storage.key", lines[0], "problem line")


@test
def check_rejects_limit_out_of_range(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    line = run_failing("-c", config, "-o", "limits.argon2_ops=0", "check")
    check_in("limits.argon2_ops", line, "error line")


@test
def check_reports_unresolvable_hostname(folder):
    # The lookup must not leave the machine: it runs in a new network namespace whose only
    # interface is loopback, so a DNS query fails at once. Creating one needs root.
    if os.geteuid() != 0:
        print("skip check_reports_unresolvable_hostname: needs root for unshare --net")
        return
    config = init_instance(folder, extra=["--hostname", "localhost"])
    result = subprocess.run(
        ["unshare", "--net", BINARY, "-c", config, *only_listeners(), "-o",
         "server.hostname=no-such-host.invalid", "check"],
        capture_output=True, text=True, timeout=60)
    check_equal(result.returncode, 1, "exit status")
    lines = problems(result)
    check(any("server.hostname 'no-such-host.invalid' does not resolve" in line
              for line in lines), f"no hostname problem in {lines!r}")


def subcommands(help_text):
    """Names listed under "Subcommands:" in CLI11's help output."""
    names, listing = [], False
    for line in help_text.splitlines():
        if line.startswith("Subcommands:"):
            listing = True
        elif listing and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
        elif listing and line and not line.startswith(" "):
            listing = False
    return names


@test
def every_subcommand_has_help(folder):
    # Walks the command tree from the top, so commands added later are covered too.
    pending, seen = [[]], []
    while pending:
        command = pending.pop()
        result = run(*command, "--help")
        check_equal(result.returncode, 0, f"exit status of skrynka {' '.join(command)} --help")
        check_in("Usage:", result.stdout, f"skrynka {' '.join(command)} --help")
        seen.append(command)
        pending += [command + [name] for name in subcommands(result.stdout)]
    check(["check"] in seen, f"check is not listed in the help: {seen!r}")
    check(len(seen) >= 10, f"only {len(seen)} commands found: {seen!r}")


@test
def version_prints_name_and_number(folder):
    result = run_ok("--version")
    check(result.stdout.startswith("skrynka "), f"version output {result.stdout!r}")
    check(any(ch.isdigit() for ch in result.stdout), f"version output {result.stdout!r}")


if __name__ == "__main__":
    sys.exit(main())
