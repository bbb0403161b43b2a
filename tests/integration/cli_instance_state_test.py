"""Instance files under hostile conditions: files left in the way, shared folders,
damaged databases and keys, secrets at rest and file modes.

Cases marked "passes today" add coverage for behaviour that already holds.
"""

import os
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (BINARY, FAST_ARGON2, check, check_equal, check_in, init_instance,
                         main, run, run_failing, run_ok, server_process, test)

PASSWORD = "quiet-harbor-lantern-42"
NEW_PASSWORD = "velvet-orchard-compass-17"


def instance_args(folder):
    return ["-c", init_instance(folder), *FAST_ARGON2]


@test
def user_add_keeps_existing_mailbox_file(folder):
    # A failed `user add` may remove only what it created itself.
    args = instance_args(folder)
    state = os.path.dirname(args[1])
    existing = os.path.join(state, "mailboxes", "1.db")
    with open(existing, "w", encoding="utf-8") as file:
        file.write("not created by this user add\n")
    os.chmod(existing, 0o600)

    result = run(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    check(result.returncode != 0, "user add succeeded over an existing mailbox file")
    check(os.path.exists(existing), f"user add deleted {existing}, which it did not create")


@test
def init_leaves_no_world_writable_state(folder):
    # In a world-writable folder without the sticky bit any local user can rename
    # directory.db or keys/ and put their own in place.
    state = os.path.join(folder, "shared")
    os.mkdir(state)
    os.chmod(state, 0o777)
    result = run("init", "--state", state, "--domain", "example.org", "--dev")
    mode = stat.S_IMODE(os.stat(state).st_mode)
    check(result.returncode != 0 or mode & 0o022 == 0,
          f"init used a state folder with mode {mode:04o} and left it so")


@test
def world_writable_config_rejected(folder):
    # A local user who can write the config can point server.state_dir or tls.private_key at
    # their own files, so the config needs the same mode check as the storage key.
    config = init_instance(folder)
    os.chmod(config, 0o666)
    result = run("-c", config, "user", "list")
    check(result.returncode != 0, "a world-writable config file was accepted")
    check_in(config, result.stderr, "error names the file")


@test
def delete_account_of_removed_domain(folder):
    # `user list` still shows an account after its domain leaves server.domains, so
    # `user delete` must still be able to remove it.
    config = init_instance(folder, extra=["--domain", "old.org"])
    args = ["-c", config, *FAST_ARGON2]
    run_ok(*args, "user", "add", "bob@old.org", stdin_text=PASSWORD + "\n")
    narrowed = [*args, "-o", "server.domains=example.org"]
    check_in("bob@old.org", run_ok(*narrowed, "user", "list").stdout, "listed account")

    result = run(*narrowed, "user", "delete", "bob@old.org", "--yes")
    check_equal(result.returncode, 0, f"exit status of user delete ({result.stderr.strip()!r})")
    check("bob@old.org" not in run_ok(*args, "user", "list").stdout, "account after delete")


def run_to_full_device(*args, stdin_text):
    """Run skrynka with stdout on /dev/full, so that printing a secret fails."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        return subprocess.run([BINARY, *args], input=stdin_text, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)


@test
def unprinted_secret_leaves_no_state(folder):
    # The recovery code and the app password are shown only once. When that output
    # fails, the account or slot they unlock must not stay behind.
    args = instance_args(folder)
    result = run_to_full_device(*args, "user", "add", "alice@example.org",
                                stdin_text=PASSWORD + "\n")
    check(result.returncode != 0, "user add reported success with stdout on /dev/full")
    listed = run_ok(*args, "user", "list").stdout
    check("alice@example.org" not in listed,
          f"user add failed ({result.stderr.strip()!r}) but kept the account")

    run_ok(*args, "user", "add", "bob@example.org", stdin_text=PASSWORD + "\n")
    result = run_to_full_device(*args, "user", "app-password", "add", "bob@example.org",
                                "--label", "phone", stdin_text=PASSWORD + "\n")
    check(result.returncode != 0, "app-password add reported success with stdout on /dev/full")
    listed = run_ok(*args, "user", "list").stdout
    check("app_passwords=phone" not in listed,
          f"app-password add failed ({result.stderr.strip()!r}) but kept the slot")


@test
def interrupted_user_add_leaves_no_account(folder):
    # The account row is committed before its key slots are sealed, which takes
    # seconds with these Argon2id settings, so SIGTERM lands in between.
    config = init_instance(folder)
    slow = ["-o", "limits.argon2_ops=16", "-o", "limits.argon2_memory_kib=65536"]
    process = subprocess.Popen([BINARY, "-c", config, *slow, "user", "add", "alice@example.org"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True)
    process.stdin.write(PASSWORD + "\n")
    process.stdin.close()
    time.sleep(1.0)
    process.terminate()
    status = process.wait(timeout=60)

    listed = run_ok("-c", config, "user", "list").stdout
    if status != 0:
        check("alice@example.org" not in listed,
              f"user add ended by signal {-status} left the account behind: {listed!r}")


@test
def damaged_instance_files_rejected(folder):
    # Passes today.
    args = instance_args(folder)
    state = os.path.dirname(args[1])
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    key = os.path.join(state, "keys", "storage.key")
    database = os.path.join(state, "directory.db")
    with open(key, "rb") as file:
        good_key = file.read()
    with open(database, "rb") as file:
        good_database = file.read()

    os.chmod(key, 0o644)
    line = run_failing(*args, "user", "list")
    check_in("mode 0644", line, "world-readable storage key")
    os.chmod(key, 0o600)

    with open(key, "wb") as file:
        file.write(os.urandom(32))
    line = run_failing(*args, "user", "list")
    check_in("does not open it", line, "wrong storage key")
    with open(key, "wb") as file:
        file.write(good_key[:31])
    line = run_failing(*args, "user", "list")
    check_in("exactly 32 bytes but is 31", line, "short storage key")
    with open(key, "wb") as file:
        file.write(good_key)

    with open(database, "wb") as file:
        file.write(good_database[:4096])
    line = run_failing(*args, "user", "list")
    check_in(database, line, "truncated directory.db")
    with open(database, "wb") as file:
        pass
    line = run_failing(*args, "user", "list")
    check_in("empty", line, "empty directory.db")
    os.remove(database)
    line = run_failing(*args, "user", "list")
    check_in("not found", line, "missing directory.db")
    check(not os.path.exists(database), "a missing directory.db was created again")


@test
def secrets_absent_from_files_and_output(folder):
    # Passes today.
    args = instance_args(folder)
    state = os.path.dirname(args[1])
    added = run_ok(*args, "-o", "log.level=trace", "user", "add", "alice@example.org",
                   stdin_text=PASSWORD + "\n")
    recovery_code = added.stdout.strip().splitlines()[-1]
    app = run_ok(*args, "user", "app-password", "add", "alice@example.org", "--label", "phone",
                 stdin_text=PASSWORD + "\n")
    app_password = app.stdout.strip().splitlines()[-1]
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=PASSWORD + "\n" + NEW_PASSWORD + "\n")
    with server_process("-c", args[1], "-o", "log.level=trace") as server:
        server.wait_for_log("event=start")
        server.stop(15)
    audit = run_ok(*args, "audit", "show", "--json").stdout

    secrets = [PASSWORD, NEW_PASSWORD, recovery_code, recovery_code.replace("-", ""),
               app_password, app_password.replace("-", "")]
    texts = {"user add stderr": added.stderr, "app-password stderr": app.stderr,
             "serve log": "\n".join(server.log_lines), "audit show": audit}
    for root, _, names in os.walk(state):
        for name in names:
            with open(os.path.join(root, name), "rb") as file:
                texts[os.path.join(root, name)] = file.read().decode("latin-1")
    for secret in secrets:
        for where, text in texts.items():
            check(secret not in text, f"{secret!r} appears in {where}")


@test
def instance_file_modes_private(folder):
    # Passes today. The certificate is public and may be 0644.
    args = instance_args(folder)
    state = os.path.dirname(args[1])
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    for root, folders, names in os.walk(state):
        for name in folders:
            path = os.path.join(root, name)
            check_equal(stat.S_IMODE(os.stat(path).st_mode), 0o700, f"mode of {path}")
        for name in names:
            path = os.path.join(root, name)
            mode = stat.S_IMODE(os.stat(path).st_mode)
            expected = 0o644 if name == "certificate.pem" else 0o600
            check_equal(mode, expected, f"mode of {path}")


if __name__ == "__main__":
    sys.exit(main())
