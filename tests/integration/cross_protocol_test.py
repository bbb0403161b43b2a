"""One `skrynka serve` instance with SMTP, IMAP and POP3 listeners.

Messages received over raw SMTP must read back byte for byte over IMAP and POP3 and stay
sealed on disk. A delivery must wake an IMAP IDLE session, and a POP3 deletion must show
in a fresh IMAP SELECT.
"""

import base64
import imaplib
import os
import poplib
import re
import signal
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, CheckFailed, check, check_equal, init_instance, main,
                         run_ok, server_process, test)

HOST = "127.0.0.1"
USER = "alice@example.org"
PASSWORD = "amber-window-orchard-17"
SENDER = "bob@example.net"

# Plaintext bytes per sealed chunk of message content (chunk_size in crypto/chunked_aead.hpp).
CHUNK_SIZE = 64 * 1024


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def marker(name):
    return f"marker-{name}-{os.urandom(8).hex()}"


def check_same_bytes(actual, expected, subject):
    """Fail with the first differing offset, because a 300 KB repr is unreadable."""
    if actual == expected:
        return
    offset = next((i for i, (a, b) in enumerate(zip(actual, expected)) if a != b),
                  min(len(actual), len(expected)))
    raise CheckFailed(
        f"{subject}: {len(actual)} bytes differ from the {len(expected)} expected at offset "
        f"{offset}: got {actual[offset:offset + 60]!r}, expected {expected[offset:offset + 60]!r}")


class instance:
    """alice@example.org on one serve with SMTP, IMAPS and cleartext POP3 on loopback."""

    def __init__(self, folder):
        self.config = init_instance(folder, extra=["--hostname", "localhost"])
        self.state = os.path.dirname(self.config)
        run_ok("-c", self.config, *FAST_ARGON2, "user", "add", USER, stdin_text=PASSWORD + "\n")
        self.smtp_port = free_port()
        self.imaps_port = free_port()
        self.pop3_port = free_port()
        self.server = server_process(
            "-c", self.config, *FAST_ARGON2,
            "-o", f"smtp.listen={HOST}:{self.smtp_port}",
            "-o", f"imap.listen_tls={HOST}:{self.imaps_port}",
            "-o", f"pop3.listen={HOST}:{self.pop3_port}")
        for proto, port in (("smtp", self.smtp_port), ("imaps", self.imaps_port),
                            ("pop3", self.pop3_port)):
            self.server.wait_for_log(f"event=listening proto={proto} address={HOST} port={port}")

    def tls_context(self):
        # Trust only the instance's self-signed certificate. It names "localhost", and the
        # clients connect to 127.0.0.1, so the host name is not checked.
        context = ssl.create_default_context(
            cafile=os.path.join(self.state, "tls", "certificate.pem"))
        context.check_hostname = False
        return context

    def imap(self):
        client = imaplib.IMAP4_SSL(HOST, self.imaps_port, ssl_context=self.tls_context(),
                                   timeout=30)
        client.login(USER, PASSWORD)
        return client

    def pop3(self):
        client = poplib.POP3(HOST, self.pop3_port, timeout=30)
        client.user(USER)
        client.pass_(PASSWORD)
        return client

    def stop(self):
        status = self.server.stop(signal.SIGTERM)
        self.server.__exit__(None, None, None)
        check_equal(status, 0, "serve exit status after SIGTERM")


