"""export, import and decrypt-export through the real binary, checked over IMAP against a
running `skrynka serve`, and the Maildir export read by a private Dovecot instance."""
import imaplib
import mailbox
import os
import pty
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from skrynka_cli import (FAST_ARGON2, check, check_equal, check_in, init_instance, main,
                         run, run_failing, run_ok, server_process, test, BINARY)

HOST = "127.0.0.1"
PASSWORDS = {
    "alice@example.org": "correct horse battery staple",
    "bob@example.org": "another long passphrase here",
    "carol@example.org": "a third secret phrase to test",
}
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mime")

# FX-MBOX, and how mboxrd must write it: one more '>' before each (quoted) "From ".
FX_MBOX_QUOTED = (b"From: alice@example.org\r\nTo: alice@example.org\r\nSubject: mbox quoting\r\n"
                  b"\r\n>From here on\r\n>>From quoted once\r\n>>>From quoted twice\r\n"
                  b"Fromage\r\nFrom\r\n")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as source:
        return source.read()


class Instance:
    """An instance with alice, bob and carol, serving IMAP on a free loopback port."""

    def __init__(self, folder):
        self.folder = folder
        self.config = init_instance(folder)
        for address, password in PASSWORDS.items():
            self.cli_ok("user", "add", address, stdin_text=password + "\n")
        self.port = free_port()
        self.server = server_process("-c", self.config, *FAST_ARGON2,
                                     "-o", f"imap.listen={HOST}:{self.port}")

    def cli(self, *args, stdin_text=None):
        return run("-c", self.config, *FAST_ARGON2, *args, stdin_text=stdin_text)

    def cli_ok(self, *args, stdin_text=None):
        return run_ok("-c", self.config, *FAST_ARGON2, *args, stdin_text=stdin_text)

    def cli_failing(self, *args, stdin_text=None):
        return run_failing("-c", self.config, *FAST_ARGON2, *args, stdin_text=stdin_text)

    def export(self, address, fmt, output, encrypt_passphrase=None):
        stdin = PASSWORDS[address] + "\n"
        args = ["export", address, "--format", fmt, "--output", output]
        if encrypt_passphrase is not None:
            stdin += encrypt_passphrase + "\n"
            args.append("--encrypt")
        return self.cli_ok(*args, stdin_text=stdin)

    def __enter__(self):
        self.server.__enter__()
        self.server.wait_for_log(f"event=listening proto=imap address={HOST} port={self.port}")
        return self

    def __exit__(self, *exception):
        if self.server.process.poll() is None:
            self.server.stop(signal.SIGTERM)
        return self.server.__exit__(*exception)


LIST_LINE = re.compile(rb'^\((?P<attributes>[^)]*)\) (?:"(?P<delimiter>[^"]*)"|NIL) (?P<name>.*)$')


def imap_name(raw):
    return raw[1:-1].replace(b'\\"', b'"').replace(b"\\\\", b"\\") if raw.startswith(b'"') else raw


def mailbox_snapshot(port, user, password):
    """Return {mailbox: [(bytes, flags, internaldate), ...] in UID order} over IMAP."""
    client = imaplib.IMAP4(HOST, port)
    client.login(user, password)
    typ, lines = client.list()
    check_equal(typ, "OK", "LIST status")
    snapshot = {}
    for line in lines:
        match = LIST_LINE.match(line)
        check(match is not None, f"unexpected LIST line {line!r}")
        if b"\\Noselect" in match.group("attributes"):
            continue
        name = imap_name(match.group("name"))
        typ, data = client.select(b'"' + name + b'"', readonly=True)
        check_equal(typ, "OK", f"SELECT {name!r}")
        messages = []
        if int(data[0]) > 0:
            typ, data = client.uid("FETCH", "1:*", "(FLAGS INTERNALDATE BODY.PEEK[])")
            for item in data:
                if not isinstance(item, tuple):
                    continue
                head = item[0]
                flags = sorted(re.search(rb"FLAGS \(([^)]*)\)", head).group(1).split())
                flags = [flag for flag in flags if flag != b"\\Recent"]
                date = re.search(rb'INTERNALDATE "([^"]*)"', head).group(1)
                messages.append((item[1], flags, date))
        snapshot[name.decode()] = messages
    client.logout()
    return snapshot


def mbox_entry(message, date_line, status=b"", x_status=b"", keywords=b""):
    """One mboxrd entry as the export writes it (status block in the message's line ending)."""
    quoted = re.sub(rb"(?m)^(>*From )", rb">\1", message)
    return (b"From MAILER-DAEMON " + date_line + b"\n" + b"Status: " + status + b"O\r\n" +
            b"X-Status: " + x_status + b"\r\n" + b"X-Keywords:" + keywords + b"\r\n" +
            quoted + b"\n")


