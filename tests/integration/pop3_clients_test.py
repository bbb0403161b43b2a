"""POP3 through the real binary: Python's poplib, raw sockets, curl and fetchmail over
plain TCP, STLS and implicit TLS, against an INBOX filled by pop3_fill_inbox."""

import hashlib
import imaplib
import os
import poplib
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, check, check_equal, check_in, init_instance, main, run_ok,
                         server_process, test)

FILL_INBOX = os.environ.get("SKRYNKA_POP3_FILL_INBOX", "")
USER = "alice@example.org"
PASSWORD = "quiet-harbor-lantern-42"

FX_APPEND = (b"From: alice@example.org\r\n"
             b"To: alice@example.org\r\n"
             b"Subject: append test\r\n"
             b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
             b"Message-ID: <append-1@example.org>\r\n"
             b"\r\n"
             b"hello\r\n")
FX_DOTS = b"Subject: dots\r\n\r\n.first\r\n.\r\n..two\r\nend\r\n"
FX_P = b"Subject: p\r\n\r\n0123456789\r\n"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class mail_instance:
    """An instance with alice@example.org and helpers to fill her INBOX and run serve."""

    def __init__(self, folder):
        self.folder = folder
        self.config = init_instance(folder, extra=["--hostname", "localhost"])
        self.state = os.path.dirname(self.config)
        run_ok("-c", self.config, *FAST_ARGON2, "user", "add", USER, stdin_text=PASSWORD + "\n")
        self.port = free_port()
        self.tls_port = free_port()
        self.imap_port = free_port()
        self.count = 0

    def fill(self, *messages):
        """Seal messages into the INBOX; return their UIDs."""
        paths = []
        for message in messages:
            self.count += 1
            path = os.path.join(self.folder, f"message-{self.count}.eml")
            with open(path, "wb") as file:
                file.write(message)
            paths.append(path)
        result = subprocess.run([FILL_INBOX, self.state, USER, *paths], capture_output=True,
                                text=True, timeout=300)
        check_equal(result.returncode, 0, f"pop3_fill_inbox exit status ({result.stderr})")
        return [int(line) for line in result.stdout.split()]

    def serve(self, *extra):
        return server_process(
            "-c", self.config, *FAST_ARGON2,
            "-o", f"pop3.listen=127.0.0.1:{self.port}",
            "-o", f"pop3.listen_tls=127.0.0.1:{self.tls_port}",
            "-o", "smtp.listen=", "-o", "submission.listen=", "-o", "submission.listen_tls=",
            "-o", f"imap.listen=127.0.0.1:{self.imap_port}", "-o", "imap.listen_tls=",
            "-o", "admin.listen=", *extra)

    def certificate(self):
        return os.path.join(self.state, "tls", "certificate.pem")


def started(server):
    server.wait_for_log("event=start")
    return server


def login(port):
    client = poplib.POP3("127.0.0.1", port, timeout=30)
    client.user(USER)
    client.pass_(PASSWORD)
    return client


def retrieved(client, number):
    """RETR through poplib: the message as the stored octets with CRLF line ends."""
    _, lines, _ = client.retr(number)
    return b"".join(line + b"\r\n" for line in lines)


def uidl_map(client):
    _, lines, _ = client.uidl()
    return dict(line.decode().split(" ", 1) for line in lines)


def read_until(sock, terminator, limit=64 * 1024 * 1024, anywhere=False):
    """Read until the data ends with terminator, or contains it when anywhere is set."""
    data = b""
    while not (terminator in data if anywhere else data.endswith(terminator)):
        chunk = sock.recv(65536)
        check(chunk, f"connection closed before {terminator!r}; got {data[-200:]!r}")
        data += chunk
        check(len(data) < limit, "response too long")
    return data


def quiet_read(sock, seconds):
    """Return what arrives within seconds (b"" when nothing does)."""
    sock.settimeout(seconds)
    try:
        return sock.recv(4096)
    except socket.timeout:
        return b""
    finally:
        sock.settimeout(30)


def client_context(instance):
    context = ssl.create_default_context(cafile=instance.certificate())
    context.check_hostname = False
    return context


