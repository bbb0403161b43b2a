"""Start smtp_test_server on a free loopback port and talk raw SMTP to it.

The server binary comes from SKRYNKA_SMTP_TEST_SERVER. Each TestServer gets its own
temporary folder with a self-signed certificate for CN=localhost and a mail folder.
"""
import os
import pathlib
import socket
import ssl
import subprocess
import tempfile

HOST = "127.0.0.1"


class TestServer:
    def __init__(self, message_size_max=None, idle_seconds=None):
        self.binary = os.environ["SKRYNKA_SMTP_TEST_SERVER"]
        self.message_size_max = message_size_max
        self.idle_seconds = idle_seconds
        self.process = None
        self.port = None

    def __enter__(self):
        self.temporary = tempfile.TemporaryDirectory(prefix="skrynka-smtp-")
        root = pathlib.Path(self.temporary.name)
        self.certificate = root / "cert.pem"
        self.key = root / "key.pem"
        self.mail_dir = root / "mail"
        self.mail_dir.mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-keyout", str(self.key), "-out", str(self.certificate), "-subj", "/CN=localhost"],
            check=True, capture_output=True)

        arguments = [self.binary, "0", str(self.certificate), str(self.key), str(self.mail_dir)]
        if self.message_size_max is not None:
            arguments.append(str(self.message_size_max))
        self.log = open(root / "server.log", "wb")
        environment = dict(os.environ)
        if self.idle_seconds is not None:
            environment["SKRYNKA_SMTP_TEST_IDLE_SECONDS"] = str(self.idle_seconds)
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=self.log, env=environment)
        line = self.process.stdout.readline().decode()
        if not line.startswith("listening port="):
            self.process.kill()
            raise RuntimeError(f"smtp_test_server did not start, output: {line!r}")
        self.port = int(line.split("=", 1)[1])
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.log.close()
        log_text = (pathlib.Path(self.temporary.name) / "server.log").read_text(errors="replace")
        self.temporary.cleanup()
        self.server_log = log_text
        # A sanitizer build reports to stderr; a clean stop on SIGTERM exits with 0.
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in log_text:
                raise AssertionError(f"smtp_test_server reported a sanitizer error:\n{log_text[-4000:]}")
        if self.process.returncode != 0:
            raise AssertionError(f"smtp_test_server exited with {self.process.returncode}:\n{log_text[-4000:]}")
        return False

    def server_log_text(self):
        self.log.flush()
        return (pathlib.Path(self.temporary.name) / "server.log").read_text(errors="replace")

    def _stored(self, suffix):
        # Queue ids start with a random session id, so order by the time of the rename.
        paths = list(self.mail_dir.glob("*" + suffix))
        return sorted(paths, key=lambda path: (path.stat().st_mtime_ns, path.name))

    def messages(self):
        """Stored messages as bytes, oldest first."""
        return [path.read_bytes() for path in self._stored(".eml")]

    def envelopes(self):
        """Stored envelopes as (sender, [recipients]), oldest first."""
        result = []
        for path in self._stored(".env"):
            lines = path.read_text(encoding="utf-8").splitlines()
            result.append((lines[0], lines[1:]))
        return result

    def connect(self, timeout=5):
        sock = socket.create_connection((HOST, self.port), timeout=timeout)
        return SmtpClient(sock)


def body_after_trace(message):
    """The message without the Return-Path and Received fields the server prepends."""
    received = message.index(b"Received:")
    end = message.index(b"+0000\r\n", received)
    return message[end + len(b"+0000\r\n"):]


class SmtpClient:
    """A raw SMTP client: exact bytes out, reply codes and lines in."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def read_line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError(f"connection closed, unread: {self.buffer!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_reply(self):
        """Returns (code, [text lines]) of one possibly multi-line reply."""
        lines = []
        while True:
            line = self.read_line()
            lines.append(line[4:].decode("utf-8", "replace"))
            if len(line) < 4 or line[3:4] == b" ":
                return int(line[:3]), lines

    def command(self, line):
        self.send(line + b"\r\n")
        return self.read_reply()

    def codes_until_eof(self):
        """Reads replies until the server closes the connection; returns their codes."""
        codes = []
        while True:
            try:
                code, _ = self.read_reply()
            except (EOFError, ConnectionResetError):
                return codes
            codes.append(code)

    def has_pending_input(self, timeout):
        """True when the server sends anything within `timeout` seconds."""
        if self.buffer:
            return True
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        finally:
            self.sock.settimeout(5)
        self.buffer += data
        return True

    def starttls(self):
        """Wraps the same socket in TLS; the caller has read the 220 already."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        if self.buffer:
            raise AssertionError(f"cleartext after the STARTTLS reply: {self.buffer!r}")
        self.sock = context.wrap_socket(self.sock, server_hostname="localhost")

    def close(self):
        self.sock.close()
