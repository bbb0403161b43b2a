"""SMTP receiving end to end: smtplib and swaks deliveries, STARTTLS, pipelining,
BDAT, 8BITMIME, SMTPUTF8, size limits, recipient refusals, dot-unstuffing and the
per-session error and per-address connection limits."""
import email
import smtplib
import ssl
import subprocess
import time
import unittest

from smtp_harness import TestServer, body_after_trace

SMALL_LIMIT = 64 * 1024
IDLE_SECONDS = 1


def setUpModule():
    global server, small_server
    server = TestServer().__enter__()
    small_server = TestServer(message_size_max=SMALL_LIMIT, idle_seconds=IDLE_SECONDS).__enter__()


def tearDownModule():
    server.__exit__(None, None, None)
    small_server.__exit__(None, None, None)


def new_messages(instance, before):
    return instance.messages()[before:]


def open_transaction(instance, mail=b"MAIL FROM:<bob@example.net>"):
    client = instance.connect()
    assert client.read_reply()[0] == 220
    assert client.command(b"EHLO client.example.net")[0] == 250
    assert client.command(mail)[0] == 250
    assert client.command(b"RCPT TO:<alice@example.org>")[0] == 250
    return client


class DeliveryTest(unittest.TestCase):
    def test_smtplib_plain_delivery(self):
        before = len(server.messages())
        with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.net") as smtp:
            refused = smtp.sendmail("bob@example.net", ["alice@example.org"],
                                    b"Subject: plain\r\n\r\nhello\r\n")
        self.assertEqual(refused, {})
        stored = new_messages(server, before)
        self.assertEqual(len(stored), 1)
        self.assertTrue(stored[0].startswith(b"Return-Path: <bob@example.net>\r\nReceived: from client.example.net ([127.0.0.1])\r\n"))
        self.assertEqual(body_after_trace(stored[0]), b"Subject: plain\r\n\r\nhello\r\n")
        parsed = email.message_from_bytes(stored[0])
        self.assertIn("for <alice@example.org>", parsed["Received"])

    def test_smtplib_starttls_delivery(self):
        before = len(server.messages())
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.net") as smtp:
            smtp.starttls(context=context)
            smtp.sendmail("bob@example.net", ["alice@example.org"], b"Subject: tls\r\n\r\nhi\r\n")
        stored = new_messages(server, before)
        self.assertEqual(len(stored), 1)
        self.assertIn(b"with ESMTPS id", stored[0])

    def test_swaks_delivery_plain_and_tls(self):
        option_sets = [[]]
        # swaks needs the Perl module Net::SSLeay (Debian libnet-ssleay-perl) for --tls.
        # TODO: add libnet-ssleay-perl to scripts/bootstrap so this always runs.
        if subprocess.run(["perl", "-MNet::SSLeay", "-e", "1"], capture_output=True).returncode == 0:
            option_sets.append(["--tls"])
        else:
            print("NOTE: Net::SSLeay is missing, so swaks runs without --tls")
        for extra in option_sets:
            with self.subTest(options=extra):
                before = len(server.messages())
                result = subprocess.run(
                    ["swaks", "--server", "127.0.0.1", "--port", str(server.port),
                     "--helo", "client.example.net", "--from", "bob@example.net",
                     "--to", "alice@example.org", "--header", "Subject: swaks",
                     "--body", "hello from swaks", "--timeout", "10"] + extra,
                    capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                stored = new_messages(server, before)
                self.assertEqual(len(stored), 1)
                self.assertIn(b"Subject: swaks", stored[0])

    def test_unknown_user_and_relay(self):
        client = server.connect()
        client.read_reply()
        client.command(b"EHLO client.example.net")
        client.command(b"MAIL FROM:<bob@example.net>")
        self.assertEqual(client.command(b"RCPT TO:<nobody@example.org>"), (550, ["5.1.1 Mailbox does not exist"]))
        self.assertEqual(client.command(b"RCPT TO:<victim@example.net>"), (554, ["5.7.1 Relay access denied"]))
        self.assertEqual(client.command(b"DATA")[0], 554)
        self.assertEqual(client.command(b"QUIT")[0], 221)
        client.close()

    def test_smtplib_reports_refused_recipient(self):
        with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.net") as smtp:
            with self.assertRaises(smtplib.SMTPRecipientsRefused) as refused:
                smtp.sendmail("bob@example.net", ["victim@example.net"], b"Subject: relay\r\n\r\nx\r\n")
        self.assertEqual(refused.exception.recipients["victim@example.net"][0], 554)

    def test_pipelining_order(self):
        before = len(server.messages())
        client = server.connect()
        client.read_reply()
        code, lines = client.command(b"EHLO client.example.net")
        self.assertIn("PIPELINING", lines)
        client.send(b"MAIL FROM:<bob@example.net>\r\nRCPT TO:<nobody@example.org>\r\n"
                    b"RCPT TO:<alice@example.org>\r\nDATA\r\n")
        self.assertEqual([client.read_reply()[0] for _ in range(4)], [250, 550, 250, 354])
        client.send(b"Subject: p1\r\n\r\nbody\r\n.\r\nMAIL FROM:<bob@example.net>\r\n"
                    b"RCPT TO:<nobody@example.org>\r\nDATA\r\n")
        self.assertEqual([client.read_reply()[0] for _ in range(4)], [250, 250, 550, 554])
        self.assertFalse(client.has_pending_input(0.5))
        client.send(b"RSET\r\nNOOP\r\nQUIT\r\n")
        self.assertEqual(client.codes_until_eof(), [250, 250, 221])
        client.close()
        stored = new_messages(server, before)
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_after_trace(stored[0]), b"Subject: p1\r\n\r\nbody\r\n")

    def test_bdat_chunks(self):
        before = len(server.messages())
        client = open_transaction(server)
        client.send(b"BDAT 12\r\nSubject: b\r\n")
        self.assertEqual(client.read_reply(), (250, ["2.0.0 12 octets received"]))
        client.send(b"BDAT 9 LAST\r\n\r\n.line\r\n")
        self.assertEqual(client.read_reply()[0], 250)
        client.command(b"QUIT")
        client.close()
        stored = new_messages(server, before)
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_after_trace(stored[0]), b"Subject: b\r\n\r\n.line\r\n")

    def test_8bitmime_body_is_stored_byte_exact(self):
        before = len(server.messages())
        message = "Subject: plain ascii header\r\n\r\nGrüße im Text\r\n".encode()
        with smtplib.SMTP("127.0.0.1", server.port, local_hostname="client.example.net") as smtp:
            smtp.sendmail("bob@example.net", ["alice@example.org"], message, mail_options=["BODY=8BITMIME"])
        stored = new_messages(server, before)
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_after_trace(stored[0]), message)

    def test_smtputf8_addresses(self):
        before = len(server.messages())
        client = server.connect()
        client.read_reply()
        code, lines = client.command(b"EHLO client.example.net")
        self.assertIn("SMTPUTF8", lines)
        self.assertIn("8BITMIME", lines)
        self.assertEqual(client.command("MAIL FROM:<jörg@example.net>".encode())[0], 553)
        client.command(b"RSET")
        self.assertEqual(client.command("MAIL FROM:<jörg@example.net> SMTPUTF8".encode())[0], 250)
        self.assertEqual(client.command(b"RCPT TO:<alice@example.org>")[0], 250)
        self.assertEqual(client.command(b"DATA")[0], 354)
        header = "From: Jörg <jörg@example.net>\r\nTo: alice@example.org\r\nSubject: Grüße\r\n".encode()
        self.assertEqual(client.command(header + b"\r\nHallo\r\n.")[0], 250)
        self.assertEqual(client.command("MAIL FROM:<bob@example.net> SMTPUTF8".encode())[0], 250)
        self.assertEqual(client.command("RCPT TO:<ålice@example.org>".encode())[0], 550)
        client.command(b"QUIT")
        client.close()
        stored = new_messages(server, before)
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_after_trace(stored[0]), header + b"\r\nHallo\r\n")
        self.assertEqual(server.envelopes()[-1], ("jörg@example.net", ["alice@example.org"]))

    def test_dot_unstuffing(self):
        cases = [
            (b"Subject: dots\r\n\r\n..first\r\n..\r\n...two\r\nend\r\n.\r\n",
             b"Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n"),
            (b"..hello\r\n.\r\n", b".hello\r\n"),
        ]
        for wire, expected in cases:
            with self.subTest(wire=wire):
                before = len(server.messages())
                client = open_transaction(server)
                self.assertEqual(client.command(b"DATA")[0], 354)
                client.send(wire)
                self.assertEqual(client.read_reply()[0], 250)
                client.command(b"QUIT")
                client.close()
                stored = new_messages(server, before)
                self.assertEqual(len(stored), 1)
                self.assertEqual(body_after_trace(stored[0]), expected)

    def test_too_many_errors_closes_with_421(self):
        client = server.connect()
        client.read_reply()
        client.send(b"BOGUS\r\n" * 12)
        codes = client.codes_until_eof()
        self.assertEqual(codes, [500] * 10 + [421])
        client.close()


