#!/usr/bin/env python3
"""Write the byte-exact MIME test messages next to this script and check their SHA-256.

Every line ends in CRLF, the last one included. Run it again after editing a message;
it exits non-zero when a digest does not match.
"""
import hashlib
import pathlib
import sys

FIXTURES = {
    "nested.eml": (
        "4228c89d87c197d94a7f95bee2c60a06e070868c65c96be1bc6df5f5ae89fc13",
        [
            b"From: alice@example.org",
            b"To: alice@example.org",
            b"Subject: outer",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="o"',
            b"",
            b"--o",
            b"Content-Type: text/plain",
            b"",
            b"see attached",
            b"--o",
            b"Content-Type: message/rfc822",
            b"Content-Disposition: attachment",
            b"",
            b"From: bob@example.net",
            b"Subject: inner",
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/alternative; boundary="i"',
            b"",
            b"--i",
            b"Content-Type: text/plain",
            b"",
            b"plain",
            b"--i",
            b"Content-Type: text/html",
            b"",
            b"<p>html</p>",
            b"--i--",
            b"",
            b"--o--",
        ],
    ),
    "quote.eml": (
        "b61b4f154b4ada1870ec4ffea9ad0f59e5d2d572312c86d7ae293e0ed34340d1",
        [
            b'From: "Alice \\"A\\" Example" <alice@example.org>',
            b'Subject: back\\slash and "quotes"',
            b"MIME-Version: 1.0",
            b'Content-Type: multipart/mixed; boundary="b"',
            b"",
            b"--b",
            b"Content-Type: text/plain; charset=utf-8",
            b'Content-Description: say "hi" \\ now',
            b"",
            b"hi",
            b"--b",
            b'Content-Type: application/pdf; name="Gesch\xc3\xa4ftsbedingungen.pdf"',
            b'Content-Disposition: attachment; filename="Gesch\xe4ftsbedingungen.pdf"',
            b"Content-Transfer-Encoding: base64",
            b"",
            b"JVBERi0=",
            b"--b--",
        ],
    ),
    "search.eml": (
        "54749f06e13f22fb5aa09dd29698f7a616e3e8dfaef6e6bc8744f45c663767c6",
        [
            b"From: bob@example.net",
            b"Subject: =?UTF-8?Q?Gr=C3=B6=C3=9Fe?=",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=utf-8",
            b"Content-Transfer-Encoding: quoted-printable",
            b"",
            b"Stra=C3=9Fe 1",
        ],
    ),
    "dots.eml": (
        "3776a468dad9522cbe961969c2b7d086f59749f7644b4f21ad4c1e6d43dd02e4",
        [b"Subject: dots", b"", b".first", b".", b"..two", b"end"],
    ),
    "nul.eml": (
        "ba4aaf7d628872ae7e0544f0921349e05fde51c720fcc74e2b492438fb9bcaa8",
        [b"Subject: nul", b"", b"A\x00B"],
    ),
    "mbox.eml": (
        "ea3fffd081f458b4e2357330811755f526ab64d019d4d55691e0343c48cb6197",
        [
            b"From: alice@example.org",
            b"To: alice@example.org",
            b"Subject: mbox quoting",
            b"",
            b"From here on",
            b">From quoted once",
            b">>From quoted twice",
            b"Fromage",
            b"From",
        ],
    ),
}


def main() -> int:
    folder = pathlib.Path(__file__).resolve().parent
    failed = False
    for name, (expected, lines) in FIXTURES.items():
        data = b"".join(line + b"\r\n" for line in lines)
        (folder / name).write_bytes(data)
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            print(f"{name}: SHA-256 {actual}, expected {expected}", file=sys.stderr)
            failed = True
        else:
            print(f"{name}: {len(data)} octets, SHA-256 ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
