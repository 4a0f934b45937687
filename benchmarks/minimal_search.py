"""The baseline for the cold-search benchmark: plain Whoosh, nothing else.

Opens the same index, parses the query over the same fields, searches,
highlights the top 10 and prints them.  Usage:
    python benchmarks/minimal_search.py INDEX_DIR "query words"
"""
import sys
from pathlib import Path

from whoosh import index, qparser


def main(index_dir: str, query: str) -> int:
    folder = Path(index_dir)
    generation = folder / (folder / "CURRENT").read_text().strip()
    ix = index.open_dir(str(generation), indexname="passages")
    parser = qparser.MultifieldParser(["text", "title", "section"], ix.schema, group=qparser.OrGroup)
    with ix.searcher() as searcher:
        hits = searcher.search(parser.parse(query), limit=10)
        for hit in hits:
            print(hit.rank + 1, hit["id"], hit["title"])
            print(hit.highlights("text", top=3) or hit["text"][:200])
        return 0 if len(hits) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], " ".join(sys.argv[2:])))
