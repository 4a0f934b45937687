"""Shared fixtures: a tiny hand-written corpus and the real seed corpus index."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from corpus.catalog import bundled_corpus_dir
from indexer import Indexer

# A shell without job control starts background commands with SIGINT ignored, and
# an ignored signal stays ignored in every program they start: the Ctrl-C tests'
# children would never see their SIGINT.  Tests start from the default instead.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

TINY = {
    "tariffs.md": """\
        # Trade and Tariffs

        ## Export controls

        The United States placed export controls on advanced semiconductors in 2022.
        Chip makers in the Netherlands and Japan followed with rules of their own.

        ## Retaliation

        Beijing answered with limits on gallium and germanium, metals used in chips.
        """,
    "talent.txt": """\
        Talent Programs

        Universities compete for researchers in machine learning. Recruitment
        programs offer housing, grants and laboratories to returning scientists.
        """,
    "robots.jsonl": '{"_id": "robots-1", "title": "Factory Robots", "text": "Industrial robots '
    'now weld most car bodies in Guangdong factories.", "authors": ["Ada Lovelace"], "date": "2021-05-01"}\n',
}


def write_tiny_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TINY.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    return write_tiny_corpus(tmp_path / "docs")


@pytest.fixture
def tiny_index(tmp_path: Path, tiny_corpus: Path) -> Path:
    index_dir = tmp_path / "index"
    Indexer(index_dir).update([tiny_corpus])
    return index_dir


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the bundled seed corpus, built once per test session."""
    index_dir = tmp_path_factory.mktemp("seed") / "index"
    report = Indexer(index_dir).update([bundled_corpus_dir()])
    assert not _lost_text(report), _lost_text(report)
    return index_dir


# How the indexer reports a document whose text gave no passages (indexer.records).
LOST_TEXT = "has text but gave no passages"


def _lost_text(report) -> list:
    return [skip for skip in report.skipped if LOST_TEXT in skip.reason]


@pytest.fixture(autouse=True)
def _no_document_loses_its_text(request, monkeypatch):
    """A document with text that gives no passages is an error in any test that indexes it
    (through `Indexer.update` or the `index` command in this process), unless the test is
    marked `loses_text` (it checks that such a document is reported)."""
    if request.node.get_closest_marker("loses_text"):
        yield
        return
    lost: list = []
    update = Indexer.update

    def checked_update(self, *args, **kwargs):
        report = update(self, *args, **kwargs)
        lost.extend(_lost_text(report))
        return report

    monkeypatch.setattr(Indexer, "update", checked_update)
    yield
    if lost:
        pytest.fail(f"a document with text gave no passages: {lost}", pytrace=False)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test touches the user's real index or inherits colour settings."""
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", str(tmp_path / "default-index"))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def choke_on(monkeypatch):
    """Make the structure step fail on one document: `choke_on("talent", "odd text")`;
    `choke_on(None)` makes it work again.  (Workers started by fork inherit it.)"""
    import corpus.structure

    real = corpus.structure.build_document

    def install(doc_id: str | None, message: str = "cannot structure this") -> None:
        def chokes(raw):
            if raw.id == doc_id:
                raise ValueError(message)
            return real(raw)

        monkeypatch.setattr(corpus.structure, "build_document", real if doc_id is None else chokes)

    return install


ROOT = Path(__file__).resolve().parents[1]


def run_fresh_python(script: str, *args: str) -> subprocess.CompletedProcess:
    """Run `script` in a new Python process from the repository root (imports as a user's
    program would see them); the test fails with the script's error if it fails."""
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done
