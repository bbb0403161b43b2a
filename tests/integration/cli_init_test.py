"""skrynka init: the files it creates, their modes, the certificate, and overwrite
protection."""

import os
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (check, check_equal, check_in, init_instance, main, run_failing,
                         run_ok, test)


def mode_of(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


@test
def init_creates_files_with_private_modes(folder):
    config = init_instance(folder)
    state = os.path.dirname(config)

    check_equal(mode_of(state), 0o700, "state folder mode")
    check_equal(mode_of(os.path.join(state, "keys")), 0o700, "keys folder mode")
    check_equal(mode_of(os.path.join(state, "tls")), 0o700, "tls folder mode")
    check_equal(mode_of(os.path.join(state, "mailboxes")), 0o700, "mailboxes folder mode")
    check_equal(mode_of(os.path.join(state, "keys", "storage.key")), 0o600, "storage key mode")
    check_equal(mode_of(os.path.join(state, "tls", "private_key.pem")), 0o600, "TLS key mode")
    check_equal(mode_of(config), 0o600, "config mode")
    check_equal(os.path.getsize(os.path.join(state, "keys", "storage.key")), 32,
                "storage key size")
    check(os.path.isfile(os.path.join(state, "directory.db")), "directory.db missing")
    check_equal(mode_of(os.path.join(state, "tls", "certificate.pem")), 0o644, "certificate mode")


@test
def init_ignores_a_permissive_umask(folder):
    old_umask = os.umask(0)
    try:
        config = init_instance(folder)
    finally:
        os.umask(old_umask)
    state = os.path.dirname(config)
    check_equal(mode_of(os.path.join(state, "keys", "storage.key")), 0o600, "storage key mode")
    check_equal(mode_of(os.path.join(state, "tls", "private_key.pem")), 0o600, "TLS key mode")


@test
def init_rejects_an_existing_instance(folder):
    config = init_instance(folder)
    state = os.path.dirname(config)
    with open(config, "rb") as file:
        original = file.read()

    error = run_failing("init", "--state", state, "--domain", "example.net")
    check_in("already exists", error, "error")
    check_in(config, error, "error")
    with open(config, "rb") as file:
        check_equal(file.read(), original, "config after a rejected init")


@test
def init_rejects_any_leftover_instance_file(folder):
    for relative in ["skrynka.toml", "keys/storage.key", "tls/certificate.pem",
                     "tls/private_key.pem", "directory.db"]:
        state = os.path.join(folder, relative.replace("/", "_"))
        os.makedirs(os.path.join(state, os.path.dirname(relative)), exist_ok=True)
        leftover = os.path.join(state, relative)
        with open(leftover, "w") as file:
            file.write("keep me\n")

        error = run_failing("init", "--state", state, "--domain", "example.org")
        check_in(leftover, error, f"error for {relative}")
        with open(leftover) as file:
            check_equal(file.read(), "keep me\n", f"{relative} after a rejected init")


@test
def init_dev_uses_loopback_ports(folder):
    config = init_instance(folder, dev=True)
    with open(config) as file:
        text = file.read()
    for section, key, port in [("smtp", "listen", 2525), ("submission", "listen", 2587),
                               ("submission", "listen_tls", 2465), ("imap", "listen", 2143),
                               ("imap", "listen_tls", 2993), ("pop3", "listen", 2110),
                               ("pop3", "listen_tls", 2995), ("admin", "listen", 8025)]:
        section_text = text.split(f"[{section}]\n", 1)[1].split("\n[", 1)[0]
        check_in(f'{key} = ["127.0.0.1:{port}"]', section_text, f"[{section}] {key}")
    check("0.0.0.0" not in text, "dev config listens on every address")


@test
def init_default_uses_standard_ports(folder):
    config = init_instance(folder, dev=False)
    with open(config) as file:
        text = file.read()
    for port in [25, 587, 465, 143, 993, 110, 995]:
        check_in(f'"0.0.0.0:{port}", "[::]:{port}"', text, f"listeners for port {port}")
    check_in('[admin]\n# Admin HTTP endpoint (health, metrics). Keep it on loopback.\n'
             'listen = ["127.0.0.1:8025"]', text, "admin listener")


@test
def init_certificate_has_the_host_name(folder):
    config = init_instance(folder, dev=True, extra=["--hostname", "Mail.Example.org"])
    state = os.path.dirname(config)
    certificate = os.path.join(state, "tls", "certificate.pem")
    text = subprocess.run(["openssl", "x509", "-noout", "-text", "-in", certificate],
                          capture_output=True, text=True, check=True).stdout
    check_in("DNS:mail.example.org", text, "SubjectAltName")
    check_in("IP Address:127.0.0.1", text, "SubjectAltName")
    check_in("ecdsa-with-SHA256", text, "signature algorithm")
    check_in("NIST CURVE: P-256", text, "key curve")
    check_in("TLS Web Server Authentication", text, "extended key usage")

    key = os.path.join(state, "tls", "private_key.pem")
    certificate_key = subprocess.run(["openssl", "x509", "-noout", "-pubkey", "-in", certificate],
                                     capture_output=True, text=True, check=True).stdout
    private_key = subprocess.run(["openssl", "pkey", "-pubout", "-in", key],
                                 capture_output=True, text=True, check=True).stdout
    check_equal(private_key, certificate_key, "public key of the private key file")


@test
def init_certificate_without_dev_has_no_ip(folder):
    config = init_instance(folder, dev=False)
    certificate = os.path.join(os.path.dirname(config), "tls", "certificate.pem")
    text = subprocess.run(["openssl", "x509", "-noout", "-text", "-in", certificate],
                          capture_output=True, text=True, check=True).stdout
    check_in("DNS:example.org", text, "SubjectAltName")
    check("IP Address" not in text, "certificate without --dev names an IP address")


@test
def init_rejects_an_invalid_domain(folder):
    state = os.path.join(folder, "state")
    error = run_failing("init", "--state", state, "--domain", "exa mple.org")
    check_in("--domain 'exa mple.org' is invalid", error, "error")
    check(not os.path.exists(os.path.join(state, "skrynka.toml")), "config written anyway")


@test
def init_rejects_a_repeated_domain(folder):
    state = os.path.join(folder, "state")
    error = run_failing("init", "--state", state, "--domain", "example.org", "--domain",
                        "Example.ORG")
    check_equal(error, "skrynka: --domain 'Example.ORG' is given twice", "error")
    check(not os.path.exists(state), "state folder created anyway")


@test
def init_accepts_several_domains(folder):
    config = init_instance(folder, extra=["--domain", "example.net"])
    with open(config) as file:
        check_in('domains = ["example.org", "example.net"]', file.read(), "domains")


@test
def version_prints_the_version(folder):
    result = run_ok("--version")
    check(result.stdout.startswith("skrynka "), f"version output {result.stdout!r}")


if __name__ == "__main__":
    sys.exit(main())
