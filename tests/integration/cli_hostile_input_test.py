"""Hostile command-line, stdin and config input through the real binary.

Every bad input must give one clear error line that names the value, and a non-zero
exit status. Cases marked "passes today" add coverage for behaviour that already holds.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, CheckFailed, check, check_equal, check_in, init_instance,
                         main, run, run_failing, run_ok, test)

PASSWORD = "quiet-harbor-lantern-42"


def instance_args(folder):
    return ["-c", init_instance(folder), *FAST_ARGON2]


def check_one_plain_line(result, subject):
    check(result.returncode != 0, f"{subject}: exit status 0, expected an error")
    lines = result.stderr.rstrip("\n").split("\n")
    check_equal(len(lines), 1, f"{subject}: number of stderr lines in {result.stderr!r}")
    check("\x1b" not in result.stderr,
          f"{subject}: raw ESC reached the terminal: {result.stderr!r}")


@test
def address_with_newline_gives_one_line(folder):
    args = instance_args(folder)
    result = run(*args, "user", "add", "a\nb@example.org", stdin_text=PASSWORD + "\n")
    check_one_plain_line(result, "user add 'a<LF>b@example.org'")


@test
def address_escape_not_echoed_raw(folder):
    args = instance_args(folder)
    result = run(*args, "user", "add", "a\x1b[31mred@example.org", stdin_text=PASSWORD + "\n")
    check_one_plain_line(result, "user add with ESC")


@test
def config_newline_gives_one_line(folder):
    config = init_instance(folder)
    with open(config, encoding="utf-8") as file:
        text = file.read()
    with open(config, "w", encoding="utf-8") as file:
        file.write(text.replace('level = "info"', 'level = "x\\ny"'))
    result = run("-c", config, "user", "list")
    check_one_plain_line(result, "log.level with a newline")
    check_in("log.level", result.stderr, "error names the key")


@test
def override_with_newline_gives_one_line(folder):
    config = init_instance(folder)
    result = run("-c", config, "-o", "server.hostname=x\ny", "user", "list")
    check_one_plain_line(result, "-o server.hostname with a newline")


@test
def label_with_newline_gives_one_line(folder):
    args = instance_args(folder)
    run_ok(*args, "user", "add", "alice@example.org", stdin_text=PASSWORD + "\n")
    result = run(*args, "user", "app-password", "add", "alice@example.org", "--label", "a\nb",
                 stdin_text=PASSWORD + "\n")
    check_one_plain_line(result, "--label with a newline")


@test
def init_empty_state_names_option(folder):
    result = run("init", "--state", "", "--domain", "example.org", "--dev")
    check(result.returncode != 0, "init --state '' succeeded")
    check_in("--state", result.stderr, "error names the option")
    check("filesystem error" not in result.stderr,
          f"a library exception text reached the user: {result.stderr!r}")


@test
def config_folder_error_names_cause(folder):
    line = run_failing("-c", folder, "user", "list")
    check_in(folder, line, "error names the path")
    check_in("directory", line.lower(), "error says the path is a directory")


@test
def config_fifo_does_not_hang(folder):
    # Opening a FIFO for reading blocks until a writer appears, which may be never.
    fifo = os.path.join(folder, "skrynka.toml")
    os.mkfifo(fifo)
    try:
        result = run("-c", fifo, "user", "list", timeout=10)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"skrynka -c {fifo} still waited after 10 s") from None
    check(result.returncode != 0, "a FIFO was read as a config file")
    check_in(fifo, result.stderr, "error names the path")


@test
def password_with_nul_byte_rejected(folder):
    # A NUL cannot be typed in a mail client's password field, so an account whose
    # password contains one can never log in.
    args = instance_args(folder)
    result = run(*args, "user", "add", "alice@example.org",
                 stdin_text="quiet-harbor\0lantern-42\n")
    check(result.returncode != 0, "a password containing NUL was accepted")
    listed = run_ok(*args, "user", "list").stdout
    check("alice@example.org" not in listed, "the account was created anyway")


@test
def oversized_password_rejected(folder):
    # Passes today.
    args = instance_args(folder)
    line = run_failing(*args, "user", "add", "alice@example.org",
                       stdin_text="x" * 10_000_000 + "\n")
    check_in("longer than 1024 bytes", line, "error line")
    check_equal(run_ok(*args, "user", "list").stdout, "", "accounts after the failure")


@test
def empty_stdin_rejected(folder):
    # Passes today.
    args = instance_args(folder)
    line = run_failing(*args, "user", "add", "alice@example.org", stdin_text="")
    check_in("standard input ended", line, "error line")
    line = run_failing(*args, "user", "add", "alice@example.org", stdin_text="\n")
    check_in("weak password", line, "error line for an empty password")


@test
def malformed_overrides_rejected(folder):
    # Passes today.
    config = init_instance(folder)
    cases = [
        ("limits.argon2_ops=abc", "expected an integer"),
        ("limits.argon2_ops=99999999999999999999", "expected an integer"),
        ("limits.argon2_ops=-1", "below the minimum 1"),
        ("limits", "expected section.key=value"),
        ("nosuch.key=1", "unknown key"),
        ("server.domains=a.org,,b.org", "empty element"),
        ("smtp.listen=127.0.0.1:99999", "invalid port"),
    ]
    for override, expected in cases:
        line = run_failing("-c", config, "-o", override, "user", "list")
        check_in(override, line, f"error for -o {override}")
        check_in(expected, line, f"error for -o {override}")


@test
def hostile_config_files_rejected(folder):
    # Passes today.
    config = init_instance(folder)
    with open(config, encoding="utf-8") as file:
        original = file.read()
    cases = [
        ("# argon2_ops = 3", "argon2_ops = 99999999999999999999", "not representable"),
        ("# argon2_ops = 3", "argon2_ops = 3.0", "found a floating-point number"),
        ("# argon2_ops = 3", 'argon2_ops = "3"', "found a string"),
        ("# argon2_ops = 3", "surprise = 3", "limits.surprise: unknown key"),
        ("[server]", "[server", "invalid TOML"),
    ]
    for old, new, expected in cases:
        broken = os.path.join(folder, "broken.toml")
        with open(broken, "w", encoding="utf-8") as file:
            file.write(original.replace(old, new, 1))
        line = run_failing("-c", broken, "user", "list")
        check_in(broken, line, f"error for {new!r} names the file")
        check_in(expected, line, f"error for {new!r}")


if __name__ == "__main__":
    sys.exit(main())
