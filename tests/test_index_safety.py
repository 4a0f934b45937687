"""An index folder is data: crafted pickles run nothing, damaged files say so on every command, `check` verifies."""
from __future__ import annotations

import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Indexer, layout
from indexer.whoosh_internals import data_only_unpickling_installed, open_index
from searcher import IndexDamaged, Searcher
from searcher.cli.commands import cli

COMMANDS = {  # each command a user may run on a damaged index, with its arguments (each works on the pristine index)
    "search": ["search", "chips"],
    "search --json": ["search", "chips", "--json"],
    "show": ["show", "tariffs:1"],
    "show --context": ["show", "tariffs:1", "--context", "1"],
    "show DOCUMENT": ["show", "tariffs"],
    "similar": ["similar", "tariffs:1"],
    "stats": ["stats"],
    "documents": ["documents"],
    "cite": ["cite", "robots-1:1"],
    "cite --style bibtex": ["cite", "robots-1", "--style", "bibtex"],
    "check": ["check"],
    "index": ["index"],
}


def run_cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def assert_damaged(result, index_dir: Path) -> None:
    """Exit 2, one line naming the index as damaged and the cure, no traceback."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"the index at {index_dir} is damaged" in lines[0] and "corpus-search index --rebuild" in lines[0]


class _RunsCode:
    """A pickle that creates a file when loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A sealed index of the tiny corpus, built once and copied by each test."""
    from conftest import write_tiny_corpus

    base = tmp_path_factory.mktemp("pristine")
    index_dir = base / "ix"
    Indexer(index_dir).update([write_tiny_corpus(base / "docs")])
    return index_dir


@pytest.fixture
def index_copy(pristine, tmp_path) -> Path:
    target = tmp_path / "ix"
    shutil.copytree(pristine, target)
    return target


# ---- no code runs from an index folder -------------------------------------------

def _write_toc(path: Path, schema_pickle: bytes, segments_pickle: bytes, number: int) -> None:
    """A Whoosh table of contents, byte for byte as Whoosh writes one, around the given pickles."""
    from whoosh import __version__
    from whoosh.filedb.structfile import StructFile
    from whoosh.index import _CURRENT_TOC_VERSION
    from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    stream = StructFile(open(path, "wb"))
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(_CURRENT_TOC_VERSION)
    for part in __version__[:3]:
        stream.write_varint(part)
    stream.write_string(schema_pickle)
    stream.write_int(number)
    stream.write_int(0)
    stream.write(segments_pickle)
    stream.close()


def _plant_toc(index_dir: Path, marker: Path, where: str) -> None:
    """Replace the live table of contents by one whose schema or segment list runs code; seal it,
    as someone who made the folder on purpose would."""
    from indexer.schema import build_schema

    gen = generation(index_dir)
    toc = next(gen.glob("_passages_*.toc"))
    number = int(toc.stem.rsplit("_", 1)[1])
    segments = open_index(gen, "passages")._read_toc().segments
    evil = pickle.dumps(_RunsCode(marker), 2)
    schema_pickle = evil if where == "schema" else pickle.dumps(build_schema(), 2)
    segments_pickle = evil if where == "segments" else pickle.dumps(segments, -1)
    _write_toc(toc, schema_pickle, segments_pickle, number)
    layout.seal(gen)


def test_the_data_only_unpickler_is_in_place_once_the_searcher_is_imported():
    assert data_only_unpickling_installed()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_works_on_the_pristine_index(index_copy, command):
    """(So that each damage test below fails for the damage, not for its arguments.)"""
    result = run_cli(*COMMANDS[command], "--index", index_copy)
    assert result.exit_code == 0 and not result.stderr.strip(), (result.output, result.exception)


@pytest.mark.parametrize("where", ["schema", "segments"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_crafted_table_of_contents_runs_nothing(index_copy, tmp_path, where, command):
    marker = tmp_path / "ran"
    _plant_toc(index_copy, marker, where)
    result = run_cli(*COMMANDS[command], "--index", index_copy)
    assert not marker.exists(), "the index ran code"
    assert_damaged(result, index_copy)
    assert "not index data" in result.stderr


def test_a_crafted_table_of_contents_is_cured_by_a_rebuild(index_copy, tmp_path, pristine):
    marker = tmp_path / "ran"
    _plant_toc(index_copy, marker, "schema")
    # The sources: the pristine index's own list (the copy tracks the same folder).
    assert run_cli("index", "--rebuild", "--index", index_copy).exit_code == 0
    assert not marker.exists()
    assert "Guangdong" in run_cli("search", "robots", "--index", index_copy).stdout


def _plant_stored_field(index_dir: Path, marker: Path) -> None:
    """Add a passage whose stored title is a pickle that runs code, and seal the index."""
    gen = generation(index_dir)
    ix = open_index(gen, "passages")
    writer = ix.writer()
    writer.add_document(id="evil:0", document="evil", text="tractors tractors tractors", title="Evil",
                        _stored_title=_RunsCode(marker))
    writer.commit()
    layout.seal(gen)


@pytest.mark.parametrize("args", [["search", "tractors"], ["show", "evil:0"], ["check"]])
def test_a_crafted_stored_field_runs_nothing(index_copy, tmp_path, args):
    marker = tmp_path / "ran"
    _plant_stored_field(index_copy, marker)
    result = run_cli(*args, "--index", index_copy)
    assert not marker.exists(), "the index ran code"
    assert_damaged(result, index_copy)
    assert "not index data" in result.stderr


@pytest.mark.parametrize("what", ["stored field", "posting lists"])
def test_a_crafted_pickle_met_when_an_update_merges_segments_is_damage(tmp_path, what):
    """An update reads stored fields and postings only when its commit merges small segments: that
    read raised UnsafeIndexData out of `index` (a traceback, status 1) instead of the damaged-index message."""
    from conftest import write_tiny_corpus

    docs = write_tiny_corpus(tmp_path / "docs")
    index_dir = tmp_path / "ix"
    Indexer(index_dir).update([docs])
    marker = tmp_path / "ran"
    if what == "stored field":
        _plant_stored_field(index_dir, marker)
    else:
        _plant_postings(index_dir, marker, "lists")
    for n in range(12):  # each run commits a segment; Whoosh merges the small ones after a few
        (docs / f"farm{n}.txt").write_text(f"Farm {n}\n\nCombines reap wheat in field {n}.\n")
        result = run_cli("index", "--index", index_dir)
        if result.exit_code != 0:
            break
    assert not marker.exists(), "the index ran code"
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (result.output, result.exception)
    last = result.stderr.strip().splitlines()[-1]  # (after the "Indexing" progress line)
    assert f"the index at {index_dir} is damaged" in last and "not index data" in last and "--rebuild" in last


def test_a_crafted_stored_field_is_damage_in_the_library_too(index_copy, tmp_path):
    marker = tmp_path / "ran"
    _plant_stored_field(index_copy, marker)
    with Searcher(index_copy) as searcher:
        assert searcher.search("robots")  # other passages read as ever
        with pytest.raises(IndexDamaged, match="not index data"):
            searcher.get("evil:0")
    assert not marker.exists()


def _plant_postings(index_dir: Path, marker: Path, what: str) -> None:
    """Add a passage whose posting values (its words' encoded positions) or whose posting lists
    themselves (the pickled blocks and the lists inlined in the term table) are pickles that run
    code, and seal the index."""
    import whoosh.codec.whoosh3
    import whoosh.formats
    from whoosh.system import pack_uint

    evil = pickle.dumps(_RunsCode(marker), 2)
    gen = generation(index_dir)
    with pytest.MonkeyPatch.context() as patch:
        if what == "values":
            patch.setattr(whoosh.formats.Positions, "encode", lambda self, poses: pack_uint(len(poses)) + evil)
        else:
            plain = whoosh.codec.whoosh3.dumps
            patch.setattr(whoosh.codec.whoosh3, "dumps",  # (ids, weights, values): a block or an inlined list
                          lambda obj, *args: evil if isinstance(obj, tuple) and len(obj) == 3 else plain(obj, *args))
        writer = open_index(gen, "passages").writer()
        writer.add_document(id="evil:1", document="evil", text="tractors plough tractors", title="Evil")
        writer.commit()
    layout.seal(gen)


@pytest.mark.parametrize("what", ["values", "lists"])
@pytest.mark.parametrize("args", [["search", '"tractors plough"'], ["check"]])
def test_crafted_postings_run_nothing(index_copy, tmp_path, what, args):
    marker = tmp_path / "ran"
    _plant_postings(index_copy, marker, what)
    result = run_cli(*args, "--index", index_copy)
    assert not marker.exists(), "the index ran code"
    assert_damaged(result, index_copy)
    assert "not index data" in result.stderr


def test_crafted_posting_lists_are_damage_for_a_plain_search_too(index_copy, tmp_path):
    marker = tmp_path / "ran"
    _plant_postings(index_copy, marker, "lists")
    for args in (["search", "tractors"], ["search", "tractors", "--json"], ["search", "tractors", "--facets"],
                 ["show", "evil:1"]):
        assert_damaged(run_cli(*args, "--index", index_copy), index_copy)
    with Searcher(index_copy) as searcher:  # (count, facets and results said "cannot run the query")
        for call in (searcher.search, searcher.count, searcher.facets, searcher.results):
            with pytest.raises(IndexDamaged, match="not index data"):
                call("tractors")
    assert not marker.exists()


# ---- damage is detected ------------------------------------------------------------

def _flip_bits(path: Path, rng: random.Random, bits: int = 200) -> None:
    data = bytearray(path.read_bytes())
    for _ in range(bits):
        position = rng.randrange(len(data) * 8)
        data[position // 8] ^= 1 << (position % 8)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_flipped_bits_in_any_whoosh_file_are_reported_as_damage_by_every_command(pristine, tmp_path, command):
    rng = random.Random(f"flip-{command}")
    for trial in range(20):
        index_dir = tmp_path / f"ix{trial}"
        shutil.copytree(pristine, index_dir)
        whoosh_files = sorted(p for p in generation(index_dir).iterdir()
                              if p.name.endswith((".seg", ".toc")))
        _flip_bits(rng.choice(whoosh_files), rng)
        assert_damaged(run_cli(*COMMANDS[command], "--index", index_dir), index_dir)


def test_serve_refuses_a_damaged_index_before_it_listens(pristine, tmp_path):
    pytest.importorskip("starlette")
    rng = random.Random("flip-serve")
    for trial in range(20):
        index_dir = tmp_path / f"ix{trial}"
        shutil.copytree(pristine, index_dir)
        _flip_bits(rng.choice(sorted(p for p in generation(index_dir).iterdir() if p.name != "passages_WRITELOCK")), rng)
        assert_damaged(run_cli("serve", "--port", "0", "--index", index_dir), index_dir)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_damage_sealed_into_the_checksums_is_never_a_traceback(pristine, tmp_path, command):
    """Bits flipped before the seal (or a folder made so on purpose): the checksums match, and
    Whoosh fails in its own ways (TypeError, UnicodeDecodeError, MemoryError...); `cite` gave a traceback."""
    rng = random.Random(f"sealed-{command}")
    damaged = 0
    for trial in range(20):
        index_dir = tmp_path / f"ix{trial}"
        shutil.copytree(pristine, index_dir)
        gen = generation(index_dir)
        _flip_bits(rng.choice(sorted(p for p in gen.iterdir() if p.name.endswith((".seg", ".toc")))), rng, bits=20)
        layout.seal(gen)
        result = run_cli(*COMMANDS[command], "--index", index_dir)
        assert result.exception is None or isinstance(result.exception, SystemExit), (trial, result.exception)
        assert result.exit_code in (0, 1, 2)
        if "damaged" in result.stderr:  # (else it read nothing damaged, or the damage hid a passage or a document)
            last = result.stderr.strip().splitlines()[-1]
            assert f"the index at {index_dir} is damaged" in last and "--rebuild" in last, result.stderr
            damaged += 1
        shutil.rmtree(index_dir)
    assert damaged >= 5  # (most trials: the test does damage what the command reads)


@pytest.mark.parametrize("name", ["manifest.json", "punkt.json", "acronyms.json", "checksums.json"])
def test_flipped_bits_in_any_other_file_are_reported_as_damage_by_every_command(pristine, tmp_path, name):
    for command in sorted(COMMANDS):
        index_dir = tmp_path / command
        shutil.copytree(pristine, index_dir)
        _flip_bits(generation(index_dir) / name, random.Random(f"{name}-{command}"), bits=8)
        assert_damaged(run_cli(*COMMANDS[command], "--index", index_dir), index_dir)


@pytest.mark.parametrize("harm", ["delete", "truncate", "empty"])
def test_deleted_or_truncated_files_give_one_line_never_a_traceback(pristine, tmp_path, harm):
    for victim in sorted(p.name for p in generation(pristine).iterdir()):
        for command in sorted(COMMANDS):
            index_dir = tmp_path / f"{victim}-{command}"
            shutil.copytree(pristine, index_dir)
            path = generation(index_dir) / victim
            if harm == "delete":
                path.unlink()
            else:
                data = path.read_bytes()
                path.write_bytes(data[: len(data) // 2] if harm == "truncate" else b"")
            result = run_cli(*COMMANDS[command], "--index", index_dir)
            assert result.exception is None or isinstance(result.exception, SystemExit), (victim, result.exception)
            if not (victim == "passages_WRITELOCK" or (victim == layout.CHECKSUMS_NAME and harm == "delete")):
                assert_damaged(result, index_dir)
            else:  # Whoosh's (empty) lock file; no checksums: an index from before them
                assert result.exit_code in (0, 1, 2), result.output
                assert len(result.stderr.strip().splitlines()) <= 1, result.stderr
            shutil.rmtree(index_dir)


def _flip_bits_keeping_size_and_time(path: Path, rng: random.Random) -> None:
    before = path.stat()
    _flip_bits(path, rng)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_check_and_index_hash_every_byte_even_when_size_and_time_are_as_sealed(index_copy):
    _flip_bits_keeping_size_and_time(next(generation(index_copy).glob("*.seg")), random.Random(7))
    for command in ("check", "index"):
        assert_damaged(run_cli(*COMMANDS[command], "--index", index_copy), index_copy)


def test_a_search_hashes_the_files_whose_time_changed(index_copy):
    gen = generation(index_copy)
    sealed = layout.verify(gen, index_copy).files
    for path in gen.iterdir():  # the same bytes written again (as a copy that kept no times)
        path.write_bytes(path.read_bytes())
    assert layout.check_generation(gen, index_copy).files == sealed
    assert run_cli("search", "robots", "--index", index_copy).exit_code == 0
    _flip_bits(next(gen.glob("*.seg")), random.Random(8))
    assert_damaged(run_cli("search", "robots", "--index", index_copy), index_copy)


def test_checksums_sealed_without_times_are_hashed_in_full_on_every_open(index_copy):
    gen = generation(index_copy)
    checksums = gen / layout.CHECKSUMS_NAME
    raw = json.loads(checksums.read_text(encoding="utf-8"))
    del raw["stamps"]  # as the seal of an earlier version wrote them
    checksums.write_text(json.dumps(raw), encoding="utf-8")
    assert run_cli("search", "robots", "--index", index_copy).exit_code == 0
    _flip_bits_keeping_size_and_time(next(gen.glob("*.seg")), random.Random(9))
    assert_damaged(run_cli("search", "robots", "--index", index_copy), index_copy)


def test_damage_is_cured_by_a_rebuild(index_copy):
    seg = next(generation(index_copy).glob("*.seg"))
    _flip_bits(seg, random.Random(1))
    assert run_cli("index", "--rebuild", "--index", index_copy).exit_code == 0
    result = run_cli("check", "--index", index_copy)
    assert result.exit_code == 0 and result.stdout.strip().endswith("ok"), result.output


def test_check_reports_what_it_read(pristine):
    result = run_cli("check", "--index", pristine, "--json")
    assert result.exit_code == 0, result.output

    report = json.loads(result.stdout)
    with Searcher(pristine) as searcher:
        passages = searcher.stats().passages
        assert searcher.check().as_dict() == report
    assert report["passages"] == passages and report["files"] >= 4 and report["terms"] > 50 and report["sealed"]


def test_an_index_without_checksums_still_searches_and_the_next_update_seals_it(index_copy):
    gen = generation(index_copy)
    (gen / layout.CHECKSUMS_NAME).unlink()  # as an index made before checksums existed
    assert "Guangdong" in run_cli("search", "robots", "--index", index_copy).stdout
    assert '"sealed": false' in run_cli("check", "--json", "--index", index_copy).stdout
    assert run_cli("index", "--index", index_copy).exit_code == 0
    assert (gen / layout.CHECKSUMS_NAME).exists()
    assert '"sealed": true' in run_cli("check", "--json", "--index", index_copy).stdout


def test_a_build_past_the_posting_memory_budget_spills_to_disk_and_reads_back(tmp_path, monkeypatch):
    """The pool's sorted runs on disk hold b"" values (a protocol-2 pickle calls `bytes` for
    them): they are read back with the plain unpickler, as the writer's own files."""
    from conftest import write_tiny_corpus

    import indexer.parallel

    docs = write_tiny_corpus(tmp_path / "docs")
    Indexer(tmp_path / "normal").update([docs])
    monkeypatch.setattr(indexer.parallel, "WRITER_LIMITMB", 0.002)  # a run on disk every ~2 KB of postings
    Indexer(tmp_path / "spilled").update([docs])
    with Searcher(tmp_path / "normal") as normal, Searcher(tmp_path / "spilled") as spilled:
        for query in ("robots", "chips", "export controls"):
            assert [(h.id, h.score) for h in spilled.search(query)] == [(h.id, h.score) for h in normal.search(query)]
        assert spilled.check().passages == normal.check().passages > 0


