"""skrynka audit show|verify|head through the real binary: a record for every CLI action,
verification, tampering through SQL, and a state folder restored from an old copy."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, check, check_equal, check_in, init_instance, main, run,
                         run_failing, run_ok, server_process, test)

PASSWORD = "quiet-harbor-lantern-42"
NEW_PASSWORD = "velvet-orchard-compass-17"
HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$", re.MULTILINE)
VERIFY_FAILED = 3
SQLCIPHER_SHELL = os.environ.get("SKRYNKA_SQLCIPHER_SHELL", "")


def instance_args(folder):
    config = init_instance(folder, domain="example.org")
    return ["-c", config, *FAST_ARGON2]


def records(args, *filters):
    output = run_ok(*args, "audit", "show", "--json", *filters).stdout
    return [json.loads(line) for line in output.splitlines()]


def events(args, *filters):
    return [record["event"] for record in records(args, *filters)]


def head(args):
    output = run_ok(*args, "audit", "head").stdout
    match = HEAD.search(output)
    check(match is not None, f"no SEQUENCE:HASH in {output!r}")
    return match.group(0)


def do_account_actions(args):
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    run_ok(*args, "user", "alias", "add", "ally@example.org", "alice@example.org")
    run_ok(*args, "user", "alias", "remove", "ally@example.org", "alice@example.org")
    run_ok(*args, "user", "app-password", "add", "alice@example.org", "--label", "phone",
           stdin_text=PASSWORD + "\n")
    run_ok(*args, "user", "app-password", "revoke", "alice@example.org", "--label", "phone")
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=PASSWORD + "\n" + NEW_PASSWORD + "\n")
    run_ok(*args, "user", "delete", "alice@example.org", "--yes")


@test
def audit_records_every_cli_action(folder):
    args = instance_args(folder)
    do_account_actions(args)

    with server_process(*args) as server:
        server.wait_for_log("event=start")
        check_equal(server.stop(signal.SIGTERM), 0, "serve exit status")

    # serve signs the head at shutdown, so at least that checkpoint verifies.
    verified = run_ok(*args, "audit", "verify").stdout
    count = re.search(r"^checkpoints verified: (\d+)$", verified, re.MULTILINE)
    check(count is not None and int(count.group(1)) >= 1, f"verify output {verified!r}")
    seen = events(args)
    for expected in ["account.create", "key_slot.add", "alias.add", "alias.remove",
                     "key_slot.revoke", "key_slot.change", "account.delete", "config.load",
                     "server.start", "server.stop", "audit.verify"]:
        check_in(expected, seen, "recorded events")

    alice = records(args, "--user", "alice@example.org")
    check(len(alice) >= 7, f"records about alice: {alice!r}")
    for record in alice:
        check_equal(record["actor"], "admin", f"actor of {record['event']}")
        check_equal(record["outcome"], "success", f"outcome of {record['event']}")
    check_equal(events(args, "--event", "account.delete"), ["account.delete"], "deletions")


@test
def audit_records_hold_no_secrets(folder):
    args = instance_args(folder)
    result = run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    code = re.search(r"([0-9A-Z]{5}-){7}[0-9A-Z]{5}", result.stdout).group(0)
    app = run_ok(*args, "user", "app-password", "add", "alice@example.org", "--label", "laptop",
                 stdin_text=PASSWORD + "\n")
    app_password = re.search(r"[0-9a-z]{6}(-[0-9a-z]{6}){3}", app.stdout).group(0)

    shown = run_ok(*args, "audit", "show").stdout + run_ok(*args, "audit", "show", "--json").stdout
    for secret in [PASSWORD, code, app_password]:
        check(secret not in shown, "a secret appears in the audit log")


@test
def audit_show_filters_and_formats(folder):
    args = instance_args(folder)
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    run_ok(*args, "user", "add", "bob@example.org", stdin_text=PASSWORD + "\n")

    table = run_ok(*args, "audit", "show").stdout.splitlines()
    check(table[0].split()[:3] == ["SEQUENCE", "TIME", "ACTOR"], f"heading {table[0]!r}")
    check(any("account.create" in line and "bob@example.org" in line for line in table[1:]),
          f"table {table!r}")

    for record in records(args):
        check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", record["time"]),
              f"time {record['time']!r}")
        check_equal(len(record["hash"]), 64, "hash length")
    bob = records(args, "--user", "Bob@Example.org", "--event", "account.create")
    check_equal([record["subject"] for record in bob], ["bob@example.org"], "bob's creation")
    check_equal(records(args, "--since", "2999-01-01"), [], "records in the future")
    check_equal(records(args, "--until", "2000-01-01T00:00:00Z"), [], "records long past")
    check(len(records(args, "--since", "2000-01-01", "--until", "2999-01-01T00:00:00+02:00")) >= 2,
          "records in range")

    error = run_failing(*args, "audit", "show", "--since", "yesterday")
    check_in("invalid --since 'yesterday'", error, "bad time")
    error = run_failing(*args, "audit", "show", "--event", "login")
    check_in("invalid --event 'login': expected one of", error, "bad event")


@test
def audit_verify_reports_counts_and_head(folder):
    args = instance_args(folder)
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    recorded = head(args)
    output = run_ok(*args, "audit", "verify").stdout
    check_in("records verified: ", output, "verify output")
    check_in("checkpoints verified: ", output, "verify output")
    check_in("head: ", output, "verify output")
    check_in("audit log OK", output, "verify output")

    run_ok(*args, "audit", "verify", "--expect-head", recorded)
    check_in("audit.verify", events(args, "--event", "audit.verify"), "verify runs recorded")

    sequence, digest = recorded.split(":")
    forged = sequence + ":" + ("0" if digest[0] != "0" else "1") + digest[1:]
    result = run(*args, "audit", "verify", "--expect-head", forged)
    check_equal(result.returncode, VERIFY_FAILED, "exit status for a forged head")
    check_in(f"failed at sequence {sequence} (head_mismatch)", result.stderr, "error line")

    error = run_failing(*args, "audit", "verify", "--expect-head", "12")
    check_in("invalid --expect-head '12'", error, "malformed head")


@test
def audit_verify_detects_a_rolled_back_state(folder):
    args = instance_args(folder)
    state = os.path.dirname(args[1])
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    backup = os.path.join(folder, "backup")
    shutil.copytree(state, backup)

    run_ok(*args, "user", "delete", "alice@example.org", "--yes")
    later = head(args)
    run_ok(*args, "audit", "verify", "--expect-head", later)

    # Put back the older state: internally consistent, so only the recorded head shows
    # it. Every verify run appends a record, so the first run after the restore is the
    # one that must fail.
    shutil.rmtree(state)
    shutil.copytree(backup, state)
    result = run(*args, "audit", "verify", "--expect-head", later)
    check_equal(result.returncode, VERIFY_FAILED, "exit status for a rolled-back log")
    check_in("(truncated)", result.stderr, "error line")
    run_ok(*args, "audit", "verify")


def tamper(state, sql):
    """Run sql on the instance's directory.db with its storage key."""
    subprocess.run([SQLCIPHER_SHELL, os.path.join(state, "directory.db"),
                    os.path.join(state, "keys", "storage.key"), sql],
                   check=True, capture_output=True, text=True, timeout=60)


