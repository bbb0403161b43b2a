"""Helpers for integration tests that run the real skrynka binary.

Each test function gets its own temporary folder, removed afterwards. Processes a test
starts are ended by their process id only. The binary path comes from $SKRYNKA_BINARY.
"""

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

BINARY = os.environ.get("SKRYNKA_BINARY", "")

# Fast Argon2id parameters for tests only: the defaults take about a second per key slot.
FAST_ARGON2 = ["-o", "limits.argon2_ops=1", "-o", "limits.argon2_memory_kib=8192"]

_tests = []


def test(function):
    """Register function(folder) as a test case of this script."""
    _tests.append(function)
    return function


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def check_equal(actual, expected, subject):
    if actual != expected:
        raise CheckFailed(f"{subject}: expected {expected!r}, got {actual!r}")


def check_in(part, whole, subject):
    if part not in whole:
        raise CheckFailed(f"{subject}: expected to contain {part!r}, got {whole!r}")


def run(*args, stdin_text=None, timeout=120):
    """Run skrynka with args; return the CompletedProcess with text stdout and stderr."""
    return subprocess.run(
        [BINARY, *args],
        input=stdin_text if stdin_text is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_ok(*args, stdin_text=None):
    result = run(*args, stdin_text=stdin_text)
    if result.returncode != 0:
        raise CheckFailed(
            f"skrynka {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}"
        )
    return result


def run_failing(*args, stdin_text=None):
    """Run a command that must fail with one line on stderr; return that line."""
    result = run(*args, stdin_text=stdin_text)
    if result.returncode == 0:
        raise CheckFailed(f"skrynka {' '.join(args)} succeeded but should have failed")
    lines = result.stderr.strip().splitlines()
    check(len(lines) == 1, f"expected one error line, got {result.stderr!r}")
    return lines[0]


def init_instance(folder, domain="example.org", dev=True, extra=()):
    """Create an instance in folder/state and return the path of its config file."""
    state = os.path.join(folder, "state")
    args = ["init", "--state", state, "--domain", domain, *extra]
    if dev:
        args.append("--dev")
    run_ok(*args)
    return os.path.join(state, "skrynka.toml")


def main():
    if not BINARY or not os.access(BINARY, os.X_OK):
        print("SKRYNKA_BINARY is not set to an executable", file=sys.stderr)
        return 2
    root = os.environ.get("SKRYNKA_TEST_TMP") or None
    if root:
        os.makedirs(root, exist_ok=True)

    failures = 0
    for function in _tests:
        folder = tempfile.mkdtemp(prefix=f"{function.__name__}-", dir=root)
        try:
            function(folder)
            print(f"ok   {function.__name__}")
        except Exception:
            failures += 1
            print(f"FAIL {function.__name__}")
            traceback.print_exc()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(_tests) - failures} passed, {failures} failed")
    return 1 if failures else 0


# Every listener a dev instance configures, as config keys.
LISTENERS = ("smtp.listen", "submission.listen", "submission.listen_tls", "imap.listen",
             "imap.listen_tls", "pop3.listen", "pop3.listen_tls", "admin.listen",
             "admin.listen_tls")


class server_process:
    """A running `skrynka serve`, started with args and ended by its process id.

    A thread reads stderr into a queue, so waiting for a log line never blocks on a
    partly buffered pipe.
    """

    def __init__(self, *args, prefix=()):
        # prefix is a command that runs the binary in place, such as prlimit.
        # A dev instance listens on fixed loopback ports. Every listener the test does not
        # set itself is cleared, so parallel runs on one machine never collide.
        for listener in LISTENERS:
            if not any(str(arg).startswith(f"{listener}=") for arg in args):
                args = (*args, "-o", f"{listener}=")
        self.process = subprocess.Popen(
            [*prefix, BINARY, *args, "serve"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log_lines = []
        self._lines = queue.Queue()
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self):
        for line in self.process.stderr:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_for_log(self, needle, timeout=30):
        """Collect log lines until one contains needle; return that line."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                raise CheckFailed(f"serve exited before logging {needle!r}: {self.log_lines!r}")
            self.log_lines.append(line)
            if needle in line:
                return line
        raise CheckFailed(f"serve did not log {needle!r} within {timeout} s: {self.log_lines!r}")

    def stop(self, signal_number, timeout=30):
        """Send signal_number, wait for exit, collect the remaining log lines, and
        return the exit status."""
        self.process.send_signal(signal_number)
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        while True:
            line = self._lines.get_nowait() if not self._lines.empty() else None
            if line is None:
                break
            self.log_lines.append(line)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        self.process.stderr.close()