class smtp_connection:
    """Raw SMTP, so the test decides every byte, dot stuffing included."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=30)
        self.buffer = b""
        self.expect(220, "greeting")
        self.command(b"EHLO client.example.net", 250)

    def read_reply(self):
        """Read one reply, continuation lines included, and return (code, text)."""
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                data = self.sock.recv(65536)
                check(data, f"SMTP connection closed after {lines!r}")
                self.buffer += data
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            lines.append(line)
            if line[3:4] != b"-":
                return int(line[:3]), b"\n".join(lines)

    def expect(self, code, step):
        actual, text = self.read_reply()
        check_equal(actual, code, f"SMTP reply code to {step} ({text!r})")

    def command(self, line, code):
        self.sock.sendall(line + b"\r\n")
        self.expect(code, line.decode(errors="replace"))

    def send_message(self, message, mail_parameters=b""):
        """Send one message with DATA, stuffing dots. The message must end in CR LF."""
        self.command(b"MAIL FROM:<" + SENDER.encode() + b">" + mail_parameters, 250)
        self.command(b"RCPT TO:<" + USER.encode() + b">", 250)
        self.command(b"DATA", 354)
        stuffed = re.sub(rb"(?m)^\.", b"..", message)
        self.sock.sendall(stuffed + b".\r\n")
        self.expect(250, "the end of DATA")

    def close(self):
        self.command(b"QUIT", 221)
        self.sock.close()


def without_trace(stored, subject):
    """Check that Return-Path and one folded Received field open stored, and return the
    message after them."""
    lines = stored.split(b"\r\n")
    check(lines[0] == f"Return-Path: <{SENDER}>".encode(),
          f"{subject}: the first header line is {lines[0]!r}, expected our Return-Path")
    check(lines[1].startswith(b"Received: from client.example.net "),
          f"{subject}: the second header line is {lines[1]!r}, expected our Received field")
    end = 2
    while lines[end][:1] in (b" ", b"\t"):
        end += 1
    check(end > 2, f"{subject}: the Received field has no continuation lines: {lines[:4]!r}")
    return b"\r\n".join(lines[end:])


def headers(subject, extra=b""):
    return (f"From: Bob <{SENDER}>\r\n"
            f"To: Alice <{USER}>\r\n"
            f"Subject: {subject}\r\n"
            f"Date: Fri, 4 Dec 2026 12:00:00 +0000\r\n"
            f"Message-ID: <{os.urandom(6).hex()}@example.net>\r\n").encode() + extra


def plain_message(markers):
    subject, body = marker("ascii-subject"), marker("ascii-body")
    markers += [subject, body]
    return headers(subject) + f"\r\nHello Alice,\r\n\r\n{body}\r\n".encode()


def eight_bit_message(markers):
    subject, body = marker("utf8-subject"), marker("utf8-body")
    markers += [subject, body]
    return (headers(subject, b"MIME-Version: 1.0\r\n"
                             b"Content-Type: text/plain; charset=utf-8\r\n"
                             b"Content-Transfer-Encoding: 8bit\r\n")
            + f"\r\nПривіт, Алісо! Grüße, żółć, 漢字 {body}\r\n".encode())


def dot_lines_message(markers):
    subject, body = marker("dots-subject"), marker("dots-body")
    markers += [subject, body]
    return (headers(subject)
            + f"\r\n.{body}\r\n.\r\n..two dots\r\n. space\r\n...\r\nlast\r\n".encode())


def attachment_message(markers):
    """A multipart message with a base64 attachment of 300 KiB of random bytes, about
    415 KB once encoded."""
    subject, body = marker("attachment-subject"), marker("attachment-body")
    markers += [subject, body]
    payload = base64.encodebytes(os.urandom(300 * 1024)).replace(b"\n", b"\r\n")
    return (headers(subject, b"MIME-Version: 1.0\r\n"
                             b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n")
            + f"\r\n--b1\r\nContent-Type: text/plain\r\n\r\n{body}\r\n"
              f"--b1\r\nContent-Type: application/octet-stream\r\n"
              f"Content-Transfer-Encoding: base64\r\n\r\n".encode()
            + payload + b"--b1--\r\n")


def chunk_end_message(markers, size):
    """A message of exactly size bytes whose final CR LF is its last two bytes."""
    subject, body = marker("chunk-end-subject"), marker("chunk-end-body")
    markers += [subject, body]
    head = headers(subject) + f"\r\n{body}\r\n".encode()
    # Lines of 100 bytes, CR LF included, then one of 100 to 199 bytes to reach size.
    line = b"y" * 98 + b"\r\n"
    line_count = (size - len(head)) // len(line) - 1
    check(line_count >= 0, f"size {size} leaves no room for the filler")
    last_length = size - len(head) - line_count * len(line)
    filler = line * line_count + b"z" * (last_length - 2) + b"\r\n"
    return head + filler


def fetched_body(client, uid):
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    check_equal(status, "OK", f"UID FETCH {uid} BODY.PEEK[] status")
    literals = [part[1] for part in data if isinstance(part, tuple)]
    check_equal(len(literals), 1, f"literals in UID FETCH {uid} BODY.PEEK[] ({data!r:.300})")
    return literals[0]


def fetched_partial(client, uid, start, length):
    status, data = client.uid("FETCH", str(uid), f"(BODY.PEEK[]<{start}.{length}>)")
    check_equal(status, "OK", f"UID FETCH {uid} partial status")
    literals = [part[1] for part in data if isinstance(part, tuple)]
    check_equal(len(literals), 1, f"literals in UID FETCH {uid} partial ({data!r})")
    return literals[0]


def uids_and_sizes(client):
    """Return {uid: RFC822.SIZE} of the selected mailbox."""
    status, data = client.uid("FETCH", "1:*", "(RFC822.SIZE)")
    check_equal(status, "OK", "UID FETCH 1:* RFC822.SIZE status")
    sizes = {}
    for line in data:
        if line is None:
            continue
        uid = re.search(rb"UID (\d+)", line)
        size = re.search(rb"RFC822\.SIZE (\d+)", line)
        check(uid and size, f"FETCH response line without UID or RFC822.SIZE: {line!r}")
        sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def selected_count(client):
    status, data = client.select("INBOX")
    check_equal(status, "OK", "SELECT INBOX status")
    return int(data[0])


def retrieved(client, number):
    """Retrieve a message with poplib, which removes the dot stuffing, and rejoin its
    lines with CR LF."""
    _, lines, _ = client.retr(number)
    return b"".join(line + b"\r\n" for line in lines)


class idle_session:
    """A raw IMAP session over TLS in IDLE on INBOX, because imaplib in Debian's Python 3.11
    has no IDLE method."""

    def __init__(self, server):
        raw = socket.create_connection((HOST, server.imaps_port), timeout=30)
        self.sock = server.tls_context().wrap_socket(raw)
        self.buffer = b""
        self.read_line()
        self.send(f"a1 LOGIN {USER} \"{PASSWORD}\"")
        self.read_until_tagged("a1")
        self.send("a2 SELECT INBOX")
        self.read_until_tagged("a2")
        self.send("a3 IDLE")
        line = self.read_line()
        check(line.startswith(b"+ "), f"IDLE continuation request expected, got {line!r}")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def read_line(self, deadline=None):
        while b"\r\n" not in self.buffer:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise socket.timeout
                self.sock.settimeout(remaining)
            data = self.sock.recv(65536)
            check(data, f"IMAP connection closed; buffered {self.buffer!r}")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_until_tagged(self, tag):
        lines = []
        while True:
            line = self.read_line()
            lines.append(line)
            if line.startswith(tag.encode() + b" "):
                check(line.startswith(tag.encode() + b" OK"), f"{tag} failed: {lines!r}")
                return lines

    def wait_for_exists(self, seconds):
        """Return the first `* n EXISTS` count that arrives within seconds, or None."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                match = re.fullmatch(rb"\* (\d+) EXISTS", self.read_line(deadline))
                if match:
                    return int(match.group(1))
        except socket.timeout:
            return None

    def close(self):
        self.sock.settimeout(30)
        self.send("DONE")
        self.read_until_tagged("a3")
        self.send("a4 LOGOUT")
        self.read_until_tagged("a4")
        self.sock.close()


