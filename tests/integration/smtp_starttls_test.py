"""STARTTLS command injection (RFC 3207 §4.2): nothing sent in cleartext after the
STARTTLS line is executed, and the TLS session starts from a fresh state."""
import ssl
import unittest

from smtp_harness import TestServer, body_after_trace


def setUpModule():
    global server
    server = TestServer().__enter__()


def tearDownModule():
    server.__exit__(None, None, None)


def greeted_client():
    client = server.connect()
    assert client.read_reply()[0] == 220
    code, lines = client.command(b"EHLO client.example.net")
    assert code == 250, lines
    assert "STARTTLS" in lines, lines
    return client


class StartTlsTest(unittest.TestCase):
    def test_pipelined_mail_is_discarded(self):
        client = greeted_client()
        client.send(b"STARTTLS\r\nMAIL FROM:<attacker@example.net>\r\n")
        code, lines = client.read_reply()
        self.assertEqual((code, lines), (220, ["2.0.0 Ready to start TLS"]))
        client.starttls()
        self.assertFalse(client.has_pending_input(1.0))

        code, lines = client.command(b"EHLO client.example.net")
        self.assertEqual(code, 250)
        self.assertGreater(len(lines), 1, "expected the multi-line EHLO reply first")
        self.assertNotIn("STARTTLS", lines)
        code, lines = client.command(b"RCPT TO:<alice@example.org>")
        self.assertEqual(code, 503)
        self.assertEqual(client.command(b"STARTTLS")[0], 503)
        self.assertEqual(client.command(b"QUIT")[0], 221)
        client.close()

    def test_separate_write_before_handshake(self):
        client = greeted_client()
        client.send(b"STARTTLS\r\n")
        client.send(b"RSET\r\n")
        code, _ = client.read_reply()
        self.assertEqual(code, 220)
        try:
            client.starttls()
        except (ssl.SSLError, ConnectionError, OSError):
            # The cleartext RSET reached the TLS layer and the server dropped the
            # connection, which RFC 3207 §4.2 allows.
            client.close()
            return
        self.assertFalse(client.has_pending_input(1.0))
        code, lines = client.command(b"EHLO client.example.net")
        self.assertEqual(code, 250)
        self.assertGreater(len(lines), 1)
        self.assertEqual(client.command(b"MAIL FROM:<bob@example.net>")[0], 250)
        client.close()

    def test_starttls_word_in_body_is_delivered(self):
        before = len(server.messages())
        client = greeted_client()
        self.assertEqual(client.command(b"MAIL FROM:<bob@example.net>")[0], 250)
        self.assertEqual(client.command(b"RCPT TO:<alice@example.org>")[0], 250)
        self.assertEqual(client.command(b"DATA")[0], 354)
        code, _ = client.command(b"Subject: c\r\n\r\nSTARTTLS\r\n.")
        self.assertEqual(code, 250)
        client.command(b"QUIT")
        client.close()
        stored = server.messages()[before:]
        self.assertEqual(len(stored), 1)
        self.assertEqual(body_after_trace(stored[0]), b"Subject: c\r\n\r\nSTARTTLS\r\n")

    def test_received_header_names_tls(self):
        before = len(server.messages())
        client = greeted_client()
        self.assertEqual(client.command(b"STARTTLS")[0], 220)
        client.starttls()
        client.command(b"EHLO client.example.net")
        client.command(b"MAIL FROM:<bob@example.net>")
        client.command(b"RCPT TO:<alice@example.org>")
        client.command(b"DATA")
        self.assertEqual(client.command(b"Subject: tls\r\n\r\nhi\r\n.")[0], 250)
        client.command(b"QUIT")
        client.close()
        stored = server.messages()[before:]
        self.assertEqual(len(stored), 1)
        self.assertIn(b" with ESMTPS id ", stored[0])
        self.assertIn(b"(version=TLSv1.3 cipher=", stored[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