def test_the_seed_index_reads_whole_through_the_data_only_unpickler(seed_index):
    """Everything an index of ours pickles is in SAFE_GLOBALS: the real corpus, every passage and posting."""
    with Searcher(seed_index) as searcher:
        report = searcher.check()
        assert report.sealed and report.passages == searcher.stats().passages and report.terms > 1000


def test_a_document_that_spills_the_posting_buffer_to_disk_is_indexed(tmp_path, monkeypatch):
    """Past its memory limit Whoosh's writer sorts postings into runs on disk, its own scratch
    files, read back in the same run; they once went through the data-only unpickler, which
    refused them (`__builtin__.bytes`), and any document that large failed the run."""
    import indexer.parallel

    monkeypatch.setattr(indexer.parallel, "WRITER_LIMITMB", 0.05)
    docs = tmp_path / "docs"
    docs.mkdir()
    rng = random.Random(5)
    words = "policy export control chip talent program research plan industry robot data model".split()
    (docs / "long.txt").write_text("\n\n".join(
        " ".join(rng.choice(words) for _ in range(10)).capitalize() + f" code{n}." for n in range(3000)))
    report = Indexer(tmp_path / "ix").update([docs])
    assert report.added == 1 and list(report.skipped) == []
    with Searcher(tmp_path / "ix") as s:
        assert [h.text.split()[-1] for h in s.search("code2999")] == ["code2999."]