def check_round_trip(server, messages):
    """Check that each message read over IMAP and POP3 equals what SMTP received."""
    imap = server.imap()
    count = selected_count(imap)
    check_equal(count, len(messages), "messages in INBOX after the SMTP deliveries")
    sizes = uids_and_sizes(imap)
    uids = sorted(sizes)
    check_equal(len(uids), len(messages), "UIDs in INBOX")

    stored_by_uid = {}
    for uid, (name, sent) in zip(uids, messages):
        stored = fetched_body(imap, uid)
        check_same_bytes(without_trace(stored, f"IMAP {name}"), sent, f"IMAP BODY[] of {name}")
        check_equal(sizes[uid], len(stored), f"RFC822.SIZE of {name} against BODY[] length")
        stored_by_uid[uid] = stored

    for uid, (name, _) in zip(uids, messages):
        stored = stored_by_uid[uid]
        if len(stored) < CHUNK_SIZE + 20:
            continue
        start = CHUNK_SIZE - 6
        partial = fetched_partial(imap, uid, start, 20)
        check_equal(partial, stored[start:start + 20],
                    f"BODY.PEEK[]<{start}.20> of {name} across the chunk boundary")
    chunk_end = stored_by_uid[uids[-1]]
    check_equal(len(chunk_end), 2 * CHUNK_SIZE,
                "stored length of the message meant to end at a chunk end")
    partial = fetched_partial(imap, uids[-1], 2 * CHUNK_SIZE - 2, 20)
    check_equal(partial, b"\r\n", "partial fetch of the last two bytes at the chunk end")
    imap.logout()

    pop3 = server.pop3()
    count, _ = pop3.stat()
    check_equal(count, len(messages), "POP3 STAT message count")
    for number, (name, sent) in enumerate(messages, start=1):
        stored = retrieved(pop3, number)
        check_same_bytes(stored, stored_by_uid[uids[number - 1]],
                         f"POP3 RETR {number} ({name}) against IMAP BODY[]")
        check_same_bytes(without_trace(stored, f"POP3 {name}"), sent, f"POP3 RETR of {name}")
    pop3.quit()
    return uids, stored_by_uid


