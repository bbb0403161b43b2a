"""SIGHUP to skrynka serve: a renewed certificate is used for new TLS sessions, sessions
already open go on undisturbed, and the audit log records the reload."""

import imaplib
import os
import shutil
import signal
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


if __name__ == "__main__":
    sys.exit(main())
