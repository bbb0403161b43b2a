"""skrynka serve as an MX: real clients deliver into sealed INBOXes.

Each accepted message carries markers in its subject and body. After delivery no file
under the state folder (databases, -wal and -shm included) and no log line contains
them. The test-only mailbox_reader shows the exact bytes to the account owner.
"""
import hashlib
import os
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
from email.message import EmailMessage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mx_harness import HOST, MxInstance, body_after_trace, free_port, marker
from skrynka_cli import check, check_equal, check_in, main, test

SMUGGLING_VARIANTS = [b"\n.\r\n", b"\n.\n", b"\r\n.\n", b"\r.\r\n", b"\r\n.\r", b"\r.\r", b"\n.\r"]


def tls_context():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def start(folder, overrides=()):
    instance = MxInstance(folder, overrides)
    instance.start()
    return instance


def open_transaction(client, recipient=b"alice@example.org", mail_parameters=b""):
    check_equal(client.command(b"EHLO client.example.net")[0], 250, "EHLO")
    check_equal(client.command(b"MAIL FROM:<bob@example.net>" + mail_parameters)[0], 250, "MAIL")
    check_equal(client.command(b"RCPT TO:<" + recipient + b">")[0], 250, "RCPT")


@test
def smtplib_plain_delivery_is_sealed(folder):
    instance = start(folder)
    subject, body = marker("subject"), marker("body")
    message = EmailMessage()
    message["From"] = "Bob Example <bob@example.net>"
    message["To"] = "alice@example.org"
    message["Subject"] = subject.decode()
    message.set_content(f"hello\n{body.decode()}\n")
    with smtplib.SMTP(HOST, instance.port, timeout=30) as client:
        refused = client.send_message(message)
    check_equal(refused, {}, "refused recipients")

    inbox = instance.inbox()
    check_equal(len(inbox), 1, "messages in INBOX")
    check_in(subject, inbox[0], "stored message")
    check_in(body, inbox[0], "stored message")
    check(inbox[0].startswith(b"Return-Path: <bob@example.net>\r\nReceived: "), "trace headers")
    delivered = instance.wait_for_log("event=delivered")
    check_in("account=1", delivered, "delivery log line")
    check_in("queue_id=", delivered, "delivery log line")
    check("Bob Example" not in instance.log_text(), "sender display name in the log")
    instance.check_sealed(subject, body)
    instance.stop()
    instance.check_sealed(subject, body)


@test
def smtplib_starttls_delivery(folder):
    instance = start(folder)
    body = marker("tls")
    with smtplib.SMTP(HOST, instance.port, timeout=30) as client:
        client.ehlo("client.example.net")
        check(client.has_extn("starttls"), "STARTTLS not offered")
        client.starttls(context=tls_context())
        client.ehlo("client.example.net")
        client.sendmail("bob@example.net", ["alice@example.org"],
                        b"Subject: tls\r\n\r\n" + body + b"\r\n")
    inbox = instance.inbox()
    check_equal(len(inbox), 1, "messages in INBOX")
    check_in(b"with ESMTPS", inbox[0], "Received header")
    check(body_after_trace(inbox[0]) == b"Subject: tls\r\n\r\n" + body + b"\r\n", "stored bytes")
    instance.check_sealed(body)
    instance.stop()


@test
def swaks_plain_and_tls_delivery(folder):
    instance = start(folder)
    plain, secure = marker("swaks"), marker("swaks-tls")
    for extra, body in (([], plain), (["--tls"], secure)):
        result = subprocess.run(
            ["swaks", "--server", f"{HOST}:{instance.port}", "--helo", "client.example.net",
             "--from", "bob@example.net", "--to", "alice@example.org",
             "--header", f"Subject: {body.decode()}", "--body", body.decode(), *extra],
            capture_output=True, text=True, timeout=60)
        check_equal(result.returncode, 0, f"swaks exit status, output {result.stdout[-500:]!r}")
        check_in("250 2.0.0 Message accepted", result.stdout, "swaks transcript")
    inbox = instance.inbox()
    check_equal(len(inbox), 2, "messages in INBOX")
    check_in(plain, inbox[0], "first message")
    check_in(secure, inbox[1], "second message")
    instance.check_sealed(plain, secure)
    instance.stop()