def stop(server):
    check_equal(server.stop(signal.SIGTERM), 0, "serve exit status")
    log = "\n".join(server.log_lines)
    check(PASSWORD not in log, "the password appears in the log")
    return log


@test
def poplib_reads_sizes_messages_and_tops(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS, FX_P)
    with started(instance.serve()) as server:
        client = login(instance.port)
        check_equal(client.stat(), (3, 219), "STAT")
        _, listing, _ = client.list()
        check_equal(listing, [b"1 153", b"2 40", b"3 26"], "LIST")
        check_equal(retrieved(client, 1), FX_APPEND, "RETR 1")
        check_equal(retrieved(client, 2), FX_DOTS, "RETR 2")
        check_equal(retrieved(client, 3), FX_P, "RETR 3")
        _, top, _ = client.top(2, 2)
        check_equal(top, [b"Subject: dots", b"", b".first", b"."], "TOP 2 2")
        _, top, _ = client.top(2, 0)
        check_equal(top, [b"Subject: dots", b""], "TOP 2 0")
        capabilities = client.capa()
        for name in ("TOP", "UIDL", "RESP-CODES", "PIPELINING", "IMPLEMENTATION"):
            check_in(name, capabilities, "CAPA in the TRANSACTION state")
        check_equal(client.quit(), b"+OK localhost POP3 server signing off (3 messages left)",
                    "QUIT")
        log = stop(server)
    check_in("event=login user=alice@example.org messages=3", log, "log")


@test
def raw_socket_sees_stuffed_dot_lines(folder):
    instance = mail_instance(folder)
    instance.fill(FX_DOTS)
    with started(instance.serve()) as server:
        with socket.create_connection(("127.0.0.1", instance.port), timeout=30) as sock:
            read_until(sock, b"\r\n")
            sock.sendall(f"USER {USER}\r\nPASS {PASSWORD}\r\n".encode())
            read_until(sock, b"octets)\r\n")
            sock.sendall(b"RETR 1\r\n")
            wire = read_until(sock, b"\r\n.\r\n")
            check_equal(wire, b"+OK 40 octets\r\nSubject: dots\r\n\r\n..first\r\n..\r\n"
                              b"...two\r\nend\r\n.\r\n", "RETR on the wire")
            sock.sendall(b"TOP 1 2\r\n")
            wire = read_until(sock, b"\r\n.\r\n")
            check_equal(wire, b"+OK Top of message follows\r\nSubject: dots\r\n\r\n..first\r\n"
                              b"..\r\n.\r\n", "TOP on the wire")
            sock.sendall(b"QUIT\r\n")
            read_until(sock, b"\r\n")
        stop(server)


@test
def uidl_survives_sessions_and_restarts(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS, FX_P)
    with started(instance.serve()) as server:
        client = login(instance.port)
        first = uidl_map(client)
        check_equal(len(set(first.values())), 3, "distinct UIDL ids")
        for unique_id in first.values():
            check(1 <= len(unique_id) <= 70, f"UIDL id length of {unique_id!r}")
            check(all(0x21 <= ord(c) <= 0x7E for c in unique_id), f"UIDL id octets {unique_id!r}")
        client.dele(2)
        # Drop the connection without QUIT: the deletion must not happen.
        client.sock.shutdown(socket.SHUT_RDWR)
        client.close()
        time.sleep(0.5)

        client = login(instance.port)
        check_equal(uidl_map(client), first, "UIDL after a dropped session")
        client.dele(2)
        client.quit()
        stop(server)
    audit = run_ok("-c", instance.config, "audit", "show").stdout
    expunges = [line for line in audit.splitlines() if "message.expunge" in line]
    check_equal(len(expunges), 1, f"expunge records in the audit log: {audit}")
    # One record per deleted message, naming its UID (message 2 of the maildrop is UID 2).
    check_in("uid=2 ", expunges[0], "expunge record")

    instance.fill(FX_P)
    with started(instance.serve()) as server:
        client = login(instance.port)
        after = uidl_map(client)
        check_equal(after["1"], first["1"], "id of message 1 after a restart")
        check_equal(after["2"], first["3"], "id of old message 3, now number 2")
        check(after["3"] not in first.values(), "the new message reuses an id")
        check_equal(client.stat(), (3, 153 + 26 + 26), "STAT after the deletion")
        client.quit()
        stop(server)


