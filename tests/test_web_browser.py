"""The web page in a real browser: Debian's headless Chromium driven by Playwright, through an analyst's flows.

The server is the real command (`python -m searcher serve --port 0`) in its own
process.  No browser is ever downloaded: the tests use the Chromium the system
has (`chromium`, as Debian packages it) and skip, saying why, when there is none.
"""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from indexer import Indexer

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install '.[test]'")
pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if p and Path(p).exists()), None)
if CHROMIUM is None:
    pytest.skip("no Chromium on this machine (install Debian's `chromium` package); the browser tests need one",
                allow_module_level=True)

# Quiet, offline, reproducible: no first-run pages, no background fetches, no GPU.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "searcher", "serve", "--index", str(index_dir), "--port", "0"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        server.kill()
        pytest.fail(f"the server did not start: {server.stderr.read()[-2000:]}")
    return server, url


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def seed_server(seed_index):
    server, url = start_server(seed_index)
    yield url
    stop_server(server)


@pytest.fixture(scope="module")
def playwright():
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture
def browse(playwright, tmp_path):
    """browse(**options): a fresh Chromium context (its own profile folder); every console error is collected."""
    opened = []

    def open_context(**options):
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{len(opened)}"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            **options)
        context.errors = []
        context.on("console", lambda msg: msg.type == "error" and context.errors.append(msg.text))
        context.on("weberror", lambda error: context.errors.append(str(error.error)))
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


def test_search_narrow_read_cite_and_go_back(seed_server, browse):
    context = browse(permissions=["clipboard-read", "clipboard-write"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(seed_server)
    page.locator("footer").click()  # nothing focused
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"

    page.keyboard.type("semiconductor export controls")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=semiconductor\+export\+controls"))
    hits = page.locator("li.hit")
    assert hits.count() >= 3
    assert page.locator("li.hit mark").first.inner_text().lower() in ("semiconductor", "export", "controls")

    authors = page.locator("section.facet", has=page.get_by_role("heading", name="Authors"))
    facet = authors.get_by_role("link").first
    author = facet.inner_text()
    facet.click()
    page.wait_for_url(re.compile(r"author="))
    narrowed = page.locator("li.hit .place").all_inner_texts()
    assert narrowed and all(author in place for place in narrowed)
    assert page.get_by_role("link", name=f"Remove the filter author: {author}").is_visible()
    results_url = page.url

    first = page.locator("li.hit h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/passage/"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.locator("#passage-text mark").count() >= 1
    assert page.get_by_role("heading", name="Similar passages").is_visible()
    citation = page.locator("#citation").inner_text()
    assert author in citation or title in citation

    page.get_by_role("button", name="Copy the citation").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == citation

    page.go_back()
    page.wait_for_url(results_url)
    assert page.locator("#q").input_value() == "semiconductor export controls"
    assert page.locator("li.hit .place").all_inner_texts() == narrowed
    assert context.errors == []  # no script error, no Content-Security-Policy violation


def test_pages_work_without_javascript(seed_server, browse):
    page = browse(java_script_enabled=False).new_page()
    page.goto(seed_server)
    page.fill("#q", "talent")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=talent"))
    assert page.locator("li.hit").count() >= 1
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/passage/"))
    assert page.locator("#citation").inner_text().strip()
    assert not page.get_by_role("button", name="Copy the citation").is_visible()  # needs script: hidden


@pytest.mark.parametrize("width", [390, 1280])
def test_readable_at_phone_and_laptop_width(seed_server, browse, width):
    page = browse(viewport={"width": width, "height": 800}).new_page()
    for path in ("?q=semiconductor+export+controls", "documents", "index"):
        page.goto(seed_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.goto(seed_server + "?q=talent")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/passage/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#passage-text").bounding_box()["width"] <= width


def test_hostile_document_text_never_runs(tmp_path, tiny_corpus, browse):
    record = {"_id": "evil-1", "title": "<script>alert('title')</script> Hostile Title",
              "authors": ['Mallory " onmouseover="alert(1)'],
              "text": "Gallium <script>alert('text')</script> and <img src=x onerror=alert(3)> as text."}
    (tiny_corpus / "evil.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    Indexer(tmp_path / "index").update([tiny_corpus])
    server, url = start_server(tmp_path / "index")
    try:
        page = browse().new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url + "?q=gallium")
        page.locator("li.hit h3 a", has_text="Hostile").click()
        page.wait_for_url(re.compile(r"/passage/evil-1"))
        page.locator(".place").first.hover()
        assert "<script>alert('text')</script>" in page.locator("#passage-text").inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == record["title"]
        assert dialogs == []
    finally:
        stop_server(server)


def test_keyboard_alone_reaches_a_passage(seed_server, browse):
    page = browse().new_page()
    page.goto(seed_server + "index")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("/")  # on a page without the box: to the search page, the box focused
    page.wait_for_url(seed_server)
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("talent")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=talent"))
    first_hit = page.locator("li.hit h3 a").first
    for _ in range(40):  # tab through the page until the first hit's link has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('li.hit') !== null"):
            break
    assert page.evaluate("document.activeElement.href") == first_hit.evaluate("a => a.href")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/passage/"))
    assert page.get_by_role("heading", name="The passage").is_visible()
