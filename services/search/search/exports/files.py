"""Where export files are kept: one folder the search worker writes and the search gateway serves."""

from __future__ import annotations

from pathlib import Path

from cars_shared.config import SEARCH_EXPORT_DIR, var_path


def export_dir() -> Path:
    """SEARCH_EXPORT_DIR, else VAR_DIR/exports; created if missing."""
    configured = SEARCH_EXPORT_DIR.get()
    folder = Path(configured) if configured else var_path("exports", "-").parent
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_file(folder: Path, job_id: str, extension: str) -> Path:
    """The file of one job; job ids are UUIDs the service made, so the name is safe."""
    return folder / f"{job_id}.{extension}"
