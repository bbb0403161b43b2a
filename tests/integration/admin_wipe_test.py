"""The secure wipe and the receipts of the admin endpoint, inside a running server.

DELETE /api/accounts/{address} must end the account's open IMAP, POP3 and submission
sessions, answer with a wipe receipt that `skrynka verify wipe` accepts, remove the
mailbox files and refuse later logins. GET /api/accounts/{address}/receipts must list the
deletion receipts that expunges wrote, paged, with ids that `verify deletion` checks.
"""
import imaplib
import os
import poplib
import smtplib
import socket
import sys

from admin_harness import HOST, PASSWORD, AdminServer, client_tls_context, free_port
from skrynka_cli import check, check_equal, check_in, main, run, test

USER = "alice@example.org"


def read_until_closed(sock, timeout=15):
    """Read what the server sends until it closes the connection; return the bytes."""
    sock.settimeout(timeout)
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk


def line_session(port, greeting, commands):
    """Open a raw socket, read the greeting, send each command and read one reply line."""
    sock = socket.create_connection((HOST, port), timeout=30)
    reader = sock.makefile("rb")
    check(reader.readline().startswith(greeting), "greeting")
    for command, expected in commands:
        sock.sendall(command)
        while True:
            line = reader.readline()
            if line.startswith(expected):
                break
            check(line, f"connection closed while waiting for {expected!r}")
    return sock, reader


def rest_of(reader, sock):
    """What the server still sends on a session, until it closes it."""
    sock.settimeout(15)
    return reader.read()


def mailbox_files(config):
    folder = os.path.join(os.path.dirname(config), "mailboxes")
    return [name for name in os.listdir(folder) if name.startswith("1.db")]


def cli(config, *args):
    return run("-c", config, *args)


@test
def delete_ends_sessions_and_wipes_with_receipt(folder):
    pop3_port = free_port()
    submission_port = free_port()
    with AdminServer(folder, extra=("-o", f"pop3.listen={HOST}:{pop3_port}",
                                    "-o", f"submission.listen={HOST}:{submission_port}")) \
            as server:
        check(mailbox_files(server.config), "alice has a mailbox database")
        imap, imap_reader = line_session(server.imap_port, b"* OK", [
            (f'a1 LOGIN {USER} "{PASSWORD}"\r\n'.encode(), b"a1 OK"),
            (b"a2 SELECT INBOX\r\n", b"a2 OK"),
        ])
        pop3, pop3_reader = line_session(pop3_port, b"+OK", [
            (f"USER {USER}\r\n".encode(), b"+OK"),
            (f"PASS {PASSWORD}\r\n".encode(), b"+OK"),
        ])
        submission = smtplib.SMTP(HOST, submission_port, timeout=30)
        submission.starttls(context=client_tls_context())
        submission.login(USER, PASSWORD)

        reply = server.json("DELETE", f"/api/accounts/{USER}", 200)
        check_equal(reply["wiped"], USER, "wiped address")
        check_equal(reply["sessions_ended"], 3, "sessions ended")
        check(reply["pages_scanned"] > 0, f"pages scanned: {reply!r}")
        receipt_id = reply["receipt_id"]
        check_equal(reply["receipt"]["id"], receipt_id, "receipt id in the JSON")
        check_equal(reply["receipt"]["kind"], "wipe", "receipt kind")
        check_equal(reply["receipt"]["account"], USER, "receipt account")

        # The idle IMAP session got BYE, the POP3 session ended without UPDATE, the
        # submission session got 421; each connection is closed.
        check_in(b"* BYE", rest_of(imap_reader, imap), "IMAP after the wipe")
        check(rest_of(pop3_reader, pop3).startswith(b"-ERR"), "POP3 after the wipe")
        check_in(b"421", read_until_closed(submission.sock), "submission after the wipe")
        for sock in (imap, pop3, submission.sock):
            sock.close()

        verified = cli(server.config, "verify", "wipe", receipt_id)
        check_equal(verified.returncode, 0,
                    f"verify wipe (stdout {verified.stdout!r}, stderr {verified.stderr!r})")
        check_in("verdict: absent", verified.stdout, "verify wipe output")
        check_equal(mailbox_files(server.config), [], "mailbox files after the wipe")

        try:
            with imaplib.IMAP4(HOST, server.imap_port) as client:
                client.login(USER, PASSWORD)
            check(False, "IMAP login succeeded after the wipe")
        except imaplib.IMAP4.error:
            pass
        pop = poplib.POP3(HOST, pop3_port, timeout=30)
        try:
            pop.user(USER)
            pop.pass_(PASSWORD)
            check(False, "POP3 login succeeded after the wipe")
        except poplib.error_proto:
            pass
        finally:
            pop.close()

        accounts = [a["address"] for a in server.json("GET", "/api/accounts", 200)["accounts"]]
        check_equal(accounts, [], "accounts after the wipe")
        # The account is gone, its receipts are not.
        listed = server.json("GET", f"/api/accounts/{USER}/receipts", 200)["receipts"]
        check_equal([(r["id"], r["kind"]) for r in listed], [(receipt_id, "wipe")], "receipts")
        server.json("DELETE", f"/api/accounts/{USER}", 404)
        records = server.json("GET", f"/api/audit?user={USER}&event=account.wipe", 200)
        check_equal(len(records["records"]), 1, "account.wipe audit record")


@test
def receipts_endpoint_lists_expunges_paged(folder):
    with AdminServer(folder) as server:
        with imaplib.IMAP4(HOST, server.imap_port) as client:
            client.login(USER, PASSWORD)
            for n in range(3):
                message = (f"From: bob@example.org\r\nTo: {USER}\r\nSubject: note {n}\r\n\r\n"
                           f"body {n}\r\n").encode()
                check_equal(client.append("INBOX", None, None, message)[0], "OK", "APPEND")
            client.select("INBOX")
            client.uid("STORE", "1:2", "+FLAGS", "(\\Deleted)")
            check_equal(client.expunge()[0], "OK", "EXPUNGE")
            client.logout()

        page = server.json("GET", f"/api/accounts/{USER}/receipts", 200)
        receipts = page["receipts"]
        check_equal([(r["kind"], r["mailbox"], r["uid"]) for r in receipts],
                    [("deletion", "INBOX", 1), ("deletion", "INBOX", 2)], "receipts")
        check("next_cursor" not in page, "one page only")
        for receipt in receipts:
            listed = cli(server.config, "receipts", "list", USER).stdout
            check_in(receipt["id"], listed, "receipts list")
            verified = cli(server.config, "verify", "deletion", receipt["id"])
            check_equal(verified.returncode, 0,
                        f"verify deletion (stdout {verified.stdout!r}, "
                        f"stderr {verified.stderr!r})")
            check_in("verdict: absent", verified.stdout, "verify deletion output")

        first = server.json("GET", f"/api/accounts/{USER}/receipts?limit=1", 200)
        check_equal([r["id"] for r in first["receipts"]], [receipts[0]["id"]], "first page")
        second = server.json(
            "GET", f"/api/accounts/{USER}/receipts?limit=1&cursor={first['next_cursor']}", 200)
        check_equal([r["id"] for r in second["receipts"]], [receipts[1]["id"]], "second page")
        check("next_cursor" not in second, "no third page")
        server.json("GET", f"/api/accounts/{USER}/receipts?limit=0", 400)


if __name__ == "__main__":
    sys.exit(main())