@test
def rset_undoes_dele(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS)
    with started(instance.serve()) as server:
        client = login(instance.port)
        client.dele(1)
        client.dele(2)
        check_equal(client.stat(), (0, 0), "STAT after DELE")
        check_equal(client.rset(), b"+OK Maildrop has 2 messages (193 octets)", "RSET")
        client.quit()
        client = login(instance.port)
        check_equal(client.stat(), (2, 193), "STAT in a new session")
        client.quit()
        stop(server)


@test
def dropped_connection_mid_retr_deletes_nothing(folder):
    instance = mail_instance(folder)
    instance.fill(FX_P, b"Subject: big\r\n\r\n" + b"x" * 998 + b"\r\n" * 4000)
    with started(instance.serve()) as server:
        with socket.create_connection(("127.0.0.1", instance.port), timeout=30) as sock:
            read_until(sock, b"\r\n")
            sock.sendall(f"USER {USER}\r\nPASS {PASSWORD}\r\nDELE 1\r\nRETR 2\r\n".encode())
            read_until(sock, b"octets\r\n", anywhere=True)
        time.sleep(0.5)
        client = login(instance.port)
        check_equal(client.stat()[0], 2, "messages after the dropped session")
        client.quit()
        stop(server)


@test
def imap_sees_pop3_deletions(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS, FX_P)
    with started(instance.serve()) as server:
        imap = imaplib.IMAP4("127.0.0.1", instance.imap_port, timeout=30)
        imap.login(USER, PASSWORD)
        check_equal(imap.select("INBOX")[1], [b"3"], "SELECT INBOX")
        client = login(instance.port)
        client.dele(2)
        client.quit()
        status, _ = imap.noop()
        check_equal(status, "OK", "NOOP")
        check_equal(imap.untagged_responses.get("EXPUNGE"), [b"2"], "EXPUNGE after POP3 QUIT")
        imap.logout()
        stop(server)


@test
def second_login_gets_in_use(folder):
    instance = mail_instance(folder)
    instance.fill(FX_P)
    with started(instance.serve()) as server:
        first = login(instance.port)
        second = poplib.POP3("127.0.0.1", instance.port, timeout=30)
        second.user(USER)
        try:
            second.pass_(PASSWORD)
            check(False, "a second POP3 login got the maildrop")
        except poplib.error_proto as error:
            check_in(b"-ERR [IN-USE]", error.args[0], "second PASS")
        first.quit()
        second.user(USER)
        second.pass_(PASSWORD)
        check_equal(second.stat(), (1, 26), "STAT after the first session quit")
        second.quit()
        stop(server)


@test
def wrong_password_gets_auth_code(folder):
    instance = mail_instance(folder)
    with started(instance.serve()) as server:
        client = poplib.POP3("127.0.0.1", instance.port, timeout=30)
        for name in (USER, "nobody@example.org"):
            client.user(name)
            try:
                client.pass_("wrong-password-123")
                check(False, f"login as {name} with a wrong password")
            except poplib.error_proto as error:
                check_equal(error.args[0], b"-ERR [AUTH] Authentication failed", "PASS reply")
        client.quit()
        log = stop(server)
    check(b"wrong-password-123" not in log.encode(), "the wrong password appears in the log")
    check_in("event=login_failed user=nobody@example.org", log, "log of the failure")
    audit = run_ok("-c", instance.config, "audit", "show").stdout
    check_equal(audit.count("login.failure"), 2, f"failed logins in the audit log: {audit}")
    check_in("proto=pop3 reason=bad_credentials", audit, "audit detail")


@test
def sasl_plain_logs_in(folder):
    instance = mail_instance(folder)
    instance.fill(FX_P)
    with started(instance.serve()) as server:
        client = poplib.POP3("127.0.0.1", instance.port, timeout=30)
        check_in("SASL", client.capa(), "CAPA over loopback")
        check_equal(client.capa()["SASL"], ["PLAIN"], "SASL mechanisms")
        import base64
        response = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
        check(client._shortcmd(f"AUTH PLAIN {response}").startswith(b"+OK"), "AUTH PLAIN")
        check_equal(client.stat(), (1, 26), "STAT after AUTH")
        client.quit()
        stop(server)