@test
def pipelined_replies_keep_order(folder):
    # PIPELINING server rules (RFC 2920 §3.2): one reply per command in order, no 354
    # without an accepted recipient, and nothing delivered for the refused DATA.
    instance = start(folder)
    client = instance.connect()
    ehlo = client.command(b"EHLO client.example.net")
    check_in("PIPELINING", ehlo[1], "EHLO keywords")
    client.send(b"MAIL FROM:<bob@example.net>\r\nRCPT TO:<nobody@example.org>\r\n"
                b"RCPT TO:<alice@example.org>\r\nDATA\r\n")
    codes = [client.read_reply()[0] for _ in range(4)]
    check_equal(codes, [250, 550, 250, 354], "first batch")
    client.send(b"Subject: p1\r\n\r\nbody\r\n.\r\nMAIL FROM:<bob@example.net>\r\n"
                b"RCPT TO:<nobody@example.org>\r\nDATA\r\n")
    replies = [client.read_reply() for _ in range(4)]
    check_equal([code for code, _ in replies], [250, 250, 550, 554], "second batch")
    check_in("5.1.1", replies[2][1][0], "unknown user reply")
    check(not client.has_pending_input(1), "reply after the refused DATA")
    client.send(b"Subject: ignored\r\n\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n")
    codes = client.codes_until_eof()
    check_equal(codes[-3:], [250, 250, 221], "RSET NOOP QUIT")
    client.close()
    inbox = instance.inbox()
    check_equal(len(inbox), 1, "messages in INBOX")
    check(body_after_trace(inbox[0]) == b"Subject: p1\r\n\r\nbody\r\n", "stored p1")
    instance.stop()


@test
def bdat_chunks_are_stored_exactly(folder):
    instance = start(folder)
    client = instance.connect()
    open_transaction(client, mail_parameters=b" BODY=BINARYMIME")
    first = b"Subject: bdat\r\n\r\n"
    second = b"binary \x00\x01\xff body\r\nwith a bare\nLF kept\r\n"
    client.send(b"BDAT %d\r\n" % len(first) + first)
    check_equal(client.read_reply()[0], 250, "first chunk")
    client.send(b"BDAT %d LAST\r\n" % len(second) + second)
    check_equal(client.read_reply()[0], 250, "last chunk")
    check_equal(client.command(b"QUIT")[0], 221, "QUIT")
    client.close()
    inbox = instance.inbox()
    check_equal(len(inbox), 1, "messages in INBOX")
    check(body_after_trace(inbox[0]) == first + second, f"stored {inbox[0]!r}")
    instance.stop()


@test
def eightbitmime_and_smtputf8(folder):
    # RFC 6531 §3.4 and §3.5, RFC 6152: UTF-8 addresses only with SMTPUTF8, headers
    # and 8-bit bodies stored byte for byte.
    instance = start(folder)
    client = instance.connect()
    ehlo = client.command(b"EHLO client.example.net")
    check_in("8BITMIME", ehlo[1], "EHLO keywords")
    check_in("SMTPUTF8", ehlo[1], "EHLO keywords")
    code, lines = client.command("MAIL FROM:<jörg@example.net>".encode())
    check(code in (550, 553) and lines[0].startswith("5.6.7"), f"UTF-8 sender without SMTPUTF8: {code} {lines}")
    check_equal(client.command(b"RSET")[0], 250, "RSET")

    check_equal(client.command("MAIL FROM:<jörg@example.net> SMTPUTF8".encode())[0], 250, "MAIL")
    check_equal(client.command(b"RCPT TO:<alice@example.org>")[0], 250, "RCPT")
    check_equal(client.command(b"DATA")[0], 354, "DATA")
    utf8_message = "From: Jörg <jörg@example.net>\r\nTo: alice@example.org\r\nSubject: Grüße\r\n\r\nHallo\r\n".encode()
    client.send(utf8_message + b".\r\n")
    check_equal(client.read_reply()[0], 250, "end of SMTPUTF8 data")

    check_equal(client.command(b"MAIL FROM:<bob@example.net> BODY=8BITMIME")[0], 250, "MAIL")
    check_equal(client.command(b"RCPT TO:<alice@example.org>")[0], 250, "RCPT")
    check_equal(client.command(b"DATA")[0], 354, "DATA")
    eight_bit = "Subject: plain ascii header\r\n\r\nGrüße im Text\r\n".encode()
    client.send(eight_bit + b".\r\n")
    check_equal(client.read_reply()[0], 250, "end of 8BITMIME data")

    check_equal(client.command(b"MAIL FROM:<bob@example.net> SMTPUTF8")[0], 250, "MAIL")
    code, lines = client.command("RCPT TO:<ålice@example.org>".encode())
    check_equal(code, 550, "unknown UTF-8 recipient")
    check(lines[0].startswith("5.1.1"), f"enhanced code {lines}")
    check_equal(client.command(b"QUIT")[0], 221, "QUIT")
    client.close()

    inbox = instance.inbox()
    check_equal(len(inbox), 2, "messages in INBOX")
    check(body_after_trace(inbox[0]) == utf8_message, "UTF-8 message bytes")
    check(body_after_trace(inbox[1]) == eight_bit, "8-bit message bytes")
    check_in(b"with UTF8SMTP", inbox[0], "Received protocol")
    instance.stop()


