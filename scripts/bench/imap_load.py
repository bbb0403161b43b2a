#!/usr/bin/python3
"""IMAP load for scripts/bench/imap: fills a mailbox, runs a mixed workload, measures
logins per second and holds idle connections. Standard library only.

Every mode connects to HOST:PORT over cleartext IMAP (loopback) as USER with PASSWORD
and prints its result as one line of key=value fields on stdout.

  imap_load.py fill   HOST PORT USER PASSWORD COUNT SIZE WORKERS
  imap_load.py mixed  HOST PORT USER PASSWORD CLIENTS SECONDS MESSAGES
  imap_load.py logins HOST PORT USER PASSWORD CLIENTS SECONDS
  imap_load.py idle   HOST PORT USER PASSWORD COUNT

`mixed` runs CLIENTS processes, each with one logged-in connection that repeats, for
SECONDS: SELECT INBOX; UID FETCH of the headers of 20 messages; UID FETCH of one whole
message; UID STORE +FLAGS or -FLAGS \\Flagged on one message; APPEND of a 10 KiB
message. Each command counts as one operation. UIDs are drawn at random from
1..MESSAGES. `idle` logs in COUNT connections, prints `ready`, and closes them once a
line arrives on stdin.
"""

import imaplib
import multiprocessing
import random
import sys
import time

HEADER_BATCH = 20
APPEND_SIZE = 10 * 1024


def message(size, serial):
    """Return a plain RFC 5322 message of about size octets."""
    head = (f"From: Bench Sender <bob@example.net>\r\n"
            f"To: Alice <alice@example.org>\r\n"
            f"Subject: benchmark message {serial}\r\n"
            f"Message-ID: <bench-{serial}-{random.getrandbits(64):x}@example.net>\r\n"
            f"Date: Fri, 04 Dec 2026 12:00:00 +0000\r\n"
            f"Content-Type: text/plain; charset=us-ascii\r\n\r\n")
    line = "The quick brown fox jumps over the lazy dog, line of benchmark text.\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return (head + body).encode()


def connect(host, port, user, password):
    client = imaplib.IMAP4(host, port, timeout=120)
    client.login(user, password)
    return client


def check_ok(result, command):
    status, data = result
    if status != "OK":
        raise RuntimeError(f"{command} failed: {status} {data!r}")
    return data


def fill_worker(host, port, user, password, serials, size):
    client = connect(host, port, user, password)
    for serial in serials:
        check_ok(client.append("INBOX", None, None, message(size, serial)), "APPEND")
    client.logout()


def fill(host, port, user, password, count, size, workers):
    started = time.monotonic()
    processes = []
    for worker in range(workers):
        serials = range(worker, count, workers)
        process = multiprocessing.Process(
            target=fill_worker, args=(host, port, user, password, serials, size))
        process.start()
        processes.append(process)
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"fill worker exited with {process.exitcode}")
    elapsed = time.monotonic() - started
    print(f"appended={count} seconds={elapsed:.2f} rate={count / elapsed:.1f}")


def mixed_worker(host, port, user, password, seconds, messages, start_event, results):
    rng = random.Random()
    client = connect(host, port, user, password)
    counts = {"select": 0, "fetch_headers": 0, "fetch_body": 0, "store": 0, "append": 0}
    start_event.wait()
    deadline = time.monotonic() + seconds
    serial = 0
    while time.monotonic() < deadline:
        check_ok(client.select("INBOX"), "SELECT")
        counts["select"] += 1
        first = rng.randint(1, max(1, messages - HEADER_BATCH))
        check_ok(client.uid("FETCH", f"{first}:{first + HEADER_BATCH - 1}", "(BODY.PEEK[HEADER])"),
                 "UID FETCH headers")
        counts["fetch_headers"] += 1
        check_ok(client.uid("FETCH", str(rng.randint(1, messages)), "(BODY.PEEK[])"),
                 "UID FETCH body")
        counts["fetch_body"] += 1
        change = "+FLAGS.SILENT" if rng.random() < 0.5 else "-FLAGS.SILENT"
        check_ok(client.uid("STORE", str(rng.randint(1, messages)), change, "(\\Flagged)"),
                 "UID STORE")
        counts["store"] += 1
        serial += 1
        check_ok(client.append("INBOX", None, None, message(APPEND_SIZE, serial)), "APPEND")
        counts["append"] += 1
    client.logout()
    results.put(counts)


def mixed(host, port, user, password, clients, seconds, messages):
    start_event = multiprocessing.Event()
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(
        target=mixed_worker,
        args=(host, port, user, password, seconds, messages, start_event, results))
        for _ in range(clients)]
    for process in processes:
        process.start()
    # Every client logs in first, so login cost stays out of the operation rate.
    time.sleep(min(30, 2 + clients * 0.5))
    started = time.monotonic()
    start_event.set()
    totals = {}
    for _ in processes:
        for name, count in results.get(timeout=seconds + 300).items():
            totals[name] = totals.get(name, 0) + count
    elapsed = time.monotonic() - started
    for process in processes:
        process.join()
    operations = sum(totals.values())
    fields = " ".join(f"{name}={count}" for name, count in totals.items())
    print(f"operations={operations} seconds={elapsed:.2f} rate={operations / elapsed:.1f} {fields}")


def login_worker(host, port, user, password, seconds, start_event, results):
    start_event.wait()
    deadline = time.monotonic() + seconds
    count = 0
    while time.monotonic() < deadline:
        client = connect(host, port, user, password)
        client.logout()
        count += 1
    results.put(count)


def logins(host, port, user, password, clients, seconds):
    start_event = multiprocessing.Event()
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(
        target=login_worker, args=(host, port, user, password, seconds, start_event, results))
        for _ in range(clients)]
    for process in processes:
        process.start()
    time.sleep(1)
    started = time.monotonic()
    start_event.set()
    total = sum(results.get(timeout=seconds + 300) for _ in processes)
    elapsed = time.monotonic() - started
    for process in processes:
        process.join()
    print(f"logins={total} seconds={elapsed:.2f} rate={total / elapsed:.1f}")


def idle(host, port, user, password, count):
    clients = [connect(host, port, user, password) for _ in range(count)]
    print("ready", flush=True)
    sys.stdin.readline()
    for client in clients:
        client.logout()


def main():
    mode, host, port, user, password, *rest = sys.argv[1:]
    port = int(port)
    numbers = [int(value) for value in rest]
    if mode == "fill":
        fill(host, port, user, password, *numbers)
    elif mode == "mixed":
        mixed(host, port, user, password, *numbers)
    elif mode == "logins":
        logins(host, port, user, password, *numbers)
    elif mode == "idle":
        idle(host, port, user, password, *numbers)
    else:
        raise SystemExit(f"unknown mode {mode!r}: use fill, mixed, logins or idle")


if __name__ == "__main__":
    main()
