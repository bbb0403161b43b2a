"""skrynka serve started as root.

It switches to server.user and server.group after opening its ports and files, keeps no
way back to root, writes no core files, and still delivers and reads mail. It refuses to
start when the switch cannot be done safely, and when server.user is unset; only a
server.user that names root keeps root.

Needs root (CI runs as root); otherwise the script reports a skip with exit status 77.
"""

import imaplib
import os
import pwd
import grp
import signal
import smtplib
import socket
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (LISTENERS, FAST_ARGON2, check, check_equal, check_in, init_instance,
                         main, run, run_ok, server_process, test)

HOST = "127.0.0.1"
USER = "alice@example.org"
PASSWORD = "amber-window-orchard-17"
# Debian's unprivileged account and group, present on every system.
SERVICE_USER = "nobody"
SERVICE_GROUP = "nogroup"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def chown_tree(path, uid, gid):
    for folder, subfolders, files in os.walk(path):
        os.chown(folder, uid, gid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid)


def status_fields(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


def core_limit(pid):
    with open(f"/proc/{pid}/limits") as limits:
        for line in limits:
            if line.startswith("Max core file size"):
                return line.split()[4:6]
    return None


def service_instance(folder):
    """An instance with one account, owned by the service user, and its config path."""
    # mkdtemp made the test folder 0700 for root; the service user must pass through it.
    os.chmod(folder, 0o711)
    config = init_instance(folder, extra=["--hostname", "localhost"])
    run_ok("-c", config, *FAST_ARGON2, "user", "add", USER, stdin_text=PASSWORD + "\n")
    user = pwd.getpwnam(SERVICE_USER)
    chown_tree(os.path.dirname(config), user.pw_uid, grp.getgrnam(SERVICE_GROUP).gr_gid)
    return config


@test
def serve_drops_to_service_user(folder):
    config = service_instance(folder)
    state = os.path.dirname(config)
    smtp_port, imaps_port = free_port(), free_port()
    uid = pwd.getpwnam(SERVICE_USER).pw_uid
    gid = grp.getgrnam(SERVICE_GROUP).gr_gid
    with server_process("-c", config, "-o", f"server.user={SERVICE_USER}",
                        "-o", f"server.group={SERVICE_GROUP}",
                        "-o", f"smtp.listen={HOST}:{smtp_port}",
                        "-o", f"imap.listen_tls={HOST}:{imaps_port}") as server:
        dropped = server.wait_for_log("event=privileges_dropped")
        check_in(f"uid={uid} gid={gid}", dropped, "drop line")
        server.wait_for_log("event=start")
        pid = server.process.pid

        fields = status_fields(pid)
        check_equal(fields["Uid"], [str(uid)] * 4, "real, effective, saved and file user IDs")
        check_equal(fields["Gid"], [str(gid)] * 4, "real, effective, saved and file group IDs")
        check_equal(fields["Groups"], [], "supplementary groups")
        check_equal(fields["CapEff"], ["0000000000000000"], "effective capabilities")
        check_equal(fields["CapPrm"], ["0000000000000000"], "permitted capabilities")
        check_equal(core_limit(pid), ["0", "0"], "core file size soft and hard limit")
        # A process that is not dumpable has its /proc files owned by root, not by its user.
        check_equal(os.stat(f"/proc/{pid}/status").st_uid, 0, "owner of /proc/PID/status")

        # Delivery writes the mailbox database as the service user, and IMAP reads it back.
        body = f"Subject: dropped\r\n\r\nmarker-{os.urandom(6).hex()}\r\n"
        with smtplib.SMTP(HOST, smtp_port, timeout=30) as smtp:
            smtp.sendmail("bob@example.net", [USER], body)
        context = ssl.create_default_context(cafile=os.path.join(state, "tls", "certificate.pem"))
        context.check_hostname = False
        with imaplib.IMAP4_SSL(HOST, imaps_port, ssl_context=context, timeout=30) as imap:
            imap.login(USER, PASSWORD)
            imap.select("INBOX")
            _, data = imap.fetch("1", "(BODY.PEEK[TEXT])")
            check_in(body.split("\r\n\r\n", 1)[1].encode(), data[0][1], "message text over IMAP")
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")

    check_equal(os.stat(os.path.join(state, "serve.lock")).st_uid, uid, "owner of serve.lock")


def failed_start(config, *options):
    listeners = [option for listener in LISTENERS for option in ("-o", f"{listener}=")]
    result = run("-c", config, *listeners, "-o", f"smtp.listen={HOST}:{free_port()}", *options,
                 "serve", timeout=60)
    check(result.returncode != 0, "serve started although it should have refused")
    return result.stderr


@test
def serve_rejects_state_owned_by_root(folder):
    config = init_instance(folder, extra=["--hostname", "localhost"])
    error = failed_start(config, "-o", f"server.user={SERVICE_USER}")
    check_in(f"not by server.user '{SERVICE_USER}'", error, "error")
    check_in("chown -R", error, "error")


@test
def serve_rejects_unknown_user(folder):
    config = service_instance(folder)
    error = failed_start(config, "-o", "server.user=no-such-skrynka-user")
    check_in("server.user 'no-such-skrynka-user': no such user", error, "error")


@test
def serve_rejects_root_without_user(folder):
    # Without --dev, init leaves server.user commented out.
    config = init_instance(folder, dev=False, extra=["--hostname", "localhost"])
    error = failed_start(config)
    check_in("serve started as root needs server.user", error, "error")
    check("event=start" not in error, "serve logged event=start before refusing")

    listeners = [option for listener in LISTENERS for option in ("-o", f"{listener}=")]
    result = run("-c", config, *listeners, "check", timeout=60)
    check(result.returncode != 0, "check passed although serve would refuse")
    check_in("skrynka: check: serve started as root needs server.user", result.stderr,
             "check output")


@test
def serve_keeps_root_for_user_root(folder):
    # init --dev run by root writes server.user = "root": a throwaway test instance.
    config = init_instance(folder, extra=["--hostname", "localhost"])
    with open(config) as text:
        check_in('\nuser = "root"\n', text.read(), "config written by init --dev")
    with server_process("-c", config, "-o", f"smtp.listen={HOST}:{free_port()}") as server:
        warning = server.wait_for_log("event=privileges_kept")
        check_in("level=warn", warning, "warning line")
        check_in("user=root", warning, "warning line")
        server.wait_for_log("event=start")
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")


@test
def serve_warns_on_low_memory_lock_limit(folder):
    config = service_instance(folder)
    # 64 KiB, the limit many container runtimes set, locks only 16 secret pages.
    limit = "--memlock=65536:65536"
    with server_process("-c", config, "-o", f"server.user={SERVICE_USER}",
                        "-o", f"smtp.listen={HOST}:{free_port()}",
                        prefix=["prlimit", limit]) as server:
        warning = server.wait_for_log("event=memory_lock_limit_low")
        check_in("level=warn", warning, "warning line")
        check_in("limit_bytes=65536", warning, "warning line")
        server.wait_for_log("event=start")
        check_equal(server.stop(signal.SIGTERM), 0, "exit status after SIGTERM")


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("skip: serve_privileges_test needs root to test the switch to another user")
        sys.exit(77)
    sys.exit(main())
