"""Failed account commands must leave a record in the audit log, whose records state
an outcome; today only successes are recorded."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import FAST_ARGON2, check, init_instance, main, run, run_ok, test

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


if __name__ == "__main__":
    sys.exit(main())
