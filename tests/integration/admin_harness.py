"""Start `skrynka serve` with the admin endpoint on free loopback ports, one account and
one admin token.

The account is alice@example.org with PASSWORD. The admin endpoint serves HTTP on
.http_port and HTTPS on .https_port with the self-signed certificate of `skrynka init
--dev`; .token is a token created with `skrynka admin token create --label tests`.
"""
import http.client
import json
import os
import signal
import socket
import ssl

from skrynka_cli import FAST_ARGON2, CheckFailed, init_instance, run_ok, server_process

PASSWORD = "correct horse battery staple"
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def client_tls_context():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def create_token(config, label):
    """Run `admin token create` and return the token it printed."""
    output = run_ok("-c", config, "admin", "token", "create", "--label", label).stdout
    return output.strip().splitlines()[-1]


class AdminServer:
    def __init__(self, folder, extra=()):
        self.config = init_instance(folder)
        run_ok("-c", self.config, *FAST_ARGON2, "user", "add", "alice@example.org",
               stdin_text=PASSWORD + "\n")
        self.token = create_token(self.config, "tests")
        self.http_port = free_port()
        self.https_port = free_port()
        self.imap_port = free_port()
        self.server = server_process(
            "-c", self.config, *FAST_ARGON2,
            "-o", f"admin.listen={HOST}:{self.http_port}",
            "-o", f"admin.listen_tls={HOST}:{self.https_port}",
            "-o", f"imap.listen={HOST}:{self.imap_port}", *extra)

    def __enter__(self):
        self.server.__enter__()
        self.server.wait_for_log(f"event=listening proto=admin address={HOST} "
                                 f"port={self.https_port}")
        return self

    def __exit__(self, *exception):
        if self.server.process.poll() is None:
            self.server.stop(signal.SIGTERM)
        return self.server.__exit__(*exception)

    def connection(self, tls=False):
        if tls:
            return http.client.HTTPSConnection(HOST, self.https_port, timeout=30,
                                               context=client_tls_context())
        return http.client.HTTPConnection(HOST, self.http_port, timeout=30)

    def request(self, method, path, body=None, headers=None, token=True, tls=False):
        """Send one request on a new connection; return (status, headers, body bytes)."""
        all_headers = dict(headers or {})
        if token is True:
            all_headers["Authorization"] = f"Bearer {self.token}"
        elif token:
            all_headers["Authorization"] = f"Bearer {token}"
        connection = self.connection(tls)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def json(self, method, path, expected_status, **options):
        status, headers, body = self.request(method, path, **options)
        if status != expected_status:
            raise CheckFailed(f"{method} {path}: expected {expected_status}, got {status}: "
                              f"{body!r}")
        content_type = headers.get("Content-Type", "")
        if content_type != "application/json":
            raise CheckFailed(f"{method} {path}: Content-Type {content_type!r}")
        return json.loads(body)

    def raw(self, data, read_timeout=10):
        """Send data on a new socket, read until the server closes, return the bytes."""
        with socket.create_connection((HOST, self.http_port), timeout=read_timeout) as sock:
            sock.sendall(data)
            received = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    return received
                received += chunk
