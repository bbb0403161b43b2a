"""skrynka user ...: accounts, passwords from a pipe and from a terminal, app passwords,
recovery, aliases and deletion, through the real binary."""

import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (BINARY, FAST_ARGON2, check, check_equal, check_in, init_instance, main,
                         run, run_failing, run_ok, test)

PASSWORD = "quiet-harbor-lantern-42"
NEW_PASSWORD = "velvet-orchard-compass-17"
RECOVERY_CODE = re.compile(r"^([0-9A-Z]{5}-){7}[0-9A-Z]{5}$", re.MULTILINE)
APP_PASSWORD = re.compile(r"^[0-9a-z]{6}(-[0-9a-z]{6}){3}$", re.MULTILINE)


def instance_args(folder):
    """Create an instance and return the global options that select it."""
    config = init_instance(folder, domain="example.org", extra=["--domain", "example.net"])
    return ["-c", config, *FAST_ARGON2]


def add_user(args, address, password=PASSWORD):
    """Add a user with the password piped on stdin; return the printed recovery code."""
    result = run_ok(*args, "user", "add", address, stdin_text=password + "\n")
    codes = RECOVERY_CODE.findall(result.stdout)
    check_equal(len(codes), 1, f"recovery codes in {result.stdout!r}")
    return RECOVERY_CODE.search(result.stdout).group(0)


def listed_users(args):
    lines = run_ok(*args, "user", "list").stdout.splitlines()
    return {line.split(" ", 1)[0]: line for line in lines}


def spawn(args):
    return pexpect.spawn(BINARY, list(args), encoding="utf-8", timeout=60)


