"""The name under which every segment records its codec: `indexer.codec.PassageCodec`.

Whoosh pickles each segment's codec into the index's table of contents, so
this name is part of the index format and must keep working.  The codec
itself lives with the other Whoosh internals, in `indexer.whoosh_internals`.
"""
from .whoosh_internals import PassageCodec

__all__ = ["PassageCodec"]
