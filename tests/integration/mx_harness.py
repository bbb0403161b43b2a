"""A real `skrynka serve` instance acting as an MX on a free loopback port.

Each MxInstance lives in the test's folder: `skrynka init --dev`, accounts made with
`skrynka user add` (password on stdin, fast Argon2id), and serve started with only the
SMTP listener. Stored messages are read back with the test-only mailbox_reader
($SKRYNKA_MAILBOX_READER), which opens the account's login key slot.
"""
import atexit
import os
import re
import signal
import socket
import subprocess

from skrynka_cli import BINARY, FAST_ARGON2, CheckFailed, check, init_instance, run_ok, server_process
from smtp_harness import SmtpClient

HOST = "127.0.0.1"
PASSWORDS = {
    "alice@example.org": "purple correct horse",
    "bob@example.org": "orange battery staple",
}
OTHER_LISTENERS = ["submission.listen=", "submission.listen_tls=", "imap.listen=",
                   "imap.listen_tls=", "pop3.listen=", "pop3.listen_tls=", "admin.listen="]


_running = []


@atexit.register
def _kill_leftover_servers():
    # A failed check leaves its serve running; end it by its process id.
    for server in _running:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=30)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class MxInstance:
    def __init__(self, folder, overrides=()):
        self.config = init_instance(folder, extra=["--hostname", "localhost"])
        self.state = os.path.dirname(self.config)
        for address, password in PASSWORDS.items():
            run_ok(*FAST_ARGON2, "-c", self.config, "user", "add", address,
                   stdin_text=password + "\n")
        run_ok("-c", self.config, "user", "alias", "add", "lists@example.org", "alice@example.org")
        self.overrides = list(overrides)
        self.port = None
        self.server = None

    def start(self, listen=None):
        """Starts serve and waits for event=start; returns the server_process."""
        if self.port is None:
            self.port = free_port()
        listen = listen or f"{HOST}:{self.port}"
        args = ["-c", self.config, "-o", f"smtp.listen={listen}"]
        for override in OTHER_LISTENERS + self.overrides:
            args += ["-o", override]
        self.server = server_process(*args)
        _running.append(self.server)
        self.server.wait_for_log("event=start")
        return self.server

    def stop(self):
        status = self.server.stop(signal.SIGTERM)
        self.server.__exit__(None, None, None)
        check(status == 0, f"serve exited with {status}: {self.server.log_lines[-5:]!r}")
        # A SANITIZE=1 build reports to the same stderr.
        for line in self.server.log_lines:
            for sanitizer_marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
                check(sanitizer_marker not in line, f"serve reported a sanitizer error: {line}")
        return status

    def kill(self):
        self.server.process.kill()
        self.server.process.wait(timeout=30)
        self.server.__exit__(None, None, None)

    def connect(self, timeout=10):
        client = SmtpClient(socket.create_connection((HOST, self.port), timeout=timeout))
        code, _ = client.read_reply()
        check(code == 220, f"greeting code {code}")
        return client

    def inbox(self, address="alice@example.org"):
        """The messages in the account's INBOX as a list of bytes, by ascending UID."""
        result = subprocess.run(
            [os.environ["SKRYNKA_MAILBOX_READER"], self.state, address],
            input=(PASSWORDS[address] + "\n").encode(), capture_output=True, timeout=120)
        if result.returncode != 0:
            raise CheckFailed(f"mailbox_reader exited {result.returncode}: {result.stderr!r}")
        messages = []
        output = result.stdout
        position = 0
        header = re.compile(rb"message uid=(\d+) size=(\d+)\n")
        while position < len(output):
            match = header.match(output, position)
            check(match is not None, f"mailbox_reader output at {position}: {output[position:position + 80]!r}")
            size = int(match.group(2))
            start = match.end()
            messages.append(output[start:start + size])
            check(output[start + size:start + size + 1] == b"\n", "mailbox_reader framing")
            position = start + size + 1
        return messages

    def files_containing(self, *needles):
        """Paths of every file under the state folder that contains any needle."""
        found = []
        for root, _, names in os.walk(self.state):
            for name in names:
                path = os.path.join(root, name)
                with open(path, "rb") as file:
                    data = file.read()
                if any(needle in data for needle in needles):
                    found.append(path)
        return found

    def log_text(self):
        """Every log line serve wrote so far."""
        lines = self.server._lines
        while not lines.empty():
            line = lines.get_nowait()
            if line is not None:
                self.server.log_lines.append(line)
        return "\n".join(self.server.log_lines)

    def wait_for_log(self, needle, timeout=30):
        """A log line containing needle, from the lines so far or those that follow."""
        for line in self.log_text().splitlines():
            if needle in line:
                return line
        return self.server.wait_for_log(needle, timeout)

    def check_sealed(self, *needles):
        """Fails when any needle occurs in plaintext in a file or in the log."""
        files = self.files_containing(*needles)
        check(not files, f"plaintext marker found in {files}")
        log = self.log_text().encode()
        for needle in needles:
            check(needle not in log, f"marker {needle!r} in the server log")


def body_after_trace(message):
    """The message without the Return-Path and Received fields the server prepends."""
    received = message.index(b"Received:")
    end = message.index(b"+0000\r\n", received)
    return message[end + len(b"+0000\r\n"):]


def marker(name):
    return f"marker-{name}-{os.urandom(8).hex()}".encode()
