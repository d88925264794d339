"""What every benchmark shares: its arguments, fresh broker and database resources, and cleanup."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cars_shared.testing import TEST_AMQP_URI, TEST_POSTGRES_URL, PostgresDatabases, create_vhost, delete_vhost

BENCH_DIR = Path(__file__).resolve().parent
BIN = Path(__file__).resolve().parents[1] / ".venv" / "bin"


def parser(description: str) -> argparse.ArgumentParser:
    """The arguments every benchmark takes: `--scale` multiplies its default size; `--backend` picks the database."""
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument("--scale", type=float, default=1.0, help="multiplier of the default event count")
    arguments.add_argument(
        "--backend", choices=("postgres", "sqlite"), default="postgres", help="database of the services"
    )
    return arguments


@dataclass
class Resources:
    """A fresh vhost and fresh databases, all removed when the benchmark ends."""

    backend: str
    amqp_uri: str = ""
    _postgres: PostgresDatabases | None = None
    _tmp: Path | None = None
    _vhosts: list[str] = field(default_factory=list)

    def vhost(self) -> str:
        uri = create_vhost(TEST_AMQP_URI)
        self._vhosts.append(uri)
        return uri

    def database(self, label: str) -> str:
        """The URL of a new, empty database on the chosen backend."""
        if self.backend == "postgres":
            if self._postgres is None:
                self._postgres = PostgresDatabases(TEST_POSTGRES_URL)
            return self._postgres.create(f"bench_{label}")
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="cars-bench-"))
        return f"sqlite:///{self._tmp / f'{label}.db'}"

    def tmp_path(self, name: str) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="cars-bench-"))
        return self._tmp / name

    def close(self) -> None:
        for uri in self._vhosts:
            delete_vhost(uri)
        if self._postgres is not None:
            self._postgres.drop_all()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)


@contextmanager
def resources(backend: str) -> Iterator[Resources]:
    held = Resources(backend)
    try:
        yield held
    finally:
        held.close()


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")