@test
def oversize_messages_are_refused(folder):
    instance = start(folder, ["limits.smtp_message_size_max=65536"])
    client = instance.connect()
    ehlo = client.command(b"EHLO client.example.net")
    check_in("SIZE 65536", ehlo[1], "EHLO keywords")
    code, lines = client.command(b"MAIL FROM:<bob@example.net> SIZE=70000")
    check_equal(code, 552, "declared size over the limit")
    check_equal(client.command(b"MAIL FROM:<bob@example.net>")[0], 250, "MAIL")
    check_equal(client.command(b"RCPT TO:<alice@example.org>")[0], 250, "RCPT")
    check_equal(client.command(b"DATA")[0], 354, "DATA")
    big = marker("oversize")
    client.send(b"Subject: big\r\n\r\n" + (big + b"\r\n") * 3000 + b".\r\n")
    code, lines = client.read_reply()
    check_equal(code, 552, "message over the limit")
    check_equal(client.command(b"QUIT")[0], 221, "QUIT")
    client.close()
    check_equal(instance.inbox(), [], "INBOX")
    instance.check_sealed(big)
    instance.stop()


@test
def unknown_user_and_relay_are_refused(folder):
    instance = start(folder)
    client = instance.connect()
    check_equal(client.command(b"EHLO client.example.net")[0], 250, "EHLO")
    check_equal(client.command(b"MAIL FROM:<bob@example.net>")[0], 250, "MAIL")
    cases = [
        (b"nobody@example.org", 550, "5.1.1"),
        (b"alice@example.net", 554, "5.7.1"),
        (b"alice@[127.0.0.1]", 554, "5.7.1"),
        (b"ALICE@EXAMPLE.ORG", 250, "2.1.5"),
    ]
    for address, expected_code, expected_status in cases:
        code, lines = client.command(b"RCPT TO:<" + address + b">")
        check_equal(code, expected_code, f"RCPT {address!r}")
        check(lines[0].startswith(expected_status), f"RCPT {address!r}: {lines}")
    check_equal(client.command(b"QUIT")[0], 221, "QUIT")
    client.close()
    with smtplib.SMTP(HOST, instance.port, timeout=30) as smtp:
        try:
            smtp.sendmail("bob@example.net", ["carol@example.com"], b"Subject: relay\r\n\r\nx\r\n")
            check(False, "relay accepted")
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients["carol@example.com"]
            check_equal(code, 554, "relay reply code")
            check_in(b"5.7.1", text, "relay reply")
    check_equal(instance.inbox(), [], "INBOX")
    instance.stop()


@test
def alias_and_tag_reach_the_account(folder):
    instance = start(folder)
    tagged, aliased, both = marker("tag"), marker("alias"), marker("both")
    with smtplib.SMTP(HOST, instance.port, timeout=30) as client:
        client.sendmail("bob@example.net", ["alice+news@example.org"], b"Subject: t\r\n\r\n" + tagged + b"\r\n")
        client.sendmail("bob@example.net", ["lists@example.org"], b"Subject: a\r\n\r\n" + aliased + b"\r\n")
        # Three addresses of one account and one of another: one copy each.
        client.sendmail("bob@example.net",
                        ["alice@example.org", "lists+x@example.org", "alice+y@example.org", "bob@example.org"],
                        b"Subject: b\r\n\r\n" + both + b"\r\n")
    inbox = instance.inbox()
    check_equal(len(inbox), 3, "messages for alice")
    check_in(b"for <alice+news@example.org>", inbox[0], "Received keeps the tag")
    check(body_after_trace(inbox[0]).endswith(tagged + b"\r\n"), "tagged message")
    check_in(b"for <lists@example.org>", inbox[1], "Received names the alias")
    check(body_after_trace(inbox[2]).endswith(both + b"\r\n"), "multi-recipient message")
    bob = instance.inbox("bob@example.org")
    check_equal(len(bob), 1, "messages for bob")
    check(body_after_trace(bob[0]).endswith(both + b"\r\n"), "bob's copy")
    check(b"for <" not in bob[0], "Received of a multi-recipient copy names no recipient")
    instance.check_sealed(tagged, aliased, both)
    instance.stop()


