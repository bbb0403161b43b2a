"""Outbound delivery from a real `skrynka serve` to a loopback sink.

The sink is aiosmtpd (Debian's python3-aiosmtpd) on a free loopback port, which
[delivery.mx_override] makes the mail host of example.net, or which serves as the
smarthost with STARTTLS and AUTH required. A user submits over port 587; the test then
checks what the sink received, the DKIM signatures (with Debian's python3-dkim), the
queue, and the DSN in the sender's INBOX.
"""

import os
import re
import ssl
import subprocess
import sys
import threading
import time

import dkim
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import check, check_equal, check_in, main, run_ok, server_process, test
from submission_harness import ALICE, HOST, PASSWORDS, free_port, instance, marker, message_text


class sink_handler:
    """Records messages and replies to RCPT for a few special local parts as tests need."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.temporary_failures_left = {"later@example.net": 1}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address.startswith("nobody@"):
                return "550 5.1.1 no such user here"
            left = self.temporary_failures_left.get(address, 0)
            if left > 0:
                self.temporary_failures_left[address] = left - 1
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK queued"

    def received(self):
        with self.lock:
            return list(self.messages)


class sink:
    def __init__(self, port=None, **smtp_options):
        self.port = port or free_port()
        self.handler = sink_handler()
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, **smtp_options)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def wait_until(condition, subject, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {subject}")


def delivery_instance(folder, sink_port):
    return instance(folder, overrides=["limits.delivery_retry_seconds=1"], sink_port=sink_port)


def submit(server, recipients, subject, body):
    with server.starttls_client() as client:
        client.login(ALICE, PASSWORDS[ALICE])
        refused = client.sendmail(ALICE, recipients,
                                  message_text(ALICE, ", ".join(recipients), subject, body))
        check_equal(refused, {}, "refused recipients")


def queue_count(server):
    listing = run_ok("-c", server.config, "queue", "list").stdout
    return int(re.search(r"(\d+) entr(y|ies) queued", listing).group(1))


@test
def message_reaches_the_sink(folder):
    target = sink()
    server = delivery_instance(folder, target.port)
    body = marker("outbound")
    submit(server, ["carol@example.net", "dave@example.net"], "to the sink", body)

    messages = wait_until(target.handler.received, "the sink to receive the message")
    check_equal(len(messages), 1, "one attempt for both recipients of one domain")
    sender, recipients, content = messages[0]
    check_equal(sender, ALICE, "envelope sender at the sink")
    check_equal(sorted(recipients), ["carol@example.net", "dave@example.net"], "recipients")
    check_in(body.encode(), content, "message at the sink")
    check(not content.startswith(b"Return-Path:"), "Return-Path sent to the next hop")
    check_in(b"with ESMTPSA id", content, "Received field")
    check(re.search(rb"\r\nMessage-ID: <[0-9a-f]{32}@localhost>\r\n", content), "Message-ID")

    wait_until(lambda: queue_count(server) == 0, "the delivered entry to leave the queue")
    server.server.wait_for_log("event=dequeued")
    server.stop()
    target.stop()
    check_equal(server.files_containing(body.encode()), [], "files with the body in plaintext")


@test
def dkim_signatures_verify_at_the_sink(folder):
    target = sink()
    server = instance(folder, overrides=["limits.delivery_retry_seconds=1"],
                      sink_port=target.port, dkim_selector="s2026")
    check_equal(sorted(server.dkim_records),
                ["s2026-ed25519._domainkey.example.org.", "s2026-rsa._domainkey.example.org."],
                "DNS record names")
    check_in("k=ed25519; p=", server.dkim_records["s2026-ed25519._domainkey.example.org."],
             "Ed25519 record")
    submit(server, ["carol@example.net"], "signed  mail\t with  spaces ", "line one  \r\n\r\n\r\n")
    content = wait_until(target.handler.received, "the signed message")[0][2]

    def dns(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        return server.dkim_records.get(name, "").encode()

    signatures = re.findall(rb"(?m)^DKIM-Signature: v=1; a=([a-z0-9-]+);", content)
    check_equal(sorted(signatures), [b"ed25519-sha256", b"rsa-sha256"], "signature algorithms")
    verifier = dkim.DKIM(content)
    for index in range(2):
        check(verifier.verify(idx=index, dnsfunc=dns), f"signature {index} does not verify")
    # A changed body must break both signatures; dkimpy reports that by returning False
    # or by raising ValidationError.
    tampered = content.replace(b"line one", b"line two")
    for index in range(2):
        try:
            verified = dkim.DKIM(tampered).verify(idx=index, dnsfunc=dns)
        except dkim.ValidationError:
            verified = False
        check(not verified, f"signature {index} verifies a changed body")
    server.stop()
    target.stop()


@test
def temporary_failure_is_retried(folder):
    target = sink()
    server = delivery_instance(folder, target.port)
    submit(server, ["later@example.net"], "retry me", marker("retry"))

    server.server.wait_for_log("event=deferred", timeout=60)
    messages = wait_until(target.handler.received, "the retried delivery")
    check_equal(messages[0][1], ["later@example.net"], "recipient after the retry")
    wait_until(lambda: queue_count(server) == 0, "the entry to leave the queue")
    check_equal(server.mailbox(ALICE, "INBOX"), [], "alice's INBOX without a bounce")
    server.stop()
    target.stop()


@test
def permanent_failure_bounces(folder):
    target = sink()
    server = delivery_instance(folder, target.port)
    submit(server, ["nobody@example.net", "carol@example.net"], "half fails", marker("bounce"))

    wait_until(lambda: queue_count(server) == 0, "the entry to leave the queue")
    check_equal([m[1] for m in target.handler.received()], [["carol@example.net"]],
                "recipients the sink accepted")
    inbox = wait_until(lambda: server.mailbox(ALICE, "INBOX"), "the DSN in alice's INBOX")
    check_equal(len(inbox), 1, "DSNs in alice's INBOX")
    report = inbox[0][1]
    check_in(b"Content-Type: multipart/report; report-type=delivery-status", report, "DSN type")
    check_in(b"Final-Recipient: rfc822; nobody@example.net", report, "DSN recipient")
    check_in(b"Status: 5.1.1", report, "DSN status")
    check_in(b"Diagnostic-Code: smtp; 550 5.1.1 no such user here", report, "DSN diagnostic")
    check_in(b"Subject: half fails", report, "original header in the DSN")
    check(b"Final-Recipient: rfc822; carol@example.net" not in report,
          "the delivered recipient in the DSN")
    server.stop()
    target.stop()


@test
def queue_survives_sigkill(folder):
    sink_port = free_port()
    server = delivery_instance(folder, sink_port)
    body = marker("survivor")
    submit(server, ["carol@example.net"], "survive", body)
    server.server.wait_for_log("event=deferred", timeout=60)
    server.server.process.kill()
    server.server.process.wait(timeout=30)
    server.server.__exit__(None, None, None)
    check_equal(queue_count(server), 1, "entries after SIGKILL")

    target = sink(sink_port)
    server.server = server_process(*server.args)
    server.server.wait_for_log("event=start")
    run_ok("-c", server.config, "queue", "retry", "1")
    messages = wait_until(target.handler.received, "delivery after the restart")
    check_in(body.encode(), messages[0][2], "message after the restart")
    wait_until(lambda: queue_count(server) == 0, "the entry to leave the queue")
    server.stop()
    target.stop()


SMARTHOST_USER = "relay-user"
SMARTHOST_PASSWORD = "relay-password-8841"


def smarthost_sink(folder):
    """An aiosmtpd relay that requires STARTTLS and AUTH, with a certificate for localhost."""
    certificate = os.path.join(folder, "relay-cert.pem")
    key = os.path.join(folder, "relay-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", key, "-out", certificate, "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMARTHOST_USER.encode()
              and auth_data.password == SMARTHOST_PASSWORD.encode())
        logins.append((mechanism, auth_data.login if isinstance(auth_data, LoginPassword) else None, ok))
        return AuthResult(success=ok)

    relay = sink(tls_context=context, require_starttls=True, authenticator=authenticator,
                 auth_require_tls=True, auth_required=True)
    return relay, certificate, logins


def smarthost_instance(folder, relay, ca_file):
    password_file = os.path.join(folder, "relay-password")
    with open(password_file, "w") as file:
        file.write(SMARTHOST_PASSWORD + "\n")
    os.chmod(password_file, 0o600)
    overrides = ["limits.delivery_retry_seconds=1",
                 f"delivery.smarthost=localhost:{relay.port}",
                 f"delivery.smarthost_username={SMARTHOST_USER}",
                 f"delivery.smarthost_password_file={password_file}"]
    if ca_file:
        overrides.append(f"delivery.smarthost_ca_file={ca_file}")
    return instance(folder, overrides=overrides, route_remote_domains=False)


@test
def smarthost_relays_with_auth_over_tls(folder):
    relay, certificate, logins = smarthost_sink(folder)
    server = smarthost_instance(folder, relay, certificate)
    body = marker("smarthost")
    submit(server, ["carol@example.net", "erin@example.com"], "via relay", body)

    messages = wait_until(lambda: len(relay.handler.received()) == 2 and relay.handler.received(),
                          "both domains through the smarthost")
    check_equal(sorted(r for m in messages for r in m[1]), ["carol@example.net", "erin@example.com"],
                "recipients at the smarthost")
    check_in(body.encode(), messages[0][2], "message at the smarthost")
    check(logins and all(ok and mechanism == "PLAIN" for mechanism, _, ok in logins),
          f"smarthost logins: {logins!r}")
    line = server.server.wait_for_log("event=delivery_attempt")
    check_in("verified", line, "TLS check in the log")
    check("unverified" not in line, f"TLS check in the log: {line}")
    wait_until(lambda: queue_count(server) == 0, "the entries to leave the queue")
    server.stop()
    relay.stop()


@test
def smarthost_with_unverified_certificate_waits(folder):
    relay, _, logins = smarthost_sink(folder)
    server = smarthost_instance(folder, relay, None)
    submit(server, ["carol@example.net"], "no trust", marker("untrusted"))

    line = server.server.wait_for_log("event=deferred", timeout=60)
    check_in("recipients=1", line, "deferred entry")
    check_equal(relay.handler.received(), [], "messages at an unverified smarthost")
    check_equal(logins, [], "logins sent to an unverified smarthost")
    check_equal(queue_count(server), 1, "entries still queued")
    server.stop()
    relay.stop()


if __name__ == "__main__":
    sys.exit(main())
