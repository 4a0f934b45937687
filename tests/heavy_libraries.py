"""The libraries a search must never load: each belongs to a command or a file type that is not a search."""

# Sentence splitting (indexing) and HTML reading.
INDEXING_LIBRARIES = {"nltk", "bs4"}
# Imported by corpus.pdf and corpus.docx, only when a PDF or Word file is read.
PDF_AND_WORD_LIBRARIES = {"pypdfium2", "pypdfium2_raw", "docx", "pdfminer", "pypdf", "lxml"}
# The web page's server and its browser tests, web-page extraction, citations (rendered only
# when asked for), PDF writing.
WEB_AND_CITATION_LIBRARIES = {"starlette", "uvicorn", "jinja2", "httpx", "playwright", "trafilatura", "readability",
                              "citeproc", "bibtexparser", "reportlab"}
# Imported by corpus.markdown, only when a Markdown file is read.
MARKDOWN_LIBRARIES = {"markdown_it", "mdit_py_plugins"}
# Benchmark-only (the `bench` extra): peers and plots.
BENCHMARK_LIBRARIES = {"bm25s", "Stemmer", "matplotlib"}
HEAVY_LIBRARIES = (INDEXING_LIBRARIES | PDF_AND_WORD_LIBRARIES | WEB_AND_CITATION_LIBRARIES | MARKDOWN_LIBRARIES
                   | BENCHMARK_LIBRARIES)