@test
def smuggling_variants_never_split(folder):
    # Only CR LF "." CR LF ends message text (RFC 5321 §4.1.1.4 and §2.3.8).
    instance = start(folder)
    for variant in SMUGGLING_VARIANTS:
        client = instance.connect()
        open_transaction(client)
        check_equal(client.command(b"DATA")[0], 354, "DATA")
        client.send(b"From: bob@example.net\r\nTo: alice@example.org\r\nSubject: one\r\n\r\nfirst"
                    + variant
                    + b"MAIL FROM:<ceo@example.org>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
                      b"From: ceo@example.org\r\nSubject: two\r\n\r\nsmuggled\r\n.\r\n")
        client.send(b"QUIT\r\n")
        codes = client.codes_until_eof()
        client.close()
        check_equal(len(codes), 2, f"replies for {variant!r}: {codes}")
        check(codes[0] == 250 or 500 <= codes[0] < 600, f"end of data for {variant!r}: {codes}")
        check_equal(codes[1], 221, f"QUIT for {variant!r}")
    inbox = instance.inbox()
    check(len(inbox) <= len(SMUGGLING_VARIANTS), "more messages than transactions")
    for message in inbox:
        header = body_after_trace(message).split(b"\r\n\r\n", 1)[0]
        check(b"Subject: two" not in header, f"smuggled message stored: {message!r}")
    instance.stop()


@test
def dot_stuffing_is_removed_once(folder):
    # RFC 5321 §4.5.2: the receiver deletes the first of two leading dots, on the first
    # line of the text too.
    instance = start(folder)
    client = instance.connect()
    open_transaction(client)
    check_equal(client.command(b"DATA")[0], 354, "DATA")
    client.send(b"Subject: dots\r\n\r\n..first\r\n..\r\n...two\r\nend\r\n.\r\n")
    check_equal(client.read_reply()[0], 250, "transcript A")
    check_equal(client.command(b"MAIL FROM:<bob@example.net>")[0], 250, "MAIL")
    check_equal(client.command(b"RCPT TO:<alice@example.org>")[0], 250, "RCPT")
    check_equal(client.command(b"DATA")[0], 354, "DATA")
    client.send(b"..hello\r\n.\r\n")
    check_equal(client.read_reply()[0], 250, "transcript B")
    check_equal(client.command(b"QUIT")[0], 221, "QUIT")
    client.close()
    inbox = instance.inbox()
    check_equal(len(inbox), 2, "messages in INBOX")
    check(body_after_trace(inbox[0]) == b"Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n", f"A: {inbox[0]!r}")
    check(body_after_trace(inbox[1]) == b".hello\r\n", f"B: {inbox[1]!r}")
    instance.stop()


@test
def starttls_discards_pipelined_cleartext(folder):
    # RFC 3207 §4.2: nothing read in cleartext after STARTTLS is executed.
    instance = start(folder)
    for second_write in (False, True):
        client = instance.connect()
        check_equal(client.command(b"EHLO client.example.net")[0], 250, "EHLO")
        if second_write:
            client.send(b"STARTTLS\r\n")
            client.send(b"RSET\r\n")
        else:
            client.send(b"STARTTLS\r\nMAIL FROM:<attacker@example.net>\r\n")
        check_equal(client.read_reply()[0], 220, "STARTTLS")
        try:
            client.starttls()
            injected_reply = client.has_pending_input(1)
        except (ssl.SSLError, ConnectionError, OSError):
            # The RSET of the second write reached the TLS layer as cleartext and the
            # server dropped the connection, which RFC 3207 §4.2 allows.
            check(second_write, "TLS handshake failed without injected cleartext")
            client.close()
            continue
        check(not injected_reply, "reply to injected cleartext")
        code, lines = client.command(b"EHLO client.example.net")
        check_equal(code, 250, "EHLO after TLS")
        check(len(lines) > 1, f"EHLO after TLS is not the multi-line reply: {lines}")
        check_equal(client.command(b"RCPT TO:<alice@example.org>")[0], 503, "RCPT without MAIL")
        check_equal(client.command(b"QUIT")[0], 221, "QUIT")
        client.close()
    # Variant C: the word STARTTLS in a body is ordinary text.
    with smtplib.SMTP(HOST, instance.port, timeout=30) as smtp:
        smtp.sendmail("bob@example.net", ["alice@example.org"], b"Subject: c\r\n\r\nSTARTTLS\r\n")
    inbox = instance.inbox()
    check_equal(len(inbox), 1, "messages in INBOX")
    check(body_after_trace(inbox[0]) == b"Subject: c\r\n\r\nSTARTTLS\r\n", "variant C")
    instance.stop()


