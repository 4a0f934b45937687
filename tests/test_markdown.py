"""Reading Markdown with a CommonMark parser: headings of both kinds, metadata from front matter, text kept whole."""
from __future__ import annotations

from corpus.markdown import FOOTNOTES, read_markdown
from corpus.model import NOTES
from corpus.structure import build_document

README = """\
---
title: Porting systemd To New Distributions
authors:
  - Lennart Poettering
  - name: Zbigniew Jędrzejewski-Szmek
date: 2021-03-04
description: How to port it
layout: default
---
<!-- a comment is no title -->

[![Join the chat at https://gitter.im/x](https://badges.gitter.im/x.svg)](https://gitter.im/x)
[![Build Status](https://img.shields.io/travis/x.svg)](https://travis-ci.org/x)

HTTP and HTTPS
==============

httplib2 is a comprehensive HTTP client library, see <https://github.com/httplib2/httplib2>
and the {ref}`caching <cache>` notes.[^1]

Short Tests
-----------
- Compilation on all supported targets (x86, x86_64, ARM, AArch64,
  PowerPC, and PowerPC64)
- Hashes: `--hash=sha256:2cf24dba`

| name | uid |
|------|-----|
| www-data | 33 |

> A quoted remark about IPv6.

```python
import httplib2
h = httplib2.Http(".cache")
```

[^1]: The cache keeps GPT-4 answers on an H100.
"""


def test_front_matter_is_metadata_never_text():
    raw = read_markdown("PORTING.md", README, "porting")
    assert raw.title == "Porting systemd To New Distributions"
    assert raw.authors == ("Lennart Poettering", "Zbigniew Jędrzejewski-Szmek")
    assert raw.date == "2021-03-04"
    assert raw.description == "How to port it"
    assert "layout" not in raw.text and "How to port it" not in raw.text and "comment" not in raw.text


def test_setext_headings_lists_tables_quotes_code_and_footnotes():
    raw = read_markdown("PORTING.md", README, "porting")
    assert raw.sections == (
        ("HTTP and HTTPS", "httplib2 is a comprehensive HTTP client library, see "
                           "https://github.com/httplib2/httplib2 and the caching <cache> notes."),
        ("Short Tests", "Compilation on all supported targets (x86, x86_64, ARM, AArch64, PowerPC, and PowerPC64)"),
        ("Short Tests", "Hashes: --hash=sha256:2cf24dba"),
        ("Short Tests", "name uid"),
        ("Short Tests", "www-data 33"),
        ("Short Tests", "A quoted remark about IPv6."),
        ("Short Tests", 'import httplib2\nh = httplib2.Http(".cache")'),  # a code block keeps its lines
        (FOOTNOTES, "The cache keeps GPT-4 answers on an H100."),
    )


def test_badges_go_and_footnotes_are_notes():
    document = build_document(read_markdown("PORTING.md", README, "porting"))
    everything = " ".join(b.text + " " + b.section for b in document.blocks)
    assert "gitter" not in everything and "Build Status" not in everything
    assert [b.kind for b in document.blocks if b.section == FOOTNOTES] == [NOTES]


def test_first_top_level_heading_is_the_title_when_there_is_no_front_matter():
    raw = read_markdown("r.md", "Intro text.\n\nPyYAML\n======\n\nA YAML parser.\n\n# Later\n\nMore.\n", "r")
    assert raw.title == "PyYAML"
    assert raw.sections == (("", "Intro text."), ("PyYAML", "A YAML parser."), ("Later", "More."))


def test_an_image_keeps_its_alt_text_and_a_link_its_text():
    raw = read_markdown("r.md", "![Zstandard logo](doc/logo.png) and [the manual](https://x.org/m).\n", "r")
    assert raw.sections == (("", "Zstandard logo and the manual."),)


def test_a_myst_directive_is_read_as_the_markdown_it_holds():
    text = "# Installs\n\n```{admonition} Pinning\n:class: margin\nSee {ref}`pip freeze <freeze>` and **pin** it.\n" \
           "```\n\n```{code-block} python\nimport httplib2\n```\n"
    raw = read_markdown("w.md", text, "w")
    assert raw.sections == (("Installs", "Pinning"), ("Installs", "See pip freeze <freeze> and pin it."),
                            ("Installs", "import httplib2"))


def test_the_front_matter_description_is_the_documents_description_in_show_and_documents(tmp_path):
    import json

    from click.testing import CliRunner

    from indexer import Indexer
    from searcher import Searcher
    from searcher.cli import cli

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "porting.md").write_text(README, encoding="utf-8")
    Indexer(tmp_path / "ix").update([docs])
    with Searcher(tmp_path / "ix") as s:
        assert s.document("porting").description == "How to port it"
        assert all("How to port it" not in h.text for h in s.search("port", limit=50))  # metadata, never text
    listed = CliRunner().invoke(cli, ["documents", "--json", "--index", str(tmp_path / "ix")])
    assert json.loads(listed.stdout)["description"] == "How to port it"
    shown = CliRunner().invoke(cli, ["show", "porting", "--index", str(tmp_path / "ix")])
    assert "description: How to port it" in " ".join(shown.stdout.split())


def test_a_document_without_a_heading_is_titled_by_its_first_words_not_a_banner_drawn_in_symbols():
    text = ("       __\n      /\\ \\    __\n     _\\_\\ \\  /\\_\\\n    /\\___,_\\ \\/_/\n\n"
            "Underscore.js is a utility-belt library for JavaScript.\n")
    document = build_document(read_markdown("README.md", text, "r"))
    assert document.title == "Underscore.js is a utility-belt library for JavaScript."
    assert document.blocks[0].text == "__\n/\\ \\ __\n_\\_\\ \\ /\\_\\\n/\\___,_\\ \\/_/"  # the banner stays, line by line