def write_source_tree(root):
    """A directory of mbox files in the export's layout, with folders, flags and keywords."""
    os.makedirs(os.path.join(root, "Archive"))
    with open(os.path.join(root, "INBOX.mbox"), "wb") as out:
        out.write(mbox_entry(fixture("mbox.eml"), b"Mon Feb  7 20:33:30 1994", status=b"R",
                             keywords=b" $Work"))
        out.write(mbox_entry(fixture("nul.eml"), b"Tue Mar  1 12:00:00 2022",
                             x_status=b"AF"))
        out.write(mbox_entry(fixture("nested.eml"), b"Wed Mar  2 00:05:00 2022", status=b"R",
                             x_status=b"T", keywords=b" $Later Important"))
    with open(os.path.join(root, "Archive", "2024.mbox"), "wb") as out:
        out.write(mbox_entry(fixture("quote.eml"), b"Thu Jan  4 10:00:00 2024", status=b"R"))
        out.write(mbox_entry(fixture("quote.eml"), b"Thu Jan  4 10:00:00 2024", status=b"R"))
    # A mailbox without messages must come through the round trip too.
    open(os.path.join(root, "Empty.mbox"), "wb").close()
    with open(os.path.join(root, "Entw\u00fcrfe.mbox"), "wb") as out:
        out.write(mbox_entry(fixture("search.eml"), b"Fri Jan  5 10:00:00 2024",
                             x_status=b"D"))


def tree_modes(root):
    """Return the set of (kind, mode) of everything below root, root included."""
    modes = {("dir", stat.S_IMODE(os.stat(root).st_mode))}
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories:
            modes.add(("dir", stat.S_IMODE(os.stat(os.path.join(directory, name)).st_mode)))
        for name in files:
            modes.add(("file", stat.S_IMODE(os.stat(os.path.join(directory, name)).st_mode)))
    return modes


@test
def round_trip_keeps_messages_flags_and_folders(folder):
    source = os.path.join(folder, "source")
    write_source_tree(source)
    with Instance(folder) as instance:
        result = instance.cli_ok("import", "alice@example.org", "--format", "mbox", source)
        check_in("Imported 6 messages", result.stdout, "first import summary")
        alice = mailbox_snapshot(instance.port, "alice@example.org", PASSWORDS["alice@example.org"])
        check_equal(alice["INBOX"][0][0], fixture("mbox.eml"), "FX-MBOX stored exactly")
        check_equal(alice["INBOX"][0][1], [b"$Work", b"\\Seen"], "flags of the first message")
        check_equal(alice["INBOX"][0][2], b" 7-Feb-1994 20:33:30 +0000", "internal date")
        check_equal(alice["INBOX"][1][1], [b"\\Answered", b"\\Flagged"], "X-Status flags")
        check_equal(len(alice["Archive/2024"]), 2, "identical messages are both imported")
        check_equal(alice["Entw&APw-rfe"][0][1], [b"\\Deleted"], "deleted flag")
        check_equal(alice["Empty"], [], "empty mailbox created")
        client = imaplib.IMAP4(HOST, instance.port)
        client.login("alice@example.org", PASSWORDS["alice@example.org"])
        typ, lines = client.lsub()
        subscribed = {imap_name(LIST_LINE.match(line).group("name")).decode() for line in lines}
        client.logout()
        check(subscribed >= {"Archive/2024", "Empty", "Entw&APw-rfe"},
              f"imported mailboxes subscribed: {subscribed}")

        mbox_export = os.path.join(folder, "alice-mbox")
        instance.export("alice@example.org", "mbox", mbox_export)
        with open(os.path.join(mbox_export, "INBOX.mbox"), "rb") as exported:
            inbox = exported.read()
        check_in(FX_MBOX_QUOTED, inbox, "FX-MBOX quoted byte for byte in the export")
        check(inbox.startswith(b"From MAILER-DAEMON Mon Feb  7 20:33:30 1994\nStatus: RO\r\n"
                               b"X-Status: \r\nX-Keywords: $Work\r\n"),
              f"mbox entry header: {inbox[:120]!r}")
        check_equal(tree_modes(mbox_export), {("dir", 0o700), ("file", 0o600)}, "export modes")

        # Python's mailbox module, an independent mbox reader, must read the same
        # messages and the flags in Status: and X-Status:.
        box = mailbox.mbox(os.path.join(mbox_export, "INBOX.mbox"), create=False)
        check_equal([message.get_flags() for message in box], ["RO", "OAF", "ROT"],
                    "flags read by Python's mailbox module")
        box.close()

        instance.cli_ok("import", "bob@example.org", "--format", "mbox", mbox_export)
        maildir_export = os.path.join(folder, "bob-maildir")
        instance.export("bob@example.org", "maildir", maildir_export)
        check_equal(tree_modes(maildir_export), {("dir", 0o700), ("file", 0o600)},
                    "Maildir export modes")
        instance.cli_ok("import", "carol@example.org", "--format", "maildir", maildir_export)

        bob = mailbox_snapshot(instance.port, "bob@example.org", PASSWORDS["bob@example.org"])
        carol = mailbox_snapshot(instance.port, "carol@example.org",
                                 PASSWORDS["carol@example.org"])
        check_equal(bob, alice, "bob's mail after import from alice's mbox export")
        check_equal(carol, alice, "carol's mail after import from bob's Maildir export")

        # A second run of the same import adds nothing.
        result = instance.cli_ok("import", "carol@example.org", "--format", "maildir",
                                 maildir_export)
        check_in("Imported 0 messages", result.stdout, "repeated import")
        check_in("6 were already there", result.stdout, "repeated import")
        check_equal(mailbox_snapshot(instance.port, "carol@example.org",
                                     PASSWORDS["carol@example.org"]), alice,
                    "carol's mail after the repeated import")

        audit = instance.cli_ok("audit", "show", "--event", "account.import").stdout
        check_in("carol@example.org", audit, "import recorded in the audit log")