def test_beside_a_large_document_the_parents_posting_buffer_shrinks(tmp_path, monkeypatch):
    """With one process, a large document and the postings buffered beside it share the memory:
    the writer's buffer is set per document, smaller for a larger one (benchmarks/speed.py --memory)."""
    import indexer.parallel
    from indexer.parallel import LARGE_DOCUMENT_SHARE, MIN_SERIAL_LIMITMB, WRITER_LIMITMB, serial_buffer_mb

    assert serial_buffer_mb(10_000) == WRITER_LIMITMB
    assert serial_buffer_mb(64 << 20) == MIN_SERIAL_LIMITMB < serial_buffer_mb(20 << 20) < WRITER_LIMITMB
    limits = []
    real = indexer.parallel.set_posting_buffer
    monkeypatch.setattr(indexer.parallel, "set_posting_buffer", lambda w, mb: (limits.append(mb), real(w, mb)))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "small.txt").write_text("Export controls on chips.\n")
    large = "Talent programs grow. " * ((3 << 20) // 22 + 1)  # 3 MB of text
    (docs / "large.txt").write_text(large)
    report = Indexer(tmp_path / "ix").update([docs], jobs=1)
    assert report.added == 2
    assert sorted(limits) == [serial_buffer_mb(len(large)), WRITER_LIMITMB]
    assert serial_buffer_mb(len(large)) == WRITER_LIMITMB - LARGE_DOCUMENT_SHARE * 3
