"""The admin endpoint over real HTTP and HTTPS: Python's http.client, raw sockets and
curl against `skrynka serve`. Covers tokens, the JSON API, metrics, limits and malformed
requests.
"""
import imaplib
import json
import re
import subprocess
import sys
import time
import urllib.parse

from admin_harness import HOST, PASSWORD, AdminServer, create_token
from skrynka_cli import (check, check_equal, check_in, init_instance, main, run_failing, run_ok,
                         test)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def audit_records(server, query):
    return server.json("GET", "/api/audit?" + query, 200)["records"]


def admin_login_failures(server):
    failures = audit_records(server, "event=login.failure")
    return [record for record in failures if "proto=admin" in record["detail"]]


@test
def health_needs_no_token(folder):
    with AdminServer(folder) as server:
        status, headers, body = server.request("GET", "/api/health", token=False)
        check_equal(status, 200, "health status")
        reply = json.loads(body)
        check_equal(reply["status"], "ok", "health")
        check(reply["version"], "health names the version")
        for name, value in SECURITY_HEADERS.items():
            check_equal(headers.get(name), value, name)
        check_in("frame-ancestors 'none'", headers.get("Content-Security-Policy", ""), "CSP")


@test
def missing_or_wrong_token_gets_401(folder):
    with AdminServer(folder) as server:
        for path in ("/api/accounts", "/api/audit", "/api/audit/verify",
                     "/api/audit/public-key", "/metrics"):
            reply = server.json("GET", path, 401, token=False)
            check_equal(reply["error"]["code"], "unauthorized", f"{path} error code")
            check(reply["error"]["message"], f"{path} has a message")
        # A request without a token is no failed login, so it is not audited.
        check_equal(admin_login_failures(server), [], "failures audited without a token")

        server.json("GET", "/api/accounts", 401, token="skt_" + "0" * 64)
        server.json("GET", "/api/accounts", 401, token=server.token[:-1])
        server.json("GET", "/api/accounts", 401, token=server.token + "0")
        status, headers, _ = server.request(
            "GET", "/api/accounts", token=False,
            headers={"Authorization": f"Basic {server.token}"})
        check_equal(status, 401, "basic scheme")
        check_equal(headers.get("WWW-Authenticate"), 'Bearer realm="skrynka"', "challenge")
        # The API never takes the page's cookie, so another site cannot ride on it.
        server.json("GET", "/api/accounts", 401, token=False,
                    headers={"Cookie": f"skrynka_admin_token={server.token}"})

        admin_failures = admin_login_failures(server)
        check_equal(len(admin_failures), 4, f"each rejected token is audited: {admin_failures!r}")
        check_equal(admin_failures[0]["remote"], HOST, "remote of a 401")
        check_equal(admin_failures[0]["actor"], "admin", "actor of a 401")
        check(all(server.token not in r["detail"] for r in admin_failures), "no token in the log")