@test
def audit_verify_names_the_tampered_record(folder):
    check(os.access(SQLCIPHER_SHELL, os.X_OK), "SKRYNKA_SQLCIPHER_SHELL is not set")
    args = instance_args(folder)
    state = os.path.dirname(args[1])
    for name in ["alice", "bob", "carol"]:
        run_ok(*args, "user", "add", f"{name}@example.org", stdin_text=PASSWORD + "\n")
    # 9 records: account.create and two key_slot.add per account.
    check_equal(head(args).split(":")[0], "9", "head sequence")
    pristine = os.path.join(folder, "pristine")
    shutil.copytree(state, pristine)

    swap = ("CREATE TEMP TABLE saved AS SELECT * FROM audit_records WHERE sequence IN (4, 5);"
            "UPDATE audit_records SET (subject, detail, event, time, hash) = (SELECT subject, "
            "detail, event, time, hash FROM saved WHERE sequence = 5) WHERE sequence = 4;"
            "UPDATE audit_records SET (subject, detail, event, time, hash) = (SELECT subject, "
            "detail, event, time, hash FROM saved WHERE sequence = 4) WHERE sequence = 5;")
    cases = [
        ("UPDATE audit_records SET subject = 'mallory@example.org' WHERE sequence = 4",
         "at sequence 4 (edited)"),
        ("UPDATE audit_records SET outcome = 2 WHERE sequence = 7", "at sequence 7 (edited)"),
        ("DELETE FROM audit_records WHERE sequence = 5", "at sequence 5 (missing)"),
        (swap, "at sequence 4 (reordered)"),
        ("DELETE FROM audit_records WHERE sequence > 6", "at sequence 7 (truncated)"),
    ]
    for sql, expected in cases:
        shutil.rmtree(state)
        shutil.copytree(pristine, state)
        tamper(state, sql)
        result = run(*args, "audit", "verify")
        check_equal(result.returncode, VERIFY_FAILED, f"exit status after {sql!r}")
        check_in(expected, result.stderr, f"error line after {sql!r}")
        recorded = records(args, "--event", "audit.verify")
        check_equal(recorded[-1]["outcome"], "failure", "recorded verify outcome")


if __name__ == "__main__":
    sys.exit(main())