@test
def pipelined_commands_get_ordered_responses(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS, FX_P)
    with started(instance.serve()) as server:
        with socket.create_connection(("127.0.0.1", instance.port), timeout=30) as sock:
            read_until(sock, b"\r\n")
            sock.sendall(f"CAPA\r\nUSER {USER}\r\nPASS {PASSWORD}\r\nSTAT\r\nLIST 2\r\n"
                         "RETR 3\r\nDELE 1\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n".encode())
            data = read_until(sock, b"signing off (2 messages left)\r\n")
        expected_tail = (b"+OK Send PASS\r\n+OK Maildrop has 3 messages (219 octets)\r\n"
                         b"+OK 3 219\r\n+OK 2 40\r\n+OK 26 octets\r\n" + FX_P + b".\r\n"
                         b"+OK Message 1 deleted\r\n-ERR Message already deleted\r\n+OK\r\n"
                         b"+OK localhost POP3 server signing off (2 messages left)\r\n")
        check(data.endswith(expected_tail), f"pipelined responses: {data!r}")
        check(data.startswith(b"+OK Capability list follows\r\n"), "CAPA first")
        stop(server)


@test
def stls_and_implicit_tls(folder):
    instance = mail_instance(folder)
    instance.fill(FX_DOTS)
    with started(instance.serve()) as server:
        client = poplib.POP3("127.0.0.1", instance.port, timeout=30)
        check_in("STLS", client.capa(), "CAPA before STLS")
        client.stls(client_context(instance))
        check("STLS" not in client.capa(), "STLS offered inside TLS")
        client.user(USER)
        client.pass_(PASSWORD)
        check_equal(retrieved(client, 1), FX_DOTS, "RETR after STLS")
        client.quit()

        secure = poplib.POP3_SSL("127.0.0.1", instance.tls_port, timeout=30,
                                 context=client_context(instance))
        check("STLS" not in secure.capa(), "STLS offered on the POP3S port")
        secure.user(USER)
        secure.pass_(PASSWORD)
        check_equal(retrieved(secure, 1), FX_DOTS, "RETR over POP3S")
        secure.quit()
        stop(server)


@test
def cleartext_behind_stls_is_dropped(folder):
    instance = mail_instance(folder)
    with started(instance.serve()) as server:
        with socket.create_connection(("127.0.0.1", instance.port), timeout=30) as raw:
            read_until(raw, b"\r\n")
            raw.sendall(f"STLS\r\nUSER {USER}\r\n".encode())
            check_equal(read_until(raw, b"\r\n"), b"+OK Begin TLS negotiation\r\n", "STLS reply")
            with client_context(instance).wrap_socket(raw, server_hostname="localhost") as sock:
                check_equal(quiet_read(sock, 2), b"", "data after the handshake")
                sock.sendall(f"PASS {PASSWORD}\r\n".encode())
                check_equal(read_until(sock, b"\r\n"), b"-ERR Send USER first\r\n",
                            "PASS after the handshake")
                sock.sendall(b"QUIT\r\n")
                read_until(sock, b"\r\n")
        stop(server)


@test
def twenty_megabyte_message(folder):
    instance = mail_instance(folder)
    lines = [b".line %07d starts with a dot and fills the line with text...." % i
             for i in range(320000)]
    big = b"Subject: big\r\n\r\n" + b"\r\n".join(lines) + b"\r\n"
    check(len(big) > 20 * 1000 * 1000, f"message size {len(big)}")
    instance.fill(big)
    with started(instance.serve()) as server:
        client = login(instance.port)
        check_equal(client.list(1), f"+OK 1 {len(big)}".encode(), "LIST 1")
        got = retrieved(client, 1)
        check_equal(hashlib.sha256(got).hexdigest(), hashlib.sha256(big).hexdigest(),
                    "digest of the retrieved message")
        client.quit()
        stop(server)


def curl(*args):
    result = subprocess.run(["curl", "--silent", "--show-error", "--max-time", "120", *args],
                            capture_output=True, timeout=180)
    check_equal(result.returncode, 0, f"curl exit status ({result.stderr!r})")
    return result.stdout


