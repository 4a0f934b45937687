"""What the terminal shows: lines wrapped to its width, section paths shortened, page and date, long results paged."""
from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from searcher import Searcher
from searcher.cli import cli
from searcher.cli.pager import pager_command, should_page
from searcher.cli.render import format_hit
from searcher.cli.wrap import columns, shorten_path, wrap
from searcher.hits import Hit

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
LONG_PATH = ("CHINESE VIEWS ON AI’S INTERNATIONAL SECURITY IMPLICATIONS / 4. Despite expressing concern on AI "
             "arms races, most of China’s leadership sees increased military usage of AI as inevitable")


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


# -- wrapping ----------------------------------------------------------------------

@pytest.mark.slow
def test_search_lines_fit_the_terminal_with_a_hanging_indent(seed_index):
    env = {"COLUMNS": "60", "LINES": "500", "CORPUS_SEARCH_INDEX": str(seed_index)}
    text = _in_a_terminal(["search", "semiconductor export controls", "--limit", "5", "--color", "never"], env)
    lines = text.splitlines()
    assert lines and max(columns(line) for line in lines) <= 60
    for block in text.strip().split("\n\n"):  # every line of a hit after its first starts with the indent
        assert all(line.startswith("   ") for line in block.splitlines()[1:])
    piped = run("search", "semiconductor export controls", "--limit", 5, "--index", seed_index)

    assert text != piped.stdout
    for wrapped, whole in zip(text.strip().split("\n\n"), piped.stdout.strip().split("\n\n")):
        snippet = " ".join(whole.splitlines()[2].split())  # (the place line is shortened, not wrapped)
        assert snippet in " ".join(wrapped.split())


def test_piped_output_is_not_wrapped_whatever_columns_says(seed_index):
    result = run("search", "indigenous innovation", "--limit", 3, "--index", seed_index, env={"COLUMNS": "50"})
    assert max(columns(line) for line in result.stdout.splitlines()) > 100


def test_hits_wrap_to_a_given_width(seed_index):
    from searcher.cli.render import format_hits

    with Searcher(seed_index) as s:
        hits = s.search("indigenous innovation", limit=5)
    for width in (40, 72, 100):
        text = format_hits(hits, color=True, width=width)
        assert max(columns(line) for line in text.splitlines()) <= width


@given(st.lists(st.sampled_from(["chips", "自主创新", "café", "\x1b[1;31mAI\x1b[0m", "a" * 45, "policy,"]),
                min_size=1, max_size=40),
       st.integers(min_value=30, max_value=120))
def test_wrap_keeps_every_word_and_the_width(words, width):
    line = "   " + " ".join(words)
    wrapped = wrap(line, width, "   ")
    assert all(columns(part) <= width for part in wrapped.splitlines())
    assert ANSI.sub("", "".join(wrapped.split())) == ANSI.sub("", "".join(line.split()))


def test_wide_characters_take_two_columns():
    assert columns("自主创新") == 8
    assert columns("\x1b[1;31mZìzhŭ\x1b[0m") == 5


# -- section paths -------------------------------------------------------------------

def test_long_section_paths_are_shortened_in_the_middle():
    assert shorten_path("Key Judgments / Risks / Chinese leaders see AI as a way to leapfrog the United States", 50) \
        == "Key Judgments › … › Chinese leaders see AI as a…"
    short = shorten_path(LONG_PATH, 60)
    assert columns(short) <= 60 and short.startswith("CHINESE VIEWS") and "› 4. Despite" in short
    assert shorten_path("Notes / Sources", 60) == "Notes › Sources"


def test_search_shortens_the_path_and_show_prints_it_whole(seed_index):
    found = run("search", "arms race military inevitable", "--json", "--index", seed_index).stdout
    hit = next(h for h in map(__import__("json").loads, found.splitlines()) if len(h["section"]) > 120)
    text = run("search", "arms race military inevitable", "--index", seed_index).stdout
    block = next(b for b in text.split("\n\n") if hit["id"] in b)
    place = block.splitlines()[1] if "·" in block.splitlines()[1] else block.splitlines()[2]
    assert "…" in place and columns(place) <= 100
    shown = run("show", hit["id"], "--index", seed_index).stdout
    assert hit["section"] in shown


# -- page and date ---------------------------------------------------------------------

def test_date_is_shown_where_known(seed_index):
    result = run("search", "arms race military", "--author", "Allen", "--limit", 1, "--index", seed_index)
    assert "· 2019-02" in result.stdout.splitlines()[1]


def test_page_is_shown_where_known():
    hit = Hit(id="d:1", document="d", title="T", authors=("A. Author",), section="Intro", text="Some text.",
              rank=1, score=1.0, date="2021-05", page="12")
    lines = format_hit(hit, color=False).splitlines()
    assert lines[1] == "   A. Author · Intro · 2021-05" and lines[-1] == "   d:1  p. 12"


# -- the pager ---------------------------------------------------------------------------

def test_pager_choice_follows_git():
    assert pager_command({}) == "less"
    assert pager_command({"PAGER": "more"}) == "more"
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"PAGER": ""}) is None
    assert pager_command({"PAGER": "more", "CORPUS_SEARCH_PAGER": "most"}) == "most"


def test_pages_only_long_output_on_a_terminal():
    long = "\n".join(["line"] * 50)
    assert should_page(long, to_terminal=True, rows=24, no_pager=False)
    assert not should_page(long, to_terminal=False, rows=24, no_pager=False)
    assert not should_page(long, to_terminal=True, rows=24, no_pager=True)
    assert not should_page("one\ntwo", to_terminal=True, rows=24, no_pager=False)


def test_no_pager_is_an_option(seed_index):
    assert run("search", "talent", "--no-pager", "--index", seed_index).exit_code == 0
    assert run("similar", "004_b9cf0838e2274f89:20", "--no-pager", "--index", seed_index).exit_code == 0


def _in_a_terminal(args: list[str], env: dict) -> str:
    """Run `python -m searcher ARGS` with stdout on a pseudo-terminal; what it printed there."""
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "searcher", *args], cwd=REPO, stdin=child, stdout=child,
                               stderr=subprocess.DEVNULL, env={**os.environ, **env})
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.mark.slow
@pytest.mark.parametrize("entry", [[], ["--color", "never"]])  # the fast path, and click
def test_long_results_on_a_terminal_go_through_the_pager(seed_index, entry):
    env = {"PAGER": "sed s/^/PAGED:/", "LINES": "10", "COLUMNS": "80", "CORPUS_SEARCH_INDEX": str(seed_index)}
    paged = _in_a_terminal(["search", "talent", *entry], env)
    assert "PAGED:1. " in paged
    unpaged = _in_a_terminal(["search", "talent", "--no-pager", *entry], env)
    assert "PAGED:" not in unpaged and "1. " in unpaged
    short = _in_a_terminal(["search", "talent", "--limit", "1", *entry], {**env, "LINES": "60"})
    assert "PAGED:" not in short


@pytest.mark.slow
def test_piped_results_never_go_through_the_pager(seed_index):
    result = subprocess.run([sys.executable, "-m", "searcher", "search", "talent"], cwd=REPO, capture_output=True,
                            text=True, env={**os.environ, "PAGER": "sed s/^/PAGED:/", "LINES": "5",
                                            "CORPUS_SEARCH_INDEX": str(seed_index)})
    assert result.returncode == 0 and "PAGED:" not in result.stdout and "1. " in result.stdout
