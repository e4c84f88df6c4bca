#!/usr/bin/env python3
"""Render report.html in headless Chromium and fail on anything a self-contained page
must never do.

Talks to Chromium over the DevTools protocol through --remote-debugging-pipe (file
descriptors 3 and 4, NUL-separated JSON), so it needs only Python's standard library.

It fails when, while the page loads and settles:
  * the page requests anything but itself (Network.requestWillBeSent), or a load fails
    (Network.loadingFailed, which is how a request blocked by the CSP shows);
  * anything is written to the console (Runtime.consoleAPICalled), a script throws
    (Runtime.exceptionThrown), or the browser logs a warning or error for the page
    (Log.entryAdded: CSP violations, blocked loads) or raises an issue (Audits.issueAdded);
  * the DOM holds a <script>, or a src/href that is not an in-page #anchor or data: URL;
  * the page scrolls sideways on a 420 px screen, or two texts of one chart overlap;
  * on a 1280 x 800 screen, the headline (#headline: per measure, the on-time rates of the
    latest complete month and of the 12 months to it) is not all on the first screen
    without scrolling, or a measure's row of it has no rate figure.

Usage:
  check_report.py REPORT.html [--pdf OUT.pdf] [--png OUT.png] [--narrow-png OUT.png]
                  [--first-screen-png OUT.png]
  check_report.py --self-test REPORT.html
      proves the checker catches an injected external image and an injected console
      error (with and without the page's CSP), a headline pushed below the first screen
      and a headline without its rates, and passes the report as it is.
"""

import argparse
import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SETTLE_SECONDS = 1.5
TIMEOUT_SECONDS = 60

# Run inside the page once loaded: script elements, external references, sideways
# scrolling and overlapping chart texts.
DOM_PROBE = r"""
(() => {
  const out = [];
  const scripts = document.querySelectorAll('script').length;
  if (scripts) out.push(scripts + ' <script> element(s)');
  for (const el of document.querySelectorAll('[src],[href],[srcset],[poster],[data]')) {
    for (const a of ['src', 'href', 'srcset', 'poster', 'data']) {
      const v = el.getAttribute(a);
      if (v !== null && !v.startsWith('#') && !v.startsWith('data:'))
        out.push('<' + el.tagName.toLowerCase() + ' ' + a + '="' + v + '">: not an in-page link or data: URL');
    }
  }
  for (const el of document.querySelectorAll('*')) {
    const bg = getComputedStyle(el).backgroundImage;
    if (bg && bg !== 'none' && !bg.startsWith('url("data:') && bg.includes('url('))
      out.push('background image ' + bg);
  }
  const sideways = document.documentElement.scrollWidth - window.innerWidth;
  if (sideways > 1) out.push('the page scrolls sideways by ' + sideways + ' px at ' + window.innerWidth + ' px wide');
  for (const svg of document.querySelectorAll('svg')) {
    const boxes = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [ta, a] = boxes[i], [tb, b] = boxes[j];
      if (a.width && b.width && a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 &&
          a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5)
        out.push('chart "' + (svg.querySelector('title') || {}).textContent + '": texts overlap: "' + ta + '" and "' + tb + '"');
    }
  }
  return out;
})()
"""


# The first screen the headline must fit: a common laptop, with no scrolling.
FIRST_SCREEN = (1280, 800)

# Run inside the page at FIRST_SCREEN: the headline's box, and each of its measure rows
# with its rate cells (td.rate: the latest month's and the 12 months' on-time %).
HEADLINE_PROBE = r"""
(() => {
  const out = [];
  const h = document.getElementById('headline');
  if (!h) return ['no headline (#headline) in the page'];
  const box = h.getBoundingClientRect();
  const top = box.top + window.scrollY, bottom = box.bottom + window.scrollY;
  if (window.scrollY !== 0) out.push('the page did not open at its top');
  if (top < 0 || bottom > window.innerHeight)
    out.push('the headline spans ' + Math.round(top) + ' to ' + Math.round(bottom) + ' px: not within the first '
             + window.innerHeight + ' px of a ' + window.innerWidth + ' px wide screen');
  const rows = h.querySelectorAll('tbody tr');
  if (!rows.length) out.push('the headline has no measure rows');
  const rate = /^(\d{1,3}\.\d %|–|c)$/;
  for (const row of rows) {
    const name = (row.querySelector('th') || {}).textContent;
    const rates = [...row.querySelectorAll('td.rate')];
    if (rates.length !== 2) { out.push('headline row "' + name + '" has ' + rates.length + ' rate cells, not 2'); continue; }
    for (const cell of rates) {
      const text = cell.textContent.trim();
      if (!rate.test(text)) out.push('headline row "' + name + '": "' + text + '" is not a rate');
      const r = cell.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.top < 0 || r.bottom > window.innerHeight || r.left < 0 || r.right > window.innerWidth)
        out.push('headline row "' + name + '": its rate ' + text + ' is not on the first screen');
    }
  }
  if (rows.length && ![...h.querySelectorAll('td.rate')].some(c => /\d %$/.test(c.textContent.trim())))
    out.push('the headline shows no rate figure at all');
  return out;
})()
"""


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("check-report: chromium is not installed (make check-report installs it)")


