"""The web page and its JSON API, through HTTP (Starlette's test client); the browser flows are in test_web_browser.py."""
from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from indexer import Indexer
from searcher import Searcher
from searcher.cli import cli

pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")
import warnings  # noqa: E402

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from searcher.web import create_app  # noqa: E402

from conftest import ROOT  # noqa: E402

EVIL = {
    "_id": "evil-1",
    "title": "<script>alert('title')</script> Hostile Title",
    "authors": ['Mallory " onmouseover="alert(1)', "<b>Eve</b>"],
    "date": "2020-01-01",
    "text": "Gallium smuggling <script>alert('text')</script> and \" onmouseover=\"alert(2)\" "
            "<img src=x onerror=alert(3)> are printed as text, not run.",
}


class Page(HTMLParser):
    """What a test reads off a page: links, headings, script tags and attributes that would run code."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.headings: list[int] = []
        self.scripts: list[dict] = []
        self.inline: list[str] = []
        self.marks: list[str] = []
        self._open: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.inline += [name for name in attrs if name.startswith("on") or name == "style"]
        if tag == "script":
            self.scripts.append(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("a", "mark"):
            self._open.append([tag, attrs.get("href", ""), ""])

    def handle_data(self, data):
        for item in self._open:
            item[2] += data

    def handle_endtag(self, tag):
        if tag in ("a", "mark") and self._open:
            kind, href, text = self._open.pop()
            if kind == "a":
                self.links.append((href, text.strip()))
            else:
                self.marks.append(text)

    def link(self, pattern: str) -> str:
        return next(href for href, text in self.links if re.search(pattern, href))


@pytest.fixture
def web_index(tmp_path, tiny_corpus):
    (tiny_corpus / "evil.jsonl").write_text(json.dumps(EVIL) + "\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    Indexer(index_dir).update([tiny_corpus])
    return index_dir


@pytest.fixture
def client(web_index):
    with TestClient(create_app(web_index)) as c:
        yield c


def test_search_page_shows_hits_as_the_terminal_does(client, web_index):
    got = client.get("/", params={"q": "export controls"})
    assert got.status_code == 200
    page = Page(got.text)
    with Searcher(web_index) as s:
        best = s.search("export controls")[0]
    assert best.title in got.text and best.section in got.text
    assert {m.lower() for m in page.marks} >= {"export", "controls"}
    assert page.link(r"^/passage/") .startswith(f"/passage/{best.id.replace(':', '%3A')}")



def test_a_hit_shows_its_authors_date_kind_and_also_in_as_the_terminal_does(client, tiny_corpus, web_index):
    got = client.get("/", params={"q": "robots"}).text
    assert '<p class="place">Ada Lovelace · 2021-05-01</p>' in got
    (tiny_corpus / "copy.md").write_text((tiny_corpus / "tariffs.md").read_text(encoding="utf-8"), encoding="utf-8")
    Indexer(web_index).update()
    copied = client.get("/", params={"q": "gallium germanium"}).text
    assert re.search(r'also in <a href="/documents/(copy|tariffs)">(copy|tariffs)</a>', copied)
    assert not re.search(r" · </p>", got + copied)

def test_facets_narrow_the_search_and_the_url_holds_it(client):
    page = Page(client.get("/", params={"q": "chips OR robots"}).text)
    facet = page.link(r"author=Ada")
    state = parse_qs(urlsplit(facet).query)
    assert state == {"q": ["chips OR robots"], "author": ["Ada Lovelace"]}
    narrowed = client.get(facet)
    assert narrowed.status_code == 200
    assert "Factory Robots" in narrowed.text and "Trade and Tariffs" not in narrowed.text
    widened = Page(narrowed.text).link(r"^/\?q=chips\+OR\+robots$")  # the chip that removes the filter
    assert "Trade and Tariffs" in client.get(widened).text


def test_year_and_section_facets_filter(client):
    page = Page(client.get("/", params={"q": "chips OR robots OR gallium"}).text)
    year = client.get(page.link(r"after=2021&before=2021"))
    assert "Factory Robots" in year.text and "Trade and Tariffs" not in year.text
    section = client.get(page.link(r"section=Retaliation"))
    assert "germanium" in section.text and "Netherlands" not in section.text


def test_did_you_mean_links_to_the_respelt_search(client):
    page = Page(client.get("/", params={"q": "semiconducters"}).text)
    assert parse_qs(urlsplit(page.link(r"q=semiconductor")).query)["q"] == ["semiconductors"]


def test_pages_of_results(client):
    first = Page(client.get("/", params={"q": "chips OR robots OR gallium OR talent", "limit": "1"}).text)
    second = client.get(first.link(r"page=2"))
    assert second.status_code == 200 and '<ol class="hits" start="2">' in second.text


def test_passage_page_has_context_similar_and_a_citation(client, web_index):
    with Searcher(web_index) as s:
        hit = s.search("gallium germanium")[0]
    got = client.get(f"/passage/{hit.id}", params={"q": "gallium"})
    assert got.status_code == 200
    page = Page(got.text)
    shown = Page(got.text.split('id="passage-text"')[1].split("</div>")[0])
    assert [m.lower() for m in shown.marks] == ["gallium"]
    assert hit.section in got.text and 'id="citation"' in got.text
    assert any(href.startswith("/passage/") for href, _ in page.links)  # a neighbour or a similar passage
    assert page.link(r"^/\?q=gallium$")  # back to the results


@pytest.mark.parametrize("path", ["/?q=gallium", "/?q=Hostile", "/passage/evil-1:1", "/index",
                                  "/?q=%22+onmouseover%3D%22alert(1)", "/?q=gallium&author=%3Cb%3EEve%3C%2Fb%3E"])
def test_document_text_titles_and_authors_are_escaped(client, path):
    got = client.get(path)
    assert got.status_code == 200, got.text
    page = Page(got.text)
    assert [s.get("src") for s in page.scripts] == ["/static/app.js"]  # no script but ours
    assert page.inline == []  # no event handler or style attribute anywhere
    assert "<b>Eve</b>" not in got.text and "<img" not in got.text
    if path.startswith("/passage/"):
        assert "Mallory &#34; onmouseover=&#34;alert(1)" in got.text and "&lt;b&gt;Eve&lt;/b&gt;" in got.text
        assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in got.text


def test_every_response_forbids_inline_script(client):
    for path in ("/", "/?q=chips", "/static/style.css", "/api/stats", "/nowhere", "/?page=x"):
        got = client.get(path)
        assert re.fullmatch(r"app;dur=\d+\.\d", got.headers["server-timing"])  # the server's own time, ms
        policy = got.headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["default-src"] == "'none'"
        assert "unsafe-inline" not in policy


@pytest.mark.parametrize("path, status", [
    ("/?q=chips&page=abc", 400), ("/?q=chips&page=0", 400), ("/?q=chips&limit=1000", 400),
    ("/?q=chips&color=red", 400), ("/?q=chips&page=1&page=2", 400), ("/?q=" + "x" * 5000, 400),
    ("/?q=chips&after=yesterday", 400), ("/?q=%01chips", 400), ("/?q=chips+AND+(", 200),
("/?author=Ada", 400),
    ("/passage/nothing:99", 404), ("/passage/..%2F..%2Fetc%2Fpasswd", 404), ("/passage/x?style=comic", 400),
    ("/static/..%2F__init__.py", 404), ("/static/app.py", 404), ("/nowhere", 404),
    ("/api/search?q=chips&page=-1", 400), ("/api/show/nothing:1", 404), ("/api/search", 400),
])
def test_bad_requests_get_a_short_page_never_a_traceback(client, path, status):
    got = client.get(path)
    assert got.status_code == status, got.text[:500]
    assert "Traceback" not in got.text and 'File "' not in got.text
    if status >= 400 and path.startswith("/api/"):
        assert set(got.json()) == {"error"}
    elif status >= 400:
        assert re.search(r'role="alert">[^<]{10,}</p>', got.text)


def test_the_server_is_read_only(client):
    for method in ("post", "put", "delete", "patch"):
        got = getattr(client, method)("/api/search?q=chips")
        assert got.status_code == 405 and "read-only" in got.json()["error"]


def _cli_json(*args):
    result = CliRunner(mix_stderr=False).invoke(cli, list(args)) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames \
        else CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_api_mirrors_the_command_line_json(client, web_index):
    index = ["--index", str(web_index)]
    got = client.get("/api/search", params={"q": "chips", "limit": "2"}).json()
    assert got["hits"] == _cli_json("search", "chips", "--limit", "2", "--json", *index)
    assert got["total"] == got["facets"]["total"] >= 2
    passage = got["hits"][0]["id"]
    shown = client.get(f"/api/show/{passage}").json()
    assert shown == _cli_json("show", passage, "--json", *index)[0]
    stats = client.get("/api/stats").json()
    assert stats == _cli_json("stats", "--json", *index)[0]
    similar = client.get(f"/api/similar/{passage}", params={"limit": "3"}).json()["hits"]
    assert similar == _cli_json("similar", passage, "--limit", "3", "--json", *index)


def test_api_lists_documents_and_cites_as_the_command_line(client, web_index):
    index = ["--index", str(web_index)]
    assert client.get("/api/documents").json()["documents"] == _cli_json("documents", "--json", *index)
    cited = client.get("/api/cite/robots-1:1", params={"style": "apa"}).json()
    assert cited == _cli_json("cite", "robots-1:1", "--style", "apa", "--json", *index)[0]
    assert client.get("/api/cite/robots-1:1", params={"style": "comic"}).status_code == 400


def test_passage_page_cites_in_the_chosen_style(client, web_index):
    with Searcher(web_index) as s:
        apa = s.cite("tariffs:2", "apa").text
    got = client.get("/passage/tariffs:2", params={"style": "apa"})
    shown = got.text.split('<pre id="citation">')[1].split("</pre>")[0]
    assert html.unescape(shown) == apa
    assert '<option value="apa" selected>' in got.text


def test_the_index_is_reopened_after_an_update_without_a_restart(client, web_index, tiny_corpus):
    assert "No passages match" in client.get("/", params={"q": "lithium"}).text
    (tiny_corpus / "batteries.md").write_text("# Batteries\n\nLithium refining is concentrated in Sichuan.\n",
                                              encoding="utf-8")
    Indexer(web_index).update()
    found = client.get("/", params={"q": "lithium"})
    assert "Batteries" in found.text and "Sichuan" in found.text
    assert "batteries" in client.get("/api/search", params={"q": "lithium"}).text.lower()


def test_pages_have_one_h1_and_headings_in_order(client):
    for path in ("/", "/?q=chips", "/passage/robots-1:1", "/documents", "/index", "/nowhere"):
        levels = Page(client.get(path).text).headings
        assert levels[0] == 1 and levels.count(1) == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)


def test_results_are_search_and_facets_in_one_pass(seed_index):
    with Searcher(seed_index) as s:
        for query, where in (("export controls", {}), ("talent", {"author": "ding"}), ("china", {"after": "2020"})):
            for page in (1, 2):
                found = s.results(query, limit=5, page=page, **where)
                assert list(found.hits) == s.search(query, limit=5, page=page, **where)
                assert found.facets == s.facets(query, **where) and found.total == s.count(query, **where)
        assert set(found.facets) == {"total", "authors", "documents", "sections", "years"}


# -- the command -----------------------------------------------------------


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searcher", "serve", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_serve_prints_its_address_serves_and_stops_on_ctrl_c(web_index):
    import signal

    import httpx

    server = _serve("--index", str(web_index), "--port", "0")
    try:
        url = server.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), url
        page = httpx.get(url, params={"q": "gallium"}, timeout=30)
        assert page.status_code == 200 and "<mark>" in page.text
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0
    lines = err.strip().splitlines()
    assert lines[-1] == "corpus-search: stopped" and len(lines) == 2 and "Traceback" not in err


@pytest.mark.slow
def test_serve_warns_off_loopback_and_says_when_the_port_is_taken(web_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        server = _serve("--index", str(web_index), "--host", "0.0.0.0", "--port", port)
        out, err = server.communicate(timeout=60)
    assert server.returncode == 2 and out == ""
    warning, error = err.strip().splitlines()
    assert "warning: listening on 0.0.0.0" in warning
    assert error == f"corpus-search: error: port {port} on 0.0.0.0 is in use; pick another with --port"


def test_serve_of_a_missing_index_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "no index at" in result.output


@pytest.mark.slow
def test_search_path_never_imports_the_web_libraries(seed_index):
    script = (
        "import sys\n"
        "from searcher.cli.fastpath import run_fast\n"
        "from searcher import Searcher\n"
        f"assert run_fast(['search', 'export controls', '--index', {str(seed_index)!r}]) == 0\n"
        f"from searcher.cli import cli\n"
        f"cli.main(['search', 'talent', '--facets', '--index', {str(seed_index)!r}], standalone_mode=False)\n"
        f"with Searcher({str(seed_index)!r}) as s: s.results('talent'); s.facets('talent')\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert "whoosh" in loaded and "click" in loaded
    assert not loaded & {"starlette", "uvicorn", "jinja2", "anyio", "httpx", "h11"}


def test_document_page_and_an_unknown_document(client):
    got = client.get("/documents/tariffs")
    assert got.status_code == 200 and "Trade and Tariffs" in got.text
    every = Page(got.text).link(r"^/\?q=document")
    assert "Retaliation" in client.get(every).text
    assert client.get("/documents/nothing-here").status_code == 404


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40), page=st.text(max_size=4))
def test_any_query_gives_a_page_or_a_400(client, text, page):
    got = client.get("/", params={"q": text, "page": page or "1"})
    assert got.status_code in (200, 400)
    api = client.get("/api/search", params={"q": text})
    assert api.status_code in (200, 400) and ("hits" in api.json() or "error" in api.json())


def test_documents_page_lists_every_document_with_its_outline(client, web_index):
    with Searcher(web_index) as s:
        documents = s.documents()
    page = Page(client.get("/documents").text)
    listed = {href for href, _ in page.links if href.startswith("/documents/")}
    assert listed == {f"/documents/{d.id}" for d in documents}
    outline = [href for href, text in page.links if text == "Retaliation"]
    assert outline and outline[0].startswith("/passage/tariffs%3A")
    assert "Retaliation" in client.get(outline[0]).text


def test_the_index_page_says_what_is_indexed_and_when(client, web_index):
    with Searcher(web_index) as s:
        stats = s.stats()
    got = client.get("/index").text
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", got))
    assert figures["Documents"] == str(stats.documents) and figures["Passages"] == str(stats.passages)
    assert figures["Authors"] == str(len(stats.authors))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", figures["Last updated"])
    assert all(f">{html.escape(name).replace('&quot;', '&#34;').replace('&#x27;', '&#39;')}</a>" in got
               for name in stats.authors)


def test_every_asset_is_package_data_served_from_this_origin(client):
    from importlib import resources

    seen = set()
    for path in ("/", "/?q=chips", "/passage/robots-1:1", "/documents", "/index", "/nowhere"):
        got = client.get(path).text
        for tag in re.findall(r"<(?:link|script|img|source|iframe)\b[^>]*>", got):
            (url,) = re.findall(r'(?:src|href)="([^"]*)"', tag)
            assert url.startswith("/static/"), (path, tag)  # nothing from a CDN or any other origin
            seen.add(url)
        assert "@import" not in got and "url(http" not in got
    assert seen == {"/static/style.css", "/static/app.js", "/static/favicon.svg"}
    for url in seen:
        packaged = resources.files("searcher.web").joinpath("static", url.rsplit("/", 1)[1]).read_bytes()
        assert client.get(url).content == packaged
    assert "http" not in client.get("/static/style.css").text  # (no font or image from elsewhere)


def test_serve_open_opens_the_page_at_the_address_it_prints(web_index, monkeypatch):
    import uvicorn
    import webbrowser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: opened.append(url) or True)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)  # bound, then returns at once
    result = CliRunner().invoke(cli, ["serve", "--index", str(web_index), "--port", "0", "--open"])
    assert result.exit_code == 0, result.output
    (url,) = [line for line in result.stdout.splitlines() if line.startswith("http")]
    assert opened == [url] and re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
    result = CliRunner().invoke(cli, ["serve", "--index", str(web_index), "--port", "0"])
    assert result.exit_code == 0 and opened == [url]  # without --open, no browser


def test_passage_page_shows_its_place_the_passages_around_it_and_similar_ones(seed_index):
    with Searcher(seed_index) as s:
        around = s.context("004:20", 1).passages
        similar = s.similar("004:20", limit=5)
        doc = s.document("004", outline=False)
    with TestClient(create_app(seed_index)) as c:
        got = c.get("/passage/004_b9cf0838e2274f89:20", params={"q": "semiconductors"}).text
    trail = html.unescape(got.split('aria-label="Place in the document"')[1].split("</nav>")[0])
    assert doc.title in trail and around[1].section in trail
    before = got.split('id="before-heading"')[1].split("</section>")[0]
    after = got.split('id="after-heading"')[1].split("</section>")[0]
    assert around[0].id in before and around[0].text[:60] in html.unescape(before)
    assert around[2].id in after and around[1].id not in before + after
    shown = got.split('id="similar-heading"')[1].split("</section>")[0]
    assert [href for href, _ in Page(shown).links] == [f"/passage/{h.id.replace(':', '%3A')}" for h in similar]


def test_the_servers_connections_send_without_waiting_for_acks(tmp_path):
    """TCP_NODELAY on every connection: without it a keep-alive response (headers, then body) waited
    for the client's delayed ACK, 40 ms a request (44 ms for the stylesheet, measured)."""
    import asyncio

    from searcher.web.server import bind

    async def accepted_nodelay() -> int:
        sock = bind("127.0.0.1", 0)
        seen = asyncio.get_running_loop().create_future()

        def connected(reader, writer):
            raw = writer.get_extra_info("socket")
            seen.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(connected, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0


def test_every_field_has_a_label_and_the_box_a_short_syntax_help(client):
    for path in ("/", "/?q=chips", "/passage/robots-1:1", "/documents", "/index", "/nowhere"):
        got = client.get(path).text
        labels = set(re.findall(r'<label for="([^"]+)"', got))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", got):
            if 'type="hidden"' in tag:
                continue
            (field,) = re.findall(r'\bid="([^"]+)"', tag)
            assert field in labels or "aria-label=" in tag, (path, tag)
    box = client.get("/?q=chips").text
    help_text = box.split('<details id="syntax">')[1].split("</details>")[0]
    assert 'aria-describedby="syntax"' in box
    for example in ('"indigenous innovation"', "AND", "OR", "NOT", "author:ding", "semicond*", "~"):
        assert example in help_text, example
