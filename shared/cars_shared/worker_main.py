"""`cars-worker module:Class`: runs one service's nameko worker with configuration from the environment."""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import signal  # noqa: E402
from pathlib import Path  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from cars_shared import logging as cars_logging  # noqa: E402
from cars_shared.config import AMQP_URI, WORKER_MAX_WORKERS, WORKER_PREFETCH  # noqa: E402


def load(target: str) -> type:
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cars-worker", description=__doc__)
    parser.add_argument("service", help="the worker class, as module:Class")
    parser.add_argument("--ready-file", help="touched once the worker consumes (for supervisors)")
    args = parser.parse_args(argv)
    service_class = load(args.service)
    cars_logging.configure(f"{service_class.name}-worker")
    config = {
        "AMQP_URI": AMQP_URI.get(),
        "max_workers": int(WORKER_MAX_WORKERS.get()),
        "PREFETCH_COUNT": int(WORKER_PREFETCH.get()),
        "serializer": "json",
    }
    runner = ServiceRunner(config)
    runner.add_service(service_class)
    log = cars_logging.get_logger(__name__)
    stop = eventlet.event.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        if not stop.ready():
            stop.send(None)

    def watch_service() -> None:
        # A service that dies (say its broker connection broke beyond repair) ends the process with an
        # error, so whatever supervises it restarts it instead of keeping an idle process alive.
        try:
            runner.wait()
        except Exception as error:  # noqa: BLE001 - reported through the exit code
            if not stop.ready():
                stop.send(error)

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    runner.start()
    # What the worker holds once started (modules, schemas, form declarations, connections) lives as long as the
    # process: frozen out of the cyclic garbage collector, whose full passes would otherwise walk all of it again
    # while events are handled (pauses of a few hundred milliseconds each).
    gc.collect()
    gc.freeze()
    if args.ready_file:
        Path(args.ready_file).touch()
    log.info("worker_started", service=service_class.name)
    eventlet.spawn(watch_service)
    failure = stop.wait()
    if failure is not None:
        log.error("worker_died", service=service_class.name, error=repr(failure))
        runner.kill()
        return 1
    runner.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
