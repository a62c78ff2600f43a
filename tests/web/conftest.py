"""Fixtures for the HTML pages: a logged-in test client, and for @pytest.mark.browser tests a live
server (werkzeug, in a thread, on the test database) driven by Debian's headless Chromium."""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "scripts" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "a-long-password"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def page_csrf(client, path="/login") -> str:
    return csrf_of(client.get(path).get_data(as_text=True))


@pytest.fixture
def login():
    """login(client, user) signs the test client in through the login form."""
    def sign_in(client, user, password=PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password,
                                               "csrf_token": page_csrf(client)})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client
    return sign_in


# ---- live server + browser ----------------------------------------------------------------
def _buffered(app):
    """Read each response completely before sending it: werkzeug's dev server skips closing the
    response (an open static file) when the browser drops a connection early, and an unclosed file
    is a warning, which this suite turns into an error."""
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/browser/install.sh` (make test does).")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `bash scripts/browser/install.sh` (make test does).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python playwright is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() → a Playwright page in a fresh context (own cookies); only loopback requests.
    Fails the test when a page breaks its Content-Security-Policy or throws a JavaScript error."""
    contexts, problems = [], []

    def make(viewport=None):
        context = browser.new_context(base_url=live_server, viewport=viewport or {"width": 1280, "height": 900})
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" and (
            "Content Security Policy" in msg.text or "Uncaught" in msg.text) else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


def axe_check(page, name: str) -> None:
    """Zero WCAG 2.1 A/AA violations on the current page (axe-core in the page)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on.
        page.evaluate(_axe_source() + "\n;true")
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]]
    assert not problems, f"axe violations on {name} ({page.url}):\n" + "\n".join(problems)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    db = "pg" if os.environ.get("DMP_TEST_DATABASE_URL") else "sqlite"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{db}.png"), full_page=True)


def browser_login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def wait_for_focus(page, element_id: str, tries: int = 50) -> None:
    """Poll from Python (page.wait_for_function would evaluate a string in the page, which CSP forbids)."""
    page.wait_for_selector(f"#{element_id}")
    for _ in range(tries):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"#{element_id} never took focus")
