"""Files holding keys: written once, readable only by their owner, never half-written or replaced."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def create_secret_file(path: Path, content: bytes) -> None:
    """Write `content` to `path` unless a file is there; when processes race, exactly one content wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        # link() refuses an existing target, so a complete file appears at `path` once, atomically.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
