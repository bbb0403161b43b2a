"""Submission on ports 587 (STARTTLS) and 465 (implicit TLS) of a real `skrynka serve`.

Clients are smtplib, swaks and raw sockets. What was sent is read back over IMAPS: the
recipient's INBOX and the sender's Sent mailbox, with the headers the server adds, and
the markers must not appear in plaintext in any file of the instance.
"""

import base64
import imaplib
import os
import re
import smtplib
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import check, check_equal, check_in, main, run_ok, test
from submission_harness import (ALICE, BOB, HOST, PASSWORDS, instance, marker,
                                message_text)

class raw_client:
    """Raw SMTP over a socket that can be wrapped in TLS, for exact bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def read_reply(self):
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                data = self.sock.recv(65536)
                if not data:
                    raise EOFError(f"connection closed after {lines!r}")
                self.buffer += data
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            lines.append(line)
            if line[3:4] != b"-":
                return int(line[:3]), b"\n".join(lines)

    def command(self, line):
        self.sock.sendall(line + b"\r\n")
        return self.read_reply()

    def codes_until_eof(self):
        codes = []
        while True:
            try:
                code, _ = self.read_reply()
            except (EOFError, ConnectionResetError):
                return codes
            codes.append(code)


def raw_submission(server, implicit_tls):
    """A raw client in TLS after EHLO, on 465 or on 587 after STARTTLS."""
    context = server.tls_context()
    if implicit_tls:
        sock = context.wrap_socket(
            socket.create_connection((HOST, server.submissions_port), timeout=30))
        client = raw_client(sock)
        check_equal(client.read_reply()[0], 220, "greeting on 465")
    else:
        client = raw_client(socket.create_connection((HOST, server.submission_port), timeout=30))
        check_equal(client.read_reply()[0], 220, "greeting on 587")
        check_equal(client.command(b"EHLO client.example.net")[0], 250, "cleartext EHLO")
        check_equal(client.command(b"STARTTLS")[0], 220, "STARTTLS")
        client.sock = context.wrap_socket(client.sock)
    code, text = client.command(b"EHLO client.example.net")
    check_equal(code, 250, "EHLO in TLS")
    check_in(b"AUTH PLAIN LOGIN", text, "EHLO in TLS")
    return client


def plain(authzid, authcid, password):
    return base64.b64encode(f"{authzid}\0{authcid}\0{password}".encode())


@test
def starttls_submission_delivers_and_keeps_sent_copy(folder):
    server = instance(folder)
    body = marker("body")
    with server.starttls_client() as client:
        client.login(ALICE, PASSWORDS[ALICE])
        refused = client.sendmail(ALICE, [BOB], message_text(ALICE, BOB, "hello bob", body))
        check_equal(refused, {}, "refused recipients")

    inbox = server.mailbox(BOB, "INBOX")
    check_equal(len(inbox), 1, "messages in bob's INBOX")
    received = inbox[0][1]
    check_in(body.encode(), received, "bob's copy")
    check_in(b"\r\nReceived: by localhost with ESMTPSA id", received,
             "Received field of an authenticated session")
    header = received.split(b"\r\n\r\n", 1)[0]
    check(b"127.0.0.1" not in header and b"client.example" not in header,
          f"client address or EHLO name in the header: {header!r}")
    check(re.search(rb"\r\nDate: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} ", received),
          f"added Date in {received[:400]!r}")
    check(re.search(rb"\r\nMessage-ID: <[0-9a-f]{32}@localhost>\r\n", received),
          f"added Message-ID in {received[:400]!r}")

    sent = server.mailbox(ALICE, "Sent")
    check_equal(len(sent), 1, "messages in alice's Sent")
    check_in("\\Seen", sent[0][0], "flags of the Sent copy")
    check_in(body.encode(), sent[0][1], "Sent copy")
    check_equal(server.mailbox(ALICE, "INBOX"), [], "alice's INBOX")

    server.stop()
    check_equal(server.files_containing(body.encode()), [], "files with the body in plaintext")


@test
def received_field_names_client_when_shown(folder):
    server = instance(folder, overrides=["submission.received_client=show"])
    with server.starttls_client() as client:
        client.login(ALICE, PASSWORDS[ALICE])
        client.sendmail(ALICE, [BOB], message_text(ALICE, BOB, "shown", marker("body")))

    received = server.mailbox(BOB, "INBOX")[0][1]
    pattern = rb"\r\nReceived: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby localhost with ESMTPSA"
    check(re.search(pattern, received), f"Received field naming the client in {received[:400]!r}")
    server.stop()


@test
def implicit_tls_with_app_password_and_alias(folder):
    server = instance(folder)
    with server.implicit_tls_client() as client:
        client.login(ALICE, server.app_password)
        client.sendmail("info@example.org", [BOB],
                        message_text('"Info" <info@example.org>', BOB, "from the alias", "hi",
                                     "Message-ID: <kept-1@example.org>\r\n"))
    inbox = server.mailbox(BOB, "INBOX")
    check_equal(len(inbox), 1, "messages in bob's INBOX")
    check_equal(inbox[0][1].count(b"Message-ID:"), 1, "Message-ID fields")
    check_in(b"Message-ID: <kept-1@example.org>", inbox[0][1], "kept Message-ID")
    server.stop()


@test
def forged_senders_are_rejected(folder):
    server = instance(folder)
    with server.starttls_client() as client:
        client.login(ALICE, PASSWORDS[ALICE])
        code, text = client.mail(BOB)
        check_equal((code, text[:5]), (553, b"5.7.1"), "MAIL FROM another user")
        client.rset()
        code, _ = client.mail("")
        check_equal(code, 553, "MAIL FROM the null path")
        client.rset()

        try:
            client.sendmail(ALICE, [BOB], message_text("CEO <ceo@example.org>", BOB, "forged",
                                                       "pay now"))
            raise AssertionError("a forged From was accepted")
        except smtplib.SMTPDataError as error:
            check_equal((error.smtp_code, error.smtp_error[:5]), (553, b"5.7.1"), "forged From")

    check_equal(server.mailbox(BOB, "INBOX"), [], "bob's INBOX")
    check_equal(server.mailbox(ALICE, "Sent"), [], "alice's Sent")
    server.stop()


@test
def auth_needs_tls_and_right_password(folder):
    server = instance(folder)
    client = raw_client(socket.create_connection((HOST, server.submission_port), timeout=30))
    check_equal(client.read_reply()[0], 220, "greeting")
    code, text = client.command(b"EHLO client.example.net")
    check(b"AUTH" not in text, f"AUTH offered in cleartext: {text!r}")
    check_equal(client.command(b"AUTH PLAIN " + plain("", ALICE, PASSWORDS[ALICE]))[0], 530,
                "AUTH in cleartext")
    check_equal(client.command(b"MAIL FROM:<alice@example.org>")[0], 530, "MAIL without AUTH")
    client.sock.close()

    with server.starttls_client() as smtp:
        try:
            smtp.login(ALICE, "wrong password")
            raise AssertionError("a wrong password logged in")
        except smtplib.SMTPAuthenticationError as error:
            check_equal(error.smtp_code, 535, "wrong password")
    server.stop()


@test
def sasl_plain_and_login_edge_cases(folder):
    server = instance(folder)
    password = PASSWORDS[ALICE]
    blocks = [
        (plain("", ALICE, password), 235),
        (plain(ALICE, ALICE, password), 235),
        (plain(BOB, ALICE, password), 535),
        (base64.b64encode(f"{ALICE}\0\0{password}".encode()), 501),
        (plain("", ALICE, "wrong"), 535),
    ]
    for response, expected in blocks:
        client = raw_submission(server, implicit_tls=True)
        check_equal(client.command(b"AUTH PLAIN " + response)[0], expected, f"AUTH PLAIN {response!r}")
        if expected == 235:
            check_equal(client.command(b"MAIL FROM:<bob@example.org>")[0], 553, "MAIL as bob")
            check_equal(client.command(b"MAIL FROM:<alice@example.org>")[0], 250, "MAIL as alice")
        else:
            check_equal(client.command(b"MAIL FROM:<alice@example.org>")[0], 530, "MAIL unauthenticated")
        client.sock.close()

    client = raw_submission(server, implicit_tls=False)
    # The reply reader splits at CR LF, so b"334 " means exactly "334 " CR LF on the wire.
    check_equal(client.command(b"AUTH PLAIN"), (334, b"334 "), "empty PLAIN challenge")
    check_equal(client.command(plain("", ALICE, password))[0], 235, "PLAIN after the challenge")
    client.sock.close()

    client = raw_submission(server, implicit_tls=False)
    check_equal(client.command(b"AUTH PLAIN"), (334, b"334 "), "PLAIN challenge")
    check_equal(client.command(b"*")[0], 501, "cancelled PLAIN")
    client.sock.close()

    client = raw_submission(server, implicit_tls=True)
    check_equal(client.command(b"AUTH LOGIN"), (334, b"334 VXNlcm5hbWU6"), "LOGIN username prompt")
    check_equal(client.command(base64.b64encode(ALICE.encode())), (334, b"334 UGFzc3dvcmQ6"),
                "LOGIN password prompt")
    check_equal(client.command(base64.b64encode(password.encode()))[0], 235, "LOGIN")
    client.sock.close()
    server.stop()


SMUGGLING_VARIANTS = [b"\n.\r\n", b"\n.\n", b"\r\n.\n", b"\r.\r\n", b"\r\n.\r", b"\r.\r", b"\n.\r"]


@test
def smuggling_variants_on_submission(folder):
    server = instance(folder)
    for variant in SMUGGLING_VARIANTS:
        client = raw_submission(server, implicit_tls=False)
        check_equal(client.command(b"AUTH PLAIN " + plain("", ALICE, PASSWORDS[ALICE]))[0], 235,
                    "AUTH")
        check_equal(client.command(b"MAIL FROM:<alice@example.org>")[0], 250, "MAIL")
        check_equal(client.command(b"RCPT TO:<bob@example.org>")[0], 250, "RCPT")
        check_equal(client.command(b"DATA")[0], 354, "DATA")
        client.sock.sendall(
            b"From: alice@example.org\r\nTo: bob@example.org\r\nSubject: one\r\n\r\nfirst" +
            variant + b"MAIL FROM:<ceo@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
            b"From: ceo@example.org\r\nSubject: two\r\n\r\nsmuggled\r\n.\r\n")
        client.sock.sendall(b"QUIT\r\n")
        codes = client.codes_until_eof()
        check(len(codes) == 2 and (codes[0] == 250 or codes[0] // 100 == 5) and codes[1] == 221,
              f"replies after DATA for {variant!r}: {codes}")
        client.sock.close()

    inbox = server.mailbox(BOB, "INBOX")
    check(len(inbox) <= len(SMUGGLING_VARIANTS), f"{len(inbox)} messages for 7 variants")
    for _, message in inbox:
        check(not re.search(rb"(?m)^Subject: two\r?$", message.split(b"\r\n\r\n", 1)[0]),
              f"smuggled message stored: {message[:300]!r}")
    server.stop()


@test
def swaks_submits_over_starttls(folder):
    server = instance(folder)
    body = marker("swaks")
    result = subprocess.run(
        ["swaks", "--server", HOST, "--port", str(server.submission_port), "--tls",
         "--auth", "PLAIN", "--auth-user", ALICE, "--auth-password", server.app_password,
         "--from", ALICE, "--to", BOB, "--header", f"From: {ALICE}", "--body", body,
         "--timeout", "30"],
        capture_output=True, text=True, timeout=120)
    check_equal(result.returncode, 0, f"swaks exit status, output:\n{result.stdout[-2000:]}")
    check_in(body.encode(), server.mailbox(BOB, "INBOX")[0][1], "swaks message")

    forged = subprocess.run(
        ["swaks", "--server", HOST, "--port", str(server.submissions_port), "--tls-on-connect",
         "--auth", "LOGIN", "--auth-user", ALICE, "--auth-password", PASSWORDS[ALICE],
         "--from", ALICE, "--to", BOB, "--header", "From: ceo@example.org", "--timeout", "30"],
        capture_output=True, text=True, timeout=120)
    check(forged.returncode != 0, "swaks with a forged From succeeded")
    check_in("553 5.7.1", forged.stdout, "swaks transcript")
    server.stop()


@test
def remote_recipients_are_queued_encrypted(folder):
    server = instance(folder)
    body = marker("queued")
    with server.starttls_client() as client:
        client.login(ALICE, PASSWORDS[ALICE])
        refused = client.sendmail(ALICE, ["carol@example.net", "dave@example.com", BOB],
                                  message_text(ALICE, "carol@example.net", "out", body))
        check_equal(refused, {}, "refused recipients")
    check_equal(len(server.mailbox(BOB, "INBOX")), 1, "local copy")

    listing = run_ok("-c", server.config, "queue", "list").stdout
    check_in("2 entries queued", listing, "queue list")
    check_in("to=carol@example.net", listing, "queue list")
    check_in("to=dave@example.com", listing, "queue list")
    check_equal(server.files_containing(body.encode()), [], "files with the body in plaintext")

    first = re.match(r"(\d+) ", listing).group(1)
    run_ok("-c", server.config, "queue", "delete", first)
    check_in("1 entry queued", run_ok("-c", server.config, "queue", "list").stdout,
             "queue list after delete")
    server.stop()
    check_equal(server.files_containing(body.encode()), [], "files with the body in plaintext")


@test
def logins_and_sent_copies_are_audited(folder):
    server = instance(folder)
    with server.starttls_client() as client:
        try:
            client.login(ALICE, "wrong password")
            raise AssertionError("a wrong password logged in")
        except smtplib.SMTPAuthenticationError:
            pass
        client.login(ALICE, PASSWORDS[ALICE])
        client.sendmail(ALICE, [BOB], message_text(ALICE, BOB, "audited", "x"))
    server.stop()

    def shown(event):
        return run_ok("-c", server.config, "audit", "show", "--event", event).stdout

    successes = shown("login.success")
    check_in("proto=submission", successes, "login.success records")
    failures = shown("login.failure")
    check_in("proto=submission", failures, "login.failure records")
    check_in("reason=bad_credentials", failures, "login.failure records")
    deliveries = shown("message.deliver")
    check(deliveries.count("proto=submission") == 1,
          f"one submission delivery record (the Sent copy): {deliveries}")
    check(deliveries.count("proto=smtp") == 1, f"one local delivery record: {deliveries}")


@test
def sent_copy_recreates_a_deleted_sent_mailbox(folder):
    server = instance(folder)
    client = imaplib.IMAP4_SSL(HOST, server.imaps_port, ssl_context=server.tls_context(),
                               timeout=30)
    client.login(ALICE, PASSWORDS[ALICE])
    check_equal(client.delete("Sent")[0], "OK", "DELETE Sent")
    client.logout()

    with server.starttls_client() as smtp:
        smtp.login(ALICE, PASSWORDS[ALICE])
        smtp.sendmail(ALICE, [BOB], message_text(ALICE, BOB, "after delete", "x"))

    client = imaplib.IMAP4_SSL(HOST, server.imaps_port, ssl_context=server.tls_context(),
                               timeout=30)
    client.login(ALICE, PASSWORDS[ALICE])
    status, listing = client.list('""', "Sent")
    client.logout()
    check_equal(status, "OK", "LIST Sent")
    check(listing and b"\\Sent" in listing[0], f"Sent mailbox without \\Sent: {listing!r}")
    check_equal(len(server.mailbox(ALICE, "Sent")), 1, "messages in the new Sent")
    server.stop()


@test
def starttls_drops_pipelined_cleartext(folder):
    server = instance(folder)
    client = raw_client(socket.create_connection((HOST, server.submission_port), timeout=30))
    check_equal(client.read_reply()[0], 220, "greeting")
    check_equal(client.command(b"EHLO client.example.net")[0], 250, "EHLO")
    client.sock.sendall(b"STARTTLS\r\nAUTH PLAIN " + plain("", ALICE, PASSWORDS[ALICE]) +
                        b"\r\nMAIL FROM:<alice@example.org>\r\n")
    check_equal(client.read_reply()[0], 220, "STARTTLS")
    check_equal(client.buffer, b"", "cleartext after the STARTTLS reply")
    client.sock = server.tls_context().wrap_socket(client.sock)
    client.sock.settimeout(1)
    try:
        early = client.sock.recv(4096)
    except socket.timeout:
        early = b""
    check_equal(early, b"", "replies to the injected commands")
    client.sock.settimeout(30)
    check_equal(client.command(b"MAIL FROM:<alice@example.org>")[0], 503, "MAIL before EHLO")
    check_equal(client.command(b"EHLO client.example.net")[0], 250, "EHLO in TLS")
    check_equal(client.command(b"MAIL FROM:<alice@example.org>")[0], 530,
                "MAIL without AUTH in this TLS session")
    client.sock.close()
    server.stop()


@test
def sending_rate_is_limited_per_account(folder):
    server = instance(folder, overrides=["limits.submission_messages_per_hour=2"])
    with server.starttls_client() as client:
        client.login(ALICE, PASSWORDS[ALICE])
        for number in range(2):
            client.sendmail(ALICE, [BOB], message_text(ALICE, BOB, f"n{number}", "x"))
        try:
            client.sendmail(ALICE, [BOB], message_text(ALICE, BOB, "n3", "x"))
            raise AssertionError("the third message within the hour was accepted")
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients[BOB]
            check_equal((code, text[:5]), (450, b"4.7.1"), "rate-limited recipient")
    # Another account has its own budget.
    with server.implicit_tls_client() as client:
        client.login(BOB, PASSWORDS[BOB])
        client.sendmail(BOB, [ALICE], message_text(BOB, ALICE, "from bob", "x"))
    check_equal(len(server.mailbox(BOB, "INBOX")), 2, "messages in bob's INBOX")
    server.stop()


if __name__ == "__main__":
    sys.exit(main())
