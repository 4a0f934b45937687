"""Documents in, cleaned and structured documents out (no Whoosh, no click)."""
from .errors import CorpusSearchError, UnreadableDocument
from .model import Block, Document, RawDocument

__all__ = ["Block", "CorpusSearchError", "Document", "RawDocument", "UnreadableDocument"]
