"""Whether two indexes hold the same thing: every posting, stored field and field length, passage by passage.

    python benchmarks/same_index.py INDEX_A INDEX_B

For checking that a change to the indexer's speed left what it writes alone
(build the same documents with the code before and after, then compare).
Passages are matched by id (segment layout and document numbers may differ);
prints the first differences and exits 1 if there are any.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def contents(index_dir: Path) -> dict:
    """{"stored": {id: fields}, "postings": {(field, term): {id: (weight, value)}}, "lengths": {id: {field: n}}}."""
    from indexer import layout
    from indexer.whoosh_internals import open_index

    ix = open_index(str(layout.current_generation(index_dir)), layout.INDEX_NAME)
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        stored = {ids[docnum]: fields for docnum, fields in reader.iter_docs()}
        scorable = [name for name in reader.schema.scorable_names()]
        lengths = {ids[d]: {f: reader.doc_field_length(d, f) for f in scorable} for d in ids}
        postings = {}
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            found = {}
            while matcher.is_active():
                found[ids[matcher.id()]] = (matcher.weight(), matcher.value())
                matcher.next()
            postings[(fieldname, term)] = found
    return {"stored": stored, "postings": postings, "lengths": lengths}


def differences(a: dict, b: dict, limit: int = 10) -> list[str]:
    out = []
    for part in ("stored", "lengths", "postings"):
        x, y = a[part], b[part]
        for key in sorted(x.keys() ^ y.keys(), key=repr)[:limit]:
            out.append(f"{part}: {key!r} only in {'A' if key in x else 'B'}")
        for key in sorted(x.keys() & y.keys(), key=repr):
            if x[key] != y[key]:
                out.append(f"{part}: {key!r} differs")
                if len(out) >= limit:
                    return out
    return out


def main(argv: list[str]) -> int:
    a, b = (contents(Path(p)) for p in argv[:2])
    found = differences(a, b)
    sizes = f"{len(a['stored'])} passages, {len(a['postings'])} terms"
    if found:
        print("\n".join(found))
        return 1
    print(f"same: {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