class Browser:
    """One headless Chromium driven over the DevTools pipe."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="check-report-profile-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        args = [chromium_binary(), "--headless", "--disable-gpu", "--remote-debugging-pipe",
                "--user-data-dir=" + self.profile, "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
                "--font-render-hinting=none", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        # The pipe must be fds 3 (commands in) and 4 (replies out) in the browser.
        shell = 'exec "$@" 3<&{} 4>&{}'.format(to_chrome_r, from_chrome_w)
        self.proc = subprocess.Popen(["/bin/sh", "-c", shell, "sh"] + args, pass_fds=(to_chrome_r, from_chrome_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        self.replies = {}
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.from_chrome, 1 << 16)
            except OSError:
                chunk = b""
            with self.lock:
                if not chunk:
                    self.replies[None] = "closed"
                    self.lock.notify_all()
                    return
                self.buffer += chunk
                while b"\0" in self.buffer:
                    raw, self.buffer = self.buffer.split(b"\0", 1)
                    message = json.loads(raw)
                    if "id" in message:
                        self.replies[message["id"]] = message
                    else:
                        self.events.append(message)
                    self.lock.notify_all()

    def send(self, method, params=None, session=None):
        self.next_id += 1
        ident = self.next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + TIMEOUT_SECONDS
        with self.lock:
            while ident not in self.replies:
                if None in self.replies:
                    raise RuntimeError("chromium closed the DevTools pipe")
                if not self.lock.wait(timeout=max(0.1, deadline - time.time())) and time.time() > deadline:
                    raise RuntimeError("no reply from chromium to " + method)
            reply = self.replies.pop(ident)
        if "error" in reply:
            raise RuntimeError("{} failed: {}".format(method, reply["error"]))
        return reply.get("result", {})

    def wait_for(self, method, session, seconds=TIMEOUT_SECONDS):
        deadline = time.time() + seconds
        with self.lock:
            while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
                if time.time() > deadline:
                    raise RuntimeError("timed out waiting for " + method)
                self.lock.wait(timeout=0.2)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_chrome, self.from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


def open_page(browser, width, height):
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Network", "Runtime", "Log", "Page", "Audits"):
        browser.send(domain + ".enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
    return session


def load(browser, session, url):
    with browser.lock:
        start = len(browser.events)
    browser.send("Page.navigate", {"url": url}, session=session)
    browser.wait_for("Page.loadEventFired", session)
    time.sleep(SETTLE_SECONDS)
    with browser.lock:
        return [e for e in browser.events[start:] if e.get("sessionId") == session]


def problems_in(events, own_url):
    """Every event that a self-contained, script-free page must not cause."""
    found = []
    urls = {}
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            urls[p.get("requestId")] = url
            if url != own_url and not url.startswith("data:"):
                found.append("network request: " + url)
        elif method == "Network.loadingFailed":
            blocked = p.get("blockedReason")
            found.append("load failed{}: {} {}".format(" (blocked by " + blocked + ")" if blocked else "",
                                                       urls.get(p.get("requestId"), "?"), p.get("errorText", "")).strip())
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            found.append("console {}: {}".format(p.get("type"), text))
        elif method == "Runtime.exceptionThrown":
            details = p.get("exceptionDetails", {})
            found.append("script exception: " + details.get("exception", {}).get("description", details.get("text", "")))
        elif method == "Log.entryAdded":
            entry = p.get("entry", {})
            if entry.get("level") in ("error", "warning"):
                found.append("browser log {} ({}): {} {}".format(entry.get("level"), entry.get("source"),
                                                                  entry.get("text", ""), entry.get("url", "")).strip())
        elif method == "Audits.issueAdded":
            found.append("issue: " + p.get("issue", {}).get("code", "unknown"))
    return found


def dom_problems(browser, session):
    result = browser.send("Runtime.evaluate", {"expression": DOM_PROBE, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        return ["DOM probe failed: " + json.dumps(result["exceptionDetails"])]
    return ["DOM: " + p for p in result.get("result", {}).get("value", [])]


def headline_problems(browser, session):
    result = browser.send("Runtime.evaluate", {"expression": HEADLINE_PROBE, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        return ["headline probe failed: " + json.dumps(result["exceptionDetails"])]
    return ["first screen: " + p for p in result.get("result", {}).get("value", [])]


def viewport_screenshot(browser, session, path):
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    pathlib.Path(path).write_bytes(base64.b64decode(shot["data"]))


def screenshot(browser, session, width, path):
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
    time.sleep(0.3)
    size = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
    shot = browser.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}}, session=session)
    pathlib.Path(path).write_bytes(base64.b64decode(shot["data"]))


def check(report, pdf=None, png=None, narrow_png=None, first_screen_png=None, quiet=False):
    """Returns the list of problems (empty when the page is clean)."""
    path = pathlib.Path(report).resolve()
    url = path.as_uri()
    browser = Browser()
    try:
        found = []
        # The first screen of a laptop: the headline must be there without scrolling.
        first = open_page(browser, *FIRST_SCREEN)
        found += problems_in(load(browser, first, url), url)
        found += headline_problems(browser, first)
        if first_screen_png:
            viewport_screenshot(browser, first, first_screen_png)
        session = open_page(browser, 1280, 900)
        found += [p for p in problems_in(load(browser, session, url), url) if p not in found]
        found += dom_problems(browser, session)
        if png:
            screenshot(browser, session, 1280, png)
        if pdf:
            out = browser.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=session)
            pathlib.Path(pdf).write_bytes(base64.b64decode(out["data"]))
        # A phone-width screen: reload so layout-dependent checks see that width.
        narrow = open_page(browser, 420, 900)
        events = load(browser, narrow, url)
        found += [p for p in problems_in(events, url) if p not in found]
        found += [p for p in dom_problems(browser, narrow) if p not in found]
        if narrow_png:
            screenshot(browser, narrow, 420, narrow_png)
        return found
    finally:
        browser.close()


def self_test(report):
    """The checker must catch what it is for, and pass the real report."""
    html = pathlib.Path(report).read_text(encoding="utf-8")
    csp = '<meta http-equiv="Content-Security-Policy"'
    if csp not in html or "<body>" not in html:
        return ["self-test: the report has no CSP meta or no <body> to inject into"]
    without_csp = "\n".join(line for line in html.split("\n") if not line.startswith(csp))
    image = '<body><img src="https://example.org/x.png" alt="">'
    script = '<body><script>console.error("injected console error")</script>'
    headline = '<section id="headline"'
    if headline not in html:
        return ["self-test: the report has no headline section to push down or empty"]
    # Both break the promise of the first screen in ways a future template could: content
    # above the headline (the caveats used to open the report), and a headline without its rates.
    spacer = '<div style="height:' + str(FIRST_SCREEN[1]) + 'px"></div>' + headline
    no_rates = html.replace('<td class="rate">', '<td class="rate-gone">')
    cases = [
        ("the report as it is", html, None),
        ("the headline pushed below the first screen", html.replace(headline, spacer, 1),
         "first screen: the headline spans"),
        ("the headline without its rate cells", no_rates, "rate cells, not 2"),
        # Each injection is caught by a different channel: the browser's CSP report, the
        # network log, the console.
        ("an external image, CSP in place", html.replace("<body>", image, 1),
         "browser log error (security): Loading the image 'https://example.org/x.png' violates"),
        ("an external image, CSP removed", without_csp.replace("<body>", image, 1), "network request: https://example.org/x.png"),
        ("a console error, CSP in place", html.replace("<body>", script, 1),
         "browser log error (security): Executing inline script violates"),
        ("a console error, CSP removed", without_csp.replace("<body>", script, 1), "console error: injected console error"),
    ]
    failures = []
    with tempfile.TemporaryDirectory(prefix="check-report-selftest-") as folder:
        for name, text, expected in cases:
            page = pathlib.Path(folder) / "report.html"
            page.write_text(text, encoding="utf-8")
            found = check(page)
            if expected is None:
                status = "passes" if not found else "FAILS: " + "; ".join(found)
                if found:
                    failures.append("self-test: the clean report should pass but: " + "; ".join(found))
            else:
                caught = [p for p in found if expected in p]
                if os.environ.get("CHECK_REPORT_VERBOSE"):
                    print("    all found: " + "; ".join(found))
                status = "caught: " + "; ".join(caught) if caught else "NOT CAUGHT (found: {})".format(found)
                if not caught:
                    failures.append("self-test: {} was not caught (wanted a problem mentioning {!r}; found {})".format(name, expected, found))
                # With the CSP in place the fetch itself must be blocked, not just reported.
                if "CSP in place" in name and "image" in name and not any(
                        p.startswith("load failed (blocked by csp): https://example.org") for p in found):
                    failures.append("self-test: with the CSP in place the external image was not blocked by the CSP")
            print("  self-test, {}: {}".format(name, status))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report")
    parser.add_argument("--pdf")
    parser.add_argument("--png")
    parser.add_argument("--narrow-png")
    parser.add_argument("--first-screen-png")
    parser.add_argument("--self-test", action="store_true")
    a = parser.parse_args()
    if a.self_test:
        problems = self_test(a.report)
    else:
        problems = check(a.report, pdf=a.pdf, png=a.png, narrow_png=a.narrow_png, first_screen_png=a.first_screen_png)
    for p in problems:
        print("check-report: " + p, file=sys.stderr)
    if problems:
        sys.exit(1)
    if not a.self_test:
        made = [f for f in (a.pdf, a.png, a.narrow_png, a.first_screen_png) if f]
        print("check-report: {} is clean: no network request, no console message, no script; "
              "the headline's rates are on the first {}x{} screen".format(a.report, *FIRST_SCREEN)
              + ("; wrote " + ", ".join(made) if made else ""))


if __name__ == "__main__":
    main()
