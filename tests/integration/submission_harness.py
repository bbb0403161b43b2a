"""A real `skrynka serve` with submission on 587 and 465 and IMAPS, for the submission
and delivery tests.

Every domain the tests send to is routed by [delivery.mx_override] to a loopback port, or
by a smarthost on localhost, so the outbound queue never looks up MX records and no test
sends traffic off this host.
"""

import imaplib
import os
import re
import signal
import smtplib
import socket
import ssl

from skrynka_cli import FAST_ARGON2, check, check_equal, init_instance, run_ok, server_process

HOST = "127.0.0.1"
ALICE = "alice@example.org"
BOB = "bob@example.org"
PASSWORDS = {ALICE: "amber-window-orchard-17", BOB: "violet-harbour-lantern-42"}
# Domains the tests address as remote; each has an mx_override to loopback.
REMOTE_DOMAINS = ("example.net", "example.com")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def marker(name):
    return f"marker-{name}-{os.urandom(8).hex()}"


class instance:
    """alice and bob on one serve with submission on 587 and 465 and IMAPS, on loopback."""

    def __init__(self, folder, overrides=(), sink_port=None, dkim_selector=None,
                 route_remote_domains=True):
        self.config = init_instance(folder, extra=["--hostname", "localhost"])
        self.state = os.path.dirname(self.config)
        for address, password in PASSWORDS.items():
            run_ok("-c", self.config, *FAST_ARGON2, "user", "add", address,
                   stdin_text=password + "\n")
        run_ok("-c", self.config, "user", "alias", "add", "info@example.org", ALICE)
        added = run_ok("-c", self.config, *FAST_ARGON2, "user", "app-password", "add", ALICE,
                       "--label", "phone", stdin_text=PASSWORDS[ALICE] + "\n")
        self.app_password = re.search(r"[0-9a-z]{6}(-[0-9a-z]{6}){3}", added.stdout).group(0)
        # The DNS TXT records `dkim generate` prints, by record name.
        self.dkim_records = {}
        if dkim_selector:
            generated = run_ok("-c", self.config, "dkim", "generate", "example.org", dkim_selector)
            for line in generated.stdout.splitlines():
                name, _, value = line.partition(" IN TXT ")
                self.dkim_records[name] = value.strip('"')

        self.submission_port = free_port()
        self.submissions_port = free_port()
        self.imaps_port = free_port()
        args = ["-c", self.config, *FAST_ARGON2,
                "-o", f"submission.listen={HOST}:{self.submission_port}",
                "-o", f"submission.listen_tls={HOST}:{self.submissions_port}",
                "-o", f"imap.listen_tls={HOST}:{self.imaps_port}"]
        # Without a sink, remote mail goes to a loopback port where nothing listens.
        # A smarthost test routes through its smarthost setting instead.
        target = f"{HOST}:{sink_port or free_port()}"
        for domain in REMOTE_DOMAINS if route_remote_domains else ():
            args += ["-o", f"delivery.mx_override.{domain}={target}"]
        for override in overrides:
            args += ["-o", override]
        self.args = args
        self.server = server_process(*args)
        for proto, port in (("submission", self.submission_port),
                            ("submissions", self.submissions_port), ("imaps", self.imaps_port)):
            self.server.wait_for_log(f"event=listening proto={proto} address={HOST} port={port}")

    def tls_context(self):
        # Trust only the instance's self-signed certificate. It names "localhost", and the
        # clients connect to 127.0.0.1, so the host name is not checked.
        context = ssl.create_default_context(
            cafile=os.path.join(self.state, "tls", "certificate.pem"))
        context.check_hostname = False
        return context

    def starttls_client(self):
        client = smtplib.SMTP(HOST, self.submission_port, timeout=30)
        client.starttls(context=self.tls_context())
        return client

    def implicit_tls_client(self):
        return smtplib.SMTP_SSL(HOST, self.submissions_port, timeout=30,
                                context=self.tls_context())

    def mailbox(self, address, name):
        """(flags, message bytes) of every message in the mailbox, by ascending UID."""
        client = imaplib.IMAP4_SSL(HOST, self.imaps_port, ssl_context=self.tls_context(),
                                   timeout=30)
        client.login(address, PASSWORDS[address])
        status, _ = client.select(name, readonly=True)
        check_equal(status, "OK", f"SELECT {name} for {address}")
        status, data = client.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
        messages = []
        for item in data:
            if isinstance(item, tuple):
                flags = re.search(rb"FLAGS \(([^)]*)\)", item[0]).group(1).decode()
                messages.append((flags, item[1]))
        client.logout()
        return messages

    def files_containing(self, needle):
        found = []
        for root, _, names in os.walk(self.state):
            for name in names:
                path = os.path.join(root, name)
                with open(path, "rb") as file:
                    if needle in file.read():
                        found.append(path)
        return found

    def stop(self):
        status = self.server.stop(signal.SIGTERM)
        self.server.__exit__(None, None, None)
        check_equal(status, 0, "serve exit status after SIGTERM")
        for line in self.server.log_lines:
            for sanitizer_marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                     "runtime error:"):
                check(sanitizer_marker not in line, f"serve reported a sanitizer error: {line}")


def message_text(sender, recipient, subject, body, extra=""):
    return (f"From: {sender}\r\nTo: {recipient}\r\nSubject: {subject}\r\n{extra}\r\n"
            f"{body}\r\n")


