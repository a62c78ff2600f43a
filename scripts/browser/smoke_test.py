"""Smoke test: Playwright (pip) drives Debian's /usr/bin/chromium headless and
runs axe-core on a page served from 127.0.0.1.

Usage (after scripts/browser/install.sh and `pip install playwright`):
    python scripts/browser/smoke_test.py
Exits non-zero on failure. Never run `playwright install`.
"""
import functools
import http.server
import pathlib
import sys
import tempfile
import threading

from playwright.sync_api import sync_playwright

HERE = pathlib.Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>axe smoke</title></head><body><main><h1>Hello</h1>
<img src="missing.png"><button></button></main></body></html>"""


def main() -> int:
    with tempfile.TemporaryDirectory() as site:
        pathlib.Path(site, "index.html").write_text(PAGE)
        handler = functools.partial(
            http.server.SimpleHTTPRequestHandler, directory=site)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=ARGS)
                print("browser", browser.version)
                page = browser.new_page()
                page.goto(url)
                assert page.title() == "axe smoke"
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run()")
                ids = sorted(v["id"] for v in result["violations"])
                print("axe", result["testEngine"]["version"], "violations:", ids)
                # The page has an <img> without alt and an empty <button>.
                assert "image-alt" in ids and "button-name" in ids, ids
                browser.close()
        finally:
            httpd.shutdown()
    print("smoke test ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
