"""Audit records written by the protocols of a running `skrynka serve`.

An SMTP delivery, IMAP and POP3 logins (successful and failed) and cleartext logins
rejected by policy each leave their record, and the record is already readable by
another process when the client has its reply. The log then still verifies, a recorded
head still matches, an edited protocol record is named by its sequence number, and
retention pruning at start-up leaves a chain that verifies from the cut.
"""

import base64
import imaplib
import json
import os
import poplib
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, check, check_equal, check_in, init_instance, main, run,
                         run_ok, server_process, test)

HOST = "127.0.0.1"
USER = "alice@example.org"
PASSWORD = "amber-window-orchard-17"
WRONG_PASSWORD = "wrong-horse-battery-99"
VERIFY_FAILED = 3
SQLCIPHER_SHELL = os.environ.get("SKRYNKA_SQLCIPHER_SHELL", "")
HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$", re.MULTILINE)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def records(args, *filters):
    output = run_ok(*args, "audit", "show", "--json", *filters).stdout
    return [json.loads(line) for line in output.splitlines()]


def head(args):
    output = run_ok(*args, "audit", "head").stdout
    match = HEAD.search(output)
    check(match is not None, f"no SEQUENCE:HASH in {output!r}")
    return match.group(0)


def tamper(state, sql):
    """Run sql on the instance's directory.db with its storage key."""
    subprocess.run([SQLCIPHER_SHELL, os.path.join(state, "directory.db"),
                    os.path.join(state, "keys", "storage.key"), sql],
                   check=True, capture_output=True, text=True, timeout=60)


class instance:
    """alice@example.org with SMTP, cleartext IMAP and cleartext POP3 on loopback."""

    def __init__(self, folder):
        self.config = init_instance(folder, extra=["--hostname", "localhost"])
        self.state = os.path.dirname(self.config)
        self.args = ["-c", self.config, *FAST_ARGON2]
        run_ok(*self.args, "user", "add", USER, stdin_text=PASSWORD + "\n")

    def serve(self, *overrides):
        self.smtp_port = free_port()
        self.imap_port = free_port()
        self.pop3_port = free_port()
        server = server_process(
            *self.args,
            "-o", f"smtp.listen={HOST}:{self.smtp_port}",
            "-o", f"imap.listen={HOST}:{self.imap_port}",
            "-o", f"pop3.listen={HOST}:{self.pop3_port}",
            *overrides)
        for proto, port in (("smtp", self.smtp_port), ("imap", self.imap_port),
                            ("pop3", self.pop3_port)):
            server.wait_for_log(f"event=listening proto={proto} address={HOST} port={port}")
        return server


def stop(server):
    check_equal(server.stop(signal.SIGTERM), 0, "serve exit status after SIGTERM")


def only(found, subject):
    check_equal(len(found), 1, f"number of {subject} records ({found!r})")
    return found[0]