@test
def takeout_labels_map_to_folders_and_flags(folder):
    takeout = os.path.join(folder, "All mail Including Spam and Trash.mbox")
    messages = [
        (b"Inbox,Opened", b"one"), (b"Sent", b"two"), (b"Spam,Unread", b"three"),
        (b"Important,\"Work/Projects\",Starred,Opened", b"four"), (b"Opened", b"five"),
    ]
    with open(takeout, "wb") as out:
        for labels, subject in messages:
            out.write(b"From 1780000000000000000@xxx Thu Oct 17 09:00:52 +0000 2019\r\n")
            out.write(b"X-GM-THRID: 1\r\nX-Gmail-Labels: " + labels + b"\r\nSubject: " +
                      subject + b"\r\n\r\n>From the body\r\n>>From quoted\r\n\r\n")
    with Instance(folder) as instance:
        instance.cli_ok("import", "alice@example.org", "--format", "mbox", takeout)
        alice = mailbox_snapshot(instance.port, "alice@example.org", PASSWORDS["alice@example.org"])
        check_equal([len(alice[name]) for name in ("INBOX", "Sent", "Junk", "Work/Projects",
                                                     "Archive")], [1, 1, 1, 1, 1],
                    "messages per mailbox")
        check_equal(alice["Junk"][0][1], [], "unread spam")
        check_equal(alice["Work/Projects"][0][1], [b"\\Flagged", b"\\Seen"], "starred")
        check_equal(alice["INBOX"][0][2], b"17-Oct-2019 09:00:52 +0000", "date of the From line")
        check(alice["INBOX"][0][0].endswith(b"\r\n\r\nFrom the body\r\n>From quoted\r\n"),
              f"body unquoted: {alice['INBOX'][0][0]!r}")

        instance.cli_ok("import", "bob@example.org", "--format", "mbox", takeout,
                        "--mailbox", "Old mail")
        bob = mailbox_snapshot(instance.port, "bob@example.org", PASSWORDS["bob@example.org"])
        check_equal(len(bob["Old mail"]), 5, "--mailbox puts everything in one mailbox")


