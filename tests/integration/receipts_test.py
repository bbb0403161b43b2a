"""Deletion receipts through the real server and clients.

An IMAP expunge, a MOVE and a POP3 DELE + QUIT each leave a signed receipt.
`skrynka verify deletion` searches the account's database file and WAL page by page, and
it must report the message absent. A saved receipt must check with only the public key.
The verifier must also be able to fail: a copy of the database whose rows were deleted
with secure_delete off keeps the bytes on free pages, and the verifier must find them.
"""

import imaplib
import json
import os
import poplib
import shutil
import signal
import socket
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, CheckFailed, check, check_equal, check_in, init_instance,
                         main, run, run_ok, server_process, test)

HOST = "127.0.0.1"
USER = "alice@example.org"
PASSWORD = "amber-window-orchard-17"
SENDER = "bob@example.net"
SQLCIPHER_SHELL = os.environ.get("SKRYNKA_SQLCIPHER_SHELL", "")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def message(subject, size):
    """A message with a random hex body of about size bytes, so it spans several chunks."""
    body = os.urandom(size // 2).hex()
    lines = "\r\n".join(body[i:i + 76] for i in range(0, len(body), 76))
    return (f"From: Bob <{SENDER}>\r\nTo: Alice <{USER}>\r\nSubject: {subject}\r\n"
            f"Message-ID: <{os.urandom(6).hex()}@example.net>\r\n\r\n{lines}\r\n").encode()


class instance:
    """alice@example.org on one serve with SMTP, IMAPS and cleartext POP3 on loopback."""

    def __init__(self, folder):
        self.config = init_instance(folder, extra=["--hostname", "localhost"])
        self.state = os.path.dirname(self.config)
        run_ok("-c", self.config, *FAST_ARGON2, "user", "add", USER, stdin_text=PASSWORD + "\n")
        self.server = None

    def start(self):
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
        return self

    def stop(self):
        status = self.server.stop(signal.SIGTERM)
        self.server.__exit__(None, None, None)
        self.server = None
        check_equal(status, 0, "serve exit status after SIGTERM")

    def deliver(self, raw):
        import smtplib
        with smtplib.SMTP(HOST, self.smtp_port, timeout=30) as client:
            client.sendmail(SENDER, [USER], raw)

    def imap(self):
        context = ssl.create_default_context(
            cafile=os.path.join(self.state, "tls", "certificate.pem"))
        context.check_hostname = False
        client = imaplib.IMAP4_SSL(HOST, self.imaps_port, ssl_context=context, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def pop3(self):
        client = poplib.POP3(HOST, self.pop3_port, timeout=30)
        client.user(USER)
        client.pass_(PASSWORD)
        return client

    def cli(self, *args):
        return run("-c", self.config, *args)

    def receipts(self):
        result = run_ok("-c", self.config, "receipts", "list", USER, "--json")
        return [json.loads(line) for line in result.stdout.splitlines()]

    def audit_key(self):
        head = run_ok("-c", self.config, "audit", "head").stdout
        for line in head.splitlines():
            if line.startswith("public key: "):
                return line.split(": ", 1)[1]
        raise CheckFailed(f"`audit head` printed no public key: {head!r}")

    def mailbox_files(self, account_id):
        path = os.path.join(self.state, "mailboxes", f"{account_id}.db")
        return [path, path + "-wal"]


def check_absent(inst, receipt_id):
    result = inst.cli("verify", "deletion", receipt_id)
    check_equal(result.returncode, 0,
                f"verify deletion exit status (stdout {result.stdout!r}, stderr {result.stderr!r})")
    check_in("verdict: absent", result.stdout, "verify deletion output")
    pages = [line for line in result.stdout.splitlines() if line.startswith("pages scanned: ")]
    check(pages and int(pages[0].split(": ")[1]) > 0, f"no pages scanned: {result.stdout!r}")
    check("found:" not in result.stdout, f"verify deletion listed a match: {result.stdout!r}")
    return result.stdout


@test
def imap_expunge_leaves_receipt_and_verifies_absent(folder):
    inst = instance(folder).start()
    try:
        for n in range(3):
            inst.deliver(message(f"message {n}", 150_000))
        client = inst.imap()
        client.select("INBOX")
        client.uid("STORE", "2", "+FLAGS", "(\\Deleted)")
        typ, data = client.expunge()
        check_equal(typ, "OK", "EXPUNGE status")

        receipts = inst.receipts()
        check_equal(len(receipts), 1, "receipts after one expunge")
        receipt = receipts[0]
        check_equal(receipt["kind"], "deletion", "receipt kind")
        check_equal(receipt["mailbox"], "INBOX", "receipt mailbox")
        check_equal(receipt["uid"], 2, "receipt uid")
        check(receipt["chunk_count"] >= 3, f"a 150 KB message has 3 chunks: {receipt!r}")

        audit = run_ok("-c", inst.config, "audit", "show", "--event", "message.expunge",
                       "--json").stdout.splitlines()
        sequences = [json.loads(line)["sequence"] for line in audit]
        check_in(receipt["audit_sequence"], sequences, "audit sequences of message.expunge")

        # Verified while the server runs and the IMAP session is still open.
        check_absent(inst, receipt["id"])

        # UID EXPUNGE and CLOSE take the same path.
        client.uid("STORE", "3", "+FLAGS", "(\\Deleted)")
        typ, _ = client.uid("EXPUNGE", "3")
        check_equal(typ, "OK", "UID EXPUNGE status")
        client.uid("STORE", "1", "+FLAGS", "(\\Deleted)")
        client.close()
        client.logout()
        receipts = inst.receipts()
        check_equal(sorted(r["uid"] for r in receipts), [1, 2, 3], "UIDs with receipts")
        for receipt in receipts:
            check_absent(inst, receipt["id"])
    finally:
        inst.stop()


@test
def saved_receipt_verifies_with_public_key_only(folder):
    inst = instance(folder).start()
    try:
        inst.deliver(message("keep the receipt", 2000))
        client = inst.imap()
        client.select("INBOX")
        client.uid("STORE", "1", "+FLAGS", "(\\Deleted)")
        client.expunge()
        client.logout()
    finally:
        inst.stop()

    receipt_id = inst.receipts()[0]["id"]
    shown = run_ok("-c", inst.config, "receipts", "show", receipt_id).stdout
    saved = os.path.join(folder, "receipt.json")
    with open(saved, "w") as out:
        out.write(shown)
    key = inst.audit_key()

    # No config and no state: only the file and the key.
    shutil.rmtree(inst.state)
    result = run("verify", "receipt", saved, "--public-key", key)
    check_equal(result.returncode, 0, f"verify receipt exit status ({result.stderr!r})")
    check_in("signature valid", result.stdout, "verify receipt output")

    edited = json.loads(shown)
    edited["uid"] = 99
    with open(saved, "w") as out:
        out.write(json.dumps(edited))
    result = run("verify", "receipt", saved, "--public-key", key)
    check(result.returncode != 0, "an edited receipt verified")
    check_in("signature does not verify", result.stderr, "verify receipt error")

    other_key = "00" * 32
    with open(saved, "w") as out:
        out.write(shown)
    result = run("verify", "receipt", saved, "--public-key", other_key)
    check(result.returncode != 0, "a receipt verified under another key")


@test
def pop3_delete_and_quit_verifies_absent(folder):
    inst = instance(folder).start()
    try:
        inst.deliver(message("pop3 one", 80_000))
        inst.deliver(message("pop3 two", 3000))
        client = inst.pop3()
        client.dele(1)
        client.quit()

        receipts = inst.receipts()
        check_equal(len(receipts), 1, "receipts after POP3 QUIT")
        check_equal(receipts[0]["uid"], 1, "receipt uid")
        check_equal(receipts[0]["mailbox"], "INBOX", "receipt mailbox")
        check_absent(inst, receipts[0]["id"])
        audit = run_ok("-c", inst.config, "audit", "show", "--event", "message.expunge",
                       "--json").stdout
        check_in("proto=pop3", audit, "message.expunge detail")
    finally:
        inst.stop()


@test
def move_source_receipt_finds_the_copy(folder):
    inst = instance(folder).start()
    try:
        inst.deliver(message("to be moved", 5000))
        client = inst.imap()
        client.select("INBOX")
        typ, _ = client.uid("MOVE", "1", "Trash")
        check_equal(typ, "OK", "UID MOVE status")
        client.logout()
        receipts = inst.receipts()
        check_equal(len(receipts), 1, "receipts after MOVE")
        check_equal(receipts[0]["mailbox"], "INBOX", "MOVE receipt names the source")
        # The message lives on in Trash, so its bytes must be found.
        result = inst.cli("verify", "deletion", receipts[0]["id"])
        check_equal(result.returncode, 1, f"verify deletion of a moved message ({result.stdout!r})")
        check_in("verdict: found", result.stdout, "verify deletion output")

        # Deleting Trash removes the copy, with a receipt of its own, and then neither
        # receipt finds the bytes.
        client = inst.imap()
        typ, _ = client.delete("Trash")
        check_equal(typ, "OK", "DELETE status")
        client.logout()
        receipts = inst.receipts()
        check_equal(sorted(r["mailbox"] for r in receipts), ["INBOX", "Trash"],
                    "receipt mailboxes after DELETE")
        for receipt in receipts:
            check_absent(inst, receipt["id"])
    finally:
        inst.stop()


@test
def verifier_finds_bytes_left_on_free_pages(folder):
    check(os.access(SQLCIPHER_SHELL, os.X_OK), "SKRYNKA_SQLCIPHER_SHELL is not set")
    inst = instance(folder).start()
    try:
        inst.deliver(message("leaves traces", 40_000))
        client = inst.imap()
        client.select("INBOX")
        client.logout()
    finally:
        inst.stop()

    # A copy taken while the message is stored, with the server stopped.
    snapshot = os.path.join(folder, "snapshot")
    os.mkdir(snapshot)
    files = inst.mailbox_files(1)
    for path in files:
        if os.path.exists(path):
            shutil.copy(path, snapshot)

    inst.start()
    try:
        client = inst.imap()
        client.select("INBOX")
        client.uid("STORE", "1", "+FLAGS", "(\\Deleted)")
        client.expunge()
        client.logout()
    finally:
        inst.stop()
    receipt_id = inst.receipts()[0]["id"]
    check_absent(inst, receipt_id)

    # Put the copy back and delete the rows the way secure_delete prevents: the freed
    # pages keep their bytes.
    for path in files:
        if os.path.exists(path):
            os.remove(path)
        saved = os.path.join(snapshot, os.path.basename(path))
        if os.path.exists(saved):
            shutil.copy(saved, path)
    subprocess.run([SQLCIPHER_SHELL, "--mailbox", inst.state, "1",
                    "PRAGMA secure_delete = OFF; DELETE FROM keywords; DELETE FROM chunks; "
                    "DELETE FROM messages;"], check=True, timeout=60)

    result = inst.cli("verify", "deletion", receipt_id)
    check_equal(result.returncode, 1, f"verify deletion exit status ({result.stdout!r})")
    check_in("verdict: found", result.stdout, "verify deletion output")
    check_in("free_list=yes", result.stdout, "a match on a free-list page")


if __name__ == "__main__":
    sys.exit(main())
