"""IMAP through the real server: imaplib over implicit TLS and STARTTLS, raw sockets for
exact bytes, concurrent sessions, curl and mbsync."""
import imaplib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap_harness import HOST, PASSWORD, ImapServer, client_tls_context
from skrynka_cli import check, check_equal, check_in, main, test

USER = "alice@example.org"


def connect_tls(server):
    client = imaplib.IMAP4_SSL(HOST, server.tls_port, ssl_context=client_tls_context())
    client.login(USER, PASSWORD)
    return client


def sample_message(index, body_size=0):
    body = "".join(f"line {n} of message {index}\r\n" for n in range(body_size // 24 + 1))
    return (f"From: bob@example.net\r\nTo: {USER}\r\nSubject: message {index}\r\n"
            f"Message-ID: <m{index}@example.net>\r\n\r\n{body}").encode()


def read_until(sock, marker, timeout=10):
    sock.settimeout(timeout)
    data = b""
    while marker not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


@test
def imaps_login_append_and_fetch_exact_bytes(folder):
    with ImapServer(folder) as server:
        client = imaplib.IMAP4_SSL(HOST, server.tls_port, ssl_context=client_tls_context())
        check_in("AUTH=PLAIN", client.capabilities, "capabilities over implicit TLS")
        try:
            client.login(USER, "wrong password here")
            check(False, "login with a wrong password succeeded")
        except imaplib.IMAP4.error as error:
            check_in("AUTHENTICATIONFAILED", str(error), "wrong password reply")
        client.login(USER, PASSWORD)

        # NUL, 8-bit octets and a body over several content chunks.
        messages = [
            b"Subject: nul\r\n\r\nA\x00B\r\n",
            b"Subject: 8bit\r\n\r\nGesch\xc3\xa4ft \xe4\r\n",
            sample_message(1, 300 * 1024),
        ]
        for raw in messages:
            typ, data = client.append("INBOX", None, None, raw)
            check_equal(typ, "OK", "APPEND status")
            check_in(b"APPENDUID", data[0], "APPEND response code")
        client.select("INBOX")
        for number, raw in enumerate(messages, start=1):
            typ, data = client.fetch(str(number), "(BODY.PEEK[])")
            check_equal(data[0][1], raw, f"BODY[] of message {number}")
        typ, data = client.fetch("3", "(BODY.PEEK[]<100000.50>)")
        check_equal(data[0][1], messages[2][100000:100050], "partial fetch across chunks")
        typ, data = client.search(None, "BODY", '"line 7 of message 1"')
        check_equal(data[0], b"3", "SEARCH BODY over decrypted text")
        client.logout()


@test
def starttls_and_cleartext_login_policy(folder):
    with ImapServer(folder) as server:
        # Loopback clients may log in without TLS by default.
        plain = imaplib.IMAP4(HOST, server.plain_port)
        check_in("STARTTLS", plain.capabilities, "plain port capabilities")
        check_equal(plain.login(USER, PASSWORD)[0], "OK", "loopback cleartext login")
        plain.logout()

    with ImapServer(folder + "/strict", extra=("-o", "limits.cleartext_login_on_loopback=0")) as server:
        plain = imaplib.IMAP4(HOST, server.plain_port)
        check_in("LOGINDISABLED", plain.capabilities, "capabilities without TLS")
        try:
            plain.login(USER, PASSWORD)
            check(False, "cleartext login succeeded although the policy forbids it")
        except imaplib.IMAP4.error as error:
            check_in("PRIVACYREQUIRED", str(error), "cleartext login reply")
        plain.starttls(ssl_context=client_tls_context())
        check("LOGINDISABLED" not in plain.capabilities, "LOGINDISABLED after STARTTLS")
        check_equal(plain.login(USER, PASSWORD)[0], "OK", "login after STARTTLS")
        plain.logout()

        # Commands pipelined behind STARTTLS are never executed.
        sock = socket.create_connection((HOST, server.plain_port))
        read_until(sock, b"\r\n")
        sock.sendall(b"a STARTTLS\r\nb LOGIN alice@example.org \"" + PASSWORD.encode() + b"\"\r\n")
        reply = read_until(sock, b"a OK")
        check(b"b " not in reply, f"pipelined command answered in cleartext: {reply!r}")
        secure = client_tls_context().wrap_socket(sock)
        secure.settimeout(2)
        try:
            early = secure.recv(1024)
        except (socket.timeout, TimeoutError):
            early = b""
        check_equal(early, b"", "output after the handshake")
        secure.sendall(b"d SELECT INBOX\r\n")
        check_in(b"d BAD", read_until(secure, b"\r\n"), "SELECT before login")
        secure.close()


@test
def literal_limits_and_autologout(folder):
    with ImapServer(folder, extra=("-o", "limits.imap_idle_seconds_unauthenticated=2")) as server:
        sock = socket.create_connection((HOST, server.plain_port))
        read_until(sock, b"\r\n")
        sock.sendall(b"a1 LOGIN {400000000}\r\n")
        check_equal(read_until(sock, b"\r\n"), b"a1 BAD Literal too large\r\n", "huge literal")
        sock.sendall(b"a2 LOGIN {-1}\r\n")
        check_equal(read_until(sock, b"\r\n"), b"a2 BAD Invalid literal size\r\n", "negative literal")
        sock.sendall(b"a3 NOOP\r\n")
        check_in(b"a3 OK", read_until(sock, b"a3 "), "NOOP after refused literals")
        # Start a command and never finish it: the pre-login timer ends the session with
        # one BYE all the same.
        sock.sendall(b"a4 LOGIN {5}\r\nali")
        check_in(b"+ ", read_until(sock, b"\r\n"), "continuation for the unfinished literal")
        start = time.monotonic()
        rest = read_until(sock, b"\r\n", timeout=10)
        check(rest.startswith(b"* BYE"), f"autologout reply: {rest!r}")
        sock.settimeout(2)
        check_equal(sock.recv(100), b"", "connection closed after BYE")
        check(time.monotonic() - start < 8, "autologout took too long")
        sock.close()


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS line")


@test
def huge_append_is_refused_without_allocation(folder):
    with ImapServer(folder) as server:
        sock = client_tls_context().wrap_socket(socket.create_connection((HOST, server.tls_port)))
        read_until(sock, b"\r\n")
        sock.sendall(b"l LOGIN alice@example.org \"" + PASSWORD.encode() + b"\"\r\n")
        read_until(sock, b"l OK")
        before = resident_kib(server.server.process.pid)
        sock.sendall(b"a8 APPEND INBOX {2000000000}\r\n")
        check_equal(read_until(sock, b"\r\n"), b"a8 NO [TOOBIG] Message exceeds APPENDLIMIT\r\n",
                    "APPEND of 2 GB")
        sock.sendall(b"a9 NOOP\r\n")
        check_in(b"a9 OK", read_until(sock, b"a9 "), "NOOP after the refused APPEND")
        growth = resident_kib(server.server.process.pid) - before
        check(growth < 4096, f"server grew by {growth} KiB after a refused 2 GB literal")
        sock.close()


@test
def thousand_messages_and_concurrent_sessions(folder):
    with ImapServer(folder) as server:
        writer = connect_tls(server)
        sock = client_tls_context().wrap_socket(socket.create_connection((HOST, server.tls_port)))
        read_until(sock, b"\r\n")
        sock.sendall(b"l LOGIN alice@example.org \"" + PASSWORD.encode() + b"\"\r\n")
        read_until(sock, b"l OK")
        # 1,000 APPENDs pipelined with non-synchronizing literals.
        batch = b""
        for index in range(1000):
            raw = sample_message(index)
            batch += b"a%d APPEND INBOX {%d+}\r\n" % (index, len(raw)) + raw + b"\r\n"
        sock.sendall(batch)
        replies = read_until(sock, b"a999 ", timeout=300)
        replies += read_until(sock, b"\r\n") if not replies.endswith(b"\r\n") else b""
        check_equal(replies.count(b" OK [APPENDUID "), 1000, "APPEND replies")
        sock.close()

        typ, data = writer.select("INBOX")
        check_equal(data[0], b"1000", "EXISTS after 1,000 appends")
        typ, data = writer.fetch("1:*", "(UID FLAGS)")
        check_equal(len(data), 1000, "FETCH 1:* responses")
        typ, data = writer.search(None, "SUBJECT", '"message 999"')
        check_equal(data[0], b"1000", "SEARCH SUBJECT")

        # A second session idles and sees the first one's changes.
        watcher = client_tls_context().wrap_socket(socket.create_connection((HOST, server.tls_port)))
        read_until(watcher, b"\r\n")
        watcher.sendall(b"w1 LOGIN alice@example.org \"" + PASSWORD.encode() + b"\"\r\n")
        read_until(watcher, b"w1 OK")
        watcher.sendall(b"w2 SELECT INBOX\r\n")
        read_until(watcher, b"w2 OK")
        watcher.sendall(b"w3 IDLE\r\n")
        check_in(b"+ idling", read_until(watcher, b"\r\n"), "IDLE continuation")
        writer.append("INBOX", None, None, sample_message(1000))
        check_in(b"* 1001 EXISTS", read_until(watcher, b"EXISTS", timeout=5), "EXISTS during IDLE")
        writer.store("1", "+FLAGS", "(\\Seen)")
        check_in(b"* 1 FETCH (FLAGS (\\Seen))", read_until(watcher, b"FETCH", timeout=5),
                 "FETCH during IDLE")
        writer.store("2", "+FLAGS", "(\\Deleted)")
        writer.expunge()
        check_in(b"* 2 EXPUNGE", read_until(watcher, b"EXPUNGE", timeout=5), "EXPUNGE during IDLE")
        watcher.sendall(b"DONE\r\n")
        check_in(b"w3 OK", read_until(watcher, b"w3 "), "IDLE end")
        watcher.close()
        writer.logout()


# TODO: deliver through `skrynka serve`'s SMTP listener and compare FETCH BODY[] byte for
# byte once serve starts SMTP; until then messages enter through IMAP APPEND only.


@test
def curl_reads_messages(folder):
    with ImapServer(folder) as server:
        client = connect_tls(server)
        raw = sample_message(7)
        client.append("INBOX", None, None, raw)
        client.logout()
        for url in (f"imaps://{HOST}:{server.tls_port}/INBOX;UID=1",
                    f"imap://{HOST}:{server.plain_port}/INBOX;UID=1"):
            result = subprocess.run(
                ["curl", "--silent", "--show-error", "--insecure", "--user", f"{USER}:{PASSWORD}",
                 url], capture_output=True, timeout=60)
            check_equal(result.returncode, 0, f"curl exit status for {url}: {result.stderr!r}")
            check_equal(result.stdout, raw, f"curl output for {url}")


MBSYNC_CONFIG = """IMAPAccount test
Host {host}
Port {port}
User {user}
Pass "{password}"
SSLType IMAPS
CertificateFile {certificate}

IMAPStore remote
Account test

MaildirStore local
Path {maildir}/
Inbox {maildir}/INBOX
SubFolders Verbatim

Channel test
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
"""


def run_mbsync(config):
    result = subprocess.run(["mbsync", "-c", config, "-V", "test"], capture_output=True,
                            text=True, timeout=300)
    check_equal(result.returncode, 0, f"mbsync failed: {result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr


def as_stored_by_mbsync(raw):
    """mbsync writes LF line ends and adds an X-TUID header field that it tracks
    messages by; undo both to compare with what the server sent."""
    lines = [line for line in raw.split(b"\n") if not line.startswith(b"X-TUID: ")]
    return b"\r\n".join(lines)


def maildir_files(path):
    found = []
    for sub in ("cur", "new"):
        folder = os.path.join(path, sub)
        if os.path.isdir(folder):
            found += [os.path.join(folder, name) for name in sorted(os.listdir(folder))]
    return found


@test
def mbsync_syncs_both_ways(folder):
    if shutil.which("mbsync") is None:
        raise RuntimeError("mbsync is not installed; run scripts/bootstrap")
    with ImapServer(folder) as server:
        client = connect_tls(server)
        for index in range(3):
            client.append("INBOX", None, None, sample_message(index))
        maildir = os.path.join(folder, "maildir")
        os.makedirs(maildir)
        config = os.path.join(folder, "mbsyncrc")
        with open(config, "w") as handle:
            handle.write(MBSYNC_CONFIG.format(host=HOST, port=server.tls_port, user=USER,
                                              password=PASSWORD, certificate=server.certificate,
                                              maildir=maildir))
        run_mbsync(config)
        inbox = os.path.join(maildir, "INBOX")
        local = maildir_files(inbox)
        check_equal(len(local), 3, "messages pulled into the Maildir")
        with open(local[0], "rb") as handle:
            pulled = as_stored_by_mbsync(handle.read())
        check(pulled in [sample_message(i) for i in range(3)], f"pulled bytes differ: {pulled!r}")

        # Local changes go up: a new message, a flag, and a deletion.
        with open(os.path.join(inbox, "new", "1700000000.local.test"), "wb") as handle:
            handle.write(sample_message(42))
        flagged = local[1]
        os.rename(flagged, flagged.split(":2,")[0] + ":2,F")
        os.remove(local[2])
        run_mbsync(config)
        client.select("INBOX")
        typ, data = client.search(None, "ALL")
        check_equal(len(data[0].split()), 3, "messages on the server after the push")
        typ, data = client.search(None, "FLAGGED")
        check_equal(len(data[0].split()), 1, "flagged messages on the server")
        typ, data = client.search(None, "SUBJECT", '"message 42"')
        check_equal(len(data[0].split()), 1, "uploaded message on the server")

        # Server-side move and flag come down.
        client.create("Moved")
        client.uid("MOVE", "1", "Moved")
        client.store("1", "+FLAGS", "(\\Seen)")
        output = run_mbsync(config)
        check_equal(len(maildir_files(os.path.join(maildir, "Moved"))), 1, "moved message pulled")

        # A second sync with nothing changed changes nothing on either side.
        def snapshot():
            near = {name: sorted(os.listdir(os.path.join(maildir, name, "cur")))
                    for name in ("INBOX", "Moved")}
            far = {}
            for name in ("INBOX", "Moved"):
                client.select(name)
                far[name] = client.fetch("1:*", "(UID FLAGS)")[1]
                far[name + " status"] = client.status(name, "(MESSAGES UIDNEXT)")[1]
            client.close()
            return near, far

        before = snapshot()
        run_mbsync(config)
        check_equal(snapshot(), before, "both sides after a resync without changes")
        client.logout()


if __name__ == "__main__":
    sys.exit(main())
