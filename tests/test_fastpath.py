"""The click-free fast path for `corpus-search search` prints what the click CLI prints."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from searcher.cli import fastpath
from tests.heavy_libraries import HEAVY_LIBRARIES
from searcher.cli import cli


def both(args: list[str], capsys):
    """(exit code, stdout, stderr) from the fast path and from click, for the same arguments."""
    capsys.readouterr()
    code = fastpath.run_fast(args)
    out, err = capsys.readouterr()
    assert code is not None, f"the fast path declined {args}"
    result = CliRunner().invoke(cli, args)
    return (code, out, err), (result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("args", [
    ["search", "semiconductor export controls"],
    ["search", "semiconductors", "--json", "--limit", "3"],
    ["search", "china", "--json", "-n", "2", "--page", "2"],
    ["search", "indigenous", "innovation", "--color", "always", "--limit=4"],
    ["search", "talent", "--color=never"],
    ["search", "xylophonequux"],
    ["search", "xylophonequux", "--json"],
    ["search", "china", "--page", "999"],
    ["search", "   "],
    ["search", "title:(unclosed"],
    ["search", "MIIT"],  # an acronym searched as its long form too, with a note
    ["search", "MIIT", "--exact"],
])
def test_fast_path_matches_click(args, seed_index, capsys):
    fast, slow = both(args + ["--index", str(seed_index)], capsys)
    assert fast == slow


def test_fast_path_notes_the_acronym_expansion_as_click_does(seed_index, capsys):
    fast, slow = both(["search", "MIIT", "--index", str(seed_index)], capsys)
    assert fast == slow and "MIIT also searched as" in fast[2]
    assert fast[1].count("\n\n") + 1 == 2  # two hits: the passage with MIIT, the one that spells it out


def test_fast_path_reads_the_index_from_the_environment(seed_index, capsys, monkeypatch):
    monkeypatch.setenv("CORPUS_SEARCH_INDEX", str(seed_index))
    fast, slow = both(["search", "semiconductors", "--json"], capsys)
    assert fast == slow and fast[0] == 0


@pytest.mark.parametrize("args", [
    [],
    ["stats"],
    ["search"],
    ["search", "--help"],
    ["search", "-h"],
    ["search", "chips", "--author", "ding"],
    ["search", "chips", "--section", "x"],
    ["search", "chips", "--limit", "0"],
    ["search", "chips", "--limit", "many"],
    ["search", "chips", "--limit"],
    ["search", "chips", "--color", "sometimes"],
    ["search", "chips", "--json", "--json"],
    ["search", "chips", "--", "-5"],
    ["search", "chips", "--unknown"],
])
def test_anything_else_goes_to_click(args):
    assert fastpath.parse_search(args) is None


def test_a_missing_index_goes_to_click(tmp_path):
    assert fastpath.run_fast(["search", "chips", "--index", str(tmp_path / "nothing")]) is None


@pytest.mark.slow
def test_python_m_searcher_search_imports_neither_click_nor_nltk(seed_index):
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "from searcher.cli.fastpath import run_fast\n"
        f"code = run_fast(['search', 'export controls', '--index', {str(seed_index)!r}])\n"
        "assert code == 0, code\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True)
    loaded = set(out.stderr.split())
    assert "whoosh" in loaded
    assert not loaded & ({"click"} | HEAVY_LIBRARIES)  # (citations load only when asked)


@pytest.mark.slow
def test_the_entry_point_loads_nothing_heavy_before_its_interrupt_handler():
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "import searcher.cli\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1],
                         capture_output=True, text=True, check=True)
    assert not set(out.stdout.split()) & ({"whoosh", "click"} | HEAVY_LIBRARIES)


@pytest.mark.parametrize("where", ["searcher.engine", "searcher.cli.commands"])
def test_ctrl_c_while_modules_load_is_one_line_and_status_130(where, tmp_path, monkeypatch, capsys):
    import builtins
    import importlib.util

    real_import = builtins.__import__

    def interrupted(name, globals=None, locals=None, fromlist=(), level=0):
        package = (globals or {}).get("__package__") or ""
        full = importlib.util.resolve_name("." * level + name, package) if level else name
        if full.rstrip(".") == where or (fromlist and f"{full}.{fromlist[0]}" == where):
            raise KeyboardInterrupt
        return real_import(name, globals, locals, fromlist, level)

    args = ["search", "chips", "--index", str(tmp_path)] if where == "searcher.engine" else ["stats"]
    monkeypatch.setattr(builtins, "__import__", interrupted)
    with pytest.raises(SystemExit) as stop:
        fastpath.main(args)
    assert stop.value.code == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err


def test_the_fast_path_shows_escapes_in_documents_inert_as_click_does(tmp_path, capsys):
    """(tests/test_terminal_safety.py checks the click path; a plain search in a terminal takes this one.)"""
    import json

    from indexer import Indexer
    from tests.test_terminal_safety import HOSTILE, assert_inert

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "evil.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    Indexer(tmp_path / "ix").update([docs])
    for extra in ([], ["--color", "always"], ["--json"]):
        fast, slow = both(["search", "tractors", *extra, "--index", str(tmp_path / "ix")], capsys)
        assert fast == slow and fast[0] == 0
        assert_inert(fast[1], colour="always" in extra)


def test_an_empty_index_folder_goes_to_click_which_refuses_it():
    assert fastpath.run_fast(["search", "chips", "--index", ""]) is None
    assert fastpath.run_fast(["search", "chips", "--index="]) is None
