"""The `corpus-search` commands (click): each parses its options, calls the library once or twice, prints.

Exit codes: 0 when something was found, 1 when nothing was, 2 on any error
(one line on stderr, by `searcher.cli.exits`).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from indexer.layout import default_index_dir, is_default_index

from .. import IndexMissing, __version__
from corpus.citation.render import DEFAULT_STYLE, STYLES

from .exits import REPORTED, exit_status, fail
from .output import PROG, json_text, print_hits, search_and_print, use_color, write

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Cli(click.Group):
    """A group whose errors are one line on stderr, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name or PROG, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.UsageError as exc:
            hint = f" (see `{PROG} {exc.ctx.info_name if exc.ctx and exc.ctx.parent else ''} --help`)"
            message = exc.format_message()
            if "\n" in message:  # click's "no arguments: here is the help" is not one line
                message = "no command given; try search, show, documents, cite, similar, stats, index or serve"
            code = fail(message + hint.replace("  ", " "))
        except click.Abort as exc:  # click's word for a Ctrl-C (or a SIGTERM while indexing)
            cause = exc.__cause__ if isinstance(exc.__cause__, KeyboardInterrupt) else KeyboardInterrupt()
            code = exit_status(cause)
        except REPORTED as exc:
            code = exit_status(exc)
        if standalone_mode:
            sys.exit(code)
        return code


def _index_path(ctx, param, value: str | None) -> Path | None:
    if value == "":  # typed (click reads an empty CORPUS_SEARCH_INDEX as unset, as it is meant)
        raise click.BadParameter("the index folder is empty; give a folder")  # (never the default index)
    return Path(value) if value else None


def index_option(f):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False), callback=_index_path,
        envvar="CORPUS_SEARCH_INDEX", show_envvar=True,
        help="Index folder [default: a per-user data folder; CORPUS_SEARCH_INDEX moves it, "
             "and a missing default index is built from the bundled corpus].",
    )(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def open_searcher(ctx: click.Context):
    """A Searcher on the chosen index, building the default index on first use (with a note and a progress bar)."""
    from ..engine import Searcher

    index_dir = ctx.params.get("index_dir")  # None: the default
    try:
        return Searcher(index_dir, build_default=False)
    except IndexMissing:
        if not is_default_index(index_dir or default_index_dir()):
            raise
    write(f"{PROG}: no index yet; building it from the bundled corpus (once)", err=True)
    run_indexer(index_dir, paths=[], rebuild=False)
    return Searcher(index_dir)


def run_indexer(index_dir: Path | None, paths: list[Path], rebuild: bool, jobs: int | None = None,
                budget: dict | None = None):
    from indexer import Indexer

    indexer = Indexer(index_dir, **(budget or {}))
    state = {"bar": None}

    def progress(done: int, total: int) -> None:
        bar = state["bar"]
        if bar is None:
            bar = click.progressbar(length=total, label="Indexing", file=sys.stderr,
                                    show_eta=True, show_percent=True, width=30)
            bar.__enter__()
            state["bar"] = bar
        bar.update(done - bar.pos)

    try:
        kwargs = {"jobs": jobs} if jobs is not None else {}
        return indexer.update(paths, rebuild=rebuild, progress=progress, **kwargs)
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)


def _write_result(result, as_json: bool, formatter: str) -> None:
    """Print a command's `result`: its `as_dict()` as JSON, or the text `render.<formatter>` makes of it."""
    if as_json:
        write(json_text(result.as_dict()))
    else:
        from . import render

        write(getattr(render, formatter)(result))


def pager_option(f):
    return click.option(
        "--no-pager", is_flag=True,
        help="Never page (long results on a terminal go through $PAGER, default `less -FRX`; never when piped).",
    )(f)


def color_option(f):
    return click.option(
        "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
        help="Colour the matches (auto: on a terminal, unless NO_COLOR is set).",
    )(f)


