"""skrynka backup and restore.

An online backup taken while SMTP deliveries go on restores into a new state folder that
serves every acknowledged message over IMAP. restore rejects a backup that was changed,
signed by another key or is incomplete.
"""

import imaplib
import os
import signal
import smtplib
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, check, check_equal, check_in, init_instance, main, run,
                         run_failing, run_ok, server_process, test)

HOST = "127.0.0.1"
USER = "alice@example.org"
PASSWORD = "amber-window-orchard-17"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def new_instance(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    run_ok("-c", config, *FAST_ARGON2, "user", "add", USER, stdin_text=PASSWORD + "\n")
    return config


def storage_key(config):
    return os.path.join(os.path.dirname(config), "keys", "storage.key")


class delivery_load:
    """Sends numbered messages over SMTP, one after another, until stopped, and notes
    when each was acknowledged (250 after the final dot)."""

    def __init__(self, port):
        self.port = port
        self.acknowledged = []  # (marker, monotonic time of the 250 reply)
        self.failure = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._send, daemon=True)

    def _send(self):
        try:
            with smtplib.SMTP(HOST, self.port, timeout=30) as smtp:
                number = 0
                while not self._stop.is_set():
                    number += 1
                    marker = f"load-{number}-{os.urandom(4).hex()}"
                    smtp.sendmail("bob@example.net", [USER],
                                  f"Subject: {marker}\r\n\r\n{marker}\r\n")
                    self.acknowledged.append((marker, time.monotonic()))
        except Exception as error:  # reported by stop()
            self.failure = error

    def start(self):
        self._thread.start()

    def wait_for(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        check(len(self.acknowledged) >= count, f"only {len(self.acknowledged)} deliveries")

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=60)
        check(self.failure is None, f"delivery failed: {self.failure!r}")