@test
def protocol_actions_are_recorded_before_the_reply(folder):
    site = instance(folder)
    with site.serve() as server:
        message = (b"From: bob@example.net\r\nTo: alice@example.org\r\n"
                   b"Subject: secret plans\r\n\r\nThe body stays out of the log.\r\n")
        with smtplib.SMTP(HOST, site.smtp_port, timeout=30) as smtp:
            smtp.sendmail("bob@example.net", [USER], message)
        # The 250 came back, so the record must already be committed.
        delivery = only(records(site.args, "--event", "message.deliver"), "message.deliver")
        check_equal(delivery["actor"], "system", "delivery actor")
        check_equal(delivery["subject"], USER, "delivery subject")
        check_equal(delivery["remote"], HOST, "delivery remote")
        check_equal(delivery["outcome"], "success", "delivery outcome")
        size = re.fullmatch(r"size=(\d+) proto=smtp", delivery["detail"])
        check(size is not None, f"delivery detail {delivery['detail']!r}")
        # The stored message is larger than what was sent: it gained a Received header.
        check(int(size.group(1)) > len(message), f"delivery size {size.group(1)}")

        imap = imaplib.IMAP4(HOST, site.imap_port, timeout=30)
        try:
            imap.login(USER, WRONG_PASSWORD)
            check(False, "IMAP login with a wrong password succeeded")
        except imaplib.IMAP4.error:
            pass
        imap.login(USER, PASSWORD)
        imap.select("INBOX")
        status, data = imap.fetch("1", "(RFC822.SIZE)")
        check_equal(status, "OK", "IMAP FETCH status")
        check_in(f"RFC822.SIZE {size.group(1)})".encode(), data[0], "size IMAP reports")
        imap.logout()
        success = only(records(site.args, "--event", "login.success"), "login.success")
        check_equal(success["detail"], "proto=imap", "IMAP success detail")
        check_equal(success["subject"], USER, "IMAP success subject")
        check_equal(success["remote"], HOST, "IMAP success remote")
        check_equal(success["actor"], "user", "IMAP success actor")
        failure = only(records(site.args, "--event", "login.failure"), "login.failure")
        check_equal(failure["detail"], "proto=imap reason=bad_credentials", "IMAP failure detail")
        check_equal(failure["outcome"], "failure", "IMAP failure outcome")

        pop3 = poplib.POP3(HOST, site.pop3_port, timeout=30)
        pop3.user("nobody@example.org")
        try:
            pop3.pass_(WRONG_PASSWORD)
            check(False, "POP3 login for an unknown account succeeded")
        except poplib.error_proto:
            pass
        pop3.close()
        failures = records(site.args, "--event", "login.failure")
        check_equal(len(failures), 2, f"login.failure records ({failures!r})")
        # An unknown account reads the same as a wrong password, in the log too.
        check_equal(failures[1]["detail"], "proto=pop3 reason=bad_credentials",
                    "POP3 failure detail")
        check_equal(failures[1]["subject"], "nobody@example.org", "POP3 failure subject")
        check_equal(failures[1]["remote"], HOST, "POP3 failure remote")

        pop3 = poplib.POP3(HOST, site.pop3_port, timeout=30)
        pop3.user(USER)
        pop3.pass_(PASSWORD)
        pop3.quit()
        successes = records(site.args, "--event", "login.success")
        check_equal([record["detail"] for record in successes], ["proto=imap", "proto=pop3"],
                    "login.success details")
        stop(server)

    shown = run_ok(*site.args, "audit", "show").stdout + \
        run_ok(*site.args, "audit", "show", "--json").stdout
    for secret in [PASSWORD, WRONG_PASSWORD, "secret plans", "stays out of the log"]:
        check(secret not in shown, f"{secret!r} appears in the audit log")
    events = [record["event"] for record in records(site.args)]
    for expected in ["config.load", "server.start", "server.stop"]:
        check_in(expected, events, "recorded events")
    check(events.index("server.stop") > events.index("message.deliver"),
          f"server.stop after the protocol records: {events!r}")
    check_equal(len(records(site.args, "--user", USER, "--event", "login.success")), 2,
                "login.success records about alice")

    verified = run_ok(*site.args, "audit", "verify").stdout
    check_in("audit log OK", verified, "verify output")


@test
def cleartext_logins_rejected_are_recorded(folder):
    site = instance(folder)
    with site.serve("-o", "limits.cleartext_login_on_loopback=0") as server:
        imap = imaplib.IMAP4(HOST, site.imap_port, timeout=30)
        try:
            imap.login(USER, PASSWORD)
            check(False, "IMAP cleartext login succeeded against the policy")
        except imaplib.IMAP4.error as error:
            check_in("PRIVACYREQUIRED", str(error), "IMAP refusal")
        imap.logout()
        refused = only(records(site.args, "--event", "login.failure"), "login.failure")
        check_equal(refused["detail"], "proto=imap reason=cleartext_refused", "refusal detail")
        check_equal(refused["subject"], USER, "refusal subject")
        check_equal(refused["remote"], HOST, "refusal remote")

        pop3 = poplib.POP3(HOST, site.pop3_port, timeout=30)
        try:
            pop3.user(USER)
            check(False, "POP3 cleartext USER accepted against the policy")
        except poplib.error_proto as error:
            check_in("[AUTH]", str(error), "POP3 refusal")
        pop3.close()
        refusals = records(site.args, "--event", "login.failure")
        check_equal(len(refusals), 2, f"login.failure records ({refusals!r})")
        check_equal(refusals[1]["detail"], "proto=pop3 reason=cleartext_refused",
                    "POP3 refusal detail")
        check_equal(refusals[1]["subject"], USER, "POP3 refusal subject")
        stop(server)
    check_equal(records(site.args, "--event", "login.success"), [], "login.success records")


