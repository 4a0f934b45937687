"""Take the README's screenshots of the web page: headless Chromium (the system's) over the seed corpus.

    python tests/data/screenshots/take.py     # writes search.png, passage.png, phone.png beside this file

Builds an index of the bundled corpus in a temporary folder, starts
`corpus-search serve` on 127.0.0.1, and photographs the pages.  No browser is
downloaded: Playwright drives /usr/bin/chromium.
"""
from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUERY = "semiconductor export controls"


def main() -> None:
    from playwright.sync_api import sync_playwright

    from corpus.catalog import bundled_corpus_dir
    from indexer import Indexer

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as work:
        index_dir = Path(work) / "index"
        Indexer(index_dir).update([bundled_corpus_dir()])
        server = subprocess.Popen([sys.executable, "-m", "searcher", "serve", "--index", str(index_dir),
                                   "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        url = server.stdout.readline().strip()
        try:
            with sync_playwright() as p:
                for name, width, height in (("search", 1280, 900), ("phone", 390, 844)):
                    context = p.chromium.launch_persistent_context(
                        str(Path(work) / f"profile-{name}"), executable_path=chromium, headless=True, args=ARGS,
                        viewport={"width": width, "height": height}, device_scale_factor=1)
                    page = context.new_page()
                    page.goto(url)
                    page.fill("#q", QUERY)
                    page.press("#q", "Enter")
                    page.wait_for_url(re.compile(r"q="))
                    page.screenshot(path=str(HERE / f"{name}.png"))
                    if name == "search":
                        page.locator("li.hit h3 a").first.click()
                        page.wait_for_url(re.compile(r"/passage/"))
                        page.screenshot(path=str(HERE / "passage.png"), full_page=True)
                    context.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
