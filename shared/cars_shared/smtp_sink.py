"""`cars-smtp-sink`: a local SMTP server that keeps every message as an .eml file to read."""

from __future__ import annotations

import argparse
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from cars_shared.config import var_path


class MailFolder:
    """aiosmtpd handler writing each message to its own file, oldest first by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._count = len(list(folder.glob("*.eml")))

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        with self._lock:
            self._count += 1
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{self._count:06d}.eml"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(envelope.content)  # type: ignore[attr-defined]
        temporary.rename(self.folder / name)
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-smtp-sink", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--folder", default=None, help="where messages are kept (default VAR_DIR/mail)")
    args = parser.parse_args(argv)
    folder = Path(args.folder) if args.folder else var_path("mail", "x").parent
    controller = Controller(MailFolder(folder), hostname=args.host, port=args.port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    print(f"SMTP sink on {args.host}:{args.port}, messages in {folder}", flush=True)
    stopped.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
