"""How much cheaper an incremental update is than a rebuild.

    python benchmarks/incremental.py [--docs 2000] [--format txt|jsonl]

Generates a corpus of synthetic reports in a temporary folder, builds an index
of it, then times (each in a fresh process, as a user would run it): an update
with nothing changed, adding one document, changing one, deleting one, and a
rebuild.  For JSON Lines, "adding" appends a record to the one big file.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = ("policy china export control chip semiconductor talent program university research "
         "state council plan industry robot factory data model network security standard market "
         "investment venture capital province city government ministry science technology "
         "innovation supply chain military civil fusion cloud computing algorithm patent law").split()


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        for _ in range(sentences)
    )


def report_text(rng: random.Random, n: int) -> str:
    return f"Report {n}\n\n" + "\n\n".join(paragraph(rng) for _ in range(6)) + "\n"


def make_corpus(folder: Path, docs: int, fmt: str) -> None:
    rng = random.Random(0)
    folder.mkdir(parents=True)
    if fmt == "txt":
        for i in range(docs):
            (folder / f"doc{i:05d}.txt").write_text(report_text(rng, i))
    else:
        with open(folder / "corpus.jsonl", "w") as fh:
            for i in range(docs):
                fh.write(json.dumps({"_id": f"r{i}", "title": f"Record {i}", "text": report_text(rng, i)}) + "\n")


def timed(label: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "searcher", "index", *args], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    print(f"{label:<22} {seconds:7.2f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--format", choices=["txt", "jsonl"], default="txt")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        make_corpus(corpus, args.docs, args.format)
        rng = random.Random(1)
        full = timed(f"build ({args.docs} docs)", str(corpus), "--index", str(index))
        timed("update, no change", "--index", str(index))
        if args.format == "txt":
            (corpus / "new.txt").write_text(report_text(rng, -1))
            add = timed("add 1 document", "--index", str(index))
            (corpus / "doc00007.txt").write_text(report_text(rng, -2))
            timed("change 1 document", "--index", str(index))
            (corpus / "doc00008.txt").unlink()
            timed("delete 1 document", "--index", str(index))
        else:
            with open(corpus / "corpus.jsonl", "a") as fh:
                fh.write(json.dumps({"_id": "new", "text": report_text(rng, -1)}) + "\n")
            add = timed("append 1 record", "--index", str(index))
        timed("rebuild", "--rebuild", "--index", str(index))
        print(f"adding one document costs {add / full:.1%} of a full build")


if __name__ == "__main__":
    main()