class LimitTest(unittest.TestCase):
    def test_declared_size_over_limit(self):
        client = small_server.connect()
        client.read_reply()
        code, lines = client.command(b"EHLO client.example.net")
        self.assertIn(f"SIZE {SMALL_LIMIT}", lines)
        code, lines = client.command(f"MAIL FROM:<bob@example.net> SIZE={SMALL_LIMIT + 1}".encode())
        self.assertEqual((code, lines[0][:5]), (552, "5.3.4"))
        client.close()

    def test_undeclared_size_over_limit(self):
        before = len(small_server.messages())
        client = open_transaction(small_server)
        self.assertEqual(client.command(b"DATA")[0], 354)
        client.send((b"x" * 98 + b"\r\n") * 1000 + b".\r\n")
        code, lines = client.read_reply()
        self.assertEqual((code, lines[0][:5]), (552, "5.3.4"))
        self.assertEqual(client.command(b"NOOP")[0], 250)
        client.close()
        self.assertEqual(len(new_messages(small_server, before)), 0)

    def test_idle_timeout_closes_with_421(self):
        client = small_server.connect(timeout=IDLE_SECONDS + 5)
        self.assertEqual(client.read_reply()[0], 220)
        started = time.time()
        code, lines = client.read_reply()
        self.assertEqual((code, lines[0][:5]), (421, "4.4.2"))
        self.assertGreaterEqual(time.time() - started, IDLE_SECONDS * 0.9)
        self.assertEqual(client.codes_until_eof(), [])
        client.close()

    def test_idle_timeout_inside_tls(self):
        client = small_server.connect(timeout=IDLE_SECONDS + 5)
        self.assertEqual(client.read_reply()[0], 220)
        self.assertEqual(client.command(b"STARTTLS")[0], 220)
        client.starttls()
        code, lines = client.read_reply()
        self.assertEqual((code, lines[0][:5]), (421, "4.4.2"))
        client.close()

    def test_connections_per_address(self):
        clients = []
        for _ in range(10):
            client = small_server.connect()
            self.assertEqual(client.read_reply()[0], 220)
            clients.append(client)
        extra = small_server.connect()
        code, lines = extra.read_reply()
        self.assertEqual((code, lines[0][:5]), (421, "4.7.0"))
        extra.close()
        for client in clients:
            client.close()
        # The slots are released once the server has read the closes.
        deadline = time.time() + 5
        while True:
            client = small_server.connect()
            code, _ = client.read_reply()
            client.close()
            if code == 220 or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(code, 220)


if __name__ == "__main__":
    unittest.main(verbosity=2)