@test
def rejected_tokens_lock_out_the_address(folder):
    with AdminServer(folder, extra=("-o", "limits.login_failures_max=2")) as server:
        for attempt in range(2):
            server.json("GET", "/api/accounts", 401, token=f"skt_wrong{attempt}")
        # Locked out: even the right token is refused, before it is checked.
        for attempt in range(3):
            reply = server.json("GET", "/api/accounts", 429)
            check_equal(reply["error"]["code"], "rate_limited", "error code when locked out")
        form = urllib.parse.urlencode({"token": server.token})
        status, _, _ = server.request(
            "POST", "/login", body=form, token=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        check_equal(status, 429, "page login when locked out")
        check_equal(server.json("GET", "/api/health", 200, token=False)["status"], "ok", "health")

        # The two rejected tokens and the first refusal; the other refusals only in the log.
        records = run_ok("-c", server.config, "audit", "show", "--json", "--event",
                         "login.failure").stdout.splitlines()
        details = [json.loads(line)["detail"] for line in records]
        check_equal(details, ["proto=admin reason=bad_credentials"] * 2 +
                    ["proto=admin reason=rate_limited"], "audited failures")


@test
def token_list_and_revoke(folder):
    with AdminServer(folder) as server:
        second = create_token(server.config, "second")
        check(second != server.token, "tokens differ")
        server.json("GET", "/api/accounts", 200, token=second)

        listing = run_ok("-c", server.config, "admin", "token", "list").stdout
        check(re.search(r"^tests created=\S+Z$", listing, re.M), f"list: {listing!r}")
        check_in("second created=", listing, "list")
        check(second not in listing, "list never shows a token")

        run_ok("-c", server.config, "admin", "token", "revoke", "second")
        server.json("GET", "/api/accounts", 401, token=second)
        server.json("GET", "/api/accounts", 200)

        check_in("no admin token",
                 run_failing("-c", server.config, "admin", "token", "revoke", "second"),
                 "revoking twice")


@test
def token_commands_reject_bad_labels(folder):
    config = init_instance(folder)
    check_in("invalid token label",
             run_failing("-c", config, "admin", "token", "create", "--label", "a b"), "label")
    run_ok("-c", config, "admin", "token", "create", "--label", "ops")
    check_in("exists", run_failing("-c", config, "admin", "token", "create", "--label", "ops"),
             "duplicate label")
    check_in("no admin token", run_failing("-c", config, "admin", "token", "revoke", "nope"),
             "unknown label")
    records = run_ok("-c", config, "audit", "show", "--json").stdout.splitlines()
    calls = [json.loads(line) for line in records if '"admin.call"' in line]
    check_equal([c["detail"] for c in calls], ["command=token.create label=ops"], "audit")


@test
def accounts_are_listed_created_and_deleted(folder):
    with AdminServer(folder) as server:
        accounts = server.json("GET", "/api/accounts", 200)["accounts"]
        check_equal([a["address"] for a in accounts], ["alice@example.org"], "accounts")
        check(accounts[0]["storage_bytes"] > 0, "storage used")
        check_equal(accounts[0]["state"], "active", "state")

        body = json.dumps({"address": "Bob@Example.org", "password": PASSWORD})
        reply = server.json("POST", "/api/accounts", 201, body=body,
                            headers={"Content-Type": "application/json"})
        check_equal(reply["address"], "bob@example.org", "created address")
        check(re.fullmatch(r"[0-9A-Za-z-]{10,}", reply["recovery_code"]),
              f"recovery code: {reply['recovery_code']!r}")

        # The new account logs in over IMAP with the password given to the API.
        with imaplib.IMAP4(HOST, server.imap_port) as imap:
            imap.login("bob@example.org", PASSWORD)
            status, _ = imap.select("INBOX")
            check_equal(status, "OK", "bob's INBOX")
            imap.logout()

        addresses = [a["address"] for a in server.json("GET", "/api/accounts", 200)["accounts"]]
        check_equal(addresses, ["alice@example.org", "bob@example.org"], "after create")

        server.json("POST", "/api/accounts", 409, body=body,
                    headers={"Content-Type": "application/json"})
        weak = json.dumps({"address": "carol@example.org", "password": "short"})
        reply = server.json("POST", "/api/accounts", 422, body=weak,
                            headers={"Content-Type": "application/json"})
        check_in("password", reply["error"]["message"], "weak password message")
        foreign = json.dumps({"address": "dave@example.net", "password": PASSWORD})
        server.json("POST", "/api/accounts", 400, body=foreign,
                    headers={"Content-Type": "application/json"})
        for bad_body in (b"{", b"[]", b'{"address": 1, "password": "x"}', b'{"address": "a"}',
                         b"\xff\xfe"):
            reply = server.json("POST", "/api/accounts", 400, body=bad_body,
                                headers={"Content-Type": "application/json"})
            check_equal(reply["error"]["code"], "invalid_body", f"body {bad_body!r}")
        server.json("POST", "/api/accounts", 415, body=body,
                    headers={"Content-Type": "text/plain"})

        receipts = server.json("GET", "/api/accounts/bob%40example.org/receipts", 200)
        check_equal(receipts, {"address": "bob@example.org", "receipts": []}, "receipts")
        server.json("GET", "/api/accounts/nobody%40example.org/receipts", 404)
        # Malformed addresses are a client error, never a server error.
        for path in ("/api/accounts/nobody/receipts", "/api/accounts/a%40b%40c"):
            method = "GET" if path.endswith("receipts") else "DELETE"
            reply = server.json(method, path, 400)
            check_equal(reply["error"]["code"], "invalid_address", path)
        no_domain = json.dumps({"address": "nobody", "password": PASSWORD})
        reply = server.json("POST", "/api/accounts", 400, body=no_domain,
                            headers={"Content-Type": "application/json"})
        check_equal(reply["error"]["code"], "invalid_address", "address without domain")

        reply = server.json("DELETE", "/api/accounts/bob@example.org", 200)
        check_equal(reply["wiped"], "bob@example.org", "wiped")
        check_equal(reply["receipt"]["id"], reply["receipt_id"], "receipt id")
        server.json("DELETE", "/api/accounts/bob@example.org", 404)
        addresses = [a["address"] for a in server.json("GET", "/api/accounts", 200)["accounts"]]
        check_equal(addresses, ["alice@example.org"], "after delete")

        created = audit_records(server, "user=bob%40example.org&event=account.create")
        check_equal(len(created), 1, "account.create record")
        check_equal(created[0]["actor"], "admin", "actor")
        check_equal(created[0]["remote"], HOST, "remote")
        deleted = audit_records(server, "user=bob%40example.org&event=account.wipe")
        check_equal(len(deleted), 1, "account.wipe record")
        # The password never reaches the audit log.
        everything = json.dumps(audit_records(server, "limit=1000"))
        check(PASSWORD not in everything, "password in the audit log")


@test
def every_admin_call_is_audited(folder):
    with AdminServer(folder) as server:
        server.json("GET", "/api/accounts", 200)
        server.json("GET", "/api/audit/verify", 200)
        # A scrape is not audited: a scraper every few seconds would fill the log.
        check_equal(server.request("GET", "/metrics")[0], 200, "metrics status")
        server.json("GET", "/api/nothing", 404)
        # The first admin.call is `admin token create` from the command line.
        calls = [c for c in audit_records(server, "event=admin.call") if "path=" in c["detail"]]
        paths = [re.search(r"path=(\S+)", c["detail"]).group(1) for c in calls]
        check_equal(paths, ["/api/accounts", "/api/audit/verify", "/api/nothing"], "paths")
        check(all(c["actor"] == "admin" for c in calls), "actor admin")
        check_in("status=404", calls[2]["detail"], "status of a 404")
        check_equal(calls[2]["outcome"], "failure", "outcome of a 404")
        check_in("token=tests", calls[0]["detail"], "token label")


@test
def audit_is_filtered_and_paged(folder):
    with AdminServer(folder) as server:
        for _ in range(5):
            server.json("GET", "/api/accounts", 200)
        page = server.json("GET", "/api/audit?event=admin.call&limit=2", 200)
        check_equal(len(page["records"]), 2, "first page")
        seen = [r["sequence"] for r in page["records"]]
        while page["next_cursor"] is not None:
            page = server.json(
                "GET", f"/api/audit?event=admin.call&limit=2&cursor={page['next_cursor']}", 200)
            seen += [r["sequence"] for r in page["records"]]
        check(len(seen) >= 5, f"all pages: {seen}")
        check_equal(seen, sorted(set(seen)), "pages neither overlap nor skip")

        today = time.strftime("%Y-%m-%d", time.gmtime())
        check(audit_records(server, f"since={today}&until={today}"), "records of today")
        check_equal(audit_records(server, "until=2000-01-01"), [], "records before 2000")
        alice = audit_records(server, "user=ALICE%40example.org")
        check(alice and all(r["subject"].startswith("alice@example.org") for r in alice),
              "filter by user")

        for query, parameter in (("user=nobody", "user"), ("event=bogus", "event"), ("limit=0", "limit"),
                                 ("limit=1001", "limit"), ("since=tomorrow", "since"),
                                 ("cursor=x", "cursor")):
            reply = server.json("GET", f"/api/audit?{query}", 400)
            check_equal(reply["error"]["code"], f"invalid_{parameter}", query)


@test
def audit_verify_and_public_key(folder):
    with AdminServer(folder) as server:
        reply = server.json("GET", "/api/audit/verify", 200)
        check_equal(reply["ok"], True, "verify ok")
        check(reply["records"] > 0, "records verified")
        check(re.fullmatch(r"[0-9a-f]{64}", reply["head"]["hash"]), "head hash")
        key = server.json("GET", "/api/audit/public-key", 200)
        check_equal(key["algorithm"], "Ed25519", "algorithm")
        check(re.fullmatch(r"[0-9a-f]{64}", key["public_key"]), "public key")


@test
def metrics_count_protocol_events(folder):
    with AdminServer(folder) as server:
        with imaplib.IMAP4(HOST, server.imap_port) as imap:
            imap.login("alice@example.org", PASSWORD)
            imap.logout()
        try:
            with imaplib.IMAP4(HOST, server.imap_port) as imap:
                imap.login("alice@example.org", "wrong password entirely")
        except imaplib.IMAP4.error:
            pass

        status, headers, body = server.request("GET", "/metrics")
        check_equal(status, 200, "metrics status")
        check(headers["Content-Type"].startswith("text/plain; version=0.0.4"), "content type")
        text = body.decode()

        def value(sample):
            match = re.search("^" + re.escape(sample) + r" (\d+)$", text, re.M)
            check(match, f"{sample} in {text}")
            return int(match.group(1))

        check(value('skrynka_connections_total{protocol="imap"}') >= 2, "imap connections")
        check(value('skrynka_commands_total{protocol="imap"}') >= 3, "imap commands")
        check_equal(value('skrynka_logins_succeeded_total{protocol="imap"}'), 1, "imap logins")
        check_equal(value('skrynka_logins_failed_total{protocol="imap"}'), 1, "imap failures")
        check(value('skrynka_commands_total{protocol="admin"}') >= 1, "admin requests")
        check(value("skrynka_stored_bytes") > 0, "stored bytes")
        check_equal(value("skrynka_queue_length"), 0, "queue length")
        check(value("skrynka_audit_head_sequence") > 0, "audit head")
        check(value("skrynka_process_resident_memory_bytes") > 1024 * 1024, "memory")
        check_in("# HELP skrynka_queue_length", text, "queue help")
        check_in("not built yet", text, "queue help says it is always 0")


@test
def keep_alive_serves_several_requests(folder):
    with AdminServer(folder) as server:
        connection = server.connection()
        for _ in range(3):
            connection.request("GET", "/api/health")
            response = connection.getresponse()
            check_equal(response.status, 200, "keep-alive request")
            response.read()
        connection.close()
        # Pipelined requests in one write get their responses in order.
        replies = server.raw(b"GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n"
                             b"GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        statuses = re.findall(rb"^HTTP/1.1 (\d{3})", replies, re.M)
        check_equal(statuses, [b"200", b"401"], "pipelined statuses")


@test
def malformed_requests_get_json_4xx(folder):
    with AdminServer(folder, extra=("-o", "limits.admin_header_max_bytes=1024",
                                    "-o", "limits.admin_body_max_bytes=1024")) as server:
        cases = [
            (b"NONSENSE\r\n\r\n", 400, b"malformed_request"),
            (b"GET /api/health HTTP/9.9\r\n\r\n", 400, b"malformed_request"),
            (b"GET /api/health HTTP/1.1\r\nBad Header\r\n\r\n", 400, b"malformed_request"),
            (b"GET /api/health HTTP/1.1\r\nX: " + b"a" * 2000 + b"\r\n\r\n", 431,
             b"header_too_large"),
            (b"POST /api/accounts HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + b"{" * 5000, 413,
             b"body_too_large"),
            (b"GET /a%zz HTTP/1.1\r\nConnection: close\r\n\r\n", 400, b"invalid_target"),
            (b"GET http://example.org/ HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
             b"invalid_target"),
            (b"GET /api/health HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400,
             b"malformed_request"),
            (b"GET /api/health HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
             b"malformed_request"),
        ]
        for request, status, code in cases:
            reply = server.raw(request)
            head, _, body = reply.partition(b"\r\n\r\n")
            check(head.startswith(b"HTTP/1.1 %d " % status), f"{request[:40]!r}: {head!r}")
            check_in(b"application/json", head, f"{request[:40]!r} content type")
            check_in(code, body, f"{request[:40]!r} error code")

        check_equal(server.json("PUT", "/api/health", 405, token=False)["error"]["code"],
                    "method_not_allowed", "PUT health")
        status, headers, _ = server.request("PATCH", "/api/accounts")
        check_equal(status, 405, "PATCH accounts")
        check_equal(headers.get("Allow"), "GET, POST", "Allow")
        server.json("GET", "/api/nothing/here", 404)

        status, _, _ = server.request("GET", "/api/health", token=False)
        check_equal(status, 200, "server still answers")


@test
def slow_client_is_disconnected(folder):
    with AdminServer(folder, extra=("-o", "limits.admin_request_seconds=1")) as server:
        import socket
        started = time.monotonic()
        with socket.create_connection((HOST, server.http_port), timeout=20) as sock:
            sock.sendall(b"GET /api/health HTTP/1.1\r\n")
            data = sock.recv(100)
            while data:
                data = sock.recv(100)
        elapsed = time.monotonic() - started
        check(elapsed < 10, f"closed after {elapsed:.1f} s")
        server.server.wait_for_log("proto=admin")


@test
def curl_over_http_and_https(folder):
    with AdminServer(folder) as server:
        output = subprocess.run(
            ["curl", "-sS", "--fail-with-body", "-H", f"Authorization: Bearer {server.token}",
             f"http://{HOST}:{server.http_port}/api/accounts"],
            capture_output=True, text=True, timeout=60)
        check_equal(output.returncode, 0, f"curl http: {output.stderr}")
        check_equal(json.loads(output.stdout)["accounts"][0]["address"], "alice@example.org",
                    "curl accounts")

        output = subprocess.run(
            ["curl", "-sS", "-k", "-D", "-", "-H", f"Authorization: Bearer {server.token}",
             "--data-urlencode", "token=" + server.token,
             f"https://{HOST}:{server.https_port}/login"],
            capture_output=True, text=True, timeout=60)
        check_equal(output.returncode, 0, f"curl https: {output.stderr}")
        check_in("HTTP/1.1 303", output.stdout, "login redirect")
        cookie = re.search(r"^set-cookie: (.*)$", output.stdout, re.M | re.I)
        check(cookie, f"cookie set: {output.stdout}")
        for attribute in ("HttpOnly", "SameSite=Strict", "Secure", "Path=/"):
            check_in(attribute, cookie.group(1), "cookie attribute")

        output = subprocess.run(
            ["curl", "-sS", "-k", "-o", "/dev/null", "-w", "%{http_code}",
             f"https://{HOST}:{server.https_port}/metrics"],
            capture_output=True, text=True, timeout=60)
        check_equal(output.stdout, "401", "https metrics without token")


@test
def login_form_sets_the_cookie(folder):
    with AdminServer(folder) as server:
        status, _, body = server.request("GET", "/", token=False)
        check_equal(status, 401, "page without token")
        check_in(b'action="/login"', body, "login form")

        form = urllib.parse.urlencode({"token": "skt_wrong", "lang": "uk"})
        status, _, body = server.request(
            "POST", "/login", body=form, token=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        check_equal(status, 401, "wrong token")
        check_in("Токен недійсний.".encode(), body, "Ukrainian error")

        form = urllib.parse.urlencode({"token": server.token})
        status, headers, _ = server.request(
            "POST", "/login", body=form, token=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        check_equal(status, 303, "login")
        cookie = headers["Set-Cookie"].split(";")[0]
        check_equal(cookie, f"skrynka_admin_token={server.token}", "cookie")
        check(" Secure" not in headers["Set-Cookie"], "no Secure flag over plain HTTP")

        status, headers, body = server.request("GET", "/?lang=uk", token=False,
                                               headers={"Cookie": cookie})
        check_equal(status, 200, "page with cookie")
        check_in('<html lang="uk">'.encode(), body, "Ukrainian page")
        check_in("skrynka_lang=uk", headers.get("Set-Cookie", ""), "language cookie")
        check_in("default-src 'none'", headers["Content-Security-Policy"], "CSP")

        status, headers, _ = server.request("POST", "/logout", token=False,
                                            headers={"Cookie": cookie})
        check_equal(status, 303, "logout")
        check_in("Max-Age=0", headers["Set-Cookie"], "cookie cleared")

        logins = audit_records(server, "event=login.success")
        admin_logins = [r for r in logins if "proto=admin" in r["detail"]]
        check_equal(len(admin_logins), 1, f"admin logins: {logins}")
        check_equal(admin_logins[0]["detail"], "proto=admin token=tests", "login detail")
        check_equal(admin_logins[0]["actor"], "admin", "login actor")


if __name__ == "__main__":
    sys.exit(main())
