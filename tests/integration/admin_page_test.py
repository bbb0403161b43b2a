"""The audit review page end to end in headless Chromium (Debian's `chromium`): log in
through the form, filter the audit table, switch the language, and save screenshots as
test artifacts in admin-artifacts/ under the build folder.

The browser is driven over the DevTools protocol (devtools_client.py); `--dump-dom` and
`--screenshot` check what a browser without a token gets.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from admin_harness import HOST, AdminServer
from devtools_client import DevToolsPage
from skrynka_cli import CheckFailed, check, check_equal, check_in, main, test

ARTIFACTS = os.path.join(os.getcwd(), "admin-artifacts")
CHROMIUM = shutil.which("chromium")


def chromium_args(profile):
    # --no-sandbox: the tests may run as root, where Chromium refuses its sandbox.
    return [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-background-networking",
            "--ignore-certificate-errors", f"--user-data-dir={profile}",
            "--window-size=1280,900"]


class Browser:
    """Headless Chromium with the DevTools protocol on a port it chooses itself."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        self.process = subprocess.Popen(
            chromium_args(self.profile) + ["--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 60
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise CheckFailed("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        with open(port_file) as lines:
            self.port = int(lines.readline())
        self.page = DevToolsPage(self.port)
        self.page.call("Page.enable")

    def close(self):
        self.page.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def table_events(page):
    return page.evaluate(
        "Array.from(document.querySelectorAll('#audit-records td.event'))"
        ".map(cell => cell.textContent)")


@test
def page_without_token_shows_login(folder):
    check(CHROMIUM, "chromium is not installed; scripts/bootstrap installs it")
    os.makedirs(ARTIFACTS, exist_ok=True)
    with AdminServer(folder) as server:
        profile = os.path.join(folder, "profile")
        url = f"http://{HOST}:{server.http_port}/?lang=uk"
        dom = subprocess.run(chromium_args(profile) + ["--dump-dom", url],
                             capture_output=True, text=True, timeout=120).stdout
        check_in('action="/login"', dom, "login form in the DOM")
        check_in("Токен адміністратора", dom, "Ukrainian login form")
        check("audit-records" not in dom, "no audit table without a token")

        screenshot = os.path.join(ARTIFACTS, "login-uk.png")
        subprocess.run(chromium_args(profile) + [f"--screenshot={screenshot}", url],
                       capture_output=True, timeout=120)
        check(os.path.getsize(screenshot) > 1000, "login screenshot saved")


@test
def review_page_filters_and_switches_language(folder):
    check(CHROMIUM, "chromium is not installed; scripts/bootstrap installs it")
    os.makedirs(ARTIFACTS, exist_ok=True)
    with AdminServer(folder) as server:
        # One failed login and some admin calls, so the filter has something to tell apart.
        server.request("GET", "/api/accounts", token="skt_" + "1" * 64)
        server.request("GET", "/api/accounts")

        browser = Browser()
        try:
            page = browser.page
            page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
                      deviceScaleFactor=1, mobile=False)
            base = f"http://{HOST}:{server.http_port}"
            page.load(f"{base}/?lang=en")
            check_equal(page.evaluate("document.title"), "skrynka: audit review", "title")
            check(page.evaluate("!!document.querySelector('#login')"), "login form first")

            # The Content-Security-Policy stops inline script that an attacker might inject.
            page.evaluate("(() => { const s = document.createElement('script');"
                          " s.textContent = 'window.injected = 1';"
                          " document.body.appendChild(s); })()")
            check_equal(page.evaluate("typeof window.injected"), "undefined", "CSP blocks script")

            page.navigate_by(f"document.querySelector('input[name=token]').value = "
                             f"'{server.token}'; document.getElementById('login').submit()")
            check_equal(page.evaluate("location.pathname + location.search"), "/?lang=en",
                        "redirect after login")
            check_in("verifies", page.evaluate("document.getElementById('verify-result')"
                                               ".textContent"), "verify result")
            head = page.evaluate("document.getElementById('head-hash').textContent")
            check(len(head) == 64, f"head hash {head!r}")
            accounts = page.evaluate("document.getElementById('account-list').textContent")
            check_in("alice@example.org", accounts, "account list")
            check(len(set(table_events(page))) > 1, "unfiltered table has several events")
            # One failed login from the API call. Showing the login form to a browser
            # without a token, and the browser's favicon fetches, add none.
            failures = [e for e in table_events(page) if e == "login.failure"]
            check_equal(len(failures), 1, "failed logins")
            page.screenshot(os.path.join(ARTIFACTS, "review-en.png"))

            page.navigate_by("document.querySelector('select[name=event]').value = "
                             "'login.failure'; document.querySelector('#filter form').submit()")
            check_in("event=login.failure", page.evaluate("location.search"), "filter in URL")
            events = table_events(page)
            check(events, "filtered table has rows")
            check_equal(set(events), {"login.failure"}, "filtered events")
            page.screenshot(os.path.join(ARTIFACTS, "review-filtered-en.png"))

            page.navigate_by("document.getElementById('switch-language').click()")
            check_equal(page.evaluate("document.documentElement.lang"), "uk", "language")
            check_equal(page.evaluate("document.querySelector('h1').textContent"),
                        "skrynka: перегляд журналу аудиту", "Ukrainian heading")
            check_equal(set(table_events(page)), {"login.failure"}, "filter kept")
            check_in("записів", page.evaluate("document.getElementById('verify-result')"
                                              ".textContent"), "Ukrainian verify result")
            page.screenshot(os.path.join(ARTIFACTS, "review-filtered-uk.png"))

            # The language cookie keeps Ukrainian without the parameter.
            page.load(f"{base}/")
            check_equal(page.evaluate("document.documentElement.lang"), "uk", "cookie language")
            cookies = page.call("Network.getCookies", urls=[base])["cookies"]
            token_cookie = [c for c in cookies if c["name"] == "skrynka_admin_token"]
            check(token_cookie and token_cookie[0]["httpOnly"], "token cookie is HttpOnly")
            check_equal(token_cookie[0]["sameSite"], "Strict", "token cookie SameSite")
            check_equal(page.evaluate("document.cookie.includes('skrynka_admin_token')"), False,
                        "script cannot read the token cookie")
        finally:
            browser.close()
        for name in ("review-en.png", "review-filtered-en.png", "review-filtered-uk.png"):
            check(os.path.getsize(os.path.join(ARTIFACTS, name)) > 1000, f"{name} saved")


if __name__ == "__main__":
    sys.exit(main())