@test
def large_attachment_round_trips(folder):
    instance = start(folder)
    attachment = os.urandom(20 * 1024 * 1024)
    subject, body = marker("large-subject"), marker("large-body")
    message = EmailMessage()
    message["From"] = "bob@example.net"
    message["To"] = "alice@example.org"
    message["Subject"] = subject.decode()
    message.set_content(body.decode() + "\n")
    message.add_attachment(attachment, maintype="application", subtype="octet-stream",
                           filename="random.bin")
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    with smtplib.SMTP(HOST, instance.port, timeout=120) as client:
        check_equal(client.sendmail("bob@example.net", ["alice@example.org"], raw), {}, "refused")
    inbox = instance.inbox()
    check_equal(len(inbox), 1, "messages in INBOX")
    stored = body_after_trace(inbox[0])
    check_equal(hashlib.sha256(stored).hexdigest(), hashlib.sha256(raw).hexdigest(), "stored digest")
    middle = raw[len(raw) // 2:len(raw) // 2 + 64]
    instance.check_sealed(subject, body, middle)
    instance.stop()


@test
def storage_failure_replies_451(folder):
    # A mailbox database that cannot be opened fails that delivery with 451 4.3.0 and
    # stores nothing; other accounts keep receiving.
    instance = start(folder)
    os.remove(os.path.join(instance.state, "mailboxes", "1.db"))
    with smtplib.SMTP(HOST, instance.port, timeout=30) as client:
        try:
            client.sendmail("bob@example.net", ["alice@example.org"], b"Subject: lost\r\n\r\nx\r\n")
            check(False, "delivery to a missing database was accepted")
        except smtplib.SMTPDataError as error:
            check_equal(error.smtp_code, 451, "reply code")
            check_in(b"4.3.0", error.smtp_error, "reply text")
        client.sendmail("bob@example.net", ["bob@example.org"], b"Subject: kept\r\n\r\ny\r\n")
    failed = instance.wait_for_log("event=delivery_failed")
    check_in("account=1", failed, "failure log line")
    check_equal(len(instance.inbox("bob@example.org")), 1, "messages for bob")
    check(not os.path.exists(os.path.join(instance.state, "mailboxes", "1.db")),
          "a failed delivery created a mailbox database")
    instance.stop()


@test
def sighup_reloads_the_certificate(folder):
    instance = start(folder)
    instance.server.process.send_signal(signal.SIGHUP)
    instance.wait_for_log("event=tls_reloaded")
    with smtplib.SMTP(HOST, instance.port, timeout=30) as client:
        client.starttls(context=tls_context())
        client.sendmail("bob@example.net", ["alice@example.org"], b"Subject: r\r\n\r\nafter reload\r\n")
    check_equal(len(instance.inbox()), 1, "messages in INBOX")
    instance.stop()


@test
def ipv4_and_ipv6_share_a_port(folder):
    # Binding [::1] with IPV6_V6ONLY leaves the same port free for 127.0.0.1.
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        print("skip: no IPv6 loopback")
        return
    instance = MxInstance(folder)
    instance.port = free_port()
    instance.start(listen=f"[::1]:{instance.port},127.0.0.1:{instance.port}")
    for family, address in ((socket.AF_INET6, "::1"), (socket.AF_INET, HOST)):
        with socket.socket(family) as connection:
            connection.settimeout(10)
            connection.connect((address, instance.port))
            check(connection.recv(512).startswith(b"220 "), f"greeting on {address}")
    instance.stop()


if __name__ == "__main__":
    sys.exit(main())
