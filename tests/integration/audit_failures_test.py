"""Failures around the audit log: failed account commands must leave a record, and a
damaged audit head must be reported as a failed verification, not as an SQLite error
or a half-done command."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import FAST_ARGON2, check, init_instance, main, run, run_ok, test

SQLCIPHER_SHELL = os.environ.get("SKRYNKA_SQLCIPHER_SHELL", "")
VERIFY_FAILED = 3
PASSWORD = "quiet-harbor-lantern-42"
NEW_PASSWORD = "velvet-orchard-compass-17"


def records(args):
    output = run_ok(*args, "audit", "show", "--json").stdout
    return [json.loads(line) for line in output.splitlines()]


@test
def wrong_current_password_recorded(folder):
    args = ["-c", init_instance(folder), *FAST_ARGON2]
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    before = len(records(args))
    result = run(*args, "user", "passwd", "alice@example.org",
                 stdin_text="wrong-password-here-1\n" + NEW_PASSWORD + "\n")
    check(result.returncode != 0, "passwd with a wrong current password succeeded")
    added = records(args)[before:]
    failures = [r for r in added if r["outcome"] == "failure" and
                r["subject"] == "alice@example.org"]
    check(failures, f"no failure record for alice@example.org, new records: {added!r}")


@test
def wrong_recovery_code_recorded(folder):
    args = ["-c", init_instance(folder), *FAST_ARGON2]
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    before = len(records(args))
    wrong_code = "-".join(["AAAAA"] * 8)
    result = run(*args, "user", "recovery", "alice@example.org",
                 stdin_text=wrong_code + "\n" + NEW_PASSWORD + "\n")
    check(result.returncode != 0, "recovery with a wrong code succeeded")
    added = records(args)[before:]
    failures = [r for r in added if r["outcome"] == "failure" and
                r["subject"] == "alice@example.org"]
    check(failures, f"no failure record for alice@example.org, new records: {added!r}")


def instance_without_head_row(folder):
    """Create an instance with one account, then delete the audit_head row as an
    operator with the storage key, or a damaged page, could."""
    check(os.access(SQLCIPHER_SHELL, os.X_OK), "SKRYNKA_SQLCIPHER_SHELL is not set")
    args = ["-c", init_instance(folder), *FAST_ARGON2]
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    state = os.path.dirname(args[1])
    subprocess.run([SQLCIPHER_SHELL, os.path.join(state, "directory.db"),
                    os.path.join(state, "keys", "storage.key"), "DELETE FROM audit_head"],
                   check=True, capture_output=True, text=True, timeout=60)
    return args


@test
def missing_head_row_fails_verify(folder):
    args = instance_without_head_row(folder)
    result = run(*args, "audit", "verify")
    check(result.returncode == VERIFY_FAILED,
          f"audit verify exited {result.returncode}, expected {VERIFY_FAILED}: {result.stderr!r}")
    check("UNIQUE constraint" not in result.stderr,
          f"an SQLite error reached the user: {result.stderr!r}")


@test
def missing_head_row_not_shown_empty(folder):
    # Three records exist, so "0:000..." with exit status 0 misleads an operator who records it.
    args = instance_without_head_row(folder)
    result = run(*args, "audit", "head")
    check(result.returncode != 0 or not result.stdout.startswith("0:"),
          f"audit head printed an empty log: {result.stdout!r}")


@test
def failed_user_add_creates_no_account(folder):
    # The command fails before it prints the recovery code, so an account left behind
    # has a recovery slot whose code was never printed.
    args = instance_without_head_row(folder)
    result = run(*args, "user", "add", "bob@example.org", stdin_text=PASSWORD + "\n")
    listed = run_ok(*args, "user", "list").stdout
    if result.returncode != 0:
        check("bob@example.org" not in listed,
              f"user add failed ({result.stderr.strip()!r}) but created the account")


if __name__ == "__main__":
    sys.exit(main())