@test
def protocol_records_keep_the_chain_verifiable(folder):
    check(os.access(SQLCIPHER_SHELL, os.X_OK), "SKRYNKA_SQLCIPHER_SHELL is not set")
    site = instance(folder)
    before = head(site.args)
    plain = b"\0" + USER.encode() + b"\0" + PASSWORD.encode()
    with site.serve() as server:
        imap = imaplib.IMAP4(HOST, site.imap_port, timeout=30)
        imap.login(USER, PASSWORD)
        imap.logout()
        imap = imaplib.IMAP4(HOST, site.imap_port, timeout=30)
        imap.authenticate("PLAIN", lambda _: plain)
        imap.logout()
        pop3 = poplib.POP3(HOST, site.pop3_port, timeout=30)
        pop3._shortcmd("AUTH PLAIN " + base64.b64encode(plain).decode())
        pop3.quit()
        stop(server)

    # The records written while serving extend the chain that was written down.
    run_ok(*site.args, "audit", "verify", "--expect-head", before)
    output = run_ok(*site.args, "audit", "verify").stdout
    check_in("audit log OK", output, "verify output")

    logins = records(site.args, "--event", "login.success")
    # LOGIN, AUTHENTICATE PLAIN and POP3 AUTH PLAIN record the same event.
    check_equal([record["detail"] for record in logins], ["proto=imap", "proto=imap", "proto=pop3"],
                "login.success details")
    target = logins[1]["sequence"]
    tamper(site.state, f"UPDATE audit_records SET remote = '203.0.113.66' "
                       f"WHERE sequence = {target}")
    result = run(*site.args, "audit", "verify")
    check_equal(result.returncode, VERIFY_FAILED, "exit status for an edited login record")
    check_in(f"at sequence {target} (edited)", result.stderr, "error line")


def checkpoint_count(args):
    output = run_ok(*args, "audit", "verify").stdout
    count = re.search(r"^checkpoints verified: (\d+)$", output, re.MULTILINE)
    check(count is not None, f"verify output {output!r}")
    return int(count.group(1))


@test
def running_server_signs_records_that_waited(folder):
    site = instance(folder)
    # The account's records were written by the CLI less than a second ago, so no
    # checkpoint signs them yet.
    check_equal(checkpoint_count(site.args), 0, "checkpoints before serving")
    with site.serve("-o", "limits.audit_checkpoint_seconds=1") as server:
        imap = imaplib.IMAP4(HOST, site.imap_port, timeout=30)
        imap.login(USER, PASSWORD)
        imap.logout()
        # The upkeep checks every second, so within a few seconds a periodic checkpoint
        # signs the login while the server still runs.
        deadline = time.monotonic() + 15
        while checkpoint_count(site.args) == 0:
            check(time.monotonic() < deadline, "no periodic checkpoint within 15 s")
            time.sleep(0.5)
        stop(server)


@test
def retention_pruning_at_start_keeps_the_chain(folder):
    check(os.access(SQLCIPHER_SHELL, os.X_OK), "SKRYNKA_SQLCIPHER_SHELL is not set")
    site = instance(folder)
    run_ok(*site.args, "user", "add", "bob@example.org", stdin_text=PASSWORD + "\n")
    created = records(site.args)
    check(len(created) >= 6, f"records before pruning: {created!r}")
    cut = created[3]["sequence"]
    # Age the oldest records by three days. Their chain values no longer match, but they
    # are the ones pruning removes, and the cut keeps its stored chain value.
    tamper(site.state, "UPDATE audit_records SET time = time - 3 * 86400000 "
                       f"WHERE sequence <= {cut}")

    with site.serve("-o", "limits.audit_retention_days=1") as server:
        server.wait_for_log("event=audit_prune")
        stop(server)

    prune = only(records(site.args, "--event", "audit.prune"), "audit.prune")
    check_in(f"through={cut} removed={cut}", prune["detail"], "audit.prune detail")
    remaining = records(site.args)
    check_equal(remaining[0]["sequence"], cut + 1, "first record after pruning")
    output = run_ok(*site.args, "audit", "verify").stdout
    check_in("audit log OK", output, "verify output")


if __name__ == "__main__":
    sys.exit(main())