def run_import_on_terminal(instance, address, source, stop_after_messages):
    """Run import with stderr on a pseudo-terminal; SIGKILL it once the progress bar shows
    at least stop_after_messages. Return the progress text seen."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [BINARY, "-c", instance.config, *FAST_ARGON2, "import", address, "--format", "mbox",
         source], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 1)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            counts = [int(n) for n in re.findall(rb"(\d+) messages", seen)]
            if counts and counts[-1] >= stop_after_messages:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.wait(timeout=30)
        os.close(controller)
    return seen, process.returncode


@test
def interrupted_import_resumes_without_duplicates(folder):
    total = 3000
    source = os.path.join(folder, "big.mbox")
    with open(source, "wb") as out:
        for index in range(total):
            body = b"".join(b"line %d of message %d\r\n" % (n, index) for n in range(200))
            out.write(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2015\n"
                      b"Message-ID: <m%d@example.net>\r\nSubject: number %d\r\n\r\n" % (index, index)
                      + body + b"\n")
    with Instance(folder) as instance:
        seen, status = run_import_on_terminal(instance, "alice@example.org", source, 100)
        check_equal(status, -signal.SIGKILL, f"import killed mid-way; terminal showed {seen[-200:]!r}")
        check_in(b"\r[", seen, "progress bar drawn on the terminal")

        result = instance.cli_ok("import", "alice@example.org", "--format", "mbox", source)
        check("\r" not in result.stderr, "no progress bar when stderr is not a terminal")
        match = re.search(r"Imported (\d+) messages .*\((\d+) were already there", result.stdout)
        check(match is not None, f"summary: {result.stdout!r}")
        imported, already = int(match.group(1)), int(match.group(2))
        check(already >= 100, f"the first run committed at least 100 messages, got {already}")
        check_equal(imported + already, total, "messages seen by the second run")

        client = imaplib.IMAP4(HOST, instance.port)
        client.login("alice@example.org", PASSWORDS["alice@example.org"])
        typ, data = client.select("INBOX", readonly=True)
        check_equal(int(data[0]), total, "messages in INBOX after the resumed import")
        typ, data = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        ids = [item[1].strip() for item in data if isinstance(item, tuple)]
        check_equal(len(set(ids)), total, "distinct Message-IDs")
        client.logout()


@test
def export_refuses_existing_output_and_wrong_password(folder):
    with Instance(folder) as instance:
        existing = os.path.join(folder, "existing")
        os.mkdir(existing)
        with open(os.path.join(existing, "keep"), "wb") as out:
            out.write(b"mine")
        for extra in ([], ["--encrypt"]):
            line = instance.cli_failing("export", "alice@example.org", "--format", "mbox",
                                        "--output", existing, *extra,
                                        stdin_text=PASSWORDS["alice@example.org"] + "\nx\n")
            check_in("already exists", line, "refused overwrite")
        with open(os.path.join(existing, "keep"), "rb") as kept:
            check_equal(kept.read(), b"mine", "existing file untouched")
        line = run_failing("decrypt-export", os.path.join(existing, "keep"), "--output", existing,
                           stdin_text="x\n")
        check_in("already exists", line, "decrypt-export refuses overwrite")

        output = os.path.join(folder, "out")
        line = instance.cli_failing("export", "alice@example.org", "--format", "maildir",
                                    "--output", output, stdin_text="not the password\n")
        check_equal(line, "skrynka: wrong password for alice@example.org", "wrong password")
        check(not os.path.exists(output), "nothing written after a wrong password")
        audit = instance.cli_ok("audit", "show", "--event", "account.export").stdout
        check_in("failure", audit, "failed export recorded in the audit log")

        line = instance.cli_failing("export", "nobody@example.org", "--format", "mbox",
                                    "--output", output, stdin_text="x\n")
        check_in("no account nobody@example.org", line, "unknown account")


@test
def encrypted_export_opens_only_with_its_passphrase(folder):
    source = os.path.join(folder, "source")
    write_source_tree(source)
    passphrase = "export passphrase of some length"
    with Instance(folder) as instance:
        instance.cli_ok("import", "alice@example.org", "--format", "mbox", source)
        plain = os.path.join(folder, "plain")
        instance.export("alice@example.org", "mbox", plain)
        encrypted = os.path.join(folder, "alice.skrynka-export")
        instance.export("alice@example.org", "mbox", encrypted, encrypt_passphrase=passphrase)

    check_equal(stat.S_IMODE(os.stat(encrypted).st_mode), 0o600, "encrypted file mode")
    with open(encrypted, "rb") as sealed:
        content = sealed.read()
    check(b"mbox quoting" not in content and b"From MAILER-DAEMON" not in content,
          "the encrypted export holds no plaintext")

    opened = os.path.join(folder, "opened")
    line = run_failing("decrypt-export", encrypted, "--output", opened,
                       stdin_text="wrong passphrase\n")
    check_in("wrong passphrase", line, "wrong passphrase message")
    check(not os.path.exists(opened), "nothing left after a wrong passphrase")

    truncated = os.path.join(folder, "truncated")
    with open(truncated, "wb") as out:
        out.write(content[:-10])
    line = run_failing("decrypt-export", truncated, "--output", opened,
                       stdin_text=passphrase + "\n")
    check(not os.path.exists(opened), f"nothing left after a truncated file: {line}")

    run_ok("decrypt-export", encrypted, "--output", opened, stdin_text=passphrase + "\n")
    for directory, _, files in os.walk(plain):
        for name in files:
            relative = os.path.relpath(os.path.join(directory, name), plain)
            with open(os.path.join(plain, relative), "rb") as left, \
                    open(os.path.join(opened, relative), "rb") as right:
                check_equal(right.read(), left.read(), f"decrypted {relative}")
    check_equal(tree_modes(opened), {("dir", 0o700), ("file", 0o600)}, "decrypted modes")


DOVECOT_CONFIG = """instance_name = skrynka-export-test
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_uid = {uid}
mail_gid = {gid}
{users}mail_location = maildir:{maildir}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@test
def dovecot_reads_the_maildir_export(folder):
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    check(os.access(dovecot, os.X_OK), "dovecot is not installed (scripts/bootstrap adds it)")
    source = os.path.join(folder, "source")
    write_source_tree(source)
    maildir = os.path.join(folder, "maildir")
    with Instance(folder) as instance:
        instance.cli_ok("import", "alice@example.org", "--format", "mbox", source)
        alice = mailbox_snapshot(instance.port, "alice@example.org", PASSWORDS["alice@example.org"])
        instance.export("alice@example.org", "maildir", maildir)

    # The files themselves hold exactly the stored bytes, NUL included.
    inbox_files = sorted(os.listdir(os.path.join(maildir, "cur")))
    for name, (original, _, _) in zip(inbox_files, alice["INBOX"]):
        with open(os.path.join(maildir, "cur", name), "rb") as exported:
            check_equal(exported.read(), original, f"Maildir file {name}")
        check_in(f",S={len(original)}:2,", name, "size in the file name")

    # Dovecot refuses to access mail as root, so a root test hands the export to "mail",
    # and lets Dovecot's unprivileged processes pass through the test folder.
    dovecot_dir = os.path.join(folder, "dovecot")
    os.makedirs(os.path.join(dovecot_dir, "home"))
    if os.geteuid() == 0:
        import pwd
        account = pwd.getpwnam("mail")
        uid, gid, users = account.pw_uid, account.pw_gid, ""
        for tree in (maildir, os.path.join(dovecot_dir, "home")):
            os.chown(tree, uid, gid)
            for directory, subdirectories, files in os.walk(tree):
                for name in subdirectories + files:
                    os.chown(os.path.join(directory, name), uid, gid)
        os.chmod(folder, 0o711)
    else:
        import pwd
        uid, gid = os.geteuid(), os.getegid()
        user = pwd.getpwuid(uid).pw_name
        users = f"default_internal_user = {user}\ndefault_login_user = {user}\n"
    port = free_port()
    config = os.path.join(dovecot_dir, "dovecot.conf")
    with open(config, "w") as out:
        out.write(DOVECOT_CONFIG.format(dir=dovecot_dir, maildir=maildir, uid=uid, gid=gid,
                                        users=users, port=port))
    with open(os.path.join(dovecot_dir, "passwd"), "w") as out:
        out.write("alice:{PLAIN}secret::::::\n")

    subprocess.run([dovecot, "-c", config], check=True, timeout=60)
    try:
        client = None
        deadline = time.monotonic() + 30
        while client is None:
            try:
                client = imaplib.IMAP4(HOST, port)
            except OSError:
                check(time.monotonic() < deadline, "dovecot did not start listening")
                time.sleep(0.2)
        client.login("alice", "secret")
        typ, lines = client.list()
        names = set()
        for line in lines:
            match = LIST_LINE.match(line)
            check(match is not None, f"unexpected LIST line {line!r}")
            names.add(imap_name(match.group("name")).decode())
        expected = {"INBOX", "Archive.2024", "Entw&APw-rfe", "Sent", "Drafts", "Trash", "Junk",
                    "Archive", "Empty"}
        check_equal(names, expected, "folders that Dovecot lists")

        typ, data = client.select("INBOX", readonly=True)
        check_equal(int(data[0]), len(alice["INBOX"]), "INBOX message count in Dovecot")
        typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[])")
        fetched = [item for item in data if isinstance(item, tuple)]
        check_equal(len(fetched), len(alice["INBOX"]), "messages fetched from Dovecot")
        for (head, body), (original, flags, _) in zip(fetched, alice["INBOX"]):
            # Dovecot 2.3 sends a NUL octet in BODY[] as 0x80 (its "nonuls" input stream).
            check_equal(body, original.replace(b"\x00", b"\x80"), "message bytes read by Dovecot")
            dovecot_flags = sorted(re.search(rb"FLAGS \(([^)]*)\)", head).group(1).split())
            check_equal([f for f in dovecot_flags if f != b"\\Recent"], flags, "flags in Dovecot")
        client.logout()
    finally:
        subprocess.run(["doveadm", "-c", config, "stop"], timeout=60)


if __name__ == "__main__":
    sys.exit(main())