def context_option(f):
    return click.option(
        "--context", type=click.IntRange(min=20), default=320, show_default=True, metavar="N",
        help="Characters of passage text shown per hit (up to 3 fragments around the matches).",
    )(f)


@click.group(cls=Cli, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
def cli() -> None:
    """Full-text search over reports on China's artificial-intelligence policy.

    \b
    Examples:
      corpus-search search "indigenous innovation"
      corpus-search search semiconductors --author "Jeffrey Ding" --limit 3
      corpus-search similar 004_b9cf0838e2274f89:21   # passages like this one
      corpus-search index ~/reports/        # add your own documents
      corpus-search stats
    """


QUERY_HELP = """Search the passages for QUERY; print the best ones, best first.

\b
Query syntax:
  plain words          ranked by how well passages match (not all-or-nothing)
  "exact phrase"       the words in this order
  AND  OR  NOT  ( )    boolean logic, e.g. chips AND (export OR sanctions) NOT Huawei
  field:term           search one field: text, title, section, author, document, kind, date;
                       author: document: kind: date: title: section: restrict the
                       results (as --author does) unless joined by OR; an unknown
                       field is an error
  prefix*              words starting with prefix
  term~                words spelt like term (one edit; term~2 for two)

\b
A malformed query (an unclosed quote or bracket, a dangling AND) is read as
a note on stderr says.  When nothing is found, stderr says why: words that
occur nowhere, matches the filters hide, a page past the last one.  When
fewer than 3 passages are found, a respelling is offered on stderr:
  did you mean: "semiconductor"?

\b
Acronyms: an acronym the indexed documents define, as in "Ministry of
Industry and Information Technology (MIIT)", also finds its long form, and
the long form its acronym, ranked a little below the form typed; a note on
stderr says so.  Acronyms are matched as written (MIIT, not miit); quoted
phrases and field terms are searched as typed.  --exact turns this off.

\b
Dates (--after, --before): YYYY, YYYY-MM or YYYY-MM-DD, both inclusive,
compared at the precision the document's date has: a report dated 2019-02
is after 2019-02-20 and before 2019-02-01 (same month), after 2019-01-15,
not after 2019-03.  Passages of undated documents are left out.

\b
Snippets: up to 3 fragments of whole sentences around the matches, best
first, joined by ' … '; --context N sets the characters shown per hit.

\b
Facets (--facets): passages per author and per document over every match,
not just this page; printed after the hits, or with --json as one JSON
object {"facets": {"total", "authors", "documents"}} on stderr, so that
stdout stays JSON Lines of hits.

\b
On a terminal, lines are wrapped to its width and results longer than the
screen go through $PAGER (default `less -FRX`; --no-pager or PAGER=cat
turns it off); piped output is neither wrapped nor paged.  Long section
paths are shortened in the middle (`show` prints them whole).

\b
Examples:
  corpus-search search "semiconductor export controls"
  corpus-search search 'author:ding "indigenous innovation"'
  corpus-search search talent --section "foreign talent" --json
  corpus-search search "export controls" --after 2020 --before 2023-06 --facets

Exit status: 0 when something was found, 1 when nothing was, 2 on error.
"""


@cli.command(help=QUERY_HELP, context_settings=CONTEXT)
@click.argument("query", nargs=-1, required=True)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Hits to show.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of results.")
@click.option("--author", multiple=True, help="Only passages by an author whose name has all these words (repeatable).")
@click.option("--document", multiple=True, help="Only passages of this document id (repeatable).")
@click.option("--section", help="Only passages whose section heading has all these words.")
@click.option("--after", metavar="DATE", help="Only documents dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--before", metavar="DATE", help="Only documents dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--facets", "with_facets", is_flag=True,
              help="Also count matching passages per author and per document (with --json: on stderr).")
@click.option("--cite", "cite_style", type=click.Choice(STYLES, case_sensitive=False), metavar="STYLE",
              help=f"Give each hit a citation of its source ({', '.join(STYLES)}).")
@click.option("--exact", is_flag=True,
              help="Search only the words as typed: no acronym searched as its long form, or the reverse.")
@context_option
@color_option
@pager_option
@index_option
@json_option
@click.pass_context
def search(ctx, query, limit, page, author, document, section, after, before, with_facets, cite_style, exact,
           context, color, no_pager, index_dir, as_json):
    text = " ".join(query)
    where = {"author": list(author), "document": list(document), "section": section,
             "after": after, "before": before}
    with open_searcher(ctx) as searcher:
        code = search_and_print(searcher, text, limit=limit, page=page, where=where, with_facets=with_facets,
                                context=context, color=color, as_json=as_json, cite=cite_style,
                                no_pager=no_pager, exact=exact)
    ctx.exit(code)


@cli.command(context_settings=CONTEXT)
@click.argument("passage_id")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Passages to show.")
@click.option("--author", multiple=True, help="Only passages by an author whose name has all these words (repeatable).")
@click.option("--document", multiple=True, help="Only passages of this document id (repeatable).")
@click.option("--after", metavar="DATE", help="Only documents dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--before", metavar="DATE", help="Only documents dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@context_option
@color_option
@pager_option
@index_option
@json_option
@click.pass_context
def similar(ctx, passage_id, limit, author, document, after, before, context, color, no_pager, index_dir, as_json):
    """Passages like PASSAGE_ID (found by its most telling words), best first.

    The passage itself and copies of it in other documents are left out; the
    shared telling words are highlighted.  --json prints JSON Lines as
    `search --json` does.  Exit status: 0 when something was found, 1 when
    nothing was, 2 on error (for example an unknown passage id).

    \b
    Examples:
      corpus-search similar 004_b9cf0838e2274f89:21
      corpus-search similar 004_b9cf0838e2274f89:21 --limit 3 --json
      corpus-search similar 004_b9cf0838e2274f89:21 --document 002_446d59fd56c55b2a
    """
    with open_searcher(ctx) as searcher:
        hits = searcher.similar(passage_id, limit=limit, author=list(author), document=list(document),
                                after=after, before=before)
    print_hits(hits, as_json, use_color(color, as_json), context, no_pager)
    if not hits:
        write(f"{PROG}: no passages like {passage_id}", err=True)
    ctx.exit(0 if hits else 1)


@cli.command(context_settings=CONTEXT)
@click.argument("item_id", metavar="ID")
@click.option("-C", "--context", "around", type=click.IntRange(min=0), default=None, metavar="N",
              help="Also show the N passages before and after it, in reading order (the passage marked >>).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the labels (auto: on a terminal, unless NO_COLOR is set).")
@index_option
@json_option
@click.pass_context
def show(ctx, item_id, around, color, index_dir, as_json):
    """Show a passage in full with everything known about it, or a document's outline.

    ID is a passage id (document:number) or a document id; any unique prefix
    of a document id will do.  For a document: its facts and its outline
    (article titles and sections, with the id of the first passage of each).

    \b
    Examples:
      corpus-search show 004_b9cf0838e2274f89:20
      corpus-search show 004_b9cf0838e2274f89:20 --context 1
      corpus-search show 000_5c84            # the document's outline
    """
    from ..ids import is_passage_id
    from .render_documents import format_context, format_full_passage, format_outline

    colored = use_color(color, as_json)
    with open_searcher(ctx) as searcher:
        if not is_passage_id(item_id) and searcher.get_or_none(item_id) is None:
            if around is not None:
                raise click.UsageError("--context needs a passage id (document:number), not a document id")
            doc = searcher.document(item_id)
            if as_json:
                write(json_text(doc.as_dict()))
            else:
                write(format_outline(doc, colored), color=colored)
            return
        if around:
            context = searcher.context(item_id, around)
            doc = searcher.document(context.passage.document, outline=False)
            if as_json:
                for line in context.as_dicts():
                    write(json_text(line))
            else:
                write(format_context(context, doc, colored), color=colored)
            return
        hit = searcher.get(item_id)
        doc = searcher.document(hit.document, outline=False)
    if as_json:
        write(json_text(hit.as_dict()))
    else:
        write(format_full_passage(hit, doc, colored), color=colored)


@cli.command(context_settings=CONTEXT)
@click.option("--author", multiple=True,
              help="Only documents with an author or editor whose name has all these words (repeatable).")
@click.option("--after", metavar="DATE", help="Only documents dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--before", metavar="DATE", help="Only documents dated on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the ids and titles (auto: on a terminal, unless NO_COLOR is set).")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines, one object per document.")
@click.pass_context
def documents(ctx, author, after, before, color, index_dir, as_json):
    """List the documents: id, title, authors, date, publisher, source, passages.

    \b
    Examples:
      corpus-search documents
      corpus-search documents --author ding --after 2020
      corpus-search documents --json

    Exit status: 0 when some document is listed, 1 when none is, 2 on error.
    """
    from .render_documents import format_documents

    with open_searcher(ctx) as searcher:
        docs = searcher.documents(author=list(author), after=after, before=before)
    if as_json:
        for doc in docs:
            write(json_text(doc.as_dict()))
    elif docs:
        colored = use_color(color, as_json)
        write(format_documents(docs, colored), color=colored)
    if not docs:
        write(f"{PROG}: no documents match", err=True)
    ctx.exit(0 if docs else 1)


@cli.command(context_settings=CONTEXT)
@click.argument("item_id", metavar="ID")
@click.option("-s", "--style", type=click.Choice(STYLES, case_sensitive=False), default=DEFAULT_STYLE,
              show_default=True, help="Citation style.")
@index_option
@json_option
@click.pass_context
def cite(ctx, item_id, style, index_dir, as_json):
    """Cite the source of a passage (or a document).

    A passage in an article of an edited volume cites the article within the
    volume; an interview answer cites the interview, its speaker as author.
    chicago is Chicago notes-bibliography (18th ed.): the bibliography entry,
    then, when the passage's page is known, the note citing it.  apa, mla and
    harvard print the reference entry (and the in-text citation with the
    page); bibtex, ris and csl-json print a record for reference managers.

    \b
    Examples:
      corpus-search cite 000_5c84af78ccbbd290:103
      corpus-search cite 000_5c84af78ccbbd290:103 --style bibtex >> refs.bib
      corpus-search cite 002 --style apa
    """
    with open_searcher(ctx) as searcher:
        citation = searcher.cite(item_id, style)
    if as_json:
        write(json_text({"id": item_id, "style": citation.style, "citation": citation.text,
                               "short": citation.short, "page": citation.page}))
        return
    write(citation.text)
    if citation.page and citation.short and citation.short != citation.text:  # (a note-only item: once)
        write("\n" + citation.short)


@cli.command(context_settings=CONTEXT)
@index_option
@json_option
@click.pass_context
def stats(ctx, index_dir, as_json):
    """Count documents, passages and passages per author; show where the index is.

    \b
    Example:
      corpus-search stats --json
    """
    with open_searcher(ctx) as searcher:
        result = searcher.stats()
    _write_result(result, as_json, "format_stats")


@cli.command(context_settings=CONTEXT)
@index_option
@json_option
@click.pass_context
def check(ctx, index_dir, as_json):
    """Verify the whole index: every file against the checksums written with it, every passage and posting read.

    Prints what was checked; a damaged index is an error naming the damaged
    file (exit status 2): run `corpus-search index --rebuild`.  An index made
    before checksums existed has none until the next `corpus-search index`.

    \b
    Examples:
      corpus-search check
      corpus-search check --index ./my-index --json
    """
    with open_searcher(ctx) as searcher:
        result = searcher.check()
    _write_result(result, as_json, "format_check")


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path())  # (str: click would turn '' into '.')
@click.option("--rebuild", is_flag=True, help="Start from scratch instead of updating.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for cleaning and analysis [default: one per core, at most 4].")
@click.option("--document-seconds", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Skip a document that takes longer to read, or to split into passages (30 s a MB "
                   "for a larger one; 0: no bound) [default: $CORPUS_SEARCH_DOCUMENT_SECONDS or 120].")
@click.option("--document-memory", type=click.FloatRange(min=0), default=None, metavar="MB",
              help="Skip a document whose reading or splitting needs more memory (0: no bound) "
                   "[default: $CORPUS_SEARCH_DOCUMENT_MEMORY_MB or 1024].")
@index_option
@json_option
@click.pass_context
def index(ctx, paths, rebuild, jobs, document_seconds, document_memory, index_dir, as_json):
    """Add PATHS (files or folders) to the index and bring it up to date.

    With no PATHS, re-reads every source the index tracks (the bundled corpus
    by default): new and changed files are indexed, deleted ones removed,
    unchanged ones skipped.  Reads .txt, .md, .html/.htm and .jsonl files.
    A PATH that does not exist is an error (exit status 2), reported after
    the rest is indexed.

    \b
    Examples:
      corpus-search index                       # update the default index
      corpus-search index ~/reports/ notes.md   # add your own documents
      corpus-search index --rebuild --jobs 2
      corpus-search index data.jsonl --index ./my-index --json
    """
    if jobs is None:
        from indexer import default_jobs

        jobs = default_jobs()
    report = run_indexer(index_dir, list(paths), rebuild, jobs=jobs,
                         budget={"document_seconds": document_seconds, "document_memory_mb": document_memory})
    _write_result(report, as_json, "format_report")
    # A path named on the command line that does not exist is an error, reported
    # after the rest was indexed (as `cp` and `grep` do with a missing argument).
    missing = {str(Path(p).expanduser()) for p in paths} & {s.path for s in report.skipped
                                                            if s.reason == "no such file or folder"}
    if missing:
        ctx.exit(fail(f"no such file or folder: {', '.join(sorted(missing))} (the rest was indexed)"))


@cli.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but this machine's own lets others on the network in.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your web browser.")
@index_option
@click.pass_context
def serve(ctx, host, port, open_browser, index_dir):
    """Serve a web page over the index, with a JSON API under /api/; Ctrl-C stops it.

    Read-only: searches with facets, passages with their context and
    citation, the documents, what is indexed.  Needs the web extra:
    pip install 'corpus-search[web]'.

    \b
    Examples:
      corpus-search serve --open
      corpus-search serve --port 9000 --index ./my-index
    """
    from importlib.util import find_spec

    from ..web.server import is_loopback, serve as run_server

    missing = [name for name in ("starlette", "uvicorn", "jinja2") if find_spec(name) is None]
    if missing:
        raise click.UsageError(f"the web page needs {', '.join(missing)}: pip install 'corpus-search[web]'")
    with open_searcher(ctx) as searcher:  # builds the default index on first use
        index_dir = searcher.index_dir
    if not is_loopback(host):
        write(f"{PROG}: warning: listening on {host}: anyone who can reach it can read the index", err=True)

    def ready(url: str) -> None:
        write(f"{PROG}: serving {index_dir} at {url} (Ctrl-C stops)", err=True)
        write(url)

    try:
        run_server(index_dir, host=host, port=port, open_browser=open_browser, ready=ready)
    except KeyboardInterrupt:
        pass  # Ctrl-C, as intended (where SIGINT is ignored, as in a background job, serve returns instead)
    write(f"{PROG}: stopped", err=True)
    ctx.exit(0)


def main() -> None:
    cli.main(prog_name=PROG)