def finish(child):
    """Wait for the spawned command to end; return its exit status and full output."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


@test
def user_add_reads_password_from_stdin(folder):
    args = instance_args(folder)
    code = add_user(args, "Alice@Example.org")
    check_equal(len(code), 47, "recovery code length")
    users = listed_users(args)
    check_equal(list(users), ["alice@example.org"], "accounts")
    check_in("state=active", users["alice@example.org"], "list line")

    state = os.path.dirname(args[1])
    check(os.path.exists(os.path.join(state, "directory.db")), "directory.db missing")
    mailbox_files = os.listdir(os.path.join(state, "mailboxes"))
    check_equal(len([name for name in mailbox_files if name.endswith(".db")]), 1,
                f"mailbox databases {mailbox_files}")


@test
def user_add_prompts_on_a_terminal(folder):
    args = instance_args(folder)
    child = spawn([*args, "user", "add", "bob@example.org"])
    child.expect_exact("New password for bob@example.org: ")
    child.sendline(PASSWORD)
    child.expect_exact("Repeat it: ")
    child.sendline(PASSWORD)
    child.expect(r"([0-9A-Z]{5}-){7}[0-9A-Z]{5}")
    output = child.before + child.after
    status = finish(child)
    check_equal(status, 0, "exit status")
    check(PASSWORD not in output, "the password was echoed")
    check_in("bob@example.org", listed_users(args), "accounts")


@test
def user_add_rejects_different_repeats(folder):
    args = instance_args(folder)
    child = spawn([*args, "user", "add", "bob@example.org"])
    child.expect_exact("New password for bob@example.org: ")
    child.sendline(PASSWORD)
    child.expect_exact("Repeat it: ")
    child.sendline(NEW_PASSWORD)
    child.expect_exact("skrynka: the two passwords differ, so nothing was changed")
    check(finish(child) != 0, "exit status 0 for different passwords")
    check_equal(listed_users(args), {}, "accounts")


@test
def user_add_rejects_weak_passwords(folder):
    args = instance_args(folder)
    cases = [
        ("", "weak password: the password is empty"),
        ("short", "weak password: the password is shorter than 12 characters"),
        ("Password123", "weak password: the password is shorter than 12 characters"),
        ("correcthorsebatterystaple", "weak password: the password is on the list of most "
                                      "common passwords"),
        ("carol-is-my-name", "weak password: the password contains the address's local part"),
        ("zzzzzzzzzzzzzzzz", "weak password: the password repeats a single character"),
    ]
    for password, expected in cases:
        error = run_failing(*args, "user", "add", "carol@example.org", stdin_text=password + "\n")
        check_equal(error, f"skrynka: {expected}", f"error for {password!r}")
    check_equal(listed_users(args), {}, "accounts after rejected passwords")

    error = run_failing(*args, "user", "add", "carol@example.org", stdin_text="")
    check_equal(error, "skrynka: standard input ended before a password was read", "no input")


@test
def user_add_rejects_long_passwords(folder):
    args = instance_args(folder)
    error = run_failing(*args, "-o", "limits.password_max_length=64", "user", "add",
                        "carol@example.org", stdin_text="x" * 65 + "y\n")
    check_equal(error, "skrynka: the password is longer than 64 bytes", "error")


@test
def user_add_rejects_a_duplicate(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    error = run_failing(*args, "user", "add", "ALICE@example.org", stdin_text=PASSWORD + "\n")
    check_equal(error, "skrynka: alice@example.org already exists as an account or alias",
                "error")


@test
def user_add_rejects_unknown_domains_and_bad_addresses(folder):
    args = instance_args(folder)
    config = args[1]
    check_equal(run_failing(*args, "user", "add", "alice@example.com", stdin_text=PASSWORD + "\n"),
                f"skrynka: unknown domain 'example.com' in 'alice@example.com': this instance "
                f"serves example.org, example.net (server.domains in {config})", "error")
    check_equal(run_failing(*args, "user", "add", "alice", stdin_text=PASSWORD + "\n"),
                "skrynka: invalid address 'alice': the address has no '@'", "error")
    check_in("'+' separates a subaddress tag",
             run_failing(*args, "user", "add", "a+b@example.org", stdin_text=PASSWORD + "\n"),
             "error")
    check_equal(listed_users(args), {}, "accounts")


@test
def user_list_shows_accounts_aliases_and_app_passwords(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    add_user(args, "bob@example.net")
    run_ok(*args, "user", "alias", "add", "info@example.org", "alice@example.org")
    run_ok(*args, "user", "app-password", "add", "alice@example.org", "--label", "phone",
           stdin_text=PASSWORD + "\n")
    users = listed_users(args)
    check_equal(sorted(users), ["alice@example.org", "bob@example.net"], "accounts")
    check_in("aliases=info@example.org", users["alice@example.org"], "alice")
    check_in("app_passwords=phone", users["alice@example.org"], "alice")
    check(re.search(r" created=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", users["bob@example.net"]),
          f"created time in {users['bob@example.net']!r}")


@test
def user_passwd_replaces_the_login_password(folder):
    args = instance_args(folder)
    code = add_user(args, "alice@example.org")
    run_ok(*args, "user", "app-password", "add", "alice@example.org", "--label", "phone",
           stdin_text=PASSWORD + "\n")
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=f"{PASSWORD}\n{NEW_PASSWORD}\n")

    # Only the login slot changed: the app password and the recovery code remain.
    check_in("app_passwords=phone", listed_users(args)["alice@example.org"], "list")
    run_ok(*args, "user", "recovery", "alice@example.org", stdin_text=f"{code}\n{NEW_PASSWORD}\n")

    # The old password no longer unlocks; the new one does.
    error = run_failing(*args, "user", "passwd", "alice@example.org",
                        stdin_text=f"{PASSWORD}\n{PASSWORD}\n")
    check_equal(error, "skrynka: wrong password for alice@example.org", "old password")
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=f"{NEW_PASSWORD}\n{PASSWORD}\n")


@test
def user_passwd_rejects_a_weak_new_password(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    error = run_failing(*args, "user", "passwd", "alice@example.org",
                        stdin_text=f"{PASSWORD}\nshort\n")
    check_equal(error, "skrynka: weak password: the password is shorter than 12 characters",
                "error")
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=f"{PASSWORD}\n{NEW_PASSWORD}\n")


@test
def user_passwd_on_a_terminal(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    child = spawn([*args, "user", "passwd", "alice@example.org"])
    child.expect_exact("Current password for alice@example.org: ")
    child.sendline("not-the-password")
    child.expect_exact("skrynka: wrong password for alice@example.org")
    check(finish(child) != 0, "exit status 0 for a wrong password")

    child = spawn([*args, "user", "passwd", "alice@example.org"])
    child.expect_exact("Current password for alice@example.org: ")
    child.sendline(PASSWORD)
    child.expect_exact("New password for alice@example.org: ")
    child.sendline(NEW_PASSWORD)
    child.expect_exact("Repeat it: ")
    child.sendline(NEW_PASSWORD)
    child.expect_exact("Changed the login password of alice@example.org.")
    output = child.before
    check_equal(finish(child), 0, "exit status")
    check(NEW_PASSWORD not in output, "the new password was echoed")


@test
def user_passwd_for_a_missing_account(folder):
    args = instance_args(folder)
    check_equal(run_failing(*args, "user", "passwd", "nobody@example.org",
                            stdin_text=f"{PASSWORD}\n"),
                "skrynka: no account nobody@example.org", "error")


@test
def app_password_add_and_revoke(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    result = run_ok(*args, "user", "app-password", "add", "alice@example.org", "--label",
                    "laptop", stdin_text=PASSWORD + "\n")
    check(APP_PASSWORD.search(result.stdout), f"app password in {result.stdout!r}")

    check_equal(run_failing(*args, "user", "app-password", "add", "alice@example.org",
                            "--label", "laptop", stdin_text=PASSWORD + "\n"),
                "skrynka: alice@example.org already has an app password named 'laptop'",
                "duplicate label")
    check_equal(run_failing(*args, "user", "app-password", "add", "alice@example.org",
                            "--label", "tablet", stdin_text="wrong-password-here\n"),
                "skrynka: wrong password for alice@example.org", "wrong password")
    check_in("must be 1 to 64", run_failing(*args, "user", "app-password", "add",
                                            "alice@example.org", "--label", "my phone",
                                            stdin_text=PASSWORD + "\n"), "bad label")

    run_ok(*args, "user", "app-password", "revoke", "alice@example.org", "--label", "laptop")
    check_in("app_passwords= ", listed_users(args)["alice@example.org"] + " ", "list")
    check_equal(run_failing(*args, "user", "app-password", "revoke", "alice@example.org",
                            "--label", "laptop"),
                "skrynka: alice@example.org has no app password named 'laptop'", "revoke twice")


@test
def recovery_sets_a_new_login_password(folder):
    args = instance_args(folder)
    code = add_user(args, "alice@example.org")
    # Lowercase with spaces for hyphens still reads as the same code.
    typed = code.lower().replace("-", " ")
    run_ok(*args, "user", "recovery", "alice@example.org", stdin_text=f"{typed}\n{NEW_PASSWORD}\n")
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=f"{NEW_PASSWORD}\n{PASSWORD}\n")

    # The code stays valid for a second recovery.
    run_ok(*args, "user", "recovery", "alice@example.org", stdin_text=f"{code}\n{NEW_PASSWORD}\n")


@test
def recovery_rejects_wrong_codes(folder):
    args = instance_args(folder)
    code = add_user(args, "alice@example.org")
    other = add_user(args, "bob@example.org")
    check_equal(run_failing(*args, "user", "recovery", "alice@example.org",
                            stdin_text=f"{other}\n{NEW_PASSWORD}\n"),
                "skrynka: wrong recovery code for alice@example.org", "another account's code")
    check_in("invalid recovery code", run_failing(*args, "user", "recovery", "alice@example.org",
                                                  stdin_text=f"{code[:-1]}\n{NEW_PASSWORD}\n"),
             "short code")
    run_ok(*args, "user", "passwd", "alice@example.org",
           stdin_text=f"{PASSWORD}\n{NEW_PASSWORD}\n")


@test
def recovery_on_a_terminal(folder):
    args = instance_args(folder)
    code = add_user(args, "alice@example.org")
    child = spawn([*args, "user", "recovery", "alice@example.org"])
    child.expect_exact("Recovery code for alice@example.org: ")
    child.sendline(code)
    child.expect_exact("New password for alice@example.org: ")
    child.sendline(NEW_PASSWORD)
    child.expect_exact("Repeat it: ")
    child.sendline(NEW_PASSWORD)
    child.expect_exact("Set a new login password for alice@example.org.")
    output = child.before
    check_equal(finish(child), 0, "exit status")
    check(code not in output, "the recovery code was echoed")


@test
def alias_add_and_remove(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    add_user(args, "bob@example.org")
    run_ok(*args, "user", "alias", "add", "Postmaster@example.net", "alice@example.org")
    check_in("aliases=postmaster@example.net", listed_users(args)["alice@example.org"], "list")

    check_equal(run_failing(*args, "user", "alias", "add", "postmaster@example.net",
                            "bob@example.org"),
                "skrynka: postmaster@example.net already exists as an account or alias",
                "taken alias")
    check_equal(run_failing(*args, "user", "alias", "add", "bob@example.org", "alice@example.org"),
                "skrynka: bob@example.org already exists as an account or alias",
                "alias of an account address")
    check_in("unknown domain", run_failing(*args, "user", "alias", "add", "x@example.com",
                                           "alice@example.org"), "unknown domain")
    check_equal(run_failing(*args, "user", "alias", "add", "x@example.org", "nobody@example.org"),
                "skrynka: no account nobody@example.org", "missing account")
    check_equal(run_failing(*args, "user", "alias", "remove", "postmaster@example.net",
                            "bob@example.org"),
                "skrynka: postmaster@example.net is not an alias of bob@example.org",
                "alias of another account")

    run_ok(*args, "user", "alias", "remove", "postmaster@example.net", "alice@example.org")
    check_in("aliases= ", listed_users(args)["alice@example.org"], "list")
    run_ok(*args, "user", "alias", "add", "postmaster@example.net", "bob@example.org")


@test
def delete_with_yes(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    add_user(args, "bob@example.org")
    run_ok(*args, "user", "alias", "add", "info@example.org", "alice@example.org")
    mailboxes = os.path.join(os.path.dirname(args[1]), "mailboxes")
    before = set(os.listdir(mailboxes))

    run_ok(*args, "user", "delete", "alice@example.org", "--yes")
    check_equal(list(listed_users(args)), ["bob@example.org"], "accounts")
    after = set(os.listdir(mailboxes))
    removed = [name for name in before - after if name.endswith(".db")]
    check_equal(len(removed), 1, f"removed mailbox databases ({before} -> {after})")
    check_equal(len([name for name in after if name.endswith(".db")]), 1, "remaining databases")

    # The address and its alias are free again.
    add_user(args, "alice@example.org")
    run_ok(*args, "user", "alias", "add", "info@example.org", "bob@example.org")


@test
def delete_needs_yes_without_a_terminal(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    check_equal(run_failing(*args, "user", "delete", "alice@example.org"),
                "skrynka: standard input is not a terminal: add --yes to delete "
                "alice@example.org without confirmation", "error")
    check_in("alice@example.org", listed_users(args), "accounts")
    check_equal(run_failing(*args, "user", "delete", "nobody@example.org", "--yes"),
                "skrynka: no account nobody@example.org", "missing account")


@test
def delete_asks_on_a_terminal(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")

    child = spawn([*args, "user", "delete", "alice@example.org"])
    child.expect_exact("Type the address to confirm: ")
    child.sendline("bob@example.org")
    child.expect_exact("skrynka: alice@example.org was not deleted: the confirmation did not match")
    check(finish(child) != 0, "exit status 0 without confirmation")
    check_in("alice@example.org", listed_users(args), "accounts")

    child = spawn([*args, "user", "delete", "alice@example.org"])
    child.expect_exact("Type the address to confirm: ")
    child.sendline("alice@example.org")
    child.expect_exact("Deleted alice@example.org.")
    check_equal(finish(child), 0, "exit status")
    check_equal(listed_users(args), {}, "accounts")


@test
def user_commands_report_a_wrong_storage_key(folder):
    args = instance_args(folder)
    add_user(args, "alice@example.org")
    key = os.path.join(os.path.dirname(args[1]), "keys", "storage.key")
    with open(key, "r+b") as file:
        first = file.read(1)
        file.seek(0)
        file.write(bytes([first[0] ^ 0x01]))
    error = run_failing(*args, "user", "list")
    check_in("does not open it", error, "error")


if __name__ == "__main__":
    sys.exit(main())
