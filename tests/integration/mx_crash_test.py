"""skrynka serve under SIGKILL and SIGTERM: a 250 means durable, nothing is half stored.

Several clients deliver numbered messages while the test kills serve with SIGKILL. After
a restart every message that got 250 is in the INBOX byte for byte. Every message there
is one that a client sent in full. A message cut off by the kill may be present or
absent, but never in part.
"""
import os
import signal
import smtplib
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mx_harness import HOST, MxInstance, body_after_trace
from skrynka_cli import check, check_equal, check_in, main, test

CLIENTS = 4
ACKNOWLEDGED_BEFORE_KILL = 60


def numbered_message(client, number):
    marker = f"crash-{client}-{number}-{os.urandom(6).hex()}"
    lines = "".join(f"{marker} line {line:03d} of a message cut by a kill\r\n" for line in range(60))
    return marker, f"Subject: {marker}\r\n\r\n{lines}".encode()


class delivery_loop(threading.Thread):
    def __init__(self, port, client, sent, acknowledged, lock):
        super().__init__(daemon=True)
        self.port, self.client = port, client
        self.sent, self.acknowledged, self.lock = sent, acknowledged, lock

    def run(self):
        try:
            with smtplib.SMTP(HOST, self.port, timeout=30) as smtp:
                for number in range(100000):
                    marker, raw = numbered_message(self.client, number)
                    with self.lock:
                        self.sent[marker] = raw
                    smtp.sendmail("bob@example.net", ["alice@example.org"], raw)
                    with self.lock:
                        self.acknowledged[marker] = raw
        except (smtplib.SMTPException, OSError):
            return


def deliver_until_killed(instance, sent, acknowledged, lock):
    """Runs the delivery loops until enough messages got 250, then kills serve."""
    target = len(acknowledged) + ACKNOWLEDGED_BEFORE_KILL
    first = len(sent)
    loops = [delivery_loop(instance.port, f"{first}.{client}", sent, acknowledged, lock)
             for client in range(CLIENTS)]
    for loop in loops:
        loop.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with lock:
            if len(acknowledged) >= target:
                break
        time.sleep(0.01)
    instance.kill()
    for loop in loops:
        loop.join(timeout=30)
    with lock:
        check(len(acknowledged) >= target, f"only {len(acknowledged)} messages acknowledged")


def check_stored(instance, sent, acknowledged):
    """Checks the INBOX against what was sent and acknowledged; returns the stored count."""
    stored = {}
    for message in instance.inbox():
        body = body_after_trace(message)
        marker = body.split(b"\r\n", 1)[0].removeprefix(b"Subject: ").decode()
        check(marker not in stored, f"{marker} stored twice")
        check(marker in sent, f"stored message {marker} was never sent")
        check(body == sent[marker], f"stored message {marker} differs from what was sent")
        stored[marker] = body
    missing = sorted(set(acknowledged) - set(stored))
    check(not missing, f"{len(missing)} acknowledged messages missing after SIGKILL: {missing[:5]}")
    return len(stored)


@test
def sigkill_keeps_every_acknowledged_message(folder):
    instance = MxInstance(folder)
    sent, acknowledged, lock = {}, {}, threading.Lock()
    for kill in range(3):
        instance.start()
        deliver_until_killed(instance, sent, acknowledged, lock)
    instance.start()
    stored = check_stored(instance, dict(sent), dict(acknowledged))

    with smtplib.SMTP(HOST, instance.port, timeout=30) as smtp:
        smtp.sendmail("bob@example.net", ["alice@example.org"], b"Subject: after\r\n\r\nrestart\r\n")
    check_equal(len(instance.inbox()), stored + 1, "messages after one more delivery")
    instance.stop()
    print(f"acknowledged={len(acknowledged)} sent={len(sent)} stored={stored}")


@test
def sigterm_stops_with_open_connections(folder):
    instance = MxInstance(folder)
    server = instance.start()
    idle = instance.connect()
    check_equal(idle.command(b"EHLO client.example.net")[0], 250, "EHLO")
    in_data = instance.connect()
    check_equal(in_data.command(b"EHLO client.example.net")[0], 250, "EHLO")
    check_equal(in_data.command(b"MAIL FROM:<bob@example.net>")[0], 250, "MAIL")
    check_equal(in_data.command(b"RCPT TO:<alice@example.org>")[0], 250, "RCPT")
    check_equal(in_data.command(b"DATA")[0], 354, "DATA")
    in_data.send(b"Subject: never finished\r\n\r\npartial line")
    greeted_only = instance.connect()

    started = time.monotonic()
    status = server.stop(signal.SIGTERM, timeout=20)
    check_equal(status, 0, "exit status after SIGTERM")
    check(time.monotonic() - started < 10, "SIGTERM took longer than 10 s")
    stops = [line for line in server.log_lines if "event=stop" in line]
    check_equal(len(stops), 1, "event=stop lines")
    check_in("signal=SIGTERM", stops[0], "stop line")
    server.__exit__(None, None, None)
    for client in (idle, in_data, greeted_only):
        client.close()

    instance.start()
    check_equal(instance.inbox(), [], "INBOX after an unfinished DATA")
    instance.stop()


if __name__ == "__main__":
    sys.exit(main())