def check_markers_sealed(server, markers):
    """Check that no marker occurs in plaintext in any file of the state folder."""
    found = []
    scanned = 0
    for root, _, names in os.walk(server.state):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as file:
                data = file.read()
            scanned += 1
            found += [(path, m) for m in markers if m.encode() in data]
    check(scanned > 0, f"no files under {server.state}")
    check(not found, f"plaintext markers in state files: {found!r}")


@test
def smtp_imap_pop3_round_trip(folder):
    server = instance(folder)
    with server.server:
        markers = []
        smtp = smtp_connection(server.smtp_port)
        messages = [("plain ASCII", plain_message(markers)),
                    ("8-bit UTF-8", eight_bit_message(markers)),
                    ("dot lines", dot_lines_message(markers)),
                    ("300 KB attachment", attachment_message(markers))]
        for name, message in messages:
            parameters = b" BODY=8BITMIME" if name == "8-bit UTF-8" else b""
            smtp.send_message(message, parameters)
        smtp.close()

        # The last message is sized so that, with the trace fields, its stored form ends
        # in CR LF exactly at the end of its second chunk. The trace length comes from
        # the message before it and assumes the same length of queue id and date.
        imap = server.imap()
        selected_count(imap)
        sizes = uids_and_sizes(imap)
        imap.logout()
        trace_length = sizes[max(sizes)] - len(messages[-1][1])
        chunk_end = chunk_end_message(markers, 2 * CHUNK_SIZE - trace_length)
        messages.append(("CR LF at a chunk end", chunk_end))
        smtp = smtp_connection(server.smtp_port)
        smtp.send_message(chunk_end)
        smtp.close()

        # Byte-for-byte round trip through IMAP and POP3.
        uids, stored = check_round_trip(server, messages)

        # The markers are sealed on disk, WAL and shared-memory files included.
        check_markers_sealed(server, markers)

        # IDLE reports a new SMTP delivery as EXISTS within 5 seconds.
        idle = idle_session(server)
        smtp = smtp_connection(server.smtp_port)
        smtp.send_message(plain_message(markers))
        smtp.close()
        exists = idle.wait_for_exists(5)
        check(exists is not None, "IDLE session got no EXISTS within 5 s of the SMTP delivery")
        check_equal(exists, len(messages) + 1, "EXISTS count in IDLE after the delivery")
        idle.close()

        # POP3 DELE + QUIT removes the message from a fresh IMAP SELECT.
        imap = server.imap()
        selected_count(imap)
        before = sorted(uids_and_sizes(imap))
        imap.logout()
        check_equal(before[:len(uids)], uids, "UIDs of the earlier messages after the IDLE delivery")
        deleted_number = 3
        deleted_uid = before[deleted_number - 1]
        pop3 = server.pop3()
        pop3.dele(deleted_number)
        pop3.quit()
        imap = server.imap()
        count = selected_count(imap)
        after = sorted(uids_and_sizes(imap))
        imap.logout()
        check_equal(count, len(before) - 1, "EXISTS of a fresh SELECT after POP3 DELE")
        check(deleted_uid not in after,
              f"UID {deleted_uid} still listed after POP3 DELE and QUIT: {after}")
        check_equal(after, [uid for uid in before if uid != deleted_uid],
                    "UIDs of the messages POP3 did not delete")

        check_markers_sealed(server, markers)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
