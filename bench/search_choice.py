"""How the full-text library was chosen: tantivy against SQLite FTS5 on the synthetic corpus.

Both index headline, summary and body of every article with English stemming and stop words;
both answer the same two-word AND queries (and agree on the counts). tantivy analyses in Rust
(``TextAnalyzerBuilder`` with a stemmer and stop-word filter) and makes highlighted snippets
itself; FTS5 has no stemmer but Porter's for English, so its side stems in Python (PyStemmer,
needed only for this comparison) and keeps the text beside the index for snippets.

Run: ``.venv/bin/python -m bench.search_choice [CORPUS.jsonl.gz]`` (default: the cached 100k
corpus); the figures and the choice are in ``bench/README.md`` (section "search").
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import tantivy

CORPUS = Path(__file__).parent / ".cache" / "corpus-100000-seed1-v1.jsonl.gz"
QUERIES = [
    ["sanctions", "budget"],
    ["railways", "growth"],
    ["banks", "review"],
    ["ports", "investment"],
    ["delegation", "summer"],
]
STOP = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)


def _size(path: Path) -> int:
    if path.is_file():
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _texts(corpus: Path) -> list[tuple[str, str]]:
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return [
        (r["slug"], f"{r['title']}\n\n{r.get('summary') or ''}\n\n{r.get('body_md') or ''}")
        for r in records
    ]


def measure_tantivy(texts: list[tuple[str, str]], where: Path) -> dict[str, float]:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("iri", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", stored=True, tokenizer_name="en")
    schema = builder.build()
    where.mkdir()
    index = tantivy.Index(schema, path=str(where))
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    index.register_tokenizer("en", analyzer)
    started = time.perf_counter()
    writer = index.writer(200_000_000, 2)
    for iri, text in texts:
        writer.add_document(tantivy.Document(iri=iri, text=text))
    writer.commit()
    writer.wait_merging_threads()
    built = time.perf_counter() - started
    index.reload()
    searcher = index.searcher()
    times, counts = [], []
    for _ in range(20):
        for words in QUERIES:
            begun = time.perf_counter()
            query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, tantivy.Query.term_query(schema, "text", term))
                    for word in words
                    for term in analyzer.analyze(word)
                ]
            )
            found = searcher.search(query, 10)
            snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "text")
            for _, address in found.hits:
                snippets.snippet_from_doc(searcher.doc(address)).to_html()
            times.append(time.perf_counter() - begun)
            counts.append(found.count)
    return {"build_s": built, "bytes": _size(where), "query_ms": statistics.median(times) * 1e3,
            "matches": sum(counts[: len(QUERIES)])}  # fmt: skip


def measure_fts5(texts: list[tuple[str, str]], where: Path) -> dict[str, float]:
    import Stemmer  # PyStemmer: for this comparison only

    stemmer = Stemmer.Stemmer("english")
    word = re.compile(r"\w+")

    def stems(text: str) -> str:
        return " ".join(stemmer.stemWords([w for w in word.findall(text.lower()) if w not in STOP]))

    started = time.perf_counter()
    db = sqlite3.connect(where)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE doc(id INTEGER PRIMARY KEY, iri TEXT UNIQUE, text TEXT)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(stems, content='', tokenize='unicode61')")
    with db:
        for number, (iri, text) in enumerate(texts):
            db.execute("INSERT INTO doc VALUES (?, ?, ?)", (number, iri, text))
            db.execute("INSERT INTO fts(rowid, stems) VALUES (?, ?)", (number, stems(text)))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    built = time.perf_counter() - started
    times, counts = [], []
    for _ in range(20):
        for words in QUERIES:
            begun = time.perf_counter()
            match = " AND ".join(f'"{stemmer.stemWord(w)}"' for w in words)
            rows = db.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10", (match,)
            ).fetchall()
            (count,) = db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (match,)).fetchone()
            for (rowid,) in rows:  # the text, for a snippet made in Python
                db.execute("SELECT text FROM doc WHERE id = ?", (rowid,)).fetchone()
            times.append(time.perf_counter() - begun)
            counts.append(count)
    db.close()
    return {"build_s": built, "bytes": _size(where), "query_ms": statistics.median(times) * 1e3,
            "matches": sum(counts[: len(QUERIES)])}  # fmt: skip


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else CORPUS
    texts = _texts(corpus)
    work = Path(tempfile.mkdtemp(prefix="search-choice-"))
    try:
        for name, measure, where in (
            ("tantivy", measure_tantivy, work / "tantivy"),
            ("sqlite-fts5", measure_fts5, work / "fts.sqlite"),
        ):
            figures = measure(texts, where)
            print(
                f"{name}: {len(texts)} articles indexed in {figures['build_s']:.2f} s, "
                f"{figures['bytes'] / 2**20:.0f} MiB; two-word AND query (top 10"
                f"{', snippets' if name == 'tantivy' else ''}, count) p50 "
                f"{figures['query_ms']:.2f} ms; {figures['matches']:.0f} matches"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
