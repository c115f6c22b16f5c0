"""RAG on your own documents: the command line ``python -m labkit.rag`` (index, ask, eval, calibrate).

The stages it runs (chunk, embed, index, retrieve, generate) are the course modules taught in
notebooks/01-03; this package only wires them to a user's folder. See docs/OWN_DOCUMENTS.md.
"""

from .cli import main

__all__ = ["main"]
