"""Secure wipe of an account through the real binary.

`skrynka wipe` must destroy the keys, remove the mailbox files, prove with the page
reader that directory.db contains no key material, and print a signed receipt that
`verify wipe` re-checks. A wipe cut short after any step must finish on the next run or
the next server start. The wipe's own check must be able to fail: a copy of the key left
in another table stops it.
"""

import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, BINARY, CheckFailed, check, check_equal, check_in,
                         init_instance, main, run, run_failing, run_ok, server_process, test)

USER = "alice@example.org"
OTHER = "bob@example.org"
PASSWORD = "amber-window-orchard-17"
SQLCIPHER_SHELL = os.environ.get("SKRYNKA_SQLCIPHER_SHELL", "")


def setup(folder):
    config = init_instance(folder)
    for address in (USER, OTHER):
        run_ok("-c", config, *FAST_ARGON2, "user", "add", address, stdin_text=PASSWORD + "\n")
    return config


def mailbox_files(config, account_id):
    path = os.path.join(os.path.dirname(config), "mailboxes", f"{account_id}.db")
    return [p for p in (path, path + "-wal", path + "-shm") if os.path.exists(p)]


def wipe_receipt(config, address):
    lines = run_ok("-c", config, "receipts", "list", address, "--json").stdout.splitlines()
    receipts = [json.loads(line) for line in lines if json.loads(line)["kind"] == "wipe"]
    check_equal(len(receipts), 1, f"wipe receipts of {address}")
    return receipts[0]


def check_verify_wipe(config, receipt_id):
    result = run("-c", config, "verify", "wipe", receipt_id)
    check_equal(result.returncode, 0,
                f"verify wipe exit status (stdout {result.stdout!r}, stderr {result.stderr!r})")
    check_in("verdict: absent", result.stdout, "verify wipe output")
    check_in("pages scanned: ", result.stdout, "verify wipe output")


def users(config):
    return run_ok("-c", config, "user", "list").stdout


@test
def wipe_then_verify(folder):
    config = setup(folder)
    check(mailbox_files(config, 1), "alice has no mailbox database before the wipe")
    result = run_ok("-c", config, "wipe", USER, "--yes")
    check_in(f"Wiped {USER}.", result.stdout, "wipe output")
    check_in("no key material left", result.stdout, "wipe output")

    check_equal(mailbox_files(config, 1), [], "alice's mailbox files after the wipe")
    check(USER not in users(config), "alice is still listed")
    check_in(OTHER, users(config), "bob's account")
    check(mailbox_files(config, 2), "bob's mailbox database was touched")

    receipt = wipe_receipt(config, USER)
    check_equal(receipt["account_id"], 1, "receipt account id")
    check_equal(receipt["key_slot_count"], 2, "login and recovery slots destroyed")
    check_in(f"receipt: {receipt['id']}", result.stdout, "wipe output")
    check_verify_wipe(config, receipt["id"])

    audit = run_ok("-c", config, "audit", "show", "--event", "account.wipe", "--json").stdout
    records = [json.loads(line) for line in audit.splitlines()]
    check_equal([r["sequence"] for r in records], [receipt["audit_sequence"]],
                "account.wipe record sequence")

    # Running it again reports the earlier receipt.
    again = run_ok("-c", config, "wipe", USER, "--yes")
    check_in("already wiped", again.stdout, "second wipe")
    check_in(receipt["id"], again.stdout, "second wipe")


@test
def wipe_needs_confirmation_without_a_terminal(folder):
    config = setup(folder)
    check_equal(run_failing("-c", config, "wipe", USER),
                f"skrynka: standard input is not a terminal: add --yes to wipe {USER} "
                "without confirmation", "error")
    check_in(USER, users(config), "accounts")
    check_equal(run_failing("-c", config, "wipe", "nobody@example.org", "--yes"),
                "skrynka: no account nobody@example.org", "missing account")


@test
def wipe_refuses_while_the_server_runs(folder):
    config = setup(folder)
    with server_process("-c", config, *FAST_ARGON2) as server:
        server.wait_for_log("event=start")
        line = run_failing("-c", config, "wipe", USER, "--yes")
        check_in("stop the server", line, "wipe error")
        # It names the admin endpoint call that wipes inside the running server.
        check_in("curl -X DELETE", line, "wipe error")
        check_in(f"/api/accounts/{USER}", line, "wipe error")
        server.stop(signal.SIGTERM)
    check_in(USER, users(config), "accounts")


@test
def user_delete_leaves_a_wipe_receipt(folder):
    config = setup(folder)
    result = run_ok("-c", config, "user", "delete", USER, "--yes")
    check_in(f"Deleted {USER}.", result.stdout, "user delete output")
    check_equal(mailbox_files(config, 1), [], "alice's mailbox files")
    check_verify_wipe(config, wipe_receipt(config, USER)["id"])


@test
def wipe_cut_short_finishes_on_next_run_or_start(folder):
    for step in range(1, 5):
        case = os.path.join(folder, f"step{step}")
        os.mkdir(case)
        config = setup(case)
        environment = dict(os.environ, SKRYNKA_TEST_WIPE_EXIT_AFTER_STEP=str(step))
        cut = subprocess.run([BINARY, "-c", config, "wipe", USER, "--yes"], env=environment,
                             capture_output=True, text=True, timeout=120)
        check_equal(cut.returncode, 86, f"exit status of a wipe cut after step {step}")
        if step >= 2:
            # The key is gone, so whatever file is left cannot be opened.
            check(USER not in users(config), f"alice is listed after step {step}")

        if step % 2 == 0:
            run_ok("-c", config, "wipe", USER, "--yes")
        else:
            with server_process("-c", config, *FAST_ARGON2) as server:
                server.wait_for_log("event=start")
                check(any("event=wipe_finished" in line for line in server.log_lines),
                      f"serve did not finish the wipe cut after step {step}")
                server.stop(signal.SIGTERM)
        check_equal(mailbox_files(config, 1), [], f"mailbox files after step {step}")
        check_verify_wipe(config, wipe_receipt(config, USER)["id"])
        check_in(OTHER, users(config), "bob's account")


@test
def wipe_stops_when_key_material_remains(folder):
    check(os.access(SQLCIPHER_SHELL, os.X_OK), "SKRYNKA_SQLCIPHER_SHELL is not set")
    config = setup(folder)
    state = os.path.dirname(config)
    directory = os.path.join(state, "directory.db")
    key_file = os.path.join(state, "keys", "storage.key")
    # An operator's stray copy of the mailbox database key, which the wipe does not know.
    subprocess.run([SQLCIPHER_SHELL, directory, key_file,
                    "CREATE TABLE stray AS SELECT key FROM mailbox_keys WHERE account_id = 1"],
                   check=True, timeout=60)

    result = run("-c", config, "wipe", USER, "--yes")
    check(result.returncode != 0, "the wipe succeeded with a copy of the key left")
    check_in("key material of the wiped account is still in directory.db", result.stderr,
             "wipe error")
    lines = run_ok("-c", config, "receipts", "list", USER, "--json").stdout
    check_equal(lines, "", "receipts written while key material remains")

    subprocess.run([SQLCIPHER_SHELL, directory, key_file, "DROP TABLE stray"], check=True,
                   timeout=60)
    run_ok("-c", config, "wipe", USER, "--yes")
    check_verify_wipe(config, wipe_receipt(config, USER)["id"])


if __name__ == "__main__":
    sys.exit(main())
