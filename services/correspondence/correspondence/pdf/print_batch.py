"""A print batch: the letters staff print in one go, as one PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfWriter

from correspondence.pdf.letter import AUTHOR


def combined(documents: Sequence[bytes]) -> bytes:
    """The documents one after another in one PDF, each letter keeping its own pages and page numbers."""
    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    writer.add_metadata({"/Title": "Print batch of Entity Access Code Letters", "/Author": AUTHOR, "/Creator": "CARS"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
