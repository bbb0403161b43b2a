"""Start `skrynka serve` with IMAP listeners on free loopback ports and one account.

The account is alice@example.org with PASSWORD. The instance uses fast Argon2id
parameters and a self-signed certificate from `skrynka init --dev`.
"""
import os
import socket
import ssl

from skrynka_cli import FAST_ARGON2, init_instance, run_ok, server_process

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


class ImapServer:
    """A running instance: .plain_port (STARTTLS), .tls_port (implicit TLS), .config."""

    def __init__(self, folder, extra=()):
        self.config = init_instance(folder)
        run_ok("-c", self.config, *FAST_ARGON2, "user", "add", "alice@example.org",
               stdin_text=PASSWORD + "\n")
        self.certificate = os.path.join(os.path.dirname(self.config), "tls", "certificate.pem")
        self.plain_port = free_port()
        self.tls_port = free_port()
        self.server = server_process(
            "-c", self.config, *FAST_ARGON2,
            "-o", f"imap.listen={HOST}:{self.plain_port}",
            "-o", f"imap.listen_tls={HOST}:{self.tls_port}", *extra)

    def __enter__(self):
        self.server.__enter__()
        self.server.wait_for_log(f"event=listening proto=imaps address={HOST} port={self.tls_port}")
        return self

    def __exit__(self, *exception):
        import signal
        if self.server.process.poll() is None:
            self.server.stop(signal.SIGTERM)
        return self.server.__exit__(*exception)
