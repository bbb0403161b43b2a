"""SMTP smuggling: only CR LF "." CR LF ends message text (RFC 5321 §4.1.1.4, §2.3.8).

For each non-CRLF end-of-data variant, the payload hides a second transaction behind a
fake terminator. The server must reply to the DATA once (250 or 5xx), then 221 for QUIT,
and must never store the inner message as a message of its own.
"""
import unittest

from smtp_harness import TestServer

VARIANTS = [b"\n.\r\n", b"\n.\n", b"\r\n.\n", b"\r.\r\n", b"\r\n.\r", b"\r.\r", b"\n.\r"]


def setUpModule():
    global server
    server = TestServer().__enter__()


def tearDownModule():
    server.__exit__(None, None, None)


class SmugglingTest(unittest.TestCase):
    def test_variants_never_split_the_message(self):
        for variant in VARIANTS:
            with self.subTest(variant=variant):
                before = len(server.messages())
                client = server.connect()
                self.assertEqual(client.read_reply()[0], 220)
                self.assertEqual(client.command(b"EHLO client.example.net")[0], 250)
                self.assertEqual(client.command(b"MAIL FROM:<bob@example.net>")[0], 250)
                self.assertEqual(client.command(b"RCPT TO:<alice@example.org>")[0], 250)
                self.assertEqual(client.command(b"DATA")[0], 354)
                client.send(b"From: bob@example.net\r\nTo: alice@example.org\r\nSubject: one\r\n\r\nfirst"
                            + variant
                            + b"MAIL FROM:<ceo@example.org>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
                              b"From: ceo@example.org\r\nSubject: two\r\n\r\nsmuggled\r\n.\r\n")
                client.send(b"QUIT\r\n")
                codes = client.codes_until_eof()
                client.close()

                self.assertEqual(len(codes), 2, codes)
                self.assertTrue(codes[0] == 250 or 500 <= codes[0] < 600, codes)
                self.assertEqual(codes[1], 221)
                stored = server.messages()[before:]
                self.assertLessEqual(len(stored), 1)
                for message in stored:
                    self.assertNotIn(b"\r\nSubject: two\r\n", message.split(b"\r\n\r\n", 1)[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