@test
def curl_lists_and_retrieves(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS)
    credentials = f"{USER}:{PASSWORD}"
    with started(instance.serve()) as server:
        listing = curl("--user", credentials, f"pop3://127.0.0.1:{instance.port}/")
        check_equal(listing, b"1 153\r\n2 40\r\n", "curl LIST")
        message = curl("--user", credentials, f"pop3://127.0.0.1:{instance.port}/2")
        check_equal(message, FX_DOTS, "curl RETR 2")
        message = curl("--user", credentials, "--cacert", instance.certificate(),
                       "--resolve", f"localhost:{instance.tls_port}:127.0.0.1",
                       f"pop3s://localhost:{instance.tls_port}/1")
        check_equal(message, FX_APPEND, "curl RETR 1 over POP3S")
        message = curl("--user", credentials, "--ssl-reqd", "--cacert", instance.certificate(),
                       "--resolve", f"localhost:{instance.port}:127.0.0.1",
                       f"pop3://localhost:{instance.port}/2")
        check_equal(message, FX_DOTS, "curl RETR 2 after STLS")
        stop(server)


def run_fetchmail(instance, keep, fetch_all, output):
    """Run fetchmail once against the plain port; return its exit status and output."""
    rcfile = os.path.join(instance.folder, "fetchmailrc")
    writer = os.path.join(instance.folder, "deliver.py")
    with open(writer, "w") as file:
        file.write("import os, sys, time\n"
                   f"path = os.path.join({output!r}, str(time.monotonic_ns()))\n"
                   "open(path, 'wb').write(sys.stdin.buffer.read())\n")
    with open(rcfile, "w") as file:
        file.write(f"poll 127.0.0.1 with proto POP3 port {instance.port}\n"
                   f"  user \"{USER}\" there with password \"{PASSWORD}\"\n"
                   f"  {'keep' if keep else 'nokeep'} {'fetchall' if fetch_all else ''}\n"
                   "  sslproto ''\n"
                   f"  mda \"{sys.executable} {writer}\"\n")
    os.chmod(rcfile, stat.S_IRUSR | stat.S_IWUSR)
    environment = dict(os.environ, HOME=instance.folder)
    result = subprocess.run(
        ["fetchmail", "--fetchmailrc", rcfile, "--idfile", os.path.join(instance.folder, "ids"),
         "--pidfile", os.path.join(instance.folder, "fetchmail.pid"), "--invisible", "--nosyslog",
         "--uidl", "--verbose"],
        capture_output=True, text=True, timeout=300, env=environment)
    return result.returncode, result.stdout + result.stderr


def delivered(output):
    return [open(os.path.join(output, name), "rb").read() for name in sorted(os.listdir(output))]


@test
def fetchmail_keep_and_delete(folder):
    instance = mail_instance(folder)
    instance.fill(FX_APPEND, FX_DOTS, FX_P)
    output = os.path.join(folder, "delivered")
    os.mkdir(output)
    with started(instance.serve()) as server:
        status, text = run_fetchmail(instance, keep=True, fetch_all=False, output=output)
        check_equal(status, 0, f"fetchmail exit status in keep mode: {text}")
        messages = delivered(output)
        check_equal(len(messages), 3, "messages delivered in keep mode")
        check_in(b"\n..two\n", messages[1].replace(b"\r\n", b"\n"), "dot line from FX-DOTS")
        check(b"\n...two" not in messages[1], "dot line stuffed twice")
        client = login(instance.port)
        check_equal(client.stat(), (3, 219), "STAT after keep mode")
        client.quit()

        # fetchmail remembers the UIDL ids it has seen, so a second run fetches nothing.
        status, text = run_fetchmail(instance, keep=True, fetch_all=False, output=output)
        check(status in (0, 1), f"fetchmail exit status on a second run: {text}")
        check_equal(len(delivered(output)), 3, "messages after a second keep run")

        status, text = run_fetchmail(instance, keep=False, fetch_all=True, output=output)
        check_equal(status, 0, f"fetchmail exit status without keep: {text}")
        check_equal(len(delivered(output)), 6, "messages after fetching all again")
        client = login(instance.port)
        check_equal(client.stat(), (0, 0), "STAT after fetchmail deleted")
        client.quit()
        stop(server)


if __name__ == "__main__":
    sys.exit(main())