def subjects_over_imap(state, port):
    context = ssl.create_default_context(cafile=os.path.join(state, "tls", "certificate.pem"))
    context.check_hostname = False
    with imaplib.IMAP4_SSL(HOST, port, ssl_context=context, timeout=30) as imap:
        imap.login(USER, PASSWORD)
        status, data = imap.select("INBOX", readonly=True)
        check_equal(status, "OK", "SELECT INBOX")
        count = int(data[0])
        if count == 0:
            return set()
        _, data = imap.fetch(f"1:{count}", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        subjects = set()
        for item in data:
            if isinstance(item, tuple):
                subjects.add(item[1].decode().split(":", 1)[1].strip())
        return subjects


@test
def backup_under_load_restores_every_message(folder):
    config = new_instance(folder)
    state = os.path.dirname(config)
    smtp_port = free_port()
    backup = os.path.join(folder, "backup")
    restored = os.path.join(folder, "restored")

    with server_process("-c", config, "-o", f"smtp.listen={HOST}:{smtp_port}") as server:
        server.wait_for_log("event=start")
        load = delivery_load(smtp_port)
        load.start()
        load.wait_for(20)
        backup_started = time.monotonic()
        run_ok("-c", config, "backup", "--output", backup)
        count_at_end = len(load.acknowledged)
        # Deliveries go on after the backup, and must not be in it.
        load.wait_for(count_at_end + 5)
        load.stop()
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")

    before = {marker for marker, acknowledged in load.acknowledged
              if acknowledged < backup_started}
    during_or_before = {marker for marker, _ in load.acknowledged[:count_at_end]}
    check(len(before) >= 20, f"only {len(before)} messages acknowledged before the backup")

    result = run_ok("restore", "--from", backup, "--state", restored,
                    "--storage-key", storage_key(config))
    check_in("restored 2 database(s)", result.stdout, "restore output")

    imaps_port = free_port()
    with server_process("-c", config, *FAST_ARGON2, "-o", f"server.state_dir={restored}",
                        "-o", f"imap.listen_tls={HOST}:{imaps_port}") as server:
        server.wait_for_log("event=start")
        subjects = subjects_over_imap(state, imaps_port)
        check_equal(server.stop(signal.SIGTERM), 0, "restored serve exit status")

    missing = before - subjects
    check(not missing, f"{len(missing)} acknowledged messages missing after restore: "
                       f"{sorted(missing)[:5]}")
    extra = subjects - during_or_before
    check(not extra, f"messages acknowledged after the backup ended are in it: {sorted(extra)[:5]}")
    print(f"{len(load.acknowledged)} delivered, {len(before)} before the backup, "
          f"{len(subjects)} restored")
    # The restored audit log still verifies: the copy is a consistent snapshot.
    run_ok("-c", config, "-o", f"server.state_dir={restored}", "audit", "verify")

    # The source's log records the backup. The backup was taken before that record, so it
    # does not contain it.
    recorded = run_ok("-c", config, "audit", "show", "--event", "backup.create").stdout
    check_in(f"output={backup}", recorded, "backup.create record")
    restored_log = run_ok("-c", config, "-o", f"server.state_dir={restored}", "audit", "show",
                          "--event", "backup.create").stdout
    check("backup.create" not in restored_log, f"the backup contains its own record: {restored_log}")


def backed_up_instance(folder):
    config = new_instance(folder)
    backup = os.path.join(folder, "backup")
    run_ok("-c", config, "backup", "--output", backup)
    return config, backup


def flip_byte(path, offset):
    with open(path, "r+b") as file:
        file.seek(offset)
        byte = file.read(1)
        file.seek(offset)
        file.write(bytes([byte[0] ^ 0x01]))


def check_rejected(config, backup, restored, expected, *extra):
    line = run_failing("restore", "--from", backup, "--state", restored,
                       "--storage-key", storage_key(config), *extra)
    check_in(expected, line, "restore error")
    check(not os.path.exists(restored), "restore left a state folder behind")


@test
def restore_rejects_changed_database(folder):
    config, backup = backed_up_instance(folder)
    flip_byte(os.path.join(backup, "mailboxes", "1.db"), 5000)
    check_rejected(config, backup, os.path.join(folder, "restored"),
                   "does not match the manifest")


@test
def restore_rejects_changed_manifest(folder):
    config, backup = backed_up_instance(folder)
    manifest = os.path.join(backup, "manifest")
    with open(manifest) as file:
        text = file.read()
    with open(manifest, "w") as file:
        file.write(text.replace("created 2", "created 1", 1))
    check_rejected(config, backup, os.path.join(folder, "restored"),
                   "the manifest signature does not verify")


@test
def restore_rejects_missing_signature(folder):
    config, backup = backed_up_instance(folder)
    os.remove(os.path.join(backup, "manifest.sig"))
    check_rejected(config, backup, os.path.join(folder, "restored"), "manifest.sig")


@test
def restore_rejects_unexpected_audit_key(folder):
    config, backup = backed_up_instance(folder)
    check_rejected(config, backup, os.path.join(folder, "restored"), "not with the expected",
                   "--audit-key", "00" * 32)


@test
def restore_rejects_other_backups_manifest(folder):
    # The signed manifest of another instance's backup does not describe these files.
    config, backup = backed_up_instance(folder)
    other_config, other_backup = backed_up_instance(os.path.join(folder, "other"))
    for name in ("manifest", "manifest.sig"):
        os.replace(os.path.join(other_backup, name), os.path.join(backup, name))
    check_rejected(other_config, backup, os.path.join(folder, "restored"),
                   "does not match the manifest")


@test
def restore_rejects_wrong_storage_key(folder):
    config, backup = backed_up_instance(folder)
    other = new_instance(os.path.join(folder, "other"))
    check_rejected(other, backup, os.path.join(folder, "restored"), "wrong storage key")


@test
def backup_rejects_nonempty_output(folder):
    config = new_instance(folder)
    backup = os.path.join(folder, "backup")
    os.makedirs(backup)
    with open(os.path.join(backup, "old"), "w") as file:
        file.write("old")
    line = run_failing("-c", config, "backup", "--output", backup)
    check_in("is not empty", line, "backup error")


if __name__ == "__main__":
    sys.exit(main())
