"""skrynka serve: start and stop logs, clean exit on SIGTERM and SIGINT."""

import os
import re
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (check, check_equal, check_in, init_instance, main, run_failing,
                         server_process, test)

# Session and listener lines put their fixed fields (session, proto, remote) before event.
LOG_LINE = re.compile(
    r"^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=[a-z]+ ([a-z_]+=\S+ )*event=[a-z_]+( |$)")


@test
def serve_logs_start_and_stops_on_sigterm(folder):
    config = init_instance(folder)
    with server_process("-c", config) as server:
        start = server.wait_for_log("event=start")
        check_in("level=info", start, "start line")
        check_in(f"pid={server.process.pid}", start, "start line")
        check_in("domains=example.org", start, "start line")
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")

    stops = [line for line in server.log_lines if "event=stop" in line]
    check_equal(len(stops), 1, "event=stop lines")
    check_in("signal=SIGTERM", stops[0], "stop line")
    for line in server.log_lines:
        check(LOG_LINE.match(line), f"log line not in key=value form: {line!r}")


@test
def serve_stops_on_sigint(folder):
    config = init_instance(folder)
    with server_process("-c", config) as server:
        server.wait_for_log("event=start")
        check_equal(server.stop(signal.SIGINT), 0, "exit status after SIGINT")
    check(any("signal=SIGINT" in line for line in server.log_lines), "no stop line for SIGINT")


@test
def serve_quotes_untrusted_log_values(folder):
    state = os.path.join(folder, "state dir\nevent=forged")
    config = init_instance(folder)
    os.rename(os.path.dirname(config), state)
    with server_process("-c", os.path.join(state, "skrynka.toml")) as server:
        start = server.wait_for_log("event=start")
        check_in('state_dir="', start, "start line")
        check_in("state dir\\x0aevent=forged", start, "start line")
        check_equal(server.stop(signal.SIGTERM), 0, "exit status")
    check(not any(line.startswith("event=forged") for line in server.log_lines),
          "a path started a log line")


@test
def serve_never_logs_the_storage_key(folder):
    config = init_instance(folder)
    with open(os.path.join(os.path.dirname(config), "keys", "storage.key"), "rb") as file:
        key = file.read()
    with server_process("-c", config, "-o", "log.level=trace") as server:
        server.wait_for_log("event=start")
        server.stop(signal.SIGTERM)
    log = "\n".join(server.log_lines)
    check(key.hex() not in log and key.hex().upper() not in log, "storage key in the log")


@test
def serve_applies_overrides(folder):
    config = init_instance(folder)
    with server_process("-c", config, "-o", "server.hostname=mx.example.org",
                        "-o", "server.domains=example.org,example.net") as server:
        start = server.wait_for_log("event=start")
        check_in("hostname=mx.example.org", start, "start line")
        check_in("domains=example.org,example.net", start, "start line")
        check_equal(server.stop(signal.SIGTERM), 0, "exit status")


@test
def serve_fails_without_a_storage_key(folder):
    config = init_instance(folder)
    key = os.path.join(os.path.dirname(config), "keys", "storage.key")
    os.remove(key)
    error = run_failing("-c", config, "serve")
    check_equal(error, f"skrynka: storage key file not found: {key}", "error")


@test
def serve_rejects_a_readable_storage_key(folder):
    config = init_instance(folder)
    key = os.path.join(os.path.dirname(config), "keys", "storage.key")
    os.chmod(key, 0o644)
    error = run_failing("-c", config, "serve")
    check_in(key, error, "error")
    check_in("chmod", error, "error")


if __name__ == "__main__":
    sys.exit(main())
