"""Logins through the unlocked-key cache and the login throttle that IMAP and POP3 share.

One `skrynka serve` with IMAP and POP3 on loopback. A repeated login must come from the
cache. A password change or app password revocation made by the command line in
another process must stop the old secret at once. Failed POP3 logins must lock the
same address out of IMAP, and the other way round.
"""

import imaplib
import os
import poplib
import re
import signal
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, check, check_in, init_instance, main, run_ok,
                         server_process, test)

HOST = "127.0.0.1"
USER = "alice@example.org"
PASSWORD = "amber-window-orchard-17"
NEW_PASSWORD = "linden-harbour-copper-42"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class instance:
    """alice@example.org on one serve with cleartext IMAP and POP3 on loopback."""

    def __init__(self, folder, extra=()):
        self.config = init_instance(folder)
        self.args = ["-c", self.config, *FAST_ARGON2]
        run_ok(*self.args, "user", "add", USER, stdin_text=PASSWORD + "\n")
        self.imap_port = free_port()
        self.pop3_port = free_port()
        self.server = server_process(
            *self.args,
            "-o", f"imap.listen={HOST}:{self.imap_port}",
            "-o", f"pop3.listen={HOST}:{self.pop3_port}", *extra)
        for proto, port in (("imap", self.imap_port), ("pop3", self.pop3_port)):
            self.server.wait_for_log(f"event=listening proto={proto} address={HOST} port={port}")

    def imap_login(self, password):
        """Log in over IMAP and log out; return True when the login succeeded."""
        client = imaplib.IMAP4(HOST, self.imap_port, timeout=30)
        try:
            client.login(USER, password)
        except imaplib.IMAP4.error:
            return False
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.abort, OSError):
                pass
        return True

    def pop3_login(self, password):
        """Log in over POP3 and quit; return True when the login succeeded."""
        client = poplib.POP3(HOST, self.pop3_port, timeout=30)
        try:
            client.user(USER)
            client.pass_(password)
        except poplib.error_proto:
            return False
        finally:
            try:
                client.quit()
            except (poplib.error_proto, OSError):
                pass
        return True

    def expect_unlock(self, proto, source):
        line = self.server.wait_for_log(f"proto={proto} ")
        while "event=key_unlocked" not in line:
            line = self.server.wait_for_log(f"proto={proto} ")
        check_in(f"source={source}", line, f"{proto} unlock log line")

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self.server.process.poll() is None:
            self.server.stop(signal.SIGTERM)
        self.server.__exit__(*exception)


@test
def repeated_login_uses_the_cache(folder):
    with instance(folder) as server:
        check(server.imap_login(PASSWORD), "first IMAP login failed")
        server.expect_unlock("imap", "key_slot")
        check(server.imap_login(PASSWORD), "second IMAP login failed")
        server.expect_unlock("imap", "cache")
        # POP3 shares the cache with IMAP.
        check(server.pop3_login(PASSWORD), "POP3 login failed")
        server.expect_unlock("pop3", "cache")


@test
def disabled_cache_always_opens_the_slot(folder):
    with instance(folder, extra=("-o", "limits.key_cache_seconds=0")) as server:
        for _ in range(2):
            check(server.imap_login(PASSWORD), "IMAP login failed")
            server.expect_unlock("imap", "key_slot")


@test
def wrong_password_fails_with_a_cached_key(folder):
    with instance(folder) as server:
        check(server.imap_login(PASSWORD), "first IMAP login failed")
        check(not server.imap_login(PASSWORD + "x"), "a wrong password logged in over IMAP")
        check(not server.pop3_login(PASSWORD[:-1]), "a wrong password logged in over POP3")
        check(server.imap_login(PASSWORD), "the right password failed after a wrong one")
        server.expect_unlock("imap", "key_slot")
        server.expect_unlock("imap", "cache")


@test
def password_change_elsewhere_stops_old_password(folder):
    with instance(folder) as server:
        check(server.imap_login(PASSWORD), "IMAP login before the change failed")
        check(server.pop3_login(PASSWORD), "POP3 login before the change failed")
        run_ok(*server.args, "user", "passwd", USER, stdin_text=f"{PASSWORD}\n{NEW_PASSWORD}\n")

        check(not server.imap_login(PASSWORD), "the old password still logs in over IMAP")
        check(not server.pop3_login(PASSWORD), "the old password still logs in over POP3")
        check(server.imap_login(NEW_PASSWORD), "the new password fails over IMAP")
        check(server.pop3_login(NEW_PASSWORD), "the new password fails over POP3")


@test
def app_password_revocation_stops_it(folder):
    with instance(folder) as server:
        added = run_ok(*server.args, "user", "app-password", "add", USER, "--label", "phone",
                       stdin_text=PASSWORD + "\n")
        found = re.search(r"[0-9a-z]{6}(-[0-9a-z]{6}){3}", added.stdout)
        check(found is not None, f"no app password in {added.stdout!r}")
        app_password = found.group(0)
        check(server.imap_login(app_password), "app password login failed")
        check(server.imap_login(app_password), "second app password login failed")
        run_ok(*server.args, "user", "app-password", "revoke", USER, "--label", "phone")
        check(not server.imap_login(app_password), "a revoked app password still logs in")
        check(server.imap_login(PASSWORD), "the login password fails after the revocation")


@test
def pop3_failures_lock_out_imap(folder):
    with instance(folder, extra=("-o", "limits.login_failures_max=3")) as server:
        for attempt in range(3):
            check(not server.pop3_login(f"wrong-{attempt}"), "a wrong POP3 password logged in")
        check(not server.imap_login(PASSWORD), "IMAP let the address in after POP3 failures")
        server.server.wait_for_log("proto=imap remote=127.0.0.1 event=login_refused "
                                   "reason=rate_limited")


@test
def imap_failures_lock_out_pop3(folder):
    with instance(folder, extra=("-o", "limits.login_failures_max=3")) as server:
        for attempt in range(3):
            check(not server.imap_login(f"wrong-{attempt}"), "a wrong IMAP password logged in")
        for attempt in range(3):
            check(not server.pop3_login(PASSWORD), "POP3 let the address in after IMAP failures")
        check(not server.imap_login(PASSWORD), "IMAP let the address in after its failures")

        # One refusal per lockout is audited; a client could repeat the others forever.
        failures = run_ok(*server.args, "audit", "show", "--json", "--event",
                          "login.failure").stdout
        limited = [line for line in failures.splitlines() if "rate_limited" in line]
        check(len(limited) == 1, f"expected one rate_limited record, got {limited}")


if __name__ == "__main__":
    main()
