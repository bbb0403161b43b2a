"""SIGHUP to skrynka serve: a renewed certificate is used for new TLS sessions, changed
[limits] reach sessions accepted afterwards, sessions already open go on undisturbed with
what they started with, a config file that does not load changes nothing, and the audit
log records every reload."""

import imaplib
import json
import os
import shutil
import signal
import smtplib
import socket
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (check, check_equal, check_in, init_instance, main, run_ok,
                         server_process, test)

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def certificate_der(path):
    with open(path) as file:
        pem = file.read()
    first = pem[:pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    return ssl.PEM_cert_to_DER_cert(first)


def untrusted_context():
    # The test compares the certificate bytes itself, so it does not verify the chain.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@test
def sighup_reloads_certificate_and_keeps_sessions(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    tls = os.path.join(os.path.dirname(config), "tls")
    renewed = init_instance(os.path.join(folder, "renewed"), extra=["--hostname", "localhost"])
    renewed_tls = os.path.join(os.path.dirname(renewed), "tls")
    port = free_port()

    with server_process("-c", config, "-o", f"imap.listen_tls={HOST}:{port}") as server:
        server.wait_for_log("event=start")
        before = imaplib.IMAP4_SSL(HOST, port, ssl_context=untrusted_context(), timeout=30)
        check_equal(before.sock.getpeercert(binary_form=True),
                    certificate_der(os.path.join(tls, "certificate.pem")), "first certificate")

        for name in ("certificate.pem", "private_key.pem"):
            shutil.copyfile(os.path.join(renewed_tls, name), os.path.join(tls, name))
        server.process.send_signal(signal.SIGHUP)
        server.wait_for_log("event=tls_reloaded")

        # The session opened before the reload still works.
        check_equal(before.noop()[0], "OK", "NOOP on the session opened before SIGHUP")
        after = imaplib.IMAP4_SSL(HOST, port, ssl_context=untrusted_context(), timeout=30)
        check_equal(after.sock.getpeercert(binary_form=True),
                    certificate_der(os.path.join(renewed_tls, "certificate.pem")),
                    "certificate after SIGHUP")
        after.logout()
        before.logout()
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")

    records = run_ok("-c", config, "audit", "show", "--event", "config.load").stdout
    check_in("signal=SIGHUP certificate=reloaded", records, "audit records")


def set_limit(config, name, value):
    """Sets one [limits] key in the config file, replacing its commented default."""
    with open(config) as file:
        lines = file.read().splitlines()
    for index, line in enumerate(lines):
        if line.startswith(f"# {name} = ") or line.startswith(f"{name} = "):
            lines[index] = f"{name} = {value}"
            break
    else:
        raise AssertionError(f"{name} is not in {config}")
    with open(config, "w") as file:
        file.write("\n".join(lines) + "\n")


def advertised_size(client):
    code, _ = client.ehlo("client.example.net")
    check_equal(code, 250, "EHLO reply")
    return int(client.esmtp_features["size"])


def mail_from_reply(client, size):
    code, _ = client.docmd(f"MAIL FROM:<sender@example.net> SIZE={size}")
    client.rset()
    return code


def imap_reply_to_long_line(connection, tag, length):
    """Sends one IMAP command line of length octets and returns the reply to it: tagged, or
    untagged BAD when the line was too long to read its tag."""
    line = f"{tag} NOOP ".encode() + b"x" * (length - len(tag) - 8) + b"\r\n"
    connection.sendall(line)
    reader = connection.makefile("rb")
    while True:
        reply = reader.readline().decode()
        if reply.startswith(f"{tag} ") or reply.startswith("* BAD"):
            return reply


def imap_session(port):
    connection = socket.create_connection((HOST, port), timeout=30)
    greeting = connection.recv(4096).decode()
    check(greeting.startswith("* OK"), f"IMAP greeting: {greeting!r}")
    return connection


DEFAULT_SIZE = 50 * 1024 * 1024
SMALL_SIZE = 1024 * 1024


@test
def sighup_applies_limits_to_new_sessions(folder):
    config = init_instance(folder)
    port = free_port()
    imap_port = free_port()

    with server_process("-c", config, "-o", f"smtp.listen={HOST}:{port}",
                        "-o", f"imap.listen={HOST}:{imap_port}") as server:
        server.wait_for_log("event=start")
        before = smtplib.SMTP(HOST, port, timeout=30)
        check_equal(advertised_size(before), DEFAULT_SIZE, "SIZE before SIGHUP")
        imap_before = imap_session(imap_port)

        set_limit(config, "smtp_message_size_max", SMALL_SIZE)
        set_limit(config, "imap_line_max_bytes", 8192)
        set_limit(config, "key_cache_seconds", 60)
        server.process.send_signal(signal.SIGHUP)
        applied = server.wait_for_log("event=config_reloaded")
        check_in("applied=limits.imap_line_max_bytes,limits.smtp_message_size_max", applied,
                 "reload log line")
        restart = server.wait_for_log("event=config_restart_needed")
        check_in("keys=limits.key_cache_seconds", restart, "restart log line")

        after = smtplib.SMTP(HOST, port, timeout=30)
        check_equal(advertised_size(after), SMALL_SIZE, "SIZE of a session after SIGHUP")
        check_equal(mail_from_reply(after, 2 * SMALL_SIZE), 552,
                    "MAIL SIZE above the new limit, new session")

        # The session accepted before the reload keeps its limit and is not dropped.
        check_equal(before.noop()[0], 250, "NOOP on the session opened before SIGHUP")
        check_equal(advertised_size(before), DEFAULT_SIZE, "SIZE of the older session")
        check_equal(mail_from_reply(before, 2 * SMALL_SIZE), 250,
                    "MAIL SIZE above the new limit, older session")
        before.quit()
        after.quit()

        # IMAP: a 10000-octet line is over the new limit of 8192 only for the new session.
        imap_after = imap_session(imap_port)
        check_in("Command line too long", imap_reply_to_long_line(imap_after, "b1", 10000),
                 "long line on an IMAP session after SIGHUP")
        old_reply = imap_reply_to_long_line(imap_before, "a1", 10000)
        check(old_reply.startswith("a1 ") and "too long" not in old_reply,
              f"long line on the older IMAP session: {old_reply!r}")
        imap_after.close()
        imap_before.close()
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")

    records = run_ok("-c", config, "audit", "show", "--event", "config.load").stdout
    check_in("config=loaded applied=limits.imap_line_max_bytes,limits.smtp_message_size_max "
             "needs_restart=limits.key_cache_seconds", records, "audit records")


@test
def sighup_keeps_limits_on_broken_config(folder):
    config = init_instance(folder)
    port = free_port()

    with server_process("-c", config, "-o", f"smtp.listen={HOST}:{port}") as server:
        server.wait_for_log("event=start")
        set_limit(config, "smtp_message_size_max", SMALL_SIZE)
        server.process.send_signal(signal.SIGHUP)
        server.wait_for_log("event=config_reloaded")
        before = smtplib.SMTP(HOST, port, timeout=30)
        check_equal(advertised_size(before), SMALL_SIZE, "SIZE after the first SIGHUP")

        # Below the minimum of 64 KiB, so the whole file is refused.
        set_limit(config, "smtp_message_size_max", 1)
        set_limit(config, "smtp_recipients_max", 500)
        server.process.send_signal(signal.SIGHUP)
        failed = server.wait_for_log("event=config_reload_failed")
        check_in("smtp_message_size_max", failed, "reload failure log line")

        after = smtplib.SMTP(HOST, port, timeout=30)
        check_equal(advertised_size(after), SMALL_SIZE, "SIZE after the refused SIGHUP")
        check_equal(before.noop()[0], 250, "NOOP on the session opened before")

        # A file that is not TOML at all is refused the same way.
        with open(config, "a") as file:
            file.write("[limits\n")
        server.process.send_signal(signal.SIGHUP)
        server.wait_for_log("event=config_reload_failed")
        latest = smtplib.SMTP(HOST, port, timeout=30)
        check_equal(advertised_size(latest), SMALL_SIZE, "SIZE after a SIGHUP with bad TOML")
        for client in (before, after, latest):
            client.quit()
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")

    # The broken file would stop the audit command too, so it reads a repaired copy.
    set_limit(config, "smtp_message_size_max", SMALL_SIZE)
    with open(config) as file:
        repaired = file.read().replace("[limits\n", "")
    with open(config, "w") as file:
        file.write(repaired)
    shown = run_ok("-c", config, "audit", "show", "--event", "config.load", "--json").stdout
    records = [json.loads(line) for line in shown.splitlines() if line.strip()]
    reloads = [record for record in records if "signal=SIGHUP" in record["detail"]]
    check_equal([record["outcome"] for record in reloads], ["success", "failure", "failure"],
                "outcomes of the three reloads")
    check_in("config=failed", reloads[1]["detail"], "detail of a refused reload")


if __name__ == "__main__":
    sys.exit(main())
