"""Config errors as the skrynka binary reports them: file, line and key, and -o
overrides checked like the file."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import check, check_equal, check_in, init_instance, main, run, run_failing, test


def replace_in(path, old, new):
    with open(path) as file:
        text = file.read()
    check(old in text, f"{old!r} not in {path}")
    with open(path, "w") as file:
        file.write(text.replace(old, new))


def line_number_of(path, text):
    with open(path) as file:
        for number, line in enumerate(file, start=1):
            if line.startswith(text):
                return number
    raise AssertionError(f"{text!r} not in {path}")


@test
def config_error_names_file_line_and_key(folder):
    config = init_instance(folder)
    replace_in(config, "# password_min_length = 12", "password_min_length = 3")
    line = line_number_of(config, "password_min_length = 3")
    error = run_failing("-c", config, "serve")
    check_equal(error, f"skrynka: {config}:{line}: limits.password_min_length: "
                       "3 is below the minimum 8", "error")


@test
def config_rejects_unknown_keys(folder):
    config = init_instance(folder)
    replace_in(config, "[log]\n", "[log]\nlevle = \"debug\"\n")
    line = line_number_of(config, "levle")
    check_equal(run_failing("-c", config, "serve"),
                f"skrynka: {config}:{line}: log.levle: unknown key", "error")


@test
def config_rejects_wrong_types(folder):
    config = init_instance(folder)
    replace_in(config, 'hostname = "example.org"', "hostname = 42")
    line = line_number_of(config, "hostname = 42")
    check_equal(run_failing("-c", config, "serve"),
                f"skrynka: {config}:{line}: server.hostname: expected a string, found an integer",
                "error")


@test
def config_reports_every_problem_a_line_each(folder):
    config = init_instance(folder)
    replace_in(config, 'hostname = "example.org"', "hostname = 42")
    replace_in(config, "[log]\n", "[log]\nlevle = \"debug\"\n")
    hostname_line = line_number_of(config, "hostname = 42")
    levle_line = line_number_of(config, "levle")
    for command in ("serve", "check"):
        result = run("-c", config, "-o", "limits.argon2_ops=0", command)
        check_equal(result.returncode, 1, f"exit status of {command}")
        check_equal(sorted(result.stderr.strip().splitlines()), sorted([
            "skrynka: -o limits.argon2_ops=0: 0 is below the minimum 1",
            f"skrynka: {config}:{hostname_line}: server.hostname: expected a string, found an "
            "integer",
            f"skrynka: {config}:{levle_line}: log.levle: unknown key",
        ]), f"{command} errors")


@test
def config_reports_missing_keys(folder):
    config = init_instance(folder)
    replace_in(config, 'domains = ["example.org"]\n', "")
    check_equal(run_failing("-c", config, "serve"),
                f"skrynka: {config}: server.domains: missing required key", "error")


@test
def config_reports_syntax_errors(folder):
    config = init_instance(folder)
    replace_in(config, "[log]", "[log")
    line = line_number_of(config, "[log")
    error = run_failing("-c", config, "serve")
    check(error.startswith(f"skrynka: {config}:{line}:"), f"error {error!r}")
    check_in("invalid TOML", error, "error")


@test
def config_missing_file_is_an_error(folder):
    missing = os.path.join(folder, "absent.toml")
    check_equal(run_failing("-c", missing, "serve"),
                f"skrynka: {missing}: failed to open the config file: No such file or directory",
                "error")


@test
def config_file_from_environment(folder):
    config = init_instance(folder)
    replace_in(config, 'level = "info"', 'level = "loud"')
    os.environ["SKRYNKA_CONFIG"] = config
    try:
        error = run_failing("serve")
    finally:
        del os.environ["SKRYNKA_CONFIG"]
    check_in(f"{config}:", error, "error")
    check_in("log.level: 'loud' is not a log level", error, "error")


@test
def override_errors_name_the_override(folder):
    config = init_instance(folder)
    cases = [
        ("limits.argon2_ops=0", "skrynka: -o limits.argon2_ops=0: 0 is below the minimum 1"),
        ("limits.argon2_ops=fast",
         "skrynka: -o limits.argon2_ops=fast: expected an integer, found 'fast'"),
        ("limits.key_cache_seconds=86401",
         "skrynka: -o limits.key_cache_seconds=86401: 86401 is above the maximum 86400"),
        ("limits.nope=1", "skrynka: -o limits.nope=1: unknown key"),
        ("nope", "skrynka: -o nope: expected section.key=value"),
        ("imap.listen=localhost:143",
         "skrynka: -o imap.listen=localhost:143: 'localhost:143' is not a valid listen "
         "address: expected host:port with an IP address, such as 0.0.0.0:25 or [::1]:25"),
    ]
    for override, expected in cases:
        check_equal(run_failing("-c", config, "-o", override, "serve"), expected, override)


@test
def override_may_follow_the_subcommand(folder):
    config = init_instance(folder)
    error = run_failing("serve", "-c", config, "-o", "limits.argon2_ops=0")
    check_equal(error, "skrynka: -o limits.argon2_ops=0: 0 is below the minimum 1", "error")


@test
def override_fixes_a_bad_file_value(folder):
    config = init_instance(folder)
    replace_in(config, "# password_min_length = 12", "password_min_length = 3")
    # The override replaces the file's value before the range check, so the error
    # about line N disappears and the next problem (none) decides.
    result = run("-c", config, "-o", "limits.password_min_length=12", "-o", "log.level=loud",
                 "serve")
    check_equal(result.returncode, 1, "exit status")
    check_equal(result.stderr.strip(),
                "skrynka: -o log.level=loud: 'loud' is not a log level: expected one of trace, "
                "debug, info, warn, error, critical, off", "error")


if __name__ == "__main__":
    sys.exit(main())
